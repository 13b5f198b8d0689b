/**
 * Write one phantom exam as files: an MP4 (native ffmpeg, gray frames piped to
 * stdin), and/or DICOM Ultrasound Multi-frame Image Storage (JPEG baseline and/or
 * uncompressed explicit VR LE), each with its labels sidecar.
 */
import { spawn, spawnSync } from 'node:child_process';
import { open, type FileHandle } from 'node:fs/promises';
import { AutodvtError } from '../core/errors.js';
import type { LabelsSidecar } from '../labels/index.js';
import { segmentsFromFrames } from '../labels/index.js';
import type { PhantomExam } from '../phantom/index.js';
import {
  encapsulatedPixelDataHeader,
  encodeElements,
  filePreambleAndMeta,
  fragmentItem,
  nativePixelDataHeader,
  sequenceDelimiter,
  tag,
  UID,
  uidFromParts,
  type DicomElement,
} from './dicom-writer.js';
import { encodeGrayJpeg } from './jpeg-gray.js';

/** The labels sidecar of a phantom exam (run-length segments plus exam truth). */
export function sidecarForExam(exam: PhantomExam): LabelsSidecar {
  const frames = [];
  let textBoxes: ReturnType<PhantomExam['frameInfo']>['labels']['textBoxes'] | undefined;
  for (let i = 0; i < exam.frameCount; i++) {
    const info = exam.frameInfo(i);
    frames.push({ landmark: info.labels.landmark, open: info.labels.open, thrombus: info.labels.thrombus });
    textBoxes ??= info.labels.textBoxes;
  }
  return {
    version: 1,
    examId: exam.examId,
    subjectId: exam.subjectId,
    fps: exam.fps,
    frameCount: exam.frameCount,
    source: 'autodvt phantom',
    closedAreaFraction: exam.closedAreaFraction,
    segments: segmentsFromFrames(frames),
    // The sidecar format has no clot age (scanner look only): keep the fields it defines.
    visits: exam.truth.visits.map(({ landmark, startFrame, endFrame, thrombus }) => ({ landmark, startFrame, endFrame, thrombus })),
    verdict: exam.truth.verdict,
    textBoxes: textBoxes ?? [],
    usRegion: exam.usRegion,
    pixelSpacingMm: exam.pixelSpacingMm,
  };
}

let h264: boolean | undefined;
/** libx264 when this ffmpeg has it, else the built-in mpeg4 encoder. */
function videoCodecArgs(): string[] {
  if (h264 === undefined) {
    const r = spawnSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' });
    if (r.error) {
      throw new AutodvtError('ffmpeg not found on PATH', { scope: 'synth', hint: 'install ffmpeg (Debian: apt-get install ffmpeg) or use --format dicom' });
    }
    h264 = /\blibx264\b/.test(r.stdout);
  }
  return h264 ? ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18'] : ['-c:v', 'mpeg4', '-q:v', '3'];
}

interface FrameSink {
  write(pixels: Uint8Array, index: number): Promise<void>;
  finish(): Promise<void>;
  abort(): void;
}

function mp4Sink(path: string, exam: PhantomExam): FrameSink {
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'gray',
    '-s',
    `${exam.width}x${exam.height}`,
    '-r',
    String(exam.fps),
    '-i',
    '-',
    // yuv420p needs even sizes; pad odd ones with one black column/row.
    '-vf',
    'pad=ceil(iw/2)*2:ceil(ih/2)*2',
    ...videoCodecArgs(),
    '-pix_fmt',
    'yuv420p',
    '-fps_mode',
    'passthrough',
    '-movflags',
    '+faststart',
    path,
  ];
  const child = spawn('ffmpeg', args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (err) => reject(new AutodvtError(`cannot start ffmpeg: ${err.message}`, { scope: 'synth', cause: err })));
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new AutodvtError(`ffmpeg failed writing ${path} (exit ${code}): ${stderr.trim()}`, { scope: 'synth' })),
    );
  });
  done.catch(() => {});
  return {
    async write(pixels) {
      if (!child.stdin!.write(pixels)) {
        await Promise.race([new Promise((r) => child.stdin!.once('drain', r)), done]);
      }
    },
    async finish() {
      child.stdin!.end();
      await done;
    },
    abort() {
      child.kill('SIGKILL');
    },
  };
}

