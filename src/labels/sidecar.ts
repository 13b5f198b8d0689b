/**
 * The labels sidecar: `<media file>.labels.json` next to a DICOM or video file
 * gives ground truth per frame (landmark, vein open/closed, thrombus) either frame
 * by frame or as run-length segments. The phantom writes it for every synthetic
 * exam; users write it to label their own archived exams. Format: docs/labels-sidecar.md.
 */
import { readFile, writeFile, rename } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import type { FrameLabels } from '../core/events.js';

const landmark = z.enum(['BG', 'LM1', 'LM2']).describe('Landmark in view: LM1 (saphenofemoral junction), LM2 (femoral bifurcation) or BG (anything else).');
const box = z
  .object({
    x: z.number().int().min(0).describe('Left edge, frame pixels.'),
    y: z.number().int().min(0).describe('Top edge, frame pixels.'),
    width: z.number().int().min(0).describe('Width in pixels.'),
    height: z.number().int().min(0).describe('Height in pixels.'),
  })
  .strict();

const frameLabel = z
  .object({
    landmark: landmark.optional(),
    open: z.boolean().optional().describe('true = vein open, false = vein closed (compressed). Omit when unknown.'),
    thrombus: z.boolean().optional().describe('The landmark visit this frame belongs to has a thrombus.'),
    unusable: z
      .literal(true)
      .optional()
      .describe('The frame is not fit for training or evaluation (probe off the skin, frozen screen, artefact); readers treat it as unlabelled.'),
  })
  .strict();

const segment = frameLabel
  .extend({
    start: z.number().int().min(0).describe('First frame index of the run (0-based).'),
    end: z.number().int().min(0).describe('Last frame index of the run (inclusive).'),
  })
  .strict()
  .refine((s) => s.end >= s.start, { message: 'end must be >= start', path: ['end'] });

export const labelsSidecarSchema = z
  .object({
    version: z.literal(1).describe('Format version; always 1.'),
    examId: z.string().min(1).optional().describe('Exam id; defaults to the media file name.'),
    subjectId: z.string().min(1).optional().describe('Subject (patient) pseudonym used to split datasets by subject. Never a real name.'),
    fps: z.number().positive().optional().describe('Frame rate the frame indices refer to.'),
    frameCount: z.number().int().min(0).optional().describe('Number of frames in the media file.'),
    source: z.string().optional().describe('Who made the labels, e.g. "autodvt phantom" or "manual".'),
    labelledBy: z.string().min(1).optional().describe('Who saved the labels last (`autodvt label --labeller`, default the OS user name).'),
    labelledAt: z.string().datetime({ offset: true }).optional().describe('When the labels were saved last (ISO 8601).'),
    revision: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Incremented by `autodvt label` on every save; a save based on an older revision is refused (two tabs on one loop).'),
    closedAreaFraction: z
      .number()
      .gt(0)
      .lt(1)
      .optional()
      .describe('Threshold used for open/closed: closed when lumen area < this fraction of its resting area.'),
    frames: z.array(frameLabel.nullable()).optional().describe('Labels per frame; the array index is the frame index; null = unlabelled.'),
    segments: z.array(segment).optional().describe('Run-length labels: each run covers frames start..end (inclusive).'),
    visits: z
      .array(
        z
          .object({
            landmark: z.enum(['LM1', 'LM2']),
            startFrame: z.number().int().min(0),
            endFrame: z.number().int().min(0),
            thrombus: z.boolean().optional(),
          })
          .strict(),
      )
      .optional()
      .describe('Landmark visits (inclusive frame ranges).'),
    verdict: z
      .enum(['2-point exam negative at the examined landmarks', 'refer for specialist ultrasound', 'incomplete'])
      .optional()
      .describe("The exam's true verdict."),
    textBoxes: z.array(box).optional().describe('Burned-in text boxes (same on every frame), frame pixels.'),
    usRegion: box.optional().describe('The B-mode image inside the frame.'),
    pixelSpacingMm: z.object({ x: z.number().positive(), y: z.number().positive() }).strict().optional(),
  })
  .strict()
  .refine((s) => s.frames !== undefined || s.segments !== undefined, {
    message: 'give labels as "frames" (one entry per frame) or "segments" (runs)',
    path: ['frames'],
  });

export type LabelsSidecar = z.infer<typeof labelsSidecarSchema>;
export type SidecarFrameLabel = z.infer<typeof frameLabel>;
export type SidecarSegment = z.infer<typeof segment>;

