/**
 * stdin — frames piped in: raw frames of a given size, or any stream ffmpeg reads, on
 * standard input or a named pipe, so `some-producer | autodvt run live.yaml` works.
 *
 * Emits: `exam-start`, one `frame` per frame read (8-bit gray; `captureTimeMs` when it
 *   arrived, `ptsMs` from the stream: frame index / fps for raw input), then one `exam`
 *   when the producer closes the pipe, the input is lost for good (`incompleteReason`), or
 *   the run is stopped.
 * Parameters:
 *   path         `-` (standard input, default) or a named pipe (or file) to read
 *   format       `rawvideo` (default), `auto` (ffmpeg probes: y4m, mpegts, nut, mkv, ...) or
 *                any ffmpeg input format name
 *   pixelFormat  raw input: gray (alias gray8), rgb24, bgr24, yuv420p, nv12, yuyv422 (default gray)
 *   size         raw input: WIDTHxHEIGHT of each frame (required for rawvideo)
 *   fps          raw input: frame rate the producer runs at (default 30; gives ptsMs)
 *   stallTimeoutMs, openTimeoutMs, reconnect, onEnd, maxFrames   see docs/live.md
 *   examId       the exam's id (default: `live-<UTC time of start>`)
 * Notes: standard input cannot be reopened: a stall there only warns (the producer may
 *   resume) and end of input finishes the exam. A named pipe can: with `onEnd: reconnect`
 *   a producer that goes away is waited for again (reconnect policy), then the exam ends
 *   with `incompleteReason`. Like every live source it never waits; `flow.policy` decides
 *   what is dropped.
 *
 * ```yaml
 * source:
 *   type: stdin
 *   format: rawvideo
 *   pixelFormat: gray
 *   size: 640x480
 *   fps: 30
 * ```
 */
import { z } from 'zod';
import { resolvePath } from '../core/context.js';
import { AutodvtError } from '../core/errors.js';
import { defineSource } from '../core/unit.js';
import { liveSession, liveExamId } from '../live/live-session.js';
import { liveSourceOptions, onEndSchema } from '../live/live-source-options.js';
import { findNativeFfmpeg } from '../video/find-ffmpeg.js';
import { fromAsyncEvents, SeqCounter } from './async-event-source.js';

const RAW_PIXEL_FORMATS = ['gray', 'gray8', 'rgb24', 'bgr24', 'yuv420p', 'nv12', 'yuyv422'] as const;

const schema = z
  .object({
    path: z.string().min(1).default('-').describe('`-` for standard input, or a named pipe (or file) to read, relative to the pipeline file.'),
    format: z
      .string()
      .min(1)
      .default('rawvideo')
      .describe(
        'rawvideo (frames of pixelFormat and size, back to back), auto (ffmpeg probes the stream), or an ffmpeg input format name (y4m = yuv4mpegpipe, mpegts, nut, ...).',
      ),
    pixelFormat: z.enum(RAW_PIXEL_FORMATS).default('gray').describe('Raw input: the pixel format of each frame (gray8 = gray).'),
    size: z
      .string()
      .regex(/^\d+x\d+$/, 'expected WIDTHxHEIGHT, e.g. 640x480')
      .optional()
      .describe('Raw input: WIDTHxHEIGHT of each frame (required for rawvideo).'),
    fps: z.number().positive().max(1000).default(30).describe('Raw input: the frame rate the producer runs at (gives each frame its ptsMs).'),
    onEnd: onEndSchema.default('finish'),
    ...liveSourceOptions,
  })
  .strict();

export type StdinConfig = z.infer<typeof schema>;

/** ffmpeg options before `-i` for a stdin config. */
export function stdinInputOptions(config: StdinConfig): string[] {
  if (config.format === 'auto') return [];
  if (config.format !== 'rawvideo') return ['-f', config.format];
  return [
    '-f',
    'rawvideo',
    '-pixel_format',
    config.pixelFormat === 'gray8' ? 'gray' : config.pixelFormat,
    '-video_size',
    config.size!,
    '-framerate',
    String(config.fps),
  ];
}

function sizeProblem(config: StdinConfig): string | undefined {
  return config.format === 'rawvideo' && !config.size
    ? 'raw input needs the frame size: set size: WIDTHxHEIGHT (or format: auto / y4m for a stream that says its size)'
    : undefined;
}

export const stdinSource = defineSource({
  type: 'stdin',
  events: { adds: ['exam-start', 'frame', 'exam'] },
  live: () => true,
  summary: 'Live frames piped in on standard input or a named pipe: raw gray/rgb24/yuv420p frames or any stream ffmpeg reads.',
  schema,
  example: { type: 'stdin', format: 'rawvideo', pixelFormat: 'gray', size: '640x480', fps: 30 },
  async check(config) {
    const problems = [];
    const size = sizeProblem(config);
    if (size) problems.push({ path: 'size', message: size });
    if (!findNativeFfmpeg()) problems.push({ message: 'stdin needs native ffmpeg, which was not found: install ffmpeg or set AUTODVT_FFMPEG' });
    return { problems, shape: { live: true } };
  },
  build(config, ctx) {
    const scope = 'source:stdin';
    const size = sizeProblem(config);
    if (size) throw new AutodvtError(size, { scope, category: 'config' });
    const seqs = new SeqCounter();
    const fromStdin = config.path === '-';
    const file = fromStdin ? undefined : resolvePath(ctx, config.path);
    const uri = fromStdin ? 'stdin' : file!;
    return fromAsyncEvents(ctx, scope, (signal) =>
      liveSession(
        {
          ctx,
          scope,
          uri,
          examId: config.examId ?? liveExamId(ctx.clock.now()),
          seqs,
          connect: () => ({
            input: fromStdin ? 'pipe:0' : file!,
            inputOptions: stdinInputOptions(config),
            stdin: fromStdin ? ctx.stdin : undefined,
            label: uri,
          }),
          stallTimeoutMs: config.stallTimeoutMs,
          openTimeoutMs: config.openTimeoutMs,
          reconnect: config.reconnect,
          onEnd: config.onEnd,
          reopenable: !fromStdin,
          maxFrames: config.maxFrames,
          fps: config.format === 'rawvideo' ? config.fps : undefined,
        },
        signal,
      ),
    );
  },
});