function dicomDataset(exam: PhantomExam, syntax: 'jpeg' | 'uncompressed', seed: number): { meta: Uint8Array; dataset: Uint8Array } {
  const instanceUid = uidFromParts(seed, syntax === 'jpeg' ? 1 : 2, 3);
  const us = exam.usRegion;
  const frameTimeMs = 1000 / exam.fps;
  const date = exam.patient.date.replaceAll('-', '');
  const time = exam.patient.time.replace(':', '') + '00';
  const elements: DicomElement[] = [
    { tag: tag(0x0008, 0x0008), vr: 'CS', value: 'DERIVED\\PRIMARY' },
    { tag: tag(0x0008, 0x0016), vr: 'UI', value: UID.usMultiFrameImageStorage },
    { tag: tag(0x0008, 0x0018), vr: 'UI', value: instanceUid },
    { tag: tag(0x0008, 0x0020), vr: 'DA', value: date },
    { tag: tag(0x0008, 0x0030), vr: 'TM', value: time },
    { tag: tag(0x0008, 0x0050), vr: 'SH', value: '' },
    { tag: tag(0x0008, 0x0060), vr: 'CS', value: 'US' },
    { tag: tag(0x0008, 0x0070), vr: 'LO', value: 'autodvt phantom (synthetic)' },
    { tag: tag(0x0008, 0x0090), vr: 'PN', value: '' },
    { tag: tag(0x0008, 0x1030), vr: 'LO', value: 'Synthetic 2-point compression exam' },
    { tag: tag(0x0010, 0x0010), vr: 'PN', value: exam.patient.name },
    { tag: tag(0x0010, 0x0020), vr: 'LO', value: exam.patient.id },
    { tag: tag(0x0010, 0x0030), vr: 'DA', value: '' },
    { tag: tag(0x0010, 0x0040), vr: 'CS', value: '' },
    { tag: tag(0x0018, 0x0040), vr: 'IS', value: String(Math.round(exam.fps)) },
    { tag: tag(0x0018, 0x1063), vr: 'DS', value: frameTimeMs.toFixed(6).slice(0, 16) },
    {
      tag: tag(0x0018, 0x6011),
      vr: 'SQ',
      items: [
        [
          { tag: tag(0x0018, 0x6012), vr: 'US', value: 1 },
          { tag: tag(0x0018, 0x6014), vr: 'US', value: 1 },
          { tag: tag(0x0018, 0x6016), vr: 'UL', value: 0 },
          { tag: tag(0x0018, 0x6018), vr: 'UL', value: us.x },
          { tag: tag(0x0018, 0x601a), vr: 'UL', value: us.y },
          { tag: tag(0x0018, 0x601c), vr: 'UL', value: us.x + us.width - 1 },
          { tag: tag(0x0018, 0x601e), vr: 'UL', value: us.y + us.height - 1 },
          { tag: tag(0x0018, 0x6024), vr: 'US', value: 3 },
          { tag: tag(0x0018, 0x6026), vr: 'US', value: 3 },
          { tag: tag(0x0018, 0x602c), vr: 'FD', value: exam.pixelSpacingMm.x / 10 },
          { tag: tag(0x0018, 0x602e), vr: 'FD', value: exam.pixelSpacingMm.y / 10 },
        ],
      ],
    },
    { tag: tag(0x0020, 0x000d), vr: 'UI', value: uidFromParts(seed, 10) },
    { tag: tag(0x0020, 0x000e), vr: 'UI', value: uidFromParts(seed, 11) },
    { tag: tag(0x0020, 0x0010), vr: 'SH', value: '1' },
    { tag: tag(0x0020, 0x0011), vr: 'IS', value: '1' },
    { tag: tag(0x0020, 0x0013), vr: 'IS', value: syntax === 'jpeg' ? '1' : '2' },
    { tag: tag(0x0020, 0x0020), vr: 'CS', value: '' },
    { tag: tag(0x0028, 0x0002), vr: 'US', value: 1 },
    { tag: tag(0x0028, 0x0004), vr: 'CS', value: 'MONOCHROME2' },
    { tag: tag(0x0028, 0x0008), vr: 'IS', value: String(exam.frameCount) },
    { tag: tag(0x0028, 0x0009), vr: 'AT', value: tag(0x0018, 0x1063) },
    { tag: tag(0x0028, 0x0010), vr: 'US', value: exam.height },
    { tag: tag(0x0028, 0x0011), vr: 'US', value: exam.width },
    { tag: tag(0x0028, 0x0100), vr: 'US', value: 8 },
    { tag: tag(0x0028, 0x0101), vr: 'US', value: 8 },
    { tag: tag(0x0028, 0x0102), vr: 'US', value: 7 },
    { tag: tag(0x0028, 0x0103), vr: 'US', value: 0 },
    { tag: tag(0x0028, 0x2110), vr: 'CS', value: syntax === 'jpeg' ? '01' : '00' },
  ];
  if (syntax === 'jpeg') elements.push({ tag: tag(0x0028, 0x2114), vr: 'CS', value: 'ISO_10918_1' });
  const ts = syntax === 'jpeg' ? UID.jpegBaseline : UID.explicitVrLittleEndian;
  return { meta: filePreambleAndMeta(UID.usMultiFrameImageStorage, instanceUid, ts), dataset: encodeElements(elements) };
}

