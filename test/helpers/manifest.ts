/** The shared fixtures' MANIFEST.tsv, as rows keyed by column name. */
import fs from 'node:fs';
import path from 'node:path';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

export function manifestRows(): Record<string, string>[] {
  const [header, ...lines] = fs.readFileSync(path.join(FIXTURES, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  const cols = header!.split('\t');
  return lines.map((line) => Object.fromEntries(line.split('\t').map((v, i) => [cols[i]!, v])));
}
