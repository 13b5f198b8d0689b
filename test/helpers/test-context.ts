/** A BuildContext for tests: fixed clock, collected output and warnings. */
import path from 'node:path';
import { systemClock } from '../../src/core/context.js';
import type { BuildContext } from '../../src/core/context.js';

export interface TestContext extends BuildContext {
  output: string[];
  warnings: string[];
}

export function testContext(overrides: Partial<BuildContext> = {}): TestContext {
  const output: string[] = [];
  const warnings: string[] = [];
  let t = 0;
  const ctx: TestContext = {
    unitPath: 'test',
    unitType: 'test',
    baseDir: path.resolve(import.meta.dirname, '../..'),
    clock: { ...systemClock, now: () => 1_700_000_000_000 + t, monotonic: () => (t += 1) },
    seed: 1,
    logger: { info() {}, warn() {}, debug() {} },
    signal: new AbortController().signal,
    live: false,
    stdout: { write: (s: string) => output.push(s) },
    stderr: { write: (s: string) => output.push(s) },
    flow: { ready: () => undefined },
    warn: (m: string) => warnings.push(m),
    output,
    warnings,
    ...overrides,
  };
  return ctx;
}
