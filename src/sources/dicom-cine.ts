/**
 * dicom-cine — ultrasound DICOM files (single- and multi-frame) as frames.
 *
 * Emits: per file `exam-start`, one `frame` per DICOM frame (8-bit gray; meta: the B-mode
 *   ultrasound region and mm per pixel from the Sequence of Ultrasound Regions; labels
 *   from a `<file>.labels.json` sidecar when present), then `exam`.
 * Parameters:
 *   path        a file, a folder (every .dcm/.dicom/.zip inside, recursively) or a glob
 *   onError     `fail` (default): an unreadable file stops the run; `skip`: warn, end that
 *               exam early and go on with the next file
 *   labels      read labels sidecars (default true)
 *   realtime    pace frames at the file's frame rate, like a live scanner (default false)
 *   allowNonUltrasound  accept non-ultrasound SOP classes (CT, MR...) (default false)
 * Transfer syntaxes: implicit/explicit VR little endian, deflated, RLE, JPEG baseline,
 *   extended and lossless, JPEG-LS, JPEG 2000. Photometric: MONOCHROME1/2, RGB, YBR_*,
 *   PALETTE COLOR. Frame times from FrameTime, FrameTimeVector or CineRate.
 * Notes: patient attributes are never read into events or logs; the exam id is the file name.
 *
 * ```yaml
 * source:
 *   type: dicom-cine
 *   path: exams/
 * ```
 */
import { z } from 'zod';
import { resolvePath } from '../core/context.js';
import { errorDetail } from '../core/errors.js';
import { defineSource } from '../core/unit.js';
import { fromAsyncEvents, SeqCounter } from './async-event-source.js';
import { dicomExamEvents } from './dicom-exam-events.js';
import { examIdFor, listInputFiles } from './list-input-files.js';
import { loadSidecarLabels } from './sidecar-labels.js';
import { RealtimePacer } from './realtime-pacer.js';
import type { PipelineEvent } from '../core/events.js';

const DICOM_EXT = /\.(dcm|dicom|dic|zip)$/i;

const schema = z
  .object({
    path: z.string().min(1).describe('A DICOM file, a folder of them (searched recursively) or a glob, relative to the pipeline file.'),
    onError: z.enum(['fail', 'skip']).default('fail').describe('An unreadable file or frame: fail the run, or warn, end that exam early and go on.'),
    labels: z.boolean().default(true).describe('Attach labels from a <file>.labels.json sidecar when one exists.'),
    realtime: z.boolean().default(false).describe("Pace frames at the file's frame rate, like a live scanner."),
    allowNonUltrasound: z.boolean().default(false).describe('Accept non-ultrasound images (CT, MR, ...) instead of refusing them.'),
  })
  .strict();

export const dicomCineSource = defineSource({
  type: 'dicom-cine',
  events: { adds: ['exam-start', 'frame', 'exam'] },
  summary: 'Ultrasound DICOM files (single or multi-frame, any common transfer syntax) as gray frames.',
  schema,
  example: { type: 'dicom-cine', path: 'exams/' },
  async check(config, ctx) {
    try {
      listInputFiles(resolvePath(ctx, config.path), { extensions: DICOM_EXT, scope: 'source:dicom-cine' });
      return {};
    } catch (err) {
      return { problems: [{ path: 'path', message: errorDetail(err) }] };
    }
  },
  build(config, ctx) {
    const scope = 'source:dicom-cine';
    const seqs = new SeqCounter();
    return fromAsyncEvents(ctx, scope, async function* (signal): AsyncGenerator<PipelineEvent> {
      const { openDicomFile } = await import('../dicom/open-dicom.js');
      const files = listInputFiles(resolvePath(ctx, config.path), { extensions: DICOM_EXT, scope });
      const pacer = new RealtimePacer(ctx.clock);
      for (const file of files) {
        if (signal.aborted) return;
        yield* dicomExamEvents({
          uri: file,
          examId: examIdFor(file),
          open: () => openDicomFile(file, { signal }),
          labels: config.labels ? () => loadSidecarLabels(file) : undefined,
          allowNonUltrasound: config.allowNonUltrasound,
          onError: config.onError,
          seqs,
          ctx,
          signal,
          scope,
          pacer: config.realtime ? pacer : undefined,
        });
      }
    });
  },
});
