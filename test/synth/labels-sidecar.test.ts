import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { labelsForFrame, readLabelsSidecar, segmentsFromFrames, sidecarPathFor, writeLabelsSidecar, type LabelsSidecar } from '../../src/labels/index.js';

const dir = mkdtempSync(join(tmpdir(), 'autodvt-labels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const frameArb = fc.record(
  {
    landmark: fc.constantFrom('BG' as const, 'LM1' as const, 'LM2' as const),
    open: fc.boolean(),
    thrombus: fc.boolean(),
  },
  { requiredKeys: ['landmark'] },
);

describe('labels sidecar', () => {
  it('puts the sidecar next to the media file', () => {
    expect(sidecarPathFor('/data/exam 1.dcm')).toBe('/data/exam 1.dcm.labels.json');
  });

  it('round-trips per-frame labels through write and read unchanged', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(frameArb, { maxLength: 60 }), async (frames) => {
        const path = join(dir, `f${n++}.labels.json`);
        const sidecar: LabelsSidecar = { version: 1, examId: 'e', fps: 30, frameCount: frames.length, frames };
        await writeLabelsSidecar(path, sidecar);
        expect(await readLabelsSidecar(path)).toEqual(sidecar);
      }),
      { numRuns: 25 },
    );
  });

  it('gives the same labels for every frame whether stored per frame or as run-length segments', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 80 }), (frames) => {
        const perFrame: LabelsSidecar = { version: 1, frames };
        const segments: LabelsSidecar = { version: 1, segments: segmentsFromFrames(frames) };
        for (let i = 0; i < frames.length + 2; i++) expect(labelsForFrame(segments, i)).toEqual(labelsForFrame(perFrame, i));
      }),
      { numRuns: 50 },
    );
  });

  it('prefers a frame entry over the segment covering it and leaves unlabelled frames undefined', () => {
    const s: LabelsSidecar = {
      version: 1,
      frames: [null, { landmark: 'LM2', open: false }],
      segments: [{ start: 0, end: 3, landmark: 'LM1', open: true }],
      textBoxes: [{ x: 1, y: 2, width: 3, height: 4 }],
    };
    expect(labelsForFrame(s, 0)).toEqual({ landmark: 'LM1', open: true, textBoxes: s.textBoxes });
    expect(labelsForFrame(s, 1)?.landmark).toBe('LM2');
    expect(labelsForFrame(s, 4)).toBeUndefined();
  });

  it('rejects bad content with an InputError naming the file and every bad field', async () => {
    const path = join(dir, 'bad.labels.json');
    writeFileSync(path, JSON.stringify({ version: 1, frames: [{ landmark: 'LM3' }], segments: [{ start: 5, end: 2 }], extra: 1 }));
    const err = await readLabelsSidecar(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const msg = (err as Error).message;
    expect(msg).toContain(path);
    expect(msg).toContain('frames[0].landmark');
    expect(msg).toContain('segments[0].end');
    expect(msg).toMatch(/extra/);
    expect((err as InputError).exitCode).toBe(2);
  });

  it('rejects a sidecar with neither frames nor segments, and malformed JSON', async () => {
    const p1 = join(dir, 'empty.labels.json');
    writeFileSync(p1, JSON.stringify({ version: 1 }));
    await expect(readLabelsSidecar(p1)).rejects.toThrow(/frames.*segments/);
    const p2 = join(dir, 'broken.labels.json');
    writeFileSync(p2, '{ "version": 1, ');
    await expect(readLabelsSidecar(p2)).rejects.toThrow(/not valid JSON/);
    await expect(readLabelsSidecar(join(dir, 'missing.json'))).rejects.toBeInstanceOf(InputError);
  });
});
