/**
 * Decode throughput of the DICOM reader on the real fixtures: frames/s per file
 * (after one warm-up pass that also loads the wasm codecs), largest files first.
 * Run: node --import tsx bench/dicom-decode.ts [minSecondsPerFile]
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDicomFile } from '../src/dicom/open-dicom.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/fixtures/dicom');
const minSeconds = Number(process.argv[2] ?? 1);
const files = readdirSync(dir)
  .filter((f) => f.startsWith('us_'))
  .map((f) => ({ f, bytes: statSync(path.join(dir, f)).size }));

const rows: Record<string, string | number>[] = [];
for (const { f } of files) {
  const t0 = performance.now();
  const dicom = await openDicomFile(path.join(dir, f));
  const openMs = performance.now() - t0;
  const { frames, columns, rows: height, transferSyntaxName, photometric } = dicom.info;
  for (let i = 0; i < frames; i++) await dicom.decodeFrame(i); // warm-up
  let decoded = 0;
  const start = performance.now();
  while (performance.now() - start < minSeconds * 1000) {
    for (let i = 0; i < frames; i++) await dicom.decodeFrame(i);
    decoded += frames;
  }
  const seconds = (performance.now() - start) / 1000;
  const fps = decoded / seconds;
  rows.push({
    file: f,
    syntax: transferSyntaxName.replace(/ \(.*\)$/, ''),
    photometric,
    size: `${columns}x${height}`,
    frames,
    'open ms': Math.round(openMs),
    'frames/s': Math.round(fps),
    'Mpixel/s': Math.round((fps * columns * height) / 1e6),
  });
}
rows.sort((a, b) => (b.frames as number) - (a.frames as number) || String(a.file).localeCompare(String(b.file)));
console.table(rows);
