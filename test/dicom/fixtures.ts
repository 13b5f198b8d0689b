/** The real DICOM fixtures in test/fixtures and what MANIFEST.tsv says about them. */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import dicomParser from 'dicom-parser';

export const FIXTURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
export const DICOM_DIR = path.join(FIXTURES_DIR, 'dicom');

export interface ManifestEntry {
  file: string;
  rows: number;
  columns: number;
  frames: number;
  photometric: string;
}

export function dicomFixtures(): string[] {
  return readdirSync(DICOM_DIR)
    .filter((f) => /\.(dcm|zip)$/i.test(f))
    .sort();
}

/** MANIFEST.tsv rows for the DICOM fixtures, by file name. */
export function dicomManifest(): Map<string, ManifestEntry> {
  const lines = readFileSync(path.join(FIXTURES_DIR, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  const header = lines[0].split('\t');
  const col = (name: string) => header.indexOf(name);
  const out = new Map<string, ManifestEntry>();
  for (const line of lines.slice(1)) {
    const cells = line.split('\t');
    const local = cells[col('local_name')];
    if (!local.startsWith('dicom/')) continue;
    const [rows, columns] = cells[col('rows_x_cols')].split('x').map(Number);
    out.set(local.slice('dicom/'.length), {
      file: local.slice('dicom/'.length),
      rows,
      columns,
      frames: parseInt(cells[col('frames')], 10) || 1,
      photometric: cells[col('photometric')],
    });
  }
  return out;
}

export function fixture(name: string): string {
  return path.join(DICOM_DIR, name);
}

export function meanAndStd(pixels: Uint8Array): { mean: number; std: number } {
  let s = 0;
  let s2 = 0;
  for (const v of pixels) {
    s += v;
    s2 += v * v;
  }
  const mean = s / pixels.length;
  return { mean, std: Math.sqrt(Math.max(0, s2 / pixels.length - mean * mean)) };
}

export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i] - b[i]);
  return d / a.length;
}

/** The encapsulated codestream of each frame of a fixture, read with dicom-parser alone. */
export function codestreams(file: string): Uint8Array[] {
  const ds = dicomParser.parseDicom(new Uint8Array(readFileSync(fixture(file))));
  const pixel = ds.elements.x7fe00010;
  const frames = parseInt(ds.string('x00280008') ?? '1', 10) || 1;
  if (frames === 1) return [(dicomParser.readEncapsulatedPixelDataFromFragments(ds, pixel, 0, pixel.fragments!.length) as Uint8Array).slice()];
  const table = dicomParser.createJPEGBasicOffsetTable(ds, pixel);
  return Array.from({ length: frames }, (_, i) => (dicomParser.readEncapsulatedImageFrame(ds, pixel, i, table) as Uint8Array).slice());
}
