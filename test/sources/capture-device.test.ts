import { spawn } from 'node:child_process';
import net from 'node:net';
import { firstValueFrom, toArray, timeout } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { unitSchemaWithType } from '../../src/core/config/pipeline-schema.js';
import { systemClock } from '../../src/core/context.js';
import { captureDeviceSource, captureInputOptions, defaultCaptureFormat } from '../../src/sources/capture-device.js';
import type { ExamEvent, FrameEvent, PipelineEvent } from '../../src/core/events.js';
import { testContext } from '../helpers/test-context.js';

const parse = (config: Record<string, unknown>) => unitSchemaWithType(captureDeviceSource).parse({ type: 'capture-device', ...config }) as never;

const frames = (events: PipelineEvent[]) => events.filter((e): e is FrameEvent => e.kind === 'frame');
const exam = (events: PipelineEvent[]) => events.find((e): e is ExamEvent => e.kind === 'exam')!;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('capture-device source', () => {
  it('captures frames from an ffmpeg input (a lavfi test source) and finishes when it ends', async () => {
    const ctx = testContext({ clock: systemClock });
    const source$ = await captureDeviceSource.build(parse({ device: 'testsrc2=size=64x48:rate=30:duration=0.5', format: 'lavfi' }), ctx);
    const events = await firstValueFrom(source$.pipe(toArray(), timeout(30_000)));
    expect(events[0]).toMatchObject({ kind: 'exam-start', uri: 'lavfi:testsrc2=size=64x48:rate=30:duration=0.5' });
    expect(frames(events)).toHaveLength(15);
    expect(frames(events).map((f) => f.seq)).toEqual([...Array(15).keys()]);
    expect(frames(events)[1]!.ptsMs).toBeCloseTo(1000 / 30, 3);
    expect(exam(events)).toMatchObject({ frames: 15 });
    expect(exam(events).incompleteReason).toBeUndefined();
    expect(ctx.warnings).toEqual([]);
  });

  it('asks the device for its size, rate and pixel format with the platform input format', () => {
    expect(defaultCaptureFormat('/dev/video0', 'linux')).toBe('v4l2');
    expect(defaultCaptureFormat('0', 'darwin')).toBe('avfoundation');
    expect(defaultCaptureFormat('video=USB Capture', 'win32')).toBe('dshow');
    expect(defaultCaptureFormat('rtsp://scanner.local/live', 'linux')).toBeUndefined();
    expect(captureInputOptions(parse({ device: '/dev/video0', size: '1280x720', fps: 30, pixelFormat: 'yuyv422' }), 'linux')).toEqual([
      '-fflags',
      'nobuffer',
      '-flags',
      'low_delay',
      '-f',
      'v4l2',
      '-video_size',
      '1280x720',
      '-framerate',
      '30',
      '-input_format',
      'yuyv422',
    ]);
    expect(captureInputOptions(parse({ device: 'rtsp://scanner.local/live', lowLatency: false, inputOptions: ['-rtsp_transport', 'tcp'] }), 'linux')).toEqual([
      '-rtsp_transport',
      'tcp',
    ]);
  });

  it('retries a device that is not there, then gives up with an exam summary', async () => {
    const ctx = testContext({ clock: systemClock });
    const config = parse({ device: '/dev/video-autodvt-missing', format: 'v4l2', reconnect: { attempts: 2, backoffMs: 20 } });
    const check = await captureDeviceSource.check!(config, ctx, {});
    expect(check.problems).toContainEqual(expect.objectContaining({ path: 'device', severity: 'warning' }));
    const events = await firstValueFrom((await captureDeviceSource.build(config, ctx)).pipe(toArray(), timeout(30_000)));
    expect(ctx.warnings.filter((w) => /reconnecting in (20|40) ms/.test(w))).toHaveLength(2);
    expect(ctx.warnings.at(-1)).toMatch(/giving up on v4l2:\/dev\/video-autodvt-missing/);
    expect(exam(events)).toMatchObject({ frames: 0 });
    expect(exam(events).incompleteReason).toMatch(/No such file or directory.*gave up after 2 reconnect attempts; 0 frames seen/);
  });

  it('reconnects to a network stream, and ends the exam with what it saw when the producer dies', async () => {
    const port = await freePort();
    const url = `tcp://127.0.0.1:${port}`;
    const producer = spawn(
      'ffmpeg',
      ['-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=30', '-c:v', 'rawvideo', '-f', 'nut', `${url}?listen=1`],
      { stdio: 'ignore' },
    );
    const ctx = testContext({ clock: systemClock });
    const config = parse({ device: url, format: 'nut', openTimeoutMs: 3000, reconnect: { attempts: 2, backoffMs: 200 } });
    const source$ = await captureDeviceSource.build(config, ctx);
    const events: PipelineEvent[] = [];
    await new Promise<void>((resolve, reject) =>
      source$.pipe(timeout(30_000)).subscribe({
        next: (e) => {
          events.push(e);
          if (frames(events).length === 15) producer.kill('SIGKILL');
        },
        error: reject,
        complete: resolve,
      }),
    );
    expect(ctx.warnings.some((w) => /reconnecting in 200 ms \(attempt 1 of 2\)/.test(w))).toBe(true);
    expect(ctx.warnings.at(-1)).toMatch(/giving up/);
    expect(exam(events).frames).toBe(frames(events).length);
    expect(exam(events).frames).toBeGreaterThanOrEqual(15);
    expect(exam(events).incompleteReason).toMatch(/gave up after 2 reconnect attempts/);
  });
});