function dicomJpegSink(path: string, exam: PhantomExam, seed: number, quality: number): FrameSink {
  const fragments: Uint8Array[] = [];
  return {
    async write(pixels) {
      fragments.push(encodeGrayJpeg(pixels, exam.width, exam.height, quality));
    },
    async finish() {
      const { meta, dataset } = dicomDataset(exam, 'jpeg', seed);
      const fh = await open(path, 'w');
      try {
        await fh.write(meta);
        await fh.write(dataset);
        await fh.write(encapsulatedPixelDataHeader(fragments.map((f) => f.length)));
        for (const f of fragments) await fh.write(fragmentItem(f));
        await fh.write(sequenceDelimiter());
      } finally {
        await fh.close();
      }
    },
    abort() {},
  };
}

function dicomRawSink(path: string, exam: PhantomExam, seed: number): FrameSink {
  let fh: FileHandle | undefined;
  const bytes = exam.width * exam.height * exam.frameCount;
  return {
    async write(pixels, index) {
      if (!fh) {
        fh = await open(path, 'w');
        const { meta, dataset } = dicomDataset(exam, 'uncompressed', seed);
        await fh.write(meta);
        await fh.write(dataset);
        await fh.write(nativePixelDataHeader(bytes));
      }
      void index;
      await fh.write(pixels);
    },
    async finish() {
      if (!fh) throw new AutodvtError(`no frames for ${path}`, { scope: 'synth' });
      if (bytes % 2 === 1) await fh.write(new Uint8Array(1));
      await fh.close();
    },
    abort() {
      void fh?.close();
    },
  };
}

export type SynthFormat = 'mp4' | 'dicom' | 'both';
export type DicomSyntax = 'jpeg' | 'uncompressed' | 'both';

/**
 * Render the exam once and write every requested file. Returns the media paths
 * written (sidecars are the caller's job, see writeSynthExams).
 */
export async function writeExamFiles(
  exam: PhantomExam,
  basePath: string,
  opts: { format: SynthFormat; dicomSyntax: DicomSyntax; seed: number; jpegQuality: number },
): Promise<string[]> {
  const sinks: FrameSink[] = [];
  const paths: string[] = [];
  if (opts.format !== 'dicom') {
    paths.push(`${basePath}.mp4`);
    sinks.push(mp4Sink(`${basePath}.mp4`, exam));
  }
  if (opts.format !== 'mp4') {
    if (opts.dicomSyntax !== 'uncompressed') {
      paths.push(`${basePath}.dcm`);
      sinks.push(dicomJpegSink(`${basePath}.dcm`, exam, opts.seed, opts.jpegQuality));
    }
    if (opts.dicomSyntax !== 'jpeg') {
      paths.push(`${basePath}-raw.dcm`);
      sinks.push(dicomRawSink(`${basePath}-raw.dcm`, exam, opts.seed));
    }
  }
  try {
    for (const frame of exam.frames({ reusePixels: true })) {
      for (const s of sinks) await s.write(frame.pixels, frame.index);
    }
    for (const s of sinks) await s.finish();
  } catch (err) {
    for (const s of sinks) s.abort();
    throw err;
  }
  return paths;
}
