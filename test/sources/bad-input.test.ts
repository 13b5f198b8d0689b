/**
 * Bad input gets exit code 2 and one clear message, and whatever was processed
 * before it stays intact in the JSON log.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers/manifest.js';
import { readLog, runCli, sourceToLogPipeline, tmpDir } from '../helpers/run-cli.js';

function errorLines(stderr: string) {
  return stderr.split('\n').filter((l) => l.startsWith('error: '));
}

describe('bad input', () => {
  it('a truncated DICOM after a good one: exit 2, the good exam stays in the log, every line complete', async () => {
    const dir = tmpDir('autodvt-bad-');
    fs.copyFileSync(path.join(FIXTURES, 'dicom/us_sonosite_turbo_mf30_jpeg_baseline.dcm'), path.join(dir, 'a-good.dcm'));
    const whole = fs.readFileSync(path.join(FIXTURES, 'dicom/us_hp_mf34_jpeg_baseline.dcm'));
    fs.writeFileSync(path.join(dir, 'b-truncated.dcm'), whole.subarray(0, Math.floor(whole.length * 0.6)));
    const { file, log } = sourceToLogPipeline({ type: 'dicom-cine', path: dir });
    const run = await runCli('run', file);
    expect(run.code).toBe(2);
    expect(errorLines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain('b-truncated.dcm');
    expect(fs.readFileSync(log, 'utf8').endsWith('\n')).toBe(true);
    const events = readLog(log);
    expect(events.filter((e) => e.kind === 'frame' && e.source.examId === 'a-good')).toHaveLength(30);
    expect(events.find((e) => e.kind === 'exam' && e.examId === 'a-good')).toMatchObject({ frames: 30 });
    expect(events.at(-1)).toMatchObject({ kind: 'log-end' });
  }, 60_000);

  it('onError: skip reports the truncated file as a warning and finishes the run', async () => {
    const dir = tmpDir('autodvt-bad-');
    const whole = fs.readFileSync(path.join(FIXTURES, 'dicom/us_hp_mf34_jpeg_baseline.dcm'));
    fs.writeFileSync(path.join(dir, 'a-truncated.dcm'), whole.subarray(0, Math.floor(whole.length * 0.6)));
    fs.copyFileSync(path.join(FIXTURES, 'dicom/us_sonosite_turbo_mf30_jpeg_baseline.dcm'), path.join(dir, 'b-good.dcm'));
    const { file, log } = sourceToLogPipeline({ type: 'dicom-cine', path: dir, onError: 'skip' });
    const run = await runCli('run', file);
    expect(run.code, run.stderr).toBe(0);
    const events = readLog(log);
    expect(events.find((e) => e.kind === 'warning')?.message).toContain('a-truncated.dcm');
    expect(events.filter((e) => e.kind === 'frame' && e.source.examId === 'b-good')).toHaveLength(30);
  }, 60_000);

  it('a file that is not DICOM: exit 2 with one message', async () => {
    const dir = tmpDir('autodvt-bad-');
    fs.writeFileSync(path.join(dir, 'notes.dcm'), 'this is a text file, not an image\n'.repeat(20));
    const { file } = sourceToLogPipeline({ type: 'dicom-cine', path: path.join(dir, 'notes.dcm') });
    const run = await runCli('run', file);
    expect(run.code).toBe(2);
    expect(errorLines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain('notes.dcm');
  });

  it('an empty file: exit 2 with one message', async () => {
    const dir = tmpDir('autodvt-bad-');
    fs.writeFileSync(path.join(dir, 'empty.mp4'), '');
    const { file } = sourceToLogPipeline({ type: 'video-file', path: path.join(dir, 'empty.mp4') });
    const run = await runCli('run', file);
    expect(run.code).toBe(2);
    expect(errorLines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain('empty (0 bytes)');
    expect(run.stderr).toContain('empty.mp4');
  });

  it('a media file with no video stream: exit 2 naming the problem', async () => {
    const dir = tmpDir('autodvt-bad-');
    const audio = path.join(dir, 'sound.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', audio]);
    const { file } = sourceToLogPipeline({ type: 'video-file', path: audio });
    const run = await runCli('run', file);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/sound\.mp4.*no video stream/);
  });

  it('a truncated video: the frames that decode reach the log, then exit 2', async () => {
    const dir = tmpDir('autodvt-bad-');
    const whole = fs.readFileSync(path.join(FIXTURES, 'video/lung_convex_avi_mpeg4_no_text.avi'));
    const cut = path.join(dir, 'cut.avi');
    fs.writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    const { file, log } = sourceToLogPipeline({ type: 'video-file', path: cut });
    const run = await runCli('run', file);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cut\.avi.*truncated or corrupt/);
    const events = readLog(log);
    const frames = events.filter((e) => e.kind === 'frame').length;
    expect(frames).toBeGreaterThan(10);
    expect(events.find((e) => e.kind === 'exam')).toMatchObject({ frames, incompleteReason: expect.stringContaining('truncated') });
  }, 60_000);

  it('a missing input path fails validation before any frame flows', async () => {
    const { file } = sourceToLogPipeline({ type: 'video-file', path: '/nonexistent/clip.mp4' });
    const run = await runCli('validate', file);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/source\.path \(video-file\): \/nonexistent\/clip\.mp4: no such file or folder/);
  });
});
