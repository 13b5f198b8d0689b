/**
 * Leak measurement for the text-removal stage: the words an independent OCR engine
 * (the `tesseract` command) reads in a frame before removal and again after it; an
 * after-word that matches a before-word (case-insensitive, letters and digits only,
 * at least 3 of them) is text the stage let through. Pixels that keep changing
 * through the clip (the moving ultrasound image) are blanked in both reads, so the
 * engine neither reads speckle into "words" nor spends its time on it (text drawn over
 * the moving image is therefore not measured: docs/text-removal.md, known gaps).
 * Counts only: no recognised word leaves this module except to the caller's assertion.
 */
import fs from 'node:fs';
import path from 'node:path';
import { firstValueFrom, from, toArray, type OperatorFunction } from 'rxjs';
import { openDicomFile } from '../../../src/dicom/open-dicom-file.js';
import type { Box, FrameEvent, PipelineEvent } from '../../../src/core/events.js';
import { createPhantomExam } from '../../../src/phantom/index.js';
import type { GrayImage } from '../../../src/redaction/fill.js';
import { decodeVideo } from '../../../src/video/index.js';
import { tesseractCliWords, type CliWord } from './tesseract-cli.js';

/** A word counts when it has at least this many letters or digits. */
export const MIN_WORD_LENGTH = 3;
/**
 * A before-word counts when read at this confidence (0-100) or more: below it the
 * engine also reads "words" into still images (photos, colour bars), the same ones
 * before and after removal. After-words count at any confidence.
 */
export const MIN_BEFORE_CONFIDENCE = 50;
/** A pixel that differs by more than this from the frame before ... */
const MOVE_STEP = 32;
/** ... in at least this fraction of the frame pairs is the moving image (a clock ticking once a second is not). */
const MOVING_FRACTION = 0.2;

/** The word as compared: lower case, letters and digits only; undefined when shorter than MIN_WORD_LENGTH. */
export function wordKey(text: string): string | undefined {
  const key = text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  return key.length >= MIN_WORD_LENGTH ? key : undefined;
}

/** The distinct before-words that count (MIN_WORD_LENGTH, MIN_BEFORE_CONFIDENCE). */
export function beforeKeys(before: readonly CliWord[]): Set<string> {
  return new Set(
    before
      .filter((w) => w.confidence >= MIN_BEFORE_CONFIDENCE)
      .map((w) => wordKey(w.text))
      .filter((k): k is string => k !== undefined),
  );
}

/** How many after-words (any confidence) match a before-word that counts (each after-word counted, a repeated one too). */
export function matchingWords(before: readonly CliWord[], after: readonly CliWord[]): number {
  const seen = beforeKeys(before);
  return after.filter((w) => {
    const k = wordKey(w.text);
    return k !== undefined && seen.has(k);
  }).length;
}

/** Per pixel: 1 where the clip's frames keep changing (the moving image), from consecutive frames. */
export function movingPixels(frames: readonly GrayImage[]): Uint8Array {
  const first = frames[0]!;
  const n = first.width * first.height;
  const changes = new Uint16Array(n);
  for (let k = 1; k < frames.length; k++) {
    const a = frames[k - 1]!.pixels;
    const b = frames[k]!.pixels;
    for (let i = 0; i < n; i++) {
      const d = a[i]! - b[i]!;
      if (d > MOVE_STEP || d < -MOVE_STEP) changes[i]++;
    }
  }
  const pairs = frames.length - 1;
  const out = new Uint8Array(n);
  if (pairs < 3) return out; // too few frames to tell motion from a change of the overlay
  for (let i = 0; i < n; i++) if (changes[i]! >= MOVING_FRACTION * pairs) out[i] = 1;
  return out;
}

export function blank(img: GrayImage, moving: Uint8Array): GrayImage {
  return { width: img.width, height: img.height, pixels: img.pixels.map((v, i) => (moving[i] ? 0 : v)) };
}

/** Which frames are read: the first, and `samples - 1` more spread evenly through the clip (the last included). */
export function sampleIndices(frameCount: number, samples: number): number[] {
  if (frameCount <= samples) return [...Array(frameCount).keys()];
  const out = new Set<number>([0]);
  for (let s = 1; s < samples; s++) out.add(Math.round((s * (frameCount - 1)) / (samples - 1)));
  return [...out];
}

/** One fixture clip with burned-in text, from test/fixtures/MANIFEST.tsv. */
export interface FixtureClip {
  file: string;
  name: string;
  kind: 'dicom' | 'video';
}

