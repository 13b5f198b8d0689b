/**
 * Pipes RGB frames into native ffmpeg (`-f rawvideo -pix_fmt rgb24`) to write a
 * video file. `write` returns a promise when ffmpeg's stdin is full, so the caller
 * waits instead of buffering; `close` waits for ffmpeg and reports its errors.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AutodvtError } from '../../core/errors.js';
import type { RgbImage } from '../../render/rgb-image.js';

export interface RgbVideoWriter {
  readonly file: string;
  readonly frames: number;
  write(img: RgbImage): Promise<void> | undefined;
  close(): Promise<void>;
}

export function openRgbVideo(file: string, width: number, height: number, fps: number, scope: string): RgbVideoWriter {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const proc: ChildProcess = spawn(
    process.env.AUTODVT_FFMPEG ?? 'ffmpeg',
    ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', '-', '-pix_fmt', 'yuv420p', file],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  // ffmpeg exiting early makes stdin writes fail with EPIPE; the exit code tells the story.
  proc.stdin!.on('error', () => undefined);
  const exit = new Promise<number | null>((resolve, reject) => {
    proc.on('error', (err) =>
      reject(
        new AutodvtError(`cannot start ffmpeg to write ${file}: ${err.message}`, {
          scope,
          hint: 'install ffmpeg (Debian: apt-get install ffmpeg) or set AUTODVT_FFMPEG',
        }),
      ),
    );
    proc.on('close', resolve);
  });
  exit.catch(() => undefined);
  let frames = 0;
  return {
    file,
    get frames() {
      return frames;
    },
    write(img) {
      if (img.width !== width || img.height !== height) {
        throw new AutodvtError(`overlay frame is ${img.width}x${img.height}, the video is ${width}x${height}`, { scope });
      }
      frames++;
      if (proc.stdin!.write(img.data)) return undefined;
      return new Promise<void>((resolve) => {
        const done = () => {
          proc.stdin!.off('drain', done);
          proc.off('close', done);
          resolve();
        };
        proc.stdin!.on('drain', done);
        proc.on('close', done);
      });
    },
    async close() {
      proc.stdin!.end();
      const code = await exit;
      if (code !== 0) throw new AutodvtError(`ffmpeg failed writing ${file}: ${stderr.trim() || `exit code ${code}`}`, { scope });
    },
  };
}
