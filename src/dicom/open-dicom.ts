/**
 * The DICOM reader used by the `dicom-cine` source and `autodvt probe`:
 *
 * - `openDicom(bytes, uri)`: header -> `info`, plus `decodeFrame(i)` -> 8-bit gray.
 * - `openDicomFile(path)`: the same from a file, or from the one DICOM inside a .zip.
 * - `describeDicom(info)`: the technical summary for `probe --json` (no patient data).
 *
 * Every error is an InputError / UnsupportedError with scope `dicom` that names the file.
 */
export { openDicom } from './open-dicom-bytes.js';
export { openDicomFile } from './open-dicom-file.js';
export { describeDicom } from './describe-dicom.js';
export type { DicomFile, DicomInfo, GrayFrame } from './types.js';
