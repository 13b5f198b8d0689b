/**
 * video-file — any video ffmpeg reads (mp4, mov, avi, mkv, mpeg, gif, ...) as frames.
 *
 * Emits: per file `exam-start`, one `frame` per decoded frame (8-bit gray, timestamps from
 *   the stream's pts; labels from a `<file>.labels.json` sidecar when present), then `exam`.
 * Parameters:
 *   path      a file, a folder (every video inside, recursively) or a glob
 *   decoder   `auto` (native ffmpeg when on PATH, else the embedded wasm build), `native`, `wasm`
 *   onError   `fail` (default) or `skip` an unreadable file (warn and go on)
 *   labels    read labels sidecars (default true)
 *   realtime  pace frames at their timestamps, like a live capture (default false)
 *   maxFrames  stop each file after this many frames
 * Notes: frames stream as they decode (native: a pipe from ffmpeg; nothing holds the
 *   whole file); a truncated file yields every frame that decodes, then fails (or is
 *   skipped) with a message naming the file.
 *
 * ```yaml
 * source:
 *   type: video-file
 *   path: clips/exam.mp4
 * ```
 */
import { z } from 'zod';
import { resolvePath } from '../core/context.js';
import { errorDetail } from '../core/errors.js';
import { examEvents } from './exam-events.js';
import { defineSource } from '../core/unit.js';
import { fromAsyncEvents, SeqCounter } from './async-event-source.js';
import { examIdFor, listInputFiles } from './list-input-files.js';
import { RealtimePacer } from './realtime-pacer.js';
import { loadSidecarLabels } from './sidecar-labels.js';
import type { PipelineEvent } from '../core/events.js';

const VIDEO_EXT = /\.(mp4|m4v|mov|avi|mkv|mpeg|mpg|webm|gif|wmv|ts)$/i;

const schema = z
  .object({
    path: z.string().min(1).describe('A video file, a folder of them (searched recursively) or a glob, relative to the pipeline file.'),
    decoder: z.enum(['auto', 'native', 'wasm']).default('auto').describe('auto: native ffmpeg when on PATH, else the embedded wasm build.'),
    onError: z.enum(['fail', 'skip']).default('fail').describe('An unreadable file: fail the run, or warn and go on with the next.'),
    labels: z.boolean().default(true).describe('Attach labels from a <file>.labels.json sidecar when one exists.'),
    realtime: z.boolean().default(false).describe('Pace frames at their timestamps, like a live capture.'),
    maxFrames: z.number().int().min(1).optional().describe('Stop each file after this many frames.'),
  })
  .strict();

export const videoFileSource = defineSource({
  type: 'video-file',
  events: { adds: ['exam-start', 'frame', 'exam'] },
  summary: 'Video files of any container/codec ffmpeg reads, as gray frames with their timestamps.',
  schema,
  example: { type: 'video-file', path: 'clips/exam.mp4' },
  async check(config, ctx) {
    try {
      listInputFiles(resolvePath(ctx, config.path), { extensions: VIDEO_EXT, scope: 'source:video-file' });
      return {};
    } catch (err) {
      return { problems: [{ path: 'path', message: errorDetail(err) }] };
    }
  },
  build(config, ctx) {
    const scope = 'source:video-file';
    const seqs = new SeqCounter();
    return fromAsyncEvents(ctx, scope, async function* (signal): AsyncGenerator<PipelineEvent> {
      const { decodeVideo } = await import('../video/decode-video.js');
      const files = listInputFiles(resolvePath(ctx, config.path), { extensions: VIDEO_EXT, scope });
      const pacer = new RealtimePacer(ctx.clock);
      for (const file of files) {
        if (signal.aborted) return;
        yield* examEvents({
          uri: file,
          examId: examIdFor(file),
          async open() {
            const sidecar = config.labels ? await loadSidecarLabels(file) : undefined;
            return {
              subjectId: sidecar?.subjectId,
              fps: sidecar?.fps,
              meta: sidecar?.usRegion ? { usRegion: sidecar.usRegion } : {},
              labelsFor: sidecar ? (i) => sidecar.labelsFor(i) : undefined,
              frames: decodeVideo(file, { decoder: config.decoder, signal, maxFrames: config.maxFrames }),
            };
          },
          onError: config.onError,
          seqs,
          ctx,
          signal,
          pacer: config.realtime ? pacer : undefined,
        });
      }
    });
  },
});
