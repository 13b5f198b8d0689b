/**
 * The summary `autodvt probe --json` prints for a DICOM file. Built from a fixed list
 * of technical fields, so no patient attribute can slip in.
 */
import type { DicomHeaderInfo } from './read-dicom-header.js';

/** The summary of a file `openDicom` opened, or of a header `readDicomHeaderFile` read (absent fields are left out). */
export function describeDicom(info: DicomHeaderInfo): Record<string, unknown> {
  const times = info.frameTimesMs;
  const durationMs = times.length > 1 ? times[times.length - 1] + (info.frameTimeMs ?? 0) : 0;
  return {
    sopClassUid: info.sopClassUid,
    sopClassName: info.sopClassName,
    isUltrasound: info.isUltrasound,
    modality: info.modality,
    manufacturer: info.manufacturer,
    modelName: info.modelName,
    transferSyntaxUid: info.transferSyntaxUid,
    transferSyntaxName: info.transferSyntaxName,
    rows: info.rows,
    columns: info.columns,
    frames: info.frames,
    samplesPerPixel: info.samplesPerPixel,
    photometric: info.photometric,
    bitsAllocated: info.bitsAllocated,
    bitsStored: info.bitsStored,
    frameTimeMs: info.frameTimeMs,
    fps: info.frameTimeMs ? Math.round((1000 / info.frameTimeMs) * 100) / 100 : undefined,
    durationMs: Math.round(durationMs),
    ultrasoundRegions: info.ultrasoundRegions.map((r) => ({ ...r })),
    warnings: [...info.warnings],
  };
}
