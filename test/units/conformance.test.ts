/**
 * The shared conformance suite every unit passes: registered under its file name,
 * documented, parses its own example, rejects unknown keys, and — built from its
 * example — completes when its input completes, propagates errors, and
 * unsubscribes upstream.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { firstValueFrom, from, Observable, take, throwError, concat, toArray, timeout } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { unitSchemaWithType } from '../../src/core/config/pipeline-schema.js';
import { allUnits } from '../../src/core/registry.js';
import type { PipelineEvent } from '../../src/core/events.js';
import type { SinkSpec, SourceSpec, StageSpec, UnitSpec } from '../../src/core/unit.js';
import { examEvents } from '../helpers/frames.js';
import { testContext } from '../helpers/test-context.js';
import { conformanceConfig, conformanceInput } from './conformance-input.js';

const root = path.resolve(import.meta.dirname, '../..');

function exampleConfig(unit: UnitSpec): Record<string, unknown> {
  return unitSchemaWithType(unit).parse({ ...unit.example, ...conformanceConfig(unit.type) }) as Record<string, unknown>;
}

function tmpContext() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-conf-'));
  return testContext({ baseDir: dir });
}

describe.each(allUnits().map((u) => [`${u.kind} ${u.type}`, u] as const))('%s', (_name, unit) => {
  it('lives in a file or folder named after its type', () => {
    const dir = path.join(root, 'src', `${unit.kind}s`);
    expect(fs.existsSync(path.join(dir, `${unit.type}.ts`)) || fs.existsSync(path.join(dir, unit.type, 'index.ts'))).toBe(true);
    expect(unit.type).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
  });

  it('parses its own example', () => {
    expect(unit.example.type).toBe(unit.type);
    expect(unitSchemaWithType(unit).safeParse(unit.example).success).toBe(true);
  });

  it('rejects unknown keys', () => {
    const result = unitSchemaWithType(unit).safeParse({ ...unit.example, notAKey: 1 });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('notAKey');
  });

  it('documents every parameter', () => {
    const json = z.toJSONSchema(unit.schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { description?: string }> };
    for (const [name, prop] of Object.entries(json.properties ?? {})) expect(prop.description, `${unit.type}.${name}`).toBeTruthy();
    expect(unit.summary.length).toBeGreaterThan(10);
  });

  if (unit.kind === 'stage') {
    const stage = unit as StageSpec;
    const input = (): PipelineEvent[] => conformanceInput(unit.type) ?? examEvents(12);

    it('completes when its input completes and passes other events through', async () => {
      const op = await stage.build(exampleConfig(unit), tmpContext());
      const marker: PipelineEvent = { kind: 'warning', atMs: 0, scope: 'test', message: 'marker' };
      const out = await firstValueFrom(from([...input(), marker]).pipe(op, toArray(), timeout(60_000)));
      expect(out).toContainEqual(marker);
    }, 90_000);

    it('propagates an upstream error', async () => {
      const op = await stage.build(exampleConfig(unit), tmpContext());
      const failing = concat(
        from(input().slice(0, 3)),
        throwError(() => new Error('upstream broke')),
      );
      await expect(firstValueFrom(failing.pipe(op, toArray(), timeout(60_000)))).rejects.toThrow('upstream broke');
    }, 90_000);

    it('unsubscribes upstream when its subscriber leaves', async () => {
      const op = await stage.build(exampleConfig(unit), tmpContext());
      let unsubscribed = false;
      const endless = new Observable<PipelineEvent>((sub) => {
        for (const e of input()) sub.next(e);
        return () => (unsubscribed = true);
      });
      await firstValueFrom(endless.pipe(op, take(1), timeout(60_000)));
      expect(unsubscribed).toBe(true);
    }, 90_000);
  }

  if (unit.kind === 'sink') {
    const sink = unit as SinkSpec;
    it('completes after its input completes', async () => {
      const ctx = tmpContext();
      const op = await sink.build(exampleConfig(unit), ctx);
      await expect(firstValueFrom(from(examEvents(5)).pipe(op, toArray(), timeout(30_000)))).resolves.toEqual([]);
    }, 60_000);

    it('propagates an upstream error after flushing', async () => {
      const op = await sink.build(exampleConfig(unit), tmpContext());
      const failing = concat(
        from(examEvents(3)),
        throwError(() => new Error('upstream broke')),
      );
      await expect(firstValueFrom(failing.pipe(op, toArray(), timeout(30_000)))).rejects.toThrow('upstream broke');
    }, 60_000);
  }

  if (unit.kind === 'source') {
    const source = unit as SourceSpec;
    it('emits exam-start first and stops when unsubscribed', async () => {
      const source$ = await source.build(exampleConfig(unit), testContext());
      const first = await firstValueFrom(source$.pipe(take(3), toArray(), timeout(60_000)));
      expect(first[0]!.kind).toBe('exam-start');
      expect(first.some((e) => e.kind === 'frame')).toBe(true);
    }, 90_000);
  }
});
