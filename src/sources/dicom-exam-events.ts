/**
 * One DICOM instance as the events of one exam: `exam-start`, a `frame` per DICOM frame
 * (meta: the B-mode ultrasound region and mm per pixel), then `exam`. Shared by the
 * sources that read DICOM (dicom-cine from files, dicomweb from a PACS). What goes wrong
 * is handled per the source's `onError`: `fail` ends the exam with its reason and
 * rethrows; `skip` warns and goes on. Frames already emitted stay emitted either way.
 */
import { errorDetail, InputError } from '../errors.js';
import type { BuildContext } from '../context.js';
import type { DicomFile } from '../dicom/open-dicom.js';
import type { FrameLabels, PipelineEvent } from '../events.js';
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

export async function* dicomExamEvents(o: DicomExamOptions): AsyncGenerator<PipelineEvent> {
  const { uri, examId, signal } = o;
  let frames = 0;
  let lastPts = 0;
  let started = false;
  try {
    const dicom = await o.open();
    const { info } = dicom;
    if (!info.isUltrasound && !o.allowNonUltrasound) {
      throw new InputError(`${uri}: not an ultrasound image (${info.sopClassName}); set allowNonUltrasound: true to read it anyway`, { scope: o.scope });
    }
    const sidecar = o.labels ? await o.labels() : undefined;
    const bmode = info.ultrasoundRegions.find((r) => r.spatialFormat === 1) ?? info.ultrasoundRegions[0];
    const meta = {
      usRegion: bmode ? { x: bmode.x, y: bmode.y, width: bmode.width, height: bmode.height } : undefined,
      regions: info.ultrasoundRegions.length ? info.ultrasoundRegions : undefined,
      pixelSpacingMm: bmode?.mmPerPixelX && bmode.mmPerPixelY ? { x: bmode.mmPerPixelX, y: bmode.mmPerPixelY } : undefined,
    };
    started = true;
    const fps = info.frameTimeMs ? 1000 / info.frameTimeMs : undefined;
    yield { kind: 'exam-start', examId, uri, subjectId: sidecar?.subjectId, expectedFrames: info.frames, fps };
    o.pacer?.restart();
    for (let i = 0; i < info.frames; i++) {
      if (signal.aborted) break;
      const frame = await dicom.decodeFrame(i);
      const ptsMs = info.frameTimesMs[i] ?? i * (info.frameTimeMs ?? 0);
      if (o.pacer) await o.pacer.wait(ptsMs, signal);
      frames++;
      lastPts = ptsMs;
      yield {
        kind: 'frame',
        seq: o.seqs.take(),
        ptsMs,
        captureTimeMs: o.ctx.clock.now(),
        width: frame.width,
        height: frame.height,
        pixels: frame.pixels,
        source: { uri, examId, subjectId: sidecar?.subjectId, frameIndex: i },
        labels: sidecar?.labelsFor(i),
        meta,
      };
    }
    yield { kind: 'exam', examId, uri, frames, durationMs: lastPts + (info.frameTimeMs ?? 0) };
  } catch (err) {
    if (signal.aborted) return;
    const reason = (err as Error).message;
    if (started) yield { kind: 'exam', examId, uri, frames, durationMs: lastPts, incompleteReason: reason };
    if (o.onError === 'fail') throw err;
    o.ctx.warn(`${errorDetail(err)} — skipped`, { examId });
  }
}
