/**
 * capture-device — frames live from a capture device or network stream, through native ffmpeg.
 *
 * Emits: `exam-start`, one `frame` per captured frame (8-bit gray; `captureTimeMs` when it
 *   arrived, `ptsMs` from the stream), then one `exam` when the input ends, is lost for good
 *   (`incompleteReason`), or the run is stopped.
 * Parameters:
 *   device          what to open: a V4L2 node (`/dev/video0`), an AVFoundation index or name
 *                   (`0`), a DirectShow name (`video=USB Capture`), a URL (rtsp://, udp://,
 *                   srt://, http://, tcp://), or any ffmpeg input (a lavfi graph with format lavfi)
 *   format          ffmpeg input format (`v4l2`, `avfoundation`, `dshow`, `lavfi`, `mpegts`, ...);
 *                   default: v4l2 for /dev/video*, avfoundation on macOS, dshow on Windows,
 *                   ffmpeg's own probing for URLs
 *   size, fps       capture size (`1920x1080`) and frame rate to ask the device for
 *   pixelFormat     the device's pixel format (`yuyv422`, `mjpeg`, `nv12`, ...)
 *   inputOptions    more ffmpeg input options, e.g. [-rtsp_transport, tcp]
 *   lowLatency      ffmpeg input flags that avoid buffering (default true)
 *   stallTimeoutMs, openTimeoutMs, reconnect, onEnd   see docs/live.md (defaults 2000,
 *                   10000, reconnect { attempts 3, backoffMs 500, maxBackoffMs 10000 }; onEnd
 *                   `reconnect`, `finish` for lavfi)
 *   examId          the exam's id (default: `live-<UTC time of start>`)
 *   maxFrames       stop after this many frames (tests, rehearsals)
 * Notes: a live source never waits: the pipeline's `flow.policy` (latest by default)
 *   drops frames the stages cannot keep up with, and counts them. `autodvt devices` lists
 *   the devices ffmpeg can see.
 *
 * ```yaml
 * source:
 *   type: capture-device
 *   device: /dev/video0
 *   size: 1280x720
 *   fps: 30
 * ```
 */
import { z } from 'zod';
import { defineSource } from '../core/unit.js';
import { liveSession, liveExamId } from '../live/live-session.js';
import { liveSourceOptions, onEndSchema } from '../live/live-source-options.js';
import { findNativeFfmpeg } from '../video/find-ffmpeg.js';
import { fromAsyncEvents, SeqCounter } from './async-event-source.js';

const schema = z
  .object({
    device: z
      .string()
      .min(1)
      .describe(
        'Device or stream: /dev/video0, an AVFoundation index, `video=<name>` (DirectShow), an rtsp:// / udp:// / srt:// / http:// URL, or a lavfi graph.',
      ),
    format: z.string().min(1).optional().describe('ffmpeg input format (v4l2, avfoundation, dshow, lavfi, mpegts, ...); default from the device and platform.'),
    size: z
      .string()
      .regex(/^\d+x\d+$/, 'expected WIDTHxHEIGHT, e.g. 1280x720')
      .optional()
      .describe('Capture size to ask the device for, e.g. 1280x720.'),
    fps: z.number().positive().max(1000).optional().describe('Frame rate to ask the device for.'),
    pixelFormat: z.string().min(1).optional().describe('Pixel format to ask the device for (yuyv422, mjpeg, nv12, ...).'),
    inputOptions: z.array(z.string()).default([]).describe('More ffmpeg input options, placed before -i (e.g. [-rtsp_transport, tcp]).'),
    lowLatency: z
      .boolean()
      .default(true)
      .describe(
        'Ask ffmpeg not to buffer input (-fflags nobuffer -flags low_delay; not for lavfi). It may skip the packets read while the stream is probed at start.',
      ),
    onEnd: onEndSchema.optional().describe('When the stream ends cleanly: finish the exam, or reconnect (default reconnect; finish for lavfi).'),
    ...liveSourceOptions,
  })
  .strict();

