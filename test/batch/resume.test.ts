import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideResume } from '../../src/batch/resume.js';
import type { ExamResult } from '../../src/batch/index.js';

const hashes = { input: 'i1', model: 'm1', pipeline: 'p1' };

function stored(status: 'ok' | 'failed', h = hashes, category: 'input' | 'runtime' = 'input'): ExamResult {
  return { key: 'e', status, hashes: h, ...(status === 'failed' ? { error: { message: 'x', category } } : {}) } as ExamResult;
}

describe('resume decision', () => {
  it('runs a new exam, and says "partial" when one was cut short', () => {
    expect(decideResume(undefined, hashes, { partial: false })).toEqual({ action: 'run', reason: 'new' });
    expect(decideResume(undefined, hashes, { partial: true })).toEqual({ action: 'run', reason: 'partial' });
  });

  it('skips a failure on bad input, but retries it on request and retries runtime failures', () => {
    expect(decideResume(stored('failed'), hashes, { partial: false }).action).toBe('skip');
    expect(decideResume(stored('failed'), hashes, { partial: false, retryFailed: true })).toEqual({ action: 'run', reason: 'retry failed' });
    expect(decideResume(stored('failed', hashes, 'runtime'), hashes, { partial: false }).action).toBe('run');
  });

  it('skips an ok result exactly when all three hashes are equal', () => {
    const h = fc.record({ input: fc.constantFrom('i1', 'i2'), model: fc.constantFrom('m1', 'm2'), pipeline: fc.constantFrom('p1', 'p2') });
    fc.assert(
      fc.property(h, h, fc.boolean(), (a, b, partial) => {
        const same = a.input === b.input && a.model === b.model && a.pipeline === b.pipeline;
        expect(decideResume(stored('ok', a), b, { partial }).action).toBe(same ? 'skip' : 'run');
      }),
    );
  });
});
