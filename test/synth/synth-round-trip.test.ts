/**
 * Files written by `autodvt synth` read back through the dicom-cine and video-file
 * sources with the same frame count and the phantom's labels, and `autodvt probe`
 * describes them correctly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPhantomExam } from '../../src/phantom/index.js';
import { subjectSeed } from '../../src/synth/index.js';
import { readLog, runCli, sourceToLogPipeline, tmpDir } from '../helpers/run-cli.js';

const SEED = 31;
const DURATION = 2;
let dir: string;

beforeAll(async () => {
  dir = tmpDir('autodvt-synth-rt-');
  const r = await runCli('synth', '--out', dir, '--subjects', '1', '--seed', String(SEED), '--format', 'both', '--duration', String(DURATION));
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

function truthLabels() {
  const exam = createPhantomExam({ seed: subjectSeed(SEED, 0), durationS: DURATION });
  return { exam, labels: Array.from({ length: exam.frameCount }, (_, i) => exam.frameInfo(i).labels) };
}

describe('synth files read back', () => {
  it.each([
    ['dicom-cine', 'phantom-31-s000.dcm'],
    ['video-file', 'phantom-31-s000.mp4'],
  ])(
    '%s reads %s with the phantom frame count and labels',
    async (type, name) => {
      const file = path.join(dir, name);
      expect(fs.existsSync(`${file}.labels.json`)).toBe(true);
      const { exam, labels } = truthLabels();
      const { file: pipeline, log } = sourceToLogPipeline({ type, path: file });
      const run = await runCli('run', pipeline);
      expect(run.code, run.stderr).toBe(0);
      const frames = readLog(log).filter((e) => e.kind === 'frame');
      expect(frames).toHaveLength(exam.frameCount);
      expect(frames[0]).toMatchObject({ width: exam.width, height: exam.height });
      frames.forEach((f, i) => {
        expect(f.labels.landmark).toBe(labels[i]!.landmark);
        expect(f.labels.open).toBe(labels[i]!.open);
      });
      if (type === 'dicom-cine') expect(frames[0].meta.usRegion).toMatchObject({ width: exam.usRegion.width, height: exam.usRegion.height });
    },
    120_000,
  );

  it('probe reports the synth DICOM and mp4 correctly', async () => {
    const { exam } = truthLabels();
    const dcm = await runCli('probe', path.join(dir, 'phantom-31-s000.dcm'), '--json');
    expect(JSON.parse(dcm.stdout)).toMatchObject({
      sopClassName: 'Ultrasound Multi-frame Image Storage',
      transferSyntaxUid: '1.2.840.10008.1.2.4.50',
      rows: exam.height,
      columns: exam.width,
      frames: exam.frameCount,
      photometric: 'MONOCHROME2',
      fps: 30,
    });
    const mp4 = await runCli('probe', path.join(dir, 'phantom-31-s000.mp4'), '--json');
    expect(JSON.parse(mp4.stdout)).toMatchObject({ width: exam.width, height: exam.height, frameCount: exam.frameCount, fps: 30 });
  }, 60_000);
});
