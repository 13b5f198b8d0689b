/**
 * The event stream of one live exam: `exam-start`, frames as they arrive across
 * reconnects, then one `exam` summary — also when the input is lost for good
 * (`incompleteReason` says why and what was seen) or the run is interrupted.
 *
 * Frames are numbered with the run's `seq` and stamped with `captureTimeMs` from the
 * pipeline clock the moment they arrive; `ptsMs` is the stream's own time, kept
 * monotone across reconnects (a new connection continues at the wall-clock time it
 * started, never before the last frame).
 */
import { AutodvtError } from '../core/errors.js';
import { findNativeFfmpeg } from '../video/find-ffmpeg.js';
import { LiveInputLost, readLiveInput, type LiveInputSpec } from './ffmpeg-live-input.js';
import { backoffDelay, type ReconnectPolicy } from './reconnect-policy.js';
import { sleep, type BuildContext } from '../core/context.js';
import type { PipelineEvent } from '../core/events.js';
import type { SeqCounter } from '../sources/async-event-source.js';

export interface LiveSessionOptions {
  ctx: Pick<BuildContext, 'clock' | 'warn'>;
  scope: string;
  uri: string;
  examId: string;
  seqs: SeqCounter;
  /** A fresh input for each connection attempt. */
  connect(): LiveInputSpec;
  stallTimeoutMs: number;
  openTimeoutMs: number;
  reconnect: ReconnectPolicy;
  onEnd: 'finish' | 'reconnect';
  /** False for inputs that cannot be reopened (standard input): a stall only warns, a loss ends the exam. */
  reopenable: boolean;
  maxFrames?: number;
  fps?: number;
}

export async function* liveSession(opts: LiveSessionOptions, signal: AbortSignal): AsyncGenerator<PipelineEvent> {
  const { ctx, uri, examId } = opts;
  const bin = findNativeFfmpeg();
  if (!bin) {
    throw new AutodvtError('live input needs native ffmpeg, which was not found', {
      scope: opts.scope,
      category: 'config',
      hint: 'install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg) or set AUTODVT_FFMPEG to its path',
    });
  }
  yield { kind: 'exam-start', examId, uri, fps: opts.fps };
  const startedAt = ctx.clock.now();
  let frames = 0;
  let lastPts = -1;
  let failures = 0;
  let incompleteReason: string | undefined;
  const interrupted = 'interrupted: the run was stopped';

  for (;;) {
    let firstOfConnection = true;
    let ptsOffset = 0;
    let lostBecause: string;
    try {
      const input = readLiveInput(bin, opts.connect(), {
        signal,
        clock: ctx.clock,
        stallTimeoutMs: opts.stallTimeoutMs,
        openTimeoutMs: opts.openTimeoutMs,
        maxFrames: opts.maxFrames === undefined ? undefined : opts.maxFrames - frames,
        onStall: opts.reopenable
          ? undefined
          : (ms, n) =>
              ctx.warn(
                n === 0
                  ? `no frame on ${uri} yet after ${ms} ms (still waiting for the producer)`
                  : `${uri} stalled: no frame for ${ms} ms (still waiting; it cannot be reopened)`,
                { examId },
              ),
      });
      for await (const f of input) {
        if (firstOfConnection) {
          firstOfConnection = false;
          if (failures > 0) ctx.warn(`${uri} is back after ${failures} reconnect attempt${failures === 1 ? '' : 's'}`, { examId });
          failures = 0;
          if (lastPts >= 0) ptsOffset = Math.max(lastPts + 1, ctx.clock.now() - startedAt) - f.ptsMs;
        }
        frames++;
        lastPts = ptsOffset + f.ptsMs;
        yield {
          kind: 'frame',
          seq: opts.seqs.take(),
          ptsMs: lastPts,
          captureTimeMs: ctx.clock.now(),
          width: f.width,
          height: f.height,
          pixels: f.pixels,
          source: { uri, examId, frameIndex: frames - 1 },
          meta: {},
        };
      }
      if (signal.aborted) {
        incompleteReason = interrupted;
        break;
      }
      if (opts.onEnd === 'finish' || !opts.reopenable || (opts.maxFrames !== undefined && frames >= opts.maxFrames)) break;
      lostBecause = `${uri} ended`;
    } catch (err) {
      if (!(err instanceof LiveInputLost)) throw err;
      if (signal.aborted) {
        incompleteReason = interrupted;
        break;
      }
      lostBecause = err.reason;
    }
    failures++;
    const attempts = opts.reopenable ? opts.reconnect.attempts : 0;
    if (failures > attempts) {
      incompleteReason =
        attempts === 0
          ? `input lost: ${lostBecause} (${opts.reopenable ? 'reconnect.attempts is 0' : 'it cannot be reopened'}); ${frames} frames seen`
          : `input lost: ${lostBecause}; gave up after ${attempts} reconnect attempt${attempts === 1 ? '' : 's'}; ${frames} frames seen`;
      ctx.warn(`giving up on ${uri}: ${incompleteReason}`, { examId });
      break;
    }
    const delay = backoffDelay(opts.reconnect, failures);
    ctx.warn(`${lostBecause} — reconnecting in ${delay} ms (attempt ${failures} of ${attempts})`, { examId });
    await sleep(ctx.clock, delay, signal);
    if (signal.aborted) {
      incompleteReason = interrupted;
      break;
    }
  }
  yield {
    kind: 'exam',
    examId,
    uri,
    frames,
    durationMs: Math.max(0, lastPts),
    ...(incompleteReason ? { incompleteReason } : {}),
  };
}

/** `live-20250101T120000Z`: a default exam id from the clock. */
export function liveExamId(nowMs: number): string {
  return `live-${new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
}
