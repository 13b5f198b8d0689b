import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { firstValueFrom, toArray, timeout } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { unitSchemaWithType } from '../../src/core/config/pipeline-schema.js';
import { systemClock } from '../../src/core/context.js';
import { stdinInputOptions, stdinSource } from '../../src/sources/stdin.js';
import type { ExamEvent, FrameEvent, PipelineEvent } from '../../src/core/events.js';
import { testContext, type TestContext } from '../helpers/test-context.js';

const parse = (config: Record<string, unknown>) => unitSchemaWithType(stdinSource).parse({ type: 'stdin', ...config }) as never;

async function runSource(config: Record<string, unknown>, ctx: TestContext, limitMs = 30_000): Promise<PipelineEvent[]> {
  const source$ = await stdinSource.build(parse(config), ctx);
  return firstValueFrom(source$.pipe(toArray(), timeout(limitMs)));
}

const frames = (events: PipelineEvent[]) => events.filter((e): e is FrameEvent => e.kind === 'frame');
const exam = (events: PipelineEvent[]) => events.find((e): e is ExamEvent => e.kind === 'exam')!;

describe('stdin source', () => {
  it('reads raw gray frames from a pipe, in order, with pts from the frame rate', async () => {
    const stdin = new PassThrough();
    const ctx = testContext({ stdin, clock: systemClock });
    const done = runSource({ size: '8x4', fps: 25 }, ctx);
    for (let i = 0; i < 5; i++) stdin.write(Buffer.alloc(32, i * 10));
    stdin.end();
    const events = await done;
    expect(events[0]).toMatchObject({ kind: 'exam-start', uri: 'stdin', fps: 25 });
    const got = frames(events);
    expect(got.map((f) => f.pixels[0])).toEqual([0, 10, 20, 30, 40]);
    expect(got.map((f) => f.ptsMs)).toEqual([0, 40, 80, 120, 160]);
    expect(got.every((f) => f.width === 8 && f.height === 4 && typeof f.captureTimeMs === 'number')).toBe(true);
    expect(exam(events)).toMatchObject({ frames: 5, durationMs: 160 });
    expect(exam(events).incompleteReason).toBeUndefined();
    expect(events.at(-1)!.kind).toBe('exam');
  });

  it('converts rgb24 and yuv420p frames to gray', async () => {
    const rgb = new PassThrough();
    const rgbRun = runSource({ size: '4x2', pixelFormat: 'rgb24' }, testContext({ stdin: rgb, clock: systemClock }));
    rgb.end(Buffer.concat([Buffer.from(Array(8).fill([255, 0, 0]).flat()), Buffer.alloc(24, 255)]));
    expect(frames(await rgbRun).map((f) => f.pixels[0])).toEqual([76, 255]);

    const yuv = new PassThrough();
    const yuvRun = runSource({ size: '4x2', pixelFormat: 'yuv420p' }, testContext({ stdin: yuv, clock: systemClock }));
    // Y plane 4x2, then U and V planes 2x1 each; limited-range Y 235 is white.
    yuv.end(Buffer.concat([Buffer.alloc(8, 235), Buffer.alloc(4, 128)]));
    expect(frames(await yuvRun).map((f) => f.pixels[0])).toEqual([255]);
  });

  it('asks for the frame size of raw input', async () => {
    const config = parse({});
    const check = await stdinSource.check!(config, testContext(), {});
    expect(check.problems).toContainEqual(expect.objectContaining({ path: 'size', message: expect.stringContaining('WIDTHxHEIGHT') }));
    expect(() => stdinSource.build(config, testContext())).toThrow(/frame size/);
    expect(stdinInputOptions(parse({ format: 'auto' }))).toEqual([]);
    expect(stdinInputOptions(parse({ format: 'y4m' }))).toEqual(['-f', 'y4m']);
    expect(stdinInputOptions(parse({ size: '640x480', pixelFormat: 'gray8', fps: 30 }))).toEqual([
      '-f',
      'rawvideo',
      '-pixel_format',
      'gray',
      '-video_size',
      '640x480',
      '-framerate',
      '30',
    ]);
  });

  it('reads any stream ffmpeg can probe (format auto)', async () => {
    const stdin = new PassThrough();
    const run = runSource({ format: 'auto' }, testContext({ stdin, clock: systemClock }));
    const producer = spawn('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=32x24:rate=10:duration=1', '-f', 'nut', '-c:v', 'rawvideo', 'pipe:1']);
    producer.stdout.pipe(stdin);
    const events = await run;
    expect(frames(events)).toHaveLength(10);
    expect(frames(events)[9]).toMatchObject({ width: 32, height: 24, ptsMs: 900 });
  });

  it('warns, reconnects and ends with a summary when the producer on a named pipe is killed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-fifo-'));
    const fifo = path.join(dir, 'frames.fifo');
    execFileSync('mkfifo', [fifo]);
    const produce = () =>
      spawn('ffmpeg', ['-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=30', '-f', 'rawvideo', '-pix_fmt', 'gray', '-y', fifo], {
        stdio: 'ignore',
      });
    let producer = produce();
    let phase = 0;
    const ctx = testContext({ clock: systemClock, baseDir: dir });
    const events: PipelineEvent[] = [];
    ctx.warn = (message) => {
      ctx.warnings.push(message);
      // The first loss: a new producer comes back; the second: nobody does.
      if (/reconnecting/.test(message) && phase === 1) {
        phase = 2;
        producer = produce();
      }
    };
    const source$ = await stdinSource.build(
      parse({ path: 'frames.fifo', size: '64x48', onEnd: 'reconnect', openTimeoutMs: 1500, reconnect: { attempts: 1, backoffMs: 100 } }),
      ctx,
    );
    await new Promise<void>((resolve, reject) => {
      source$.pipe(timeout(30_000)).subscribe({
        next: (e) => {
          events.push(e);
          const n = frames(events).length;
          if ((n === 10 && phase === 0) || (n === 20 && phase === 2)) {
            phase++;
            producer.kill('SIGKILL');
          }
        },
        error: reject,
        complete: resolve,
      });
    });
    expect(ctx.warnings.filter((w) => /reconnecting in 100 ms \(attempt 1 of 1\)/.test(w))).toHaveLength(2);
    expect(ctx.warnings.some((w) => /is back after 1 reconnect attempt/.test(w))).toBe(true);
    expect(ctx.warnings.at(-1)).toMatch(/giving up/);
    const summary = exam(events);
    expect(summary.frames).toBe(frames(events).length);
    expect(summary.frames).toBeGreaterThanOrEqual(20);
    expect(summary.incompleteReason).toMatch(/gave up after 1 reconnect attempt; \d+ frames seen/);
    const pts = frames(events).map((f) => f.ptsMs);
    expect(pts.every((t, i) => i === 0 || t > pts[i - 1]!)).toBe(true);
  }, 60_000);
});
