/**
 * A file name for an exam's output (report, review video): exam ids come from
 * file names or device names, so keep them to a safe alphabet and never let them
 * climb out of the output folder.
 */
import path from 'node:path';

export function examFileName(examId: string): string {
  return (
    path
      .basename(examId)
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .replace(/^\.+/, '_') || 'exam'
  );
}
