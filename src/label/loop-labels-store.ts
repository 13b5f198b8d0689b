/**
 * Reads and saves the labels of one loop in its sidecar (`<media>.labels.json`,
 * docs/labels-sidecar.md) for the labeller. Every save is atomic (temporary file,
 * flushed, renamed over the sidecar), records who labelled and when, and carries a
 * revision number: a save based on a revision other than the one on disk is
 * refused with a SaveConflict, so two tabs (or two labellers) never overwrite each
 * other silently. Fields the labeller does not edit (subject, visits, verdict, text
 * boxes, ...) are kept as they were; labels are written as run-length `segments`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../batch/atomic-write.js';
import { formatLabelsSidecar, readLabelsSidecar, segmentsFromFrames, sidecarPathFor, type LabelsSidecar } from '../labels/index.js';
import { emptyLabels, toSidecarLabel, type LoopFrameLabel } from './frame-labels.js';

/** What the page needs of a loop's saved labels. */
export interface StoredLabels {
  frames: LoopFrameLabel[];
  /** 0 when no sidecar exists or it has no revision yet. */
  revision: number;
  labelledBy?: string;
  labelledAt?: string;
}

/** A save refused because the sidecar changed since the page read it. */
export class SaveConflict extends Error {
  constructor(readonly currentRevision: number) {
    super(`the labels were saved elsewhere (revision ${currentRevision}) since this page read them`);
    this.name = 'SaveConflict';
  }
}

export interface SaveRequest {
  frames: readonly LoopFrameLabel[];
  /** The revision the change was based on. */
  baseRevision: number;
  labelledBy: string;
  /** When, as a Date (passed in: tests control the clock). */
  at: Date;
  fps?: number;
  examId: string;
}

/** Per-frame labels from a sidecar: a `frames` entry wins over segments; the later segment wins. */
export function framesFromSidecar(sidecar: LabelsSidecar | undefined, frameCount: number): LoopFrameLabel[] {
  const out = emptyLabels(frameCount);
  if (!sidecar) return out;
  for (const seg of sidecar.segments ?? []) {
    const { start, end, ...label } = seg;
    // toSidecarLabel keeps only the fields that are set: the same shape both ways.
    for (let i = start; i <= Math.min(end, frameCount - 1); i++) out[i] = toSidecarLabel(label);
  }
  (sidecar.frames ?? []).forEach((label, i) => {
    if (label && i < frameCount) out[i] = toSidecarLabel(label);
  });
  return out;
}

async function readIfPresent(file: string): Promise<LabelsSidecar | undefined> {
  if (!fs.existsSync(file)) return undefined;
  return readLabelsSidecar(file);
}

/** The saved labels of a media file (throws InputError when its sidecar is invalid). */
export async function readStoredLabels(mediaPath: string, frameCount: number): Promise<StoredLabels> {
  const sidecar = await readIfPresent(sidecarPathFor(mediaPath));
  return {
    frames: framesFromSidecar(sidecar, frameCount),
    revision: sidecar?.revision ?? 0,
    labelledBy: sidecar?.labelledBy,
    labelledAt: sidecar?.labelledAt,
  };
}

const queues = new Map<string, Promise<unknown>>();

/** Runs saves of one file one after the other (revision check and write are one step). */
function serialised<T>(key: string, job: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(job, job);
  const settled = next.catch(() => undefined);
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return next;
}

/**
 * Save a change: refused with SaveConflict unless the sidecar on disk is still at
 * `baseRevision`; otherwise written atomically at `baseRevision + 1`, which is returned.
 */
export function saveStoredLabels(mediaPath: string, request: SaveRequest): Promise<number> {
  const file = sidecarPathFor(mediaPath);
  return serialised(path.resolve(file), async () => {
    const current = await readIfPresent(file);
    const currentRevision = current?.revision ?? 0;
    if (currentRevision !== request.baseRevision) throw new SaveConflict(currentRevision);
    const segments = segmentsFromFrames(request.frames.map(toSidecarLabel)).filter(
      (s) => s.landmark !== undefined || s.open !== undefined || s.thrombus !== undefined || s.unusable !== undefined,
    );
    const { frames: _frames, segments: _segments, ...kept } = current ?? { version: 1 as const };
    const revision = currentRevision + 1;
    const next: LabelsSidecar = {
      ...kept,
      version: 1,
      examId: current?.examId ?? request.examId,
      fps: request.fps ?? current?.fps,
      frameCount: request.frames.length,
      source: 'manual',
      labelledBy: request.labelledBy,
      labelledAt: request.at.toISOString(),
      revision,
      segments,
    };
    await writeFileAtomic(file, formatLabelsSidecar(next, file));
    return revision;
  });
}
