/**
 * Which series a DICOMweb selection names: the listed studies, or the studies a
 * QIDO-RS search finds (patient, study date, modality), then their series (of the
 * modality, and only the listed ones when `series` is given), in a stable order.
 * A study or series the server lists more than once is taken once, and `warn` says so.
 */
import { TAG, stringValue } from './dicom-json.js';
import { mergeDuplicates, mergedWarning } from './merge-duplicates.js';
import type { DicomwebClient } from './client.js';

export interface SeriesSelection {
  studies?: string[];
  series?: string[];
  patientId?: string;
  studyDate?: string;
  /** Modality of the series (and ModalitiesInStudy of the studies); empty = any. */
  modality?: string;
  limit?: number;
}

export interface SeriesRef {
  studyUid: string;
  seriesUid: string;
}

export async function selectSeries(client: DicomwebClient, sel: SeriesSelection, signal?: AbortSignal, warn?: (message: string) => void): Promise<SeriesRef[]> {
  const modality = sel.modality || undefined;
  const listed = sel.studies?.length
    ? sel.studies
    : (await client.searchStudies({ patientId: sel.patientId, studyDate: sel.studyDate, modality, limit: sel.limit }, signal))
        .map((s) => stringValue(s, TAG.studyInstanceUid))
        .filter((u): u is string => Boolean(u))
        .sort();
  const studies = mergeDuplicates(listed, (uid) => uid);
  if (studies.merged > 0 && !sel.studies?.length) warn?.(mergedWarning(studies.merged === 1 ? 'study' : 'studies', studies.merged, 'in its study search'));
  const wanted = sel.series?.length ? new Set(sel.series) : undefined;
  const out: SeriesRef[] = [];
  for (const studyUid of studies.unique) {
    const listedSeries = (await client.searchSeries(studyUid, modality, signal))
      .map((s) => stringValue(s, TAG.seriesInstanceUid))
      .filter((u): u is string => Boolean(u) && (!wanted || wanted.has(u!)))
      .sort();
    const series = mergeDuplicates(listedSeries, (uid) => uid);
    if (series.merged > 0) warn?.(mergedWarning('series', series.merged, `in study ${studyUid}`));
    for (const seriesUid of series.unique) out.push({ studyUid, seriesUid });
  }
  return out;
}
