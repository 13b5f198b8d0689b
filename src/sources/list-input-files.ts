/**
 * What a file source reads: one file, every matching file in a folder, or a glob,
 * in a stable (sorted) order. Nothing matching is a clear input error.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { InputError } from '../core/errors.js';

// Required when a listing runs, not when the file sources are registered: `validate` and
// `--help` need no glob library (bench/cli-start.ts).
const require = createRequire(import.meta.url);
const fastGlob = (): typeof import('fast-glob') => require('fast-glob');

export function listInputFiles(pattern: string, opts: { extensions: RegExp; scope: string }): string[] {
  let files: string[];
  const fg = fastGlob();
  if (fg.isDynamicPattern(pattern)) {
    files = fg.sync(pattern, { onlyFiles: true, absolute: true, dot: false });
  } else if (!fs.existsSync(pattern)) {
    throw new InputError(`${pattern}: no such file or folder`, { scope: opts.scope });
  } else if (fs.statSync(pattern).isDirectory()) {
    files = fg.sync('**/*', { cwd: pattern, onlyFiles: true, absolute: true }).filter((f) => opts.extensions.test(f) && !f.endsWith('.labels.json'));
  } else {
    files = [path.resolve(pattern)];
  }
  files.sort();
  if (files.length === 0) throw new InputError(`${pattern}: no input files match`, { scope: opts.scope });
  return files;
}

/** An exam id from a file path: its name without extension (no folders, which may hold names). */
export function examIdFor(file: string): string {
  return path.basename(file).replace(/\.(dcm|dicom|zip|mp4|mov|avi|mkv|mpeg|mpg|webm|gif)$/i, '');
}
