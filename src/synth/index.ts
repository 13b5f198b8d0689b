/**
 * writeSynthExams: phantom exams as files (MP4 and/or DICOM) with a labels sidecar
 * next to each, for `autodvt synth`, demos, tests and training sets.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sidecarPathFor, writeLabelsSidecar } from '../labels/index.js';
import { createPhantomExam, type PhantomImaging, type PhantomOptions } from '../phantom/index.js';
import { hashSeed } from '../phantom/prng.js';
import { sidecarForExam, writeExamFiles, type DicomSyntax, type SynthFormat } from './exam-files.js';

export { sidecarForExam } from './exam-files.js';
export { encodeGrayJpeg } from './jpeg-gray.js';
export type { SynthFormat, DicomSyntax } from './exam-files.js';

export interface SynthOptions {
  outDir: string;
  /** Number of simulated subjects (one exam each). */
  subjects: number;
  seed: number;
  format: SynthFormat;
  /** DICOM transfer syntax: JPEG baseline (default), uncompressed explicit VR LE, or both files. */
  dicomSyntax?: DicomSyntax;
  durationS?: number;
  fps?: number;
  vendorFrame?: boolean;
  thrombusFraction?: number;
  closedAreaFraction?: number;
  /** How the B-mode image is formed (default: the phantom's default, `classic`). */
  imaging?: PhantomImaging;
  width?: number;
  height?: number;
  /** JPEG quality 1-100 (default 90). */
  jpegQuality?: number;
  /** Called after each exam is written. */
  onExam?: (info: SynthExamInfo) => void;
}

export interface SynthExamInfo {
  examId: string;
  subjectId: string;
  seed: number;
  frameCount: number;
  verdict: string;
  /** Media files, each with `<file>.labels.json` next to it. */
  media: string[];
}

/** The phantom seed of subject i of a synth run: independent of the other subjects. */
export function subjectSeed(seed: number, index: number): number {
  return hashSeed(seed, `subject-${index}`);
}

export async function writeSynthExams(opts: SynthOptions): Promise<{ files: string[]; exams: SynthExamInfo[] }> {
  await mkdir(opts.outDir, { recursive: true });
  const files: string[] = [];
  const exams: SynthExamInfo[] = [];
  for (let i = 0; i < opts.subjects; i++) {
    const seed = subjectSeed(opts.seed, i);
    const phantomOptions: PhantomOptions = {
      seed,
      durationS: opts.durationS,
      fps: opts.fps,
      vendorFrame: opts.vendorFrame,
      thrombusFraction: opts.thrombusFraction,
      closedAreaFraction: opts.closedAreaFraction,
      ...(opts.imaging ? { imaging: opts.imaging } : {}),
      width: opts.width,
      height: opts.height,
    };
    const exam = createPhantomExam(phantomOptions);
    const base = join(opts.outDir, `phantom-${opts.seed}-s${String(i).padStart(3, '0')}`);
    const media = await writeExamFiles(exam, base, {
      format: opts.format,
      dicomSyntax: opts.dicomSyntax ?? 'jpeg',
      seed,
      jpegQuality: opts.jpegQuality ?? 90,
    });
    const sidecar = sidecarForExam(exam);
    for (const m of media) {
      await writeLabelsSidecar(sidecarPathFor(m), sidecar);
      files.push(m, sidecarPathFor(m));
    }
    const info: SynthExamInfo = {
      examId: exam.examId,
      subjectId: exam.subjectId,
      seed,
      frameCount: exam.frameCount,
      verdict: exam.truth.verdict,
      media,
    };
    exams.push(info);
    opts.onExam?.(info);
  }
  return { files, exams };
}
