import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelsForFrame, readLabelsSidecar, sidecarPathFor } from '../../src/labels/index.js';
import { createPhantomExam } from '../../src/phantom/index.js';
import { encodeGrayJpeg, writeSynthExams } from '../../src/synth/index.js';
import { subjectSeed } from '../../src/synth/index.js';

const hasDcmtk = spawnSync('dcmdump', ['--version']).status === 0;
const hasFfmpeg = spawnSync('ffprobe', ['-version']).status === 0;

function dump(file: string): string {
  const r = spawnSync(
    'dcmdump',
    ['-M', '+P', '0002,0010', '+P', '0028,0008', '+P', '0028,0010', '+P', '0028,0011', '+P', '0028,0004', '+P', '0018,1063', '+P', '0018,602c', file],
    {
      encoding: 'utf8',
    },
  );
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).not.toMatch(/error|warning/i);
  return r.stdout;
}

describe('writeSynthExams', () => {
  let dir: string;
  let result: Awaited<ReturnType<typeof writeSynthExams>>;
  const opts = { subjects: 1, seed: 42, durationS: 1, width: 320, height: 240 } as const;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'autodvt-synth-'));
    result = await writeSynthExams({ ...opts, outDir: dir, format: 'both', dicomSyntax: 'both' });
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes an MP4, a JPEG-baseline DICOM and an uncompressed DICOM, each with a labels sidecar', () => {
    const media = result.exams[0]!.media;
    expect(media.map((m) => m.replace(/.*s000/, ''))).toEqual(['.mp4', '.dcm', '-raw.dcm']);
    for (const m of media) expect(result.files).toContain(sidecarPathFor(m));
  });

  it.runIf(hasDcmtk)('writes DICOM that dcmdump reads, with the right transfer syntax, frame count and size', () => {
    const exam = createPhantomExam({ seed: subjectSeed(42, 0), durationS: 1, width: 320, height: 240 });
    const [, jpegFile, rawFile] = result.exams[0]!.media;
    const j = dump(jpegFile!);
    expect(j).toContain('=JPEGBaseline');
    expect(j).toMatch(new RegExp(`\\(0028,0008\\) IS \\[${exam.frameCount}\\]`));
    expect(j).toMatch(/\(0028,0010\) US 240/);
    expect(j).toMatch(/\(0028,0011\) US 320/);
    expect(j).toContain('MONOCHROME2');
    expect(j).toMatch(/\(0018,1063\) DS \[33\.33/);
    const r = dump(rawFile!);
    expect(r).toContain('=LittleEndianExplicit');
    expect(r).toMatch(new RegExp(`\\(0028,0008\\) IS \\[${exam.frameCount}\\]`));
    const regions = spawnSync('dcmdump', [rawFile!], { encoding: 'utf8' }).stdout;
    expect(regions).toContain('SequenceOfUltrasoundRegions');
    expect(regions).toMatch(/\(0018,6018\) UL \d+/);
    expect(regions).toMatch(/\(0018,6024\) US 3/);
  });

  it.runIf(hasDcmtk)('writes JPEG frames that dcmtk decodes to the uncompressed pixels within JPEG error', () => {
    const [, jpegFile, rawFile] = result.exams[0]!.media;
    const out = join(dir, 'decoded.dcm');
    const r = spawnSync('dcmdjpeg', [jpegFile!, out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const a = readFileSync(out);
    const b = readFileSync(rawFile!);
    // Pixel data is the tail of both files (same frame bytes, same order).
    const n = 320 * 240 * 30;
    const pa = a.subarray(a.length - n);
    const pb = b.subarray(b.length - n);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.abs(pa[i]! - pb[i]!);
    expect(sum / n).toBeLessThan(6);
  });

  it.runIf(hasFfmpeg)('writes an MP4 whose frame count matches the exam', () => {
    const [mp4] = result.exams[0]!.media;
    const r = spawnSync(
      'ffprobe',
      ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,width,height', '-of', 'csv=p=0', mp4!],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`320,240,${result.exams[0]!.frameCount}`);
  });

  it('writes sidecars whose labels equal the phantom truth for every frame', async () => {
    const exam = createPhantomExam({ seed: subjectSeed(42, 0), durationS: 1, width: 320, height: 240 });
    const sidecar = await readLabelsSidecar(sidecarPathFor(result.exams[0]!.media[1]!));
    expect(sidecar.frameCount).toBe(exam.frameCount);
    expect(sidecar.verdict).toBe(exam.truth.verdict);
    for (let i = 0; i < exam.frameCount; i++) {
      const truth = exam.frameInfo(i).labels;
      const got = labelsForFrame(sidecar, i)!;
      expect(got.landmark).toBe(truth.landmark);
      expect(got.open).toBe(truth.open);
      expect(got.thrombus).toBe(truth.thrombus);
      expect(got.textBoxes).toEqual(truth.textBoxes);
    }
  });
});

describe('encodeGrayJpeg', () => {
  it('encodes one-component baseline JPEG that decodes back within quantisation error', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 1000 }), (w, h, phase) => {
        const px = new Uint8Array(w * h);
        for (let i = 0; i < px.length; i++) px[i] = Math.round(128 + 90 * Math.sin((i % w) / 6 + phase) * Math.cos(Math.floor(i / w) / 5));
        const data = encodeGrayJpeg(px, w, h, 95);
        // SOF0 with one component.
        const sof = data.findIndex((b, i) => b === 0xff && data[i + 1] === 0xc0);
        expect(data[sof + 9]).toBe(1);
        const d = jpeg.decode(data, { useTArray: true, formatAsRGBA: false });
        expect(d.width).toBe(w);
        expect(d.height).toBe(h);
        let max = 0;
        for (let i = 0; i < px.length; i++) max = Math.max(max, Math.abs(d.data[i * 3]! - px[i]!));
        expect(max).toBeLessThanOrEqual(12);
      }),
      { numRuns: 30 },
    );
  });
});
