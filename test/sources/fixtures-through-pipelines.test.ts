/**
 * Every real fixture in test/fixtures goes through `autodvt probe` and a
 * dicom-cine / video-file pipeline: the expected frame count and size, or — for the
 * inputs the project refuses — exit code 2 with a message naming what is wrong.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, manifestRows } from '../helpers/manifest.js';
import { readLog, runCli, sourceToLogPipeline } from '../helpers/run-cli.js';

const rows = manifestRows();
const ultrasoundDicom = rows.filter((r) => r.kind === 'dicom');
const badDicom = rows.filter((r) => r.kind === 'badinput');
const videos = rows.filter((r) => r.kind === 'video');

const REFUSAL: Record<string, RegExp> = {
  'dicom/bad_ct_small.dcm': /not an ultrasound image \(CT Image Storage\)/,
  'dicom/bad_no_meta_no_preamble.dcm': /not an ultrasound image/,
  // Opens with a truncation warning (whole frames before the cut stay readable: test/dicom/open-dicom.test.ts), then is refused as MR.
  'dicom/bad_mr_truncated.dcm': /not an ultrasound image \(MR Image Storage\)/,
  'dicom/bad_seg_deflated_image_frames.dcm': /unsupported: .*Deflated Image Frame Compression/,
  'dicom/bad_mr_j2k_codestream_too_short.dcm': /not an ultrasound image/,
  'dicom/bad_sc_deflated_dataset.dcm': /not an ultrasound image \(Secondary Capture/,
};

describe('ultrasound DICOM fixtures', () => {
  it.each(ultrasoundDicom.map((r) => [r.local_name!, r] as const))(
    '%s: probe and dicom-cine agree with the manifest',
    async (name, row) => {
      const file = path.join(FIXTURES, name);
      const [height, width] = row.rows_x_cols!.split('x').map(Number);
      const frames = Number.parseInt(row.frames!, 10);
      const probe = await runCli('probe', file, '--json');
      expect(probe.code, probe.stderr).toBe(0);
      expect(JSON.parse(probe.stdout)).toMatchObject({ format: 'dicom', rows: height, columns: width, frames, isUltrasound: true });
      const { file: pipeline, log } = sourceToLogPipeline({ type: 'dicom-cine', path: file });
      const run = await runCli('run', pipeline);
      expect(run.code, run.stderr).toBe(0);
      const events = readLog(log);
      const frameEvents = events.filter((e) => e.kind === 'frame');
      expect(frameEvents).toHaveLength(frames);
      expect(frameEvents[0]).toMatchObject({ width, height });
      expect(events.at(-1)).toMatchObject({ kind: 'exam', frames });
      expect(JSON.stringify(events)).not.toMatch(/PatientName|PatientID|BirthDate/);
    },
    60_000,
  );
});

describe('bad DICOM inputs', () => {
  it.each(badDicom.map((r) => [r.local_name!] as const))(
    '%s is refused with exit code 2 and a clear message',
    async (name) => {
      const { file: pipeline, log } = sourceToLogPipeline({ type: 'dicom-cine', path: path.join(FIXTURES, name) });
      const run = await runCli('run', pipeline);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(REFUSAL[name]!);
      expect(run.stderr).toContain(path.basename(name));
      expect(run.stderr.trim().split('\n')[0]).toMatch(/^error: /);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      for (const e of readLog(log)) expect(e).toBeTypeOf('object');
    },
    60_000,
  );
});

describe('video fixtures', () => {
  it.each(videos.map((r) => [r.local_name!, r] as const))(
    '%s: probe and video-file agree with the manifest',
    async (name, row) => {
      const file = path.join(FIXTURES, name);
      const [width, height] = row.resolution!.split('x').map(Number);
      const frames = Number(row.frame_count);
      const probe = await runCli('probe', file, '--json');
      expect(probe.code, probe.stderr).toBe(0);
      expect(JSON.parse(probe.stdout)).toMatchObject({ format: 'video', width, height, frameCount: frames });
      const { file: pipeline, log } = sourceToLogPipeline({ type: 'video-file', path: file });
      const run = await runCli('run', pipeline);
      expect(run.code, run.stderr).toBe(0);
      const frameEvents = readLog(log).filter((e) => e.kind === 'frame');
      expect(frameEvents).toHaveLength(frames);
      expect(frameEvents[0]).toMatchObject({ width, height, ptsMs: 0 });
    },
    60_000,
  );
});