/** Every fixture whose MANIFEST row says burned-in text is visible (`yes ...` or `minimal ...`). */
export function clipsWithBurnedInText(fixtures: string): FixtureClip[] {
  const rows = fs.readFileSync(path.join(fixtures, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  const header = rows[0]!.split('\t');
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`MANIFEST.tsv has no column ${name}`);
    return i;
  };
  const [nameCol, kindCol, textCol] = [col('local_name'), col('kind'), col('burned_in_text_visible')];
  return rows
    .slice(1)
    .map((r) => r.split('\t'))
    .filter((c) => (c[kindCol] === 'dicom' || c[kindCol] === 'video') && /^(yes|minimal)\b/.test(c[textCol] ?? ''))
    .map((c) => ({ file: path.join(fixtures, c[nameCol]!), name: path.basename(c[nameCol]!), kind: c[kindCol] as 'dicom' | 'video' }));
}

/** A fixture's frames as stage input (DICOM frames carry their largest 2D ultrasound region). */
export async function fixtureFrames(clip: FixtureClip): Promise<FrameEvent[]> {
  const event = (i: number, img: GrayImage, usRegion?: Box): FrameEvent => ({
    kind: 'frame',
    seq: i,
    ptsMs: i * 33,
    width: img.width,
    height: img.height,
    pixels: img.pixels,
    source: { uri: clip.file, examId: clip.name, frameIndex: i },
    meta: usRegion ? { usRegion } : {},
  });
  const out: FrameEvent[] = [];
  if (clip.kind === 'dicom') {
    const d = await openDicomFile(clip.file);
    const region = d.info.ultrasoundRegions.filter((r) => r.spatialFormat === 1).sort((a, b) => b.width * b.height - a.width * a.height)[0];
    for (let i = 0; i < d.info.frames; i++)
      out.push(event(i, await d.decodeFrame(i), region && { x: region.x, y: region.y, width: region.width, height: region.height }));
  } else {
    let i = 0;
    for await (const f of decodeVideo(clip.file)) out.push(event(i++, f));
  }
  return out;
}

/** The first `count` frames of a phantom exam: its screen (vendor header, fake patient name, ID, date, settings) and no region, so removal rests on OCR. */
export function phantomFrames(seed: number, count: number): { frames: FrameEvent[]; image: Box } {
  const exam = createPhantomExam({ seed });
  const frames = Array.from({ length: count }, (_, i) => {
    const f = exam.frame(i);
    return {
      kind: 'frame',
      seq: i,
      ptsMs: f.ptsMs,
      width: f.width,
      height: f.height,
      pixels: f.pixels,
      source: { uri: 'phantom:', examId: exam.examId, frameIndex: i },
      meta: {},
    } satisfies FrameEvent;
  });
  return { frames, image: exam.usRegion };
}

/** Run an operator over frames (file input) and return the output frames in order. */
export async function removeText(frames: readonly FrameEvent[], op: OperatorFunction<PipelineEvent, PipelineEvent>): Promise<FrameEvent[]> {
  const out = await firstValueFrom(from(frames as PipelineEvent[]).pipe(op, toArray()));
  return out.filter((e): e is FrameEvent => e.kind === 'frame');
}

/** What one clip's measurement found. */
export interface ClipLeaks {
  name: string;
  frames: number;
  sampled: number;
  /** Distinct words that count read before removal, summed over the sampled frames. */
  beforeWords: number;
  /** After-words that match a before-word of the same frame, summed over the sampled frames. */
  leaked: number;
  /** Sampled frame indices with a leaked word. */
  leakingFrames: number[];
}

/**
 * Read the sampled frames before and after removal and count the after-words that
 * match a before-word of the same frame. `inputs` and `outputs` are index-aligned.
 * `image`: where the ultrasound image is known to be (the phantom's ground truth),
 * blanked in both reads like the moving pixels: the phantom's speckle moves slowly, and
 * the engine reads the same "words" into it before and after.
 */
export async function measureLeaks(
  name: string,
  inputs: readonly GrayImage[],
  outputs: readonly GrayImage[],
  samples: number,
  image?: Box,
): Promise<ClipLeaks> {
  if (inputs.length !== outputs.length) throw new Error(`${name}: ${inputs.length} frames in, ${outputs.length} out`);
  const moving = movingPixels(inputs);
  if (image) {
    const w = inputs[0]!.width;
    for (let y = image.y; y < image.y + image.height; y++) moving.fill(1, y * w + image.x, y * w + image.x + image.width);
  }
  const result: ClipLeaks = { name, frames: inputs.length, sampled: 0, beforeWords: 0, leaked: 0, leakingFrames: [] };
  for (const k of sampleIndices(inputs.length, samples)) {
    const [before, after] = await Promise.all([tesseractCliWords(blank(inputs[k]!, moving)), tesseractCliWords(blank(outputs[k]!, moving))]);
    result.sampled++;
    result.beforeWords += beforeKeys(before).size;
    const leaked = matchingWords(before, after);
    result.leaked += leaked;
    if (leaked) result.leakingFrames.push(k);
  }
  return result;
}
