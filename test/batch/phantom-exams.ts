/** Phantom exams on disk for batch tests: DICOM + mp4 with sidecars, some made corrupt. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeSynthExams } from '../../src/synth/index.js';

export async function phantomExamFolder(opts: {
  subjects: number;
  durationS: number;
  seed?: number;
  corrupt?: string[];
  /** dicom, mp4 or both (default). */
  format?: 'dicom' | 'mp4' | 'both';
  fps?: number;
}): Promise<{ dir: string; files: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-batch-'));
  const { files } = await writeSynthExams({
    outDir: dir,
    subjects: opts.subjects,
    seed: opts.seed ?? 5,
    format: opts.format ?? 'both',
    durationS: opts.durationS,
    fps: opts.fps,
  });
  for (const name of opts.corrupt ?? []) truncateHalf(path.join(dir, name));
  return { dir, files: files.filter((f) => !f.endsWith('.labels.json')).sort() };
}

/** Keep the first half of a file, as an interrupted copy would. */
export function truncateHalf(file: string): void {
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
}
