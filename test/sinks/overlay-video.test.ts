import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { overlayVideoSink } from '../../src/sinks/overlay-video/index.js';
import { FrameAligner } from '../../src/sinks/overlay-video/frame-aligner.js';
import { testContext } from '../helpers/test-context.js';
import { grayFrame } from '../helpers/frames.js';
import { scoredExam } from './scored-exam.js';

function probe(file: string): { frames: number; width: number; height: number } {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,width,height', '-of', 'json', file],
    { encoding: 'utf8' },
  );
  const s = JSON.parse(out).streams[0];
  return { frames: Number(s.nb_read_frames), width: s.width, height: s.height };
}

describe('overlay-video sink', () => {
  it('writes one video per exam: one output frame per input frame, then the end card', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-overlay-'));
    const op = await overlayVideoSink.build(overlayVideoSink.schema.parse({ path: 'review/{examId}.mp4', endCardS: 1 }), testContext({ baseDir: dir }));
    const events = [...scoredExam(45, { examId: 'exam-a' }), ...scoredExam(30, { examId: 'exam-b', saliency: true })];
    await firstValueFrom(from(events).pipe(op, toArray()));
    expect(fs.readdirSync(path.join(dir, 'review')).sort()).toEqual(['exam-a.mp4', 'exam-b.mp4']);
    const a = probe(path.join(dir, 'review/exam-a.mp4'));
    expect(a.frames).toBe(45 + 30); // the exam's frames, then 1 s at 30 fps of the last one with the verdict
    // 64x48 frames scale 7x to 448 wide, plus the panel under the frame.
    expect(a).toMatchObject({ width: 448, height: 48 * 7 + 84 });
    expect(probe(path.join(dir, 'review/exam-b.mp4')).frames).toBe(30 + 30);
  }, 30_000);
});

describe('FrameAligner', () => {
  it('holds frames until their state arrives, releasing in order', () => {
    const a = new FrameAligner(10);
    for (let i = 0; i < 5; i++) expect(a.push(grayFrame(i, 2, 2))).toEqual([]);
    expect(a.releaseBefore(2).map((f) => f.seq)).toEqual([0, 1]);
    expect(a.releaseThrough(3).map((f) => f.seq)).toEqual([2, 3]);
    expect(a.releaseAll().map((f) => f.seq)).toEqual([4]);
  });

  it('never holds more than maxLag frames', () => {
    const a = new FrameAligner(3);
    const released = [];
    for (let i = 0; i < 10; i++) released.push(...a.push(grayFrame(i, 2, 2)));
    expect(a.size).toBe(3);
    expect(released.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
