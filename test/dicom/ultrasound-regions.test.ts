import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import dicomParser from 'dicom-parser';
import { openDicom } from '../../src/dicom/open-dicom.js';
import { fixture } from './fixtures.js';

const SONOSITE = 'us_sonosite_turbo_mf30_jpeg_baseline.dcm';
const hasDcmdump = !spawnSync('dcmdump', ['--version']).error;
const skipNote = hasDcmdump ? '' : ' (skipped: dcmdump not found; apt-get install dcmtk)';

/** The fixture's bytes with the sign of every Physical Delta X (and Y) in its regions flipped. */
function withNegativeDeltas(file: string, tags: string[]): { bytes: Uint8Array; flipped: number } {
  const bytes = new Uint8Array(readFileSync(fixture(file)));
  const ds = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
  let flipped = 0;
  for (const item of ds.elements.x00186011?.items ?? []) {
    for (const tag of tags) {
      const el = item.dataSet?.elements[tag];
      if (el?.length !== 8) continue;
      bytes[el.dataOffset + 7] ^= 0x80; // the sign bit of a little-endian float64
      flipped++;
    }
  }
  return { bytes, flipped };
}

describe('ultrasound regions', () => {
  it('keeps the mm per pixel of a region whose Physical Delta X and Y are negative (a flipped axis), using their magnitude', async () => {
    const original = await openDicom(new Uint8Array(readFileSync(fixture(SONOSITE))), SONOSITE);
    const { bytes, flipped } = withNegativeDeltas(SONOSITE, ['x0018602c', 'x0018602e']);
    expect(flipped).toBeGreaterThanOrEqual(2);
    const mirrored = await openDicom(bytes, 'flipped.dcm');

    const before = original.info.ultrasoundRegions.filter((r) => r.mmPerPixelX !== undefined);
    expect(before.length).toBeGreaterThan(0);
    expect(mirrored.info.ultrasoundRegions).toEqual(original.info.ultrasoundRegions);
    expect(mirrored.info.warnings.join('\n')).toMatch(/Physical Delta X is negative \(-[\d.]+ cm, a flipped axis\): its magnitude is used/);
  });

  it.skipIf(!hasDcmdump)(`reads the spacing dcmtk's dcmdump prints for every region, flipped or not, in mm${skipNote}`, async () => {
    const flippedFile = path.join(mkdtempSync(path.join(tmpdir(), 'autodvt-regions-')), 'flipped.dcm');
    writeFileSync(flippedFile, withNegativeDeltas(SONOSITE, ['x0018602c', 'x0018602e']).bytes);
    for (const file of [fixture(SONOSITE), flippedFile]) {
      const run = spawnSync('dcmdump', ['+P', '0018,602c', '+P', '0018,602e', file], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      const cm = (tag: string) => [...run.stdout.matchAll(new RegExp(`\\(${tag}\\) FD (-?[\\d.e+-]+)`, 'g'))].map((m) => Number(m[1]));
      const { info } = await openDicom(new Uint8Array(readFileSync(file)), file);
      const withSpacing = info.ultrasoundRegions.filter((r) => r.mmPerPixelX !== undefined);
      expect(cm('0018,602c').length).toBe(withSpacing.length);
      expect(withSpacing.map((r) => r.mmPerPixelX)).toEqual(cm('0018,602c').map((v) => expect.closeTo(Math.abs(v) * 10, 12)));
      expect(withSpacing.map((r) => r.mmPerPixelY)).toEqual(cm('0018,602e').map((v) => expect.closeTo(Math.abs(v) * 10, 12)));
    }
    rmSync(path.dirname(flippedFile), { recursive: true, force: true });
  });
});
