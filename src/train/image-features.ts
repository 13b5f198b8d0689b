/**
 * Image statistics of every frame of a data set (src/model/image-statistics.ts, the code
 * inference runs), written for training/fit_image_statistics.py: PREFIX.f64 (raw
 * little-endian float64 [frames, D], exams in index order) and PREFIX.json ({ features,
 * exams: [{ examId, subjectId, split, frames }] }).
 */
import fs from 'node:fs';
import path from 'node:path';
import { readNpy } from '../dataset/read-npy.js';
import { frameStatistics, IMAGE_STATISTICS } from '../model/image-statistics.js';

interface DatasetExam {
  examId: string;
  subjectId: string;
  file: string;
  frames: number;
  split: string;
}

export function writeImageFeatures(dataset: string, outPrefix: string, progress: (line: string) => void = () => {}): { frames: number } {
  const index = JSON.parse(fs.readFileSync(path.join(dataset, 'index.json'), 'utf8')) as { exams: DatasetExam[] };
  const out = fs.openSync(`${outPrefix}.f64`, 'w');
  const exams: Omit<DatasetExam, 'file'>[] = [];
  let frames = 0;
  try {
    for (const [i, exam] of index.exams.entries()) {
      const { shape, data } = readNpy(path.join(dataset, exam.file));
      if (!(data instanceof Uint8Array) || shape.length !== 3)
        throw new Error(`${exam.file}: expected uint8 frames [N, H, W], got shape [${shape.join(', ')}]`);
      const [n, h, w] = shape as [number, number, number];
      const rows = new Float64Array(n * IMAGE_STATISTICS.length);
      for (let f = 0; f < n; f++) rows.set(frameStatistics(data.subarray(f * h * w, (f + 1) * h * w), w, h), f * IMAGE_STATISTICS.length);
      fs.writeSync(out, new Uint8Array(rows.buffer));
      exams.push({ examId: exam.examId, subjectId: exam.subjectId, split: exam.split, frames: n });
      frames += n;
      progress(`image statistics: exam ${i + 1}/${index.exams.length} (${n} frames)`);
    }
  } finally {
    fs.closeSync(out);
  }
  fs.writeFileSync(`${outPrefix}.json`, JSON.stringify({ features: IMAGE_STATISTICS, exams }));
  return { frames };
}
