import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { AutodvtError } from '../../../src/core/errors.js';
import type { PipelineEvent } from '../../../src/core/events.js';
import { textRemovalStage } from '../../../src/stages/text-removal/index.js';
import { grayFrame } from '../../helpers/frames.js';
import { testContext } from '../../helpers/test-context.js';

const mode = vi.hoisted(() => ({ failAt: 'start' as 'start' | 'recognize', terminated: 0 }));

vi.mock('tesseract.js', () => ({
  createWorker: async () => {
    if (mode.failAt === 'start') throw new Error('wasm could not start');
    return {
      setParameters: async () => ({}),
      recognize: async () => {
        throw new Error('worker thread exited');
      },
      terminate: async () => {
        mode.terminated++;
      },
    };
  },
}));

async function runOnce() {
  const op = await textRemovalStage.build(textRemovalStage.schema.parse({ warmupFrames: 1 }), testContext());
  return firstValueFrom(from([grayFrame(0, 64, 48)] as PipelineEvent[]).pipe(op, toArray())).catch((e) => e);
}

describe('text-removal when tesseract fails', () => {
  it('a worker that cannot start fails the stream with a stage:text-removal error that says what to check', async () => {
    mode.failAt = 'start';
    const err = await runOnce();
    expect(err).toBeInstanceOf(AutodvtError);
    expect(err.scope).toBe('stage:text-removal');
    expect(err.message).toContain('tesseract worker start failed: wasm could not start');
    expect(err.hint).toContain('@tesseract.js-data/eng');
  });

  it('a worker that fails during recognition fails the stream, and the workers are terminated', async () => {
    mode.failAt = 'recognize';
    mode.terminated = 0;
    const err = await runOnce();
    expect(err).toBeInstanceOf(AutodvtError);
    expect(err.scope).toBe('stage:text-removal');
    expect(err.message).toContain('tesseract recognition failed: worker thread exited');
    await vi.waitFor(() => expect(mode.terminated).toBeGreaterThan(0));
  });
});
