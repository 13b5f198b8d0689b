/**
 * One exam of a batch run: a media file (DICOM or video) with its optional labels
 * sidecar, or a series on a DICOMweb server. `key` names the exam's result file in
 * the run directory, so it is unique within a run and stable between reruns.
 */
export type ExamInput = FileExamInput | DicomwebExamInput;

export interface FileExamInput {
  kind: 'file';
  /** Unique within the run; the result file is `exams/<key>.json`. */
  key: string;
  /** Absolute path of the media file. */
  file: string;
  /** Labels sidecar, when it is not the default `<file>.labels.json`. */
  labels?: string;
}

export interface DicomwebExamInput {
  kind: 'dicomweb';
  key: string;
  /** DICOMweb base URL, e.g. http://pacs:8042/dicom-web */
  url: string;
  studyUid: string;
  seriesUid?: string;
}

/** The source unit that reads a media file, chosen by its extension. */
export type FileSourceType = 'dicom-cine' | 'video-file';

const DICOM_EXT = /\.(dcm|dicom|dic|zip)$/i;
const VIDEO_EXT = /\.(mp4|m4v|mov|avi|mkv|mpeg|mpg|webm|gif|wmv|ts)$/i;

export function sourceTypeFor(file: string): FileSourceType | undefined {
  if (DICOM_EXT.test(file)) return 'dicom-cine';
  if (VIDEO_EXT.test(file)) return 'video-file';
  return undefined;
}

/** A file name safe on every file system, from any exam id or relative path. */
export function examKeyFrom(name: string): string {
  const key = name
    .replaceAll('\\', '/')
    .split('/')
    .filter((p) => p && p !== '.' && p !== '..')
    .join('__')
    .replace(/[^A-Za-z0-9._-]/g, '_');
  return key || 'exam';
}

export function describeExam(exam: ExamInput): string {
  return exam.kind === 'file' ? exam.file : `${exam.url} study ${exam.studyUid}${exam.seriesUid ? ` series ${exam.seriesUid}` : ''}`;
}
