import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelsForFrame, readLabelsSidecar, sidecarPathFor, writeLabelsSidecar } from '../../src/labels/index.js';
import { readStoredLabels, saveStoredLabels, SaveConflict } from '../../src/label/loop-labels-store.js';
import type { LoopFrameLabel } from '../../src/label/frame-labels.js';

const frameLabel: fc.Arbitrary<LoopFrameLabel> = fc.oneof(
  fc.record({ landmark: fc.constantFrom('BG', 'LM1', 'LM2'), open: fc.boolean(), thrombus: fc.boolean() }, { requiredKeys: [] }),
  fc.constant({ unusable: true } as LoopFrameLabel),
);
const at = new Date('2026-12-07T16:00:00.000Z');

function tempMedia(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-label-store-'));
  return path.join(dir, 'loop.dcm');
}

describe('loop labels store (the sidecar the labeller writes)', () => {
  it('reads back exactly the labels it saved, for any labels', async () => {
    const media = tempMedia();
    let revision = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(frameLabel, { minLength: 1, maxLength: 60 }), async (frames) => {
        revision = await saveStoredLabels(media, { frames, baseRevision: revision, labelledBy: 'ana', at, fps: 25, examId: 'loop' });
        const stored = await readStoredLabels(media, frames.length);
        expect(stored.frames).toEqual(frames);
        expect(stored.revision).toBe(revision);
      }),
      { numRuns: 40 },
    );
  });

  it('records who labelled and when, increments the revision, and writes a sidecar the pipeline reads', async () => {
    const media = tempMedia();
    const frames: LoopFrameLabel[] = [{ landmark: 'LM1' }, { landmark: 'LM1', open: false }, { unusable: true }, {}];
    expect(await saveStoredLabels(media, { frames, baseRevision: 0, labelledBy: 'ana', at, fps: 30, examId: 'loop' })).toBe(1);
    const sidecar = await readLabelsSidecar(sidecarPathFor(media));
    expect(sidecar).toMatchObject({
      version: 1,
      examId: 'loop',
      fps: 30,
      frameCount: 4,
      source: 'manual',
      labelledBy: 'ana',
      labelledAt: at.toISOString(),
      revision: 1,
    });
    expect(sidecar.segments).toEqual([
      { start: 0, end: 0, landmark: 'LM1' },
      { start: 1, end: 1, landmark: 'LM1', open: false },
      { start: 2, end: 2, unusable: true },
    ]);
    // The sources' reader: an unusable frame carries no label; an unlabelled one none at all.
    expect(labelsForFrame(sidecar, 1)).toEqual({ landmark: 'LM1', open: false });
    expect(labelsForFrame(sidecar, 2)).toEqual({});
    expect(labelsForFrame(sidecar, 3)).toBeUndefined();
  });

  it('refuses a save based on a stale revision and leaves the sidecar as it was', async () => {
    const media = tempMedia();
    await saveStoredLabels(media, { frames: [{ landmark: 'BG' }], baseRevision: 0, labelledBy: 'tab-a', at, examId: 'loop' });
    const before = fs.readFileSync(sidecarPathFor(media), 'utf8');
    const stale = saveStoredLabels(media, { frames: [{ landmark: 'LM2' }], baseRevision: 0, labelledBy: 'tab-b', at, examId: 'loop' });
    await expect(stale).rejects.toBeInstanceOf(SaveConflict);
    await expect(stale).rejects.toMatchObject({ currentRevision: 1 });
    expect(fs.readFileSync(sidecarPathFor(media), 'utf8')).toBe(before);
  });

  it('lets exactly one of two saves based on the same revision through', async () => {
    const media = tempMedia();
    const results = await Promise.allSettled([
      saveStoredLabels(media, { frames: [{ landmark: 'BG' }], baseRevision: 0, labelledBy: 'a', at, examId: 'loop' }),
      saveStoredLabels(media, { frames: [{ landmark: 'LM1' }], baseRevision: 0, labelledBy: 'b', at, examId: 'loop' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('keeps the fields it does not edit and reads labels given frame by frame', async () => {
    const media = tempMedia();
    await writeLabelsSidecar(sidecarPathFor(media), {
      version: 1,
      subjectId: 'S017',
      verdict: 'incomplete',
      visits: [{ landmark: 'LM1', startFrame: 0, endFrame: 1 }],
      segments: [{ start: 0, end: 2, landmark: 'BG' }],
      frames: [null, { landmark: 'LM1', open: true }],
    });
    const stored = await readStoredLabels(media, 3);
    expect(stored.frames).toEqual([{ landmark: 'BG' }, { landmark: 'LM1', open: true }, { landmark: 'BG' }]);
    expect(stored.revision).toBe(0);
    await saveStoredLabels(media, { frames: stored.frames, baseRevision: 0, labelledBy: 'ana', at, examId: 'loop' });
    const sidecar = await readLabelsSidecar(sidecarPathFor(media));
    expect(sidecar).toMatchObject({ subjectId: 'S017', verdict: 'incomplete', visits: [{ landmark: 'LM1', startFrame: 0, endFrame: 1 }] });
    expect(sidecar.frames).toBeUndefined();
    expect(fs.readdirSync(path.dirname(media)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
