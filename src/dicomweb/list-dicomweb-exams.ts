/**
 * A DICOMweb server as the input of a batch run: `--input http://pacs/dicom-web?modality=US&studyDate=2024`
 * lists one exam per series the selection finds (query keys: study, series,
 * patientId, studyDate, modality — default US, `modality=` for any, limit).
 * The input hash of a series is the hash of its sorted SOP Instance UIDs (and frame
 * counts): a series that gains or loses an instance is run again.
 */
import crypto from 'node:crypto';
import { InputError } from '../core/errors.js';
import { redactUrl, splitUrlCredentials } from '../secrets/redact-url.js';
import { examKeyFrom, type DicomwebExamInput } from '../batch/exam-input.js';
import { DicomwebClient } from './client.js';
import { mergeDuplicates } from './merge-duplicates.js';
import { selectSeries } from './select-series.js';

export async function listDicomwebExams(input: string, opts: { headers?: Record<string, string> } = {}): Promise<DicomwebExamInput[]> {
  const shown = redactUrl(input);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new InputError(`${shown}: not a URL`, { scope: 'batch:input' });
  }
  const q = url.searchParams;
  const known = new Set(['study', 'series', 'patientId', 'studyDate', 'modality', 'limit']);
  for (const key of q.keys()) {
    if (!known.has(key)) throw new InputError(`${shown}: unknown query key "${key}" (known: ${[...known].join(', ')})`, { scope: 'batch:input' });
  }
  // Credentials in the URL authorize the listing; exams carry the base URL without them.
  const { authorization } = splitUrlCredentials(input);
  const base = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  const headers = authorization ? { Authorization: authorization, ...opts.headers } : opts.headers;
  const client = new DicomwebClient({ url: base, headers });
  const series = await selectSeries(client, {
    studies: q
      .getAll('study')
      .flatMap((s) => s.split(','))
      .filter(Boolean),
    series: q
      .getAll('series')
      .flatMap((s) => s.split(','))
      .filter(Boolean),
    patientId: q.get('patientId') ?? undefined,
    studyDate: q.get('studyDate') ?? undefined,
    modality: q.has('modality') ? q.get('modality')! : 'US',
    limit: q.has('limit') ? Number(q.get('limit')) : undefined,
  });
  return series.map((s) => ({ kind: 'dicomweb', key: examKeyFrom(`${s.studyUid}_${s.seriesUid}`), url: base, studyUid: s.studyUid, seriesUid: s.seriesUid }));
}

export async function dicomwebInputHash(exam: DicomwebExamInput, opts: { headers?: Record<string, string> } = {}): Promise<string> {
  const client = new DicomwebClient({ url: exam.url, headers: opts.headers });
  const seriesUids = exam.seriesUid ? [exam.seriesUid] : (await selectSeries(client, { studies: [exam.studyUid], modality: '' })).map((s) => s.seriesUid);
  const hash = crypto.createHash('sha256').update(`${exam.studyUid}\n`);
  for (const seriesUid of seriesUids) {
    const { unique: instances } = mergeDuplicates(await client.searchInstances(exam.studyUid, seriesUid), (i) => i.sopInstanceUid);
    if (instances.length === 0) throw new InputError(`${exam.url}: series ${seriesUid} has no instances`, { scope: 'dicomweb' });
    hash.update(`${seriesUid}\n`);
    for (const i of [...instances].sort((a, b) => (a.sopInstanceUid < b.sopInstanceUid ? -1 : 1))) hash.update(`${i.sopInstanceUid}:${i.frames ?? 1}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}
