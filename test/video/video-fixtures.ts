/**
 * The real video clips in test/fixtures/video and what MANIFEST.tsv says about
 * them (codec, size, fps, decoded frame count). Read-only: tests copy or cut them
 * into temp folders when they need to.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FIXTURES_DIR = resolve(import.meta.dirname, '../fixtures');
export const VIDEO_DIR = join(FIXTURES_DIR, 'video');

export interface VideoFixture {
  name: string;
  path: string;
  codec: string;
  width: number;
  height: number;
  /** avg_frame_rate as ffprobe gives it. */
  avgFps: number;
  frameCount: number;
  durationS: number;
  hasAudio: boolean;
}

function rational(text: string): number {
  const [n, d = '1'] = text.split('/');
  return Number(n) / Number(d);
}

export function videoFixtures(): VideoFixture[] {
  const [header, ...rows] = readFileSync(join(FIXTURES_DIR, 'MANIFEST.tsv'), 'utf8').trimEnd().split('\n');
  const cols = header.split('\t');
  const col = (row: string[], name: string): string => row[cols.indexOf(name)] ?? '';
  return rows
    .map((line) => line.split('\t'))
    .filter((row) => col(row, 'kind') === 'video')
    .map((row) => {
      const [width, height] = col(row, 'resolution').split('x').map(Number);
      const avg = /avg ([\d/]+)/.exec(col(row, 'fps'))?.[1] ?? col(row, 'fps').split(' ')[0];
      const local = col(row, 'local_name');
      return {
        name: local.replace(/^video\//, ''),
        path: join(FIXTURES_DIR, local),
        codec: col(row, 'codec'),
        width,
        height,
        avgFps: rational(avg),
        frameCount: Number(col(row, 'frame_count')),
        durationS: Number(col(row, 'duration_s')),
        hasAudio: !['', 'none'].includes(col(row, 'audio')),
      };
    });
}

export function videoFixture(name: string): VideoFixture {
  const found = videoFixtures().find((f) => f.name === name);
  if (!found) throw new Error(`no video fixture ${name} in MANIFEST.tsv`);
  return found;
}
