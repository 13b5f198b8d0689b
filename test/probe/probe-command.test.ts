import { describe, it, expect, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tmpDir } from '../helpers/run-cli.js';
import { manifestRows } from '../helpers/manifest.js';
import { FIXTURES } from '../helpers/manifest.js';
import { buildDicom, grayImageElements } from '../dicom/build-dicom.js';

const work = tmpDir('autodvt-probe-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const fixture = (name: string) => path.join(FIXTURES, 'dicom', name);
const manifest = (name: string) => manifestRows().find((r) => r.local_name === `dicom/${name}`)!;
/** The leading UID of a MANIFEST cell like `1.2.840... (Segmentation Storage)`. */
const uid = (cell: string) => cell.split(' ')[0];

/** A PALETTE COLOR file with patient attributes and a segmented blue table that starts with a linear segment. */
function brokenPaletteFile(): string {
  const file = path.join(work, 'broken-palette.dcm');
  const pixels = Uint8Array.from({ length: 64 }, (_, i) => i);
  fs.writeFileSync(
    file,
    buildDicom([
      ...grayImageElements({ columns: 8, rows: 8, pixels, photometric: 'PALETTE COLOR' }),
      { tag: '0010,0010', vr: 'PN', value: 'Doe^Jane' },
      { tag: '0010,0020', vr: 'LO', value: 'PID-314159' },
      { tag: '0028,1101', vr: 'US', value: [64, 0, 16] },
      { tag: '0028,1102', vr: 'US', value: [64, 0, 16] },
      { tag: '0028,1103', vr: 'US', value: [64, 0, 16] },
      { tag: '0028,1221', vr: 'OW', value: [0, 1, 0, 1, 63, 65535] },
      { tag: '0028,1222', vr: 'OW', value: [0, 1, 0, 1, 63, 65535] },
      { tag: '0028,1223', vr: 'OW', value: [1, 63, 65535] },
    ]),
  );
  return file;
}

describe('autodvt probe', () => {
  it('describes the header of a DICOM file whose pixels cannot be decoded, says why, and exits 2 (it used to print nothing)', async () => {
    const name = 'bad_seg_deflated_image_frames.dcm';
    const r = await runCli('probe', '--json', fixture(name));
    expect(r.code).toBe(2);
    const info = JSON.parse(r.stdout);
    const row = manifest(name);
    expect(info.format).toBe('dicom');
    expect(info.sopClassUid).toBe(uid(row.sop_class_uid));
    expect(info.transferSyntaxUid).toBe(uid(row.transfer_syntax_uid));
    expect(`${info.rows}x${info.columns}`).toBe(row.rows_x_cols);
    expect(info.frames).toBe(Number(row.frames));
    expect(info.pixels).toEqual({
      decodable: false,
      reason: expect.stringMatching(/bad_seg_deflated_image_frames\.dcm: transfer syntax Deflated Image Frame Compression .*not decoded/),
    });
    expect(r.stderr).toMatch(/^error: \[dicom\] unsupported: .*bad_seg_deflated_image_frames\.dcm: transfer syntax Deflated Image Frame Compression/);
  });

  it('describes a file whose segmented palette is damaged, without its patient name or ID', async () => {
    const file = brokenPaletteFile();
    const r = await runCli('probe', '--json', file);
    expect(r.code).toBe(2);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({ rows: 8, columns: 8, frames: 1, photometric: 'PALETTE COLOR', isUltrasound: true });
    expect(info.pixels.decodable).toBe(false);
    expect(info.pixels.reason).toMatch(/broken-palette\.dcm: Segmented Blue Palette Color Lookup Table Data: the first segment is linear/);
    expect(r.stdout + r.stderr).not.toMatch(/Doe|Jane|314159/);
  });

  it('says the pixels decode, naming the frames it checked, and exits 0 for a decodable cine', async () => {
    const r = await runCli('probe', '--json', fixture('us_philips_cx50_palette_rle_mf2.dcm'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).pixels).toEqual({ decodable: true, framesChecked: [0, 1] });
    expect(r.stderr).toBe('');
  });

  it('reports a damaged frame as undecodable: a file cut short inside its pixel data', async () => {
    const r = await runCli('probe', '--json', fixture('bad_mr_truncated.dcm'));
    expect(r.code).toBe(2);
    const info = JSON.parse(r.stdout);
    expect(info.rows).toBe(64);
    expect(info.pixels.reason).toMatch(/bad_mr_truncated\.dcm: truncated/);
  });

  it('still refuses, printing nothing on stdout, a .dcm file that is not DICOM at all', async () => {
    const file = path.join(work, 'not-dicom.dcm');
    fs.writeFileSync(file, 'hello, this is text and no DICOM header '.repeat(20));
    const r = await runCli('probe', '--json', file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/not-dicom\.dcm: not a DICOM file/);
  });

  it('prints no "undefined" field in text mode', async () => {
    const r = await runCli('probe', fixture('bad_seg_deflated_image_frames.dcm'));
    expect(r.stdout).toMatch(/^pixels\s+\{"decodable":false/m);
    expect(r.stdout).not.toMatch(/undefined/);
  });
});
