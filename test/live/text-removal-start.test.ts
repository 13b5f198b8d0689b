/**
 * Live input through text removal: the frames it drops before its first OCR mask must
 * not hold the next frames back. With one frame in flight (the live default), a frame
 * that never reaches the sinks used to keep the in-flight gate shut until the live
 * queue's 1 s timeout, once per dropped frame: about 5 s of lost frames at every start.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parsePipeline, requireValid } from '../../src/core/config/load-pipeline.js';
import { runPipeline } from '../../src/pipeline.js';
import { findUnit } from '../../src/core/registry.js';
import type { WarningEvent } from '../../src/core/events.js';
import { produceFrames, tmpDir } from './live-helpers.js';

describe.runIf(findUnit('stage', 'text-removal') !== undefined)('live text removal at the start of a stream', () => {
  it('drops only the frames before the first mask: the stages never fall behind the source', async () => {
    const dir = tmpDir();
    const stdin = new PassThrough();
    produceFrames({ frames: 150, size: '320x240', realtime: true }).stdout!.pipe(stdin);
    const yaml = [
      'source:\n  type: stdin\n  size: 320x240\n  fps: 30\n  examId: live-start',
      'stages:\n  - type: text-removal',
      'sinks:\n  - type: console\n    intervalMs: 0',
    ].join('\n');
    const warnings: WarningEvent[] = [];
    let framesOut = 0;
    await runPipeline(requireValid(parsePipeline(yaml, { env: {}, baseDir: dir })), {
      baseDir: dir,
      stdin,
      stdout: { write: () => true },
      tap: (e) => {
        if (e.kind === 'warning') warnings.push(e);
        if (e.kind === 'frame') framesOut++;
      },
    });
    const text = warnings.map((w) => `${w.scope}: ${w.message}`);
    expect(text.filter((t) => t.includes('behind the source'))).toEqual([]);
    // Text removal itself drops the frames before its first mask, and says how many, once.
    const dropped = text.filter((t) => t.includes('while the first OCR ran'));
    expect(dropped).toHaveLength(1);
    const n = Number(/dropped (\d+) frames/.exec(dropped[0]!)![1]);
    expect(n).toBeGreaterThanOrEqual(5);
    expect(framesOut).toBe(150 - n);
  }, 60_000);
});
