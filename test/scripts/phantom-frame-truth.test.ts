/**
 * scripts/phantom-frame-truth.ts: the per-frame clot flag and lumen area ratio it writes for a
 * phantom dataset are the phantom's own, and a dataset made with other options is refused
 * with the exam (and frame) named.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { examFrameTruth, FRAME_TRUTH_FORMAT, writeFrameTruth } from '../../scripts/phantom-frame-truth.js';
import { createPhantomExam } from '../../src/phantom/index.js';

/** A dataset exam entry (labels only; the script never reads the frames) for a phantom seed. */
function datasetExam(seed: number, thrombusFraction: number) {
  const exam = createPhantomExam({ seed, fps: 30, thrombusFraction, vendorFrame: true });
  const open = Array.from({ length: exam.frameCount }, (_, i) => (exam.frameInfo(i).labels.open ? 1 : 0));
  return { examId: exam.examId, frames: exam.frameCount, fps: 30, open, exam };
}

describe('scripts/phantom-frame-truth', () => {
  // Seed 12 with thrombusFraction 1: every landmark visit holds a clot.
  const clotted = datasetExam(12, 1);

  it("gives each frame the phantom's clot flag and lumen area ratio", () => {
    const t = examFrameTruth(clotted, 1);
    expect(t.thrombus).toHaveLength(clotted.frames);
    expect(t.veinAreaRatio).toHaveLength(clotted.frames);
    for (let i = 0; i < clotted.frames; i++) {
      const info = clotted.exam.frameInfo(i);
      expect(t.thrombus[i]).toBe(info.labels.thrombus ? 1 : 0);
      const { veinAreaPx, veinRestAreaPx } = info.truth;
      if (veinRestAreaPx > 0) expect(t.veinAreaRatio[i]).toBeCloseTo(veinAreaPx / veinRestAreaPx, 3);
      else expect(t.veinAreaRatio[i]).toBe(-1);
    }
    // Clotted visits are pressed, but never below the phantom's minimum (0.3 of the minor axis).
    const pressed = t.veinAreaRatio.filter((a, i) => t.thrombus[i] === 1 && a >= 0);
    expect(pressed.length).toBeGreaterThan(0);
    expect(Math.min(...pressed)).toBeLessThan(0.8);
    expect(Math.min(...pressed)).toBeGreaterThanOrEqual(0.25);
  });

  it('refuses a dataset whose labels the phantom does not give, naming exam and frame', () => {
    const k = clotted.open.indexOf(1);
    const tampered = { ...clotted, open: clotted.open.map((o, i) => (i === k ? 0 : o)) };
    expect(() => examFrameTruth(tampered, 1)).toThrow(new RegExp(`exam ${clotted.examId}, frame ${k}:`));
    expect(() => examFrameTruth({ ...clotted, frames: clotted.frames + 1 }, 1)).toThrow(/frames/);
    expect(() => examFrameTruth({ ...clotted, examId: 'dicom-1' }, 1)).toThrow(/not a phantom exam id/);
  });

  it('writes frame-truth.json next to the index, one entry per exam', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frame-truth-'));
    try {
      const healthy = datasetExam(13, 0);
      const exams = [healthy].map(({ exam: _exam, ...e }) => e);
      fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ format: 'autodvt-dataset', version: 1, exams }));
      const out = writeFrameTruth(dir, 0);
      const written = JSON.parse(fs.readFileSync(out, 'utf8'));
      expect(written.format).toBe(FRAME_TRUTH_FORMAT);
      expect(Object.keys(written.exams)).toEqual([healthy.examId]);
      expect(written.exams[healthy.examId].thrombus.every((c: number) => c === 0)).toBe(true);
      fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ format: 'other' }));
      expect(() => writeFrameTruth(dir, 0)).toThrow(/not an autodvt dataset index/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
