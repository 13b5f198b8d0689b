/** Reading values out of DICOM JSON (PS3.18 F.2), as QIDO-RS returns it. */
export type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;

export const TAG = {
  studyInstanceUid: '0020000D',
  seriesInstanceUid: '0020000E',
  sopInstanceUid: '00080018',
  sopClassUid: '00080016',
  modality: '00080060',
  numberOfFrames: '00280008',
  instanceNumber: '00200013',
} as const;

export function stringValue(item: DicomJson, tag: string): string | undefined {
  const v = item[tag]?.Value?.[0];
  return v === undefined || v === null ? undefined : String(v);
}

export function numberValue(item: DicomJson, tag: string): number | undefined {
  const v = item[tag]?.Value?.[0];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}
