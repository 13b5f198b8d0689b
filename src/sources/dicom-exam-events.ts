/**
 * One DICOM instance as the events of one exam (`exam-events.ts` does the emitting and
 * the error handling): a frame per DICOM frame, with meta from the Sequence of
 * Ultrasound Regions (the B-mode region and mm per pixel). Shared by the sources that
 * read DICOM (dicom-cine from files, dicomweb from a PACS).
 */
import { InputError } from '../core/errors.js';
import { examEvents } from './exam-events.js';
import type { DecodedFrame } from '../video/video-types.js';
import type { BuildContext } from '../core/context.js';
import type { DicomFile } from '../dicom/open-dicom.js';
import type { FrameLabels, PipelineEvent } from '../core/events.js';
import type { RealtimePacer } from './realtime-pacer.js';
import type { SeqCounter } from './async-event-source.js';

export interface DicomExamOptions {
  uri: string;
  examId: string;
  /** Opens the instance (may throw: truncated, unsupported, unreachable). */
  open: () => Promise<DicomFile>;
  /** Labels for the exam, when a sidecar exists. */
  labels?: () => Promise<{ subjectId?: string; labelsFor(i: number): FrameLabels | undefined } | undefined>;
  allowNonUltrasound: boolean;
  onError: 'fail' | 'skip';
  seqs: SeqCounter;
  ctx: Pick<BuildContext, 'clock' | 'warn'>;
  signal: AbortSignal;
  scope: string;
  pacer?: RealtimePacer;
}

export function dicomExamEvents(o: DicomExamOptions): AsyncGenerator<PipelineEvent> {
  return examEvents({
    ...o,
    async open() {
      const dicom = await o.open();
      const { info } = dicom;
      if (!info.isUltrasound && !o.allowNonUltrasound) {
        throw new InputError(`${o.uri}: not an ultrasound image (${info.sopClassName}); set allowNonUltrasound: true to read it anyway`, { scope: o.scope });
      }
      const sidecar = o.labels ? await o.labels() : undefined;
      const bmode = info.ultrasoundRegions.find((r) => r.spatialFormat === 1) ?? info.ultrasoundRegions[0];
      return {
        subjectId: sidecar?.subjectId,
        expectedFrames: info.frames,
        fps: info.frameTimeMs ? 1000 / info.frameTimeMs : undefined,
        meta: {
          usRegion: bmode ? { x: bmode.x, y: bmode.y, width: bmode.width, height: bmode.height } : undefined,
          regions: info.ultrasoundRegions.length ? info.ultrasoundRegions : undefined,
          pixelSpacingMm: bmode?.mmPerPixelX && bmode.mmPerPixelY ? { x: bmode.mmPerPixelX, y: bmode.mmPerPixelY } : undefined,
        },
        labelsFor: sidecar ? (i) => sidecar.labelsFor(i) : undefined,
        frames: dicomFrames(dicom),
        frameDurationMs: info.frameTimeMs ?? 0,
      };
    },
  });
}

async function* dicomFrames(dicom: DicomFile): AsyncGenerator<DecodedFrame> {
  const { info } = dicom;
  for (let i = 0; i < info.frames; i++) {
    const frame = await dicom.decodeFrame(i);
    yield { index: i, ptsMs: info.frameTimesMs[i] ?? i * (info.frameTimeMs ?? 0), width: frame.width, height: frame.height, pixels: frame.pixels };
  }
}