/** `<media>.labels.json`, next to the media file. */
export function sidecarPathFor(mediaPath: string): string {
  return `${mediaPath}.labels.json`;
}

function formatIssues(_path: string, error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const where = i.path.map((p, k) => (typeof p === 'number' ? `[${p}]` : `${k === 0 ? '' : '.'}${String(p)}`)).join('');
      return `✖ ${i.message}\n  → at ${where || '(root)'}`;
    })
    .join('\n');
}

/** Validate parsed JSON; throws InputError naming the file and every bad field. */
export function parseLabelsSidecar(data: unknown, path = '<labels>'): LabelsSidecar {
  const result = labelsSidecarSchema.safeParse(data);
  if (!result.success) {
    throw new InputError(`${path}: invalid labels sidecar\n${formatIssues(path, result.error)}`, {
      scope: 'labels',
      hint: 'see docs/labels-sidecar.md for the format',
    });
  }
  const s = result.data;
  if (s.frameCount !== undefined) {
    const bad = (s.segments ?? []).findIndex((seg) => seg.end >= s.frameCount!);
    if (bad >= 0) {
      throw new InputError(`${path}: segments[${bad}].end is beyond frameCount (${s.frameCount})`, { scope: 'labels' });
    }
  }
  return s;
}

export async function readLabelsSidecar(path: string): Promise<LabelsSidecar> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`${path}: cannot read labels sidecar (${(err as Error).message})`, { scope: 'labels', cause: err });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path}: labels sidecar is not valid JSON (${(err as Error).message})`, { scope: 'labels', cause: err });
  }
  return parseLabelsSidecar(data, path);
}

/**
 * Labels of one frame: its `frames` entry when present, otherwise the segment that
 * covers it (the last one listed wins where segments overlap). Static text boxes
 * are attached. undefined when nothing labels the frame.
 */
export function labelsForFrame(sidecar: LabelsSidecar, frameIndex: number): FrameLabels | undefined {
  let found: SidecarFrameLabel | undefined;
  const fromFrames = sidecar.frames?.[frameIndex];
  if (fromFrames) found = fromFrames;
  else if (sidecar.segments) {
    for (let i = sidecar.segments.length - 1; i >= 0; i--) {
      const s = sidecar.segments[i]!;
      if (frameIndex >= s.start && frameIndex <= s.end) {
        found = { landmark: s.landmark, open: s.open, thrombus: s.thrombus };
        break;
      }
    }
  }
  if (!found) return undefined;
  const out: FrameLabels = {};
  if (found.landmark !== undefined) out.landmark = found.landmark;
  if (found.open !== undefined) out.open = found.open;
  if (found.thrombus !== undefined) out.thrombus = found.thrombus;
  if (sidecar.textBoxes) out.textBoxes = sidecar.textBoxes;
  return out;
}

/** Run-length encode per-frame labels into inclusive segments. */
export function segmentsFromFrames(frames: ReadonlyArray<SidecarFrameLabel>): SidecarSegment[] {
  const out: SidecarSegment[] = [];
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    const last = out[out.length - 1];
    if (last && last.end === i - 1 && last.landmark === f.landmark && last.open === f.open && last.thrombus === f.thrombus && last.unusable === f.unusable) {
      last.end = i;
    } else {
      out.push({ start: i, end: i, ...f });
    }
  }
  return out;
}

/**
 * The sidecar as text: validated, one segment / frame per line, which keeps the
 * file diffable and readable. Throws InputError like parseLabelsSidecar.
 */
export function formatLabelsSidecar(sidecar: LabelsSidecar, path = '<labels>'): string {
  const valid = parseLabelsSidecar(sidecar, path);
  const lines: string[] = ['{'];
  const entries = Object.entries(valid).filter(([, v]) => v !== undefined);
  entries.forEach(([k, v], i) => {
    const comma = i === entries.length - 1 ? '' : ',';
    if (Array.isArray(v) && (k === 'frames' || k === 'segments' || k === 'visits' || k === 'textBoxes')) {
      lines.push(`  ${JSON.stringify(k)}: [`);
      v.forEach((item, j) => lines.push(`    ${JSON.stringify(item)}${j === v.length - 1 ? '' : ','}`));
      lines.push(`  ]${comma}`);
    } else lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(v)}${comma}`);
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Validate and write (atomically: temp file then rename). */
export async function writeLabelsSidecar(path: string, sidecar: LabelsSidecar): Promise<void> {
  const text = formatLabelsSidecar(sidecar, path);
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}