export type CaptureDeviceConfig = z.infer<typeof schema>;

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The ffmpeg input format for a device on this platform (undefined: let ffmpeg probe). */
export function defaultCaptureFormat(device: string, platform: NodeJS.Platform = process.platform): string | undefined {
  if (URL_LIKE.test(device)) return undefined;
  if (device.startsWith('/dev/video')) return 'v4l2';
  if (platform === 'darwin') return 'avfoundation';
  if (platform === 'win32') return 'dshow';
  if (platform === 'linux' && device.startsWith('/dev/')) return 'v4l2';
  return undefined;
}

/** ffmpeg options before `-i` for a capture-device config. */
export function captureInputOptions(config: CaptureDeviceConfig, platform: NodeJS.Platform = process.platform): string[] {
  const format = config.format ?? defaultCaptureFormat(config.device, platform);
  const opts: string[] = [];
  // lavfi graphs are generated on demand (nothing to buffer), and nobuffer would lose their first frame.
  if (config.lowLatency && format !== 'lavfi') opts.push('-fflags', 'nobuffer', '-flags', 'low_delay');
  if (format) opts.push('-f', format);
  if (config.size) opts.push('-video_size', config.size);
  if (config.fps !== undefined) opts.push('-framerate', String(config.fps));
  if (config.pixelFormat) opts.push(format === 'v4l2' ? '-input_format' : '-pixel_format', config.pixelFormat);
  opts.push(...config.inputOptions);
  return opts;
}

export const captureDeviceSource = defineSource({
  type: 'capture-device',
  events: { adds: ['exam-start', 'frame', 'exam'] },
  live: () => true,
  summary: 'Live frames from a capture device (V4L2, AVFoundation, DirectShow) or a network stream, through native ffmpeg.',
  schema,
  // lavfi so that the example runs anywhere; see the doc block and docs/live.md for devices and streams.
  example: {
    type: 'capture-device',
    device: 'testsrc2=size=640x480:rate=30',
    format: 'lavfi',
    stallTimeoutMs: 2000,
    reconnect: { attempts: 3, backoffMs: 500 },
  },
  async check(config) {
    const problems = [];
    if (!findNativeFfmpeg()) {
      problems.push({ message: 'capture-device needs native ffmpeg, which was not found: install ffmpeg or set AUTODVT_FFMPEG' });
    }
    const format = config.format ?? defaultCaptureFormat(config.device);
    if (format === 'v4l2' && process.platform === 'linux') {
      const fs = await import('node:fs');
      if (!fs.existsSync(config.device)) {
        problems.push({
          path: 'device',
          message: `${config.device} does not exist (yet): the run will try to open it and reconnect per the policy; \`autodvt devices\` lists what ffmpeg sees`,
          severity: 'warning' as const,
        });
      }
    }
    return { problems, shape: { live: true } };
  },
  build(config, ctx) {
    const scope = 'source:capture-device';
    const seqs = new SeqCounter();
    const format = config.format ?? defaultCaptureFormat(config.device);
    const uri = format && !URL_LIKE.test(config.device) ? `${format}:${config.device}` : config.device;
    return fromAsyncEvents(ctx, scope, (signal) =>
      liveSession(
        {
          ctx,
          scope,
          uri,
          examId: config.examId ?? liveExamId(ctx.clock.now()),
          seqs,
          connect: () => ({ input: config.device, inputOptions: captureInputOptions(config), label: uri }),
          stallTimeoutMs: config.stallTimeoutMs,
          openTimeoutMs: config.openTimeoutMs,
          reconnect: config.reconnect,
          onEnd: config.onEnd ?? (format === 'lavfi' ? 'finish' : 'reconnect'),
          reopenable: true,
          maxFrames: config.maxFrames,
          fps: config.fps,
        },
        signal,
      ),
    );
  },
});
