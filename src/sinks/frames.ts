/**
 * frames — write the frames as they leave the last stage, to look at what a stage did.
 *
 * Consumes: `frame` events. Emits: nothing (a sink).
 * Parameters:
 *   path     a folder for a PNG sequence (`frame-000000.png`, ...), or a file ending
 *            in .mp4/.mkv/.avi/.mov for a video (needs native ffmpeg)
 *   every    write every Nth frame (default 1)
 *   maxFrames  stop writing after this many frames (default: no limit)
 *   fps      frame rate of a video output (default 30)
 * Notes: frames may carry burned-in patient text; put text-removal upstream.
 *
 * ```yaml
 * - type: frames
 *   path: out/frames
 *   every: 10
 * ```
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { resolvePath } from '../core/context.js';
import { AutodvtError } from '../core/errors.js';
import { encodeGrayPng } from '../render/encode-png.js';
import { defineSink } from '../core/unit.js';
import { sinkOperator } from './sink-operator.js';
import type { FrameEvent } from '../core/events.js';

const VIDEO_EXT = /\.(mp4|mkv|avi|mov)$/i;

const schema = z
  .object({
    path: z.string().min(1).describe('Folder for a PNG sequence, or a .mp4/.mkv/.avi/.mov file for a video.'),
    every: z.number().int().min(1).default(1).describe('Write every Nth frame.'),
    maxFrames: z.number().int().min(1).optional().describe('Stop after writing this many frames.'),
    fps: z.number().positive().default(30).describe('Frame rate of a video output.'),
  })
  .strict();

export const framesSink = defineSink({
  type: 'frames',
  events: { needs: ['frame'] },
  summary: 'Write frames leaving the last stage as a PNG sequence or a video file.',
  schema,
  perExam: { paths: ['path'] },
  persistent: true,
  example: { type: 'frames', path: 'out/frames', every: 10 },
  build(config, ctx) {
    const target = resolvePath(ctx, config.path);
    return sinkOperator(() => {
      let seen = 0;
      let written = 0;
      const writer = VIDEO_EXT.test(target) ? videoWriter(target, config.fps) : pngWriter(target);
      return {
        write(event) {
          if (event.kind !== 'frame') return;
          if (seen++ % config.every !== 0) return;
          if (config.maxFrames !== undefined && written >= config.maxFrames) return;
          written++;
          return writer.write(event);
        },
        close: () => writer.close(),
      };
    });
  },
});

function pngWriter(dir: string): { write(f: FrameEvent): void; close(): void } {
  fs.mkdirSync(dir, { recursive: true });
  let n = 0;
  return {
    write(frame) {
      fs.writeFileSync(path.join(dir, `frame-${String(n++).padStart(6, '0')}.png`), encodeGrayPng(frame.pixels, frame.width, frame.height));
    },
    close() {},
  };
}

function videoWriter(file: string, fps: number): { write(f: FrameEvent): Promise<void> | void; close(): Promise<void> } {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let proc: ReturnType<typeof spawn> | undefined;
  let size: { w: number; h: number } | undefined;
  let stderr = '';
  let exit: Promise<number | null> | undefined;
  return {
    write(frame) {
      if (!proc) {
        size = { w: frame.width, h: frame.height };
        proc = spawn(
          process.env.AUTODVT_FFMPEG ?? 'ffmpeg',
          [
            '-v',
            'error',
            '-y',
            '-f',
            'rawvideo',
            '-pix_fmt',
            'gray',
            '-s',
            `${frame.width}x${frame.height}`,
            '-r',
            String(fps),
            '-i',
            '-',
            '-pix_fmt',
            'yuv420p',
            '-vf',
            'pad=ceil(iw/2)*2:ceil(ih/2)*2',
            file,
          ],
          { stdio: ['pipe', 'ignore', 'pipe'] },
        );
        proc.stderr!.on('data', (d) => (stderr += d));
        exit = new Promise((resolve, reject) => {
          proc!.on('error', (err) =>
            reject(new AutodvtError(`cannot start ffmpeg to write ${file}: ${err.message}`, { scope: 'sink:frames', hint: 'install ffmpeg or write PNGs' })),
          );
          proc!.on('close', resolve);
        });
        exit.catch(() => undefined);
      }
      if (frame.width !== size!.w || frame.height !== size!.h) {
        throw new AutodvtError(`frame ${frame.seq} is ${frame.width}x${frame.height}, the video is ${size!.w}x${size!.h}`, { scope: 'sink:frames' });
      }
      const ok = proc.stdin!.write(frame.pixels);
      if (!ok) return new Promise<void>((resolve) => proc!.stdin!.once('drain', () => resolve()));
    },
    async close() {
      if (!proc) return;
      proc.stdin!.end();
      const code = await exit;
      if (code !== 0) throw new AutodvtError(`ffmpeg failed writing ${file}: ${stderr.trim()}`, { scope: 'sink:frames' });
    },
  };
}
