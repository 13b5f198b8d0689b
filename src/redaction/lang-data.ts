/**
 * Where the English language data lives: the `@tesseract.js-data/eng` npm package,
 * never the network. The LSTM "best_int" model is smaller and faster to load than
 * the package's default (which also carries the legacy engine we do not use).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export const DEFAULT_LANG = 'eng';

/** Folder holding `eng.traineddata.gz` from @tesseract.js-data/eng, or undefined when not installed. */
export function defaultLangPath(): string | undefined {
  let pkg: string;
  try {
    pkg = path.dirname(require.resolve('@tesseract.js-data/eng/package.json'));
  } catch {
    return undefined;
  }
  for (const dir of ['4.0.0_best_int', '4.0.0']) {
    if (fs.existsSync(path.join(pkg, dir, `${DEFAULT_LANG}.traineddata.gz`))) return path.join(pkg, dir);
  }
  return undefined;
}

/** The language file a langPath must hold (gzip). */
export function langFile(langPath: string, lang = DEFAULT_LANG): string {
  return path.join(langPath, `${lang}.traineddata.gz`);
}
