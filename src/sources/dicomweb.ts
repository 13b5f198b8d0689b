/**
 * dicomweb — ultrasound cine loops straight from a PACS over DICOMweb.
 *
 * Finds studies with QIDO-RS (listed Study Instance UIDs, or a search by patient id,
 * study date and modality), then streams each multi-frame instance of their series
 * with WADO-RS (multipart/related application/dicom, stored transfer syntax).
 * Emits: per instance `exam-start`, one `frame` per frame (8-bit gray; meta: B-mode
 *   region and mm per pixel from the Sequence of Ultrasound Regions; labels from
 *   `<labelsDir>/<SOPInstanceUID>.labels.json` when given), then `exam`.
 * Parameters:
 *   url         DICOMweb base URL, e.g. http://localhost:8042/dicom-web
 *   studies     Study Instance UIDs to read (default: search)
 *   series      only these Series Instance UIDs
 *   patientId, studyDate   QIDO-RS search keys when no studies are listed
 *   modality    series modality to read (default US; "" for any)
 *   headers     HTTP headers on every request, e.g. Authorization: Bearer ${TOKEN}
 *   labelsDir   folder of labels sidecars named after SOP Instance UIDs
 *   onError     fail (default) | skip an unreadable instance
 *   allowNonUltrasound, timeoutMs
 *   maxInstanceMB  largest instance read (default 512): a bigger answer is refused, by its
 *               Content-Length or while it streams, before it fills memory
 * Notes: the exam id is the SOP Instance UID; patient attributes are never read into
 *   events. A study, series or instance the server lists more than once (one study
 *   under two patient ids) is read once, with a warning. Credentials in the url (`https://user:pass@host/...`) are sent as Basic
 *   authorization and never shown; headers never go to another origin on a redirect. A whole instance is held in memory while its frames stream.
 *
 * ```yaml
 * source:
 *   type: dicomweb
 *   url: http://localhost:8042/dicom-web
 *   studyDate: 20240101-20241231
 *   headers:
 *     Authorization: Bearer ${PACS_TOKEN}
 * ```
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { resolvePath } from '../core/context.js';
import { InputError } from '../core/errors.js';
import { labelsForFrame, readLabelsSidecar } from '../labels/index.js';
import { defineSource } from '../core/unit.js';
import { dicomExamEvents } from './dicom-exam-events.js';
import { fromAsyncEvents, SeqCounter } from './async-event-source.js';
import type { PipelineEvent } from '../core/events.js';

const schema = z
  .object({
    url: z.string().url().describe('DICOMweb base URL (QIDO-RS and WADO-RS), e.g. http://localhost:8042/dicom-web.'),
    studies: z.array(z.string().min(1)).default([]).describe('Study Instance UIDs to read; empty: search with patientId / studyDate / modality.'),
    series: z.array(z.string().min(1)).default([]).describe('Read only these Series Instance UIDs (empty: every series of the modality).'),
    patientId: z.string().min(1).optional().describe('QIDO-RS search: PatientID of the studies.'),
    studyDate: z
      .string()
      .regex(/^\d{8}(-\d{8})?$|^-\d{8}$|^\d{8}-$/)
      .optional()
      .describe('QIDO-RS search: StudyDate or range, YYYYMMDD[-YYYYMMDD].'),
    modality: z.string().default('US').describe('Modality of the series to read ("" for any).'),
    headers: z.record(z.string(), z.string()).default({}).describe('HTTP headers sent with every request, e.g. {Authorization: "Bearer ${TOKEN}"}.'),
    labelsDir: z.string().min(1).optional().describe('Folder of labels sidecars named <SOPInstanceUID>.labels.json (relative to the pipeline file).'),
    onError: z.enum(['fail', 'skip']).default('fail').describe('An unreadable instance: fail the run, or warn, end that exam early and go on.'),
    allowNonUltrasound: z.boolean().default(false).describe('Accept non-ultrasound images (CT, MR, ...) instead of refusing them.'),
    timeoutMs: z.number().int().min(1).default(60_000).describe('Timeout of each HTTP request, in milliseconds.'),
    maxInstanceMB: z
      .number()
      .int()
      .min(1)
      .max(16_384)
      .default(512)
      .describe('Largest instance read, in MiB: a bigger answer is refused before it fills memory.'),
  })
  .strict();

export const dicomwebSource = defineSource({
  type: 'dicomweb',
  events: { adds: ['exam-start', 'frame', 'exam'] },
  summary: 'Ultrasound cine loops from a PACS: QIDO-RS search, WADO-RS retrieval of multi-frame instances.',
  schema,
  example: { type: 'dicomweb', url: 'http://localhost:8042/dicom-web', modality: 'US', studyDate: '20240101-20241231' },
  async check(config, ctx) {
    if (config.labelsDir && !fs.existsSync(resolvePath(ctx, config.labelsDir))) {
      return { problems: [{ path: 'labelsDir', message: `${config.labelsDir}: no such folder` }] };
    }
    return {};
  },
  build(config, ctx) {
    const scope = 'source:dicomweb';
    const seqs = new SeqCounter();
    return fromAsyncEvents(ctx, scope, async function* (signal): AsyncGenerator<PipelineEvent> {
      const { DicomwebClient } = await import('../dicomweb/client.js');
      const { selectSeries } = await import('../dicomweb/select-series.js');
      const { mergeDuplicates, mergedWarning } = await import('../dicomweb/merge-duplicates.js');
      const { openDicom } = await import('../dicom/open-dicom.js');
      const client = new DicomwebClient({
        url: config.url,
        headers: config.headers,
        timeoutMs: config.timeoutMs,
        maxResponseBytes: config.maxInstanceMB * 1024 * 1024,
      });
      const warn = (message: string) => ctx.warn(message);
      const series = await selectSeries(client, config, signal, warn);
      if (series.length === 0)
        throw new InputError(`${client.baseUrl}: no ${config.modality || ''} series match`.replace('  ', ' '), {
          scope,
          hint: 'check studies / studyDate / modality',
        });
      const labelsDir = config.labelsDir ? resolvePath(ctx, config.labelsDir) : undefined;
      // Each instance once, however often (and under whichever series) the server lists it.
      const read = new Set<string>();
      for (const s of series) {
        const listed = await client.searchInstances(s.studyUid, s.seriesUid, signal);
        const instances = mergeDuplicates(listed, (i) => i.sopInstanceUid);
        const fresh = instances.unique.filter((i) => !read.has(i.sopInstanceUid));
        const merged = listed.length - fresh.length;
        if (merged > 0) warn(mergedWarning(merged === 1 ? 'instance' : 'instances', merged, `in series ${s.seriesUid}`));
        for (const ref of fresh) {
          if (signal.aborted) return;
          read.add(ref.sopInstanceUid);
          const examId = ref.sopInstanceUid;
          const uri = `${client.baseUrl}/studies/${s.studyUid}/series/${s.seriesUid}/instances/${examId}`;
          const sidecarFile = labelsDir ? path.join(labelsDir, `${examId}.labels.json`) : undefined;
          yield* dicomExamEvents({
            uri,
            examId,
            open: async () => openDicom(await client.retrieveInstance(ref, signal), uri),
            labels: async () => {
              if (!sidecarFile || !fs.existsSync(sidecarFile)) return undefined;
              const sidecar = await readLabelsSidecar(sidecarFile);
              return { subjectId: sidecar.subjectId, labelsFor: (i: number) => labelsForFrame(sidecar, i) };
            },
            allowNonUltrasound: config.allowNonUltrasound,
            onError: config.onError,
            seqs,
            ctx,
            signal,
            scope,
          });
        }
      }
    });
  },
});
