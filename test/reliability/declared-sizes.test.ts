/**
 * Regression tests for the audit's resource-exhaustion cases (issue 21): each was a
 * crash, an `Invalid array length`, a silent one-frame exam or a minute of inflation
 * before the fix; each is now refused by name, before anything big is allocated.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDicom, openDicomFile } from '../../src/dicom/open-dicom.js';
import { InputError } from '../../src/core/errors.js';
import { deflatedDatasetBomb, readFixture, withStringElement, withUint16, zipBomb } from './bad-inputs.js';

const sono = readFixture('dicom/us_sonosite_turbo_mf30_jpeg_baseline.dcm');
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as InputError,
  );

describe('declared sizes and inflation are checked before allocation', () => {
  it('refuses the 225 KB file whose Number of Frames says 999,999,999, naming the file', async () => {
    const err = await refusal(openDicom(withStringElement(sono, 'x00280008', '999999999'), 'big-claim.dcm'));
    expect(err).toBeInstanceOf(InputError);
    expect(err!.message).toMatch(/big-claim\.dcm: Number of Frames is 999999999, more than the 1000000 allowed/);
  });

  it('refuses 4,294,967,296 frames with a message instead of "Invalid array length"', async () => {
    const err = await refusal(openDicom(withStringElement(sono, 'x00280008', '4294967296'), 'x.dcm'));
    expect(err!.message).toMatch(/x\.dcm: Number of Frames is 4294967296/);
  });

  it('refuses a Number of Frames that is not a positive whole number instead of reading one frame', async () => {
    for (const value of ['abc', '0', '-3', '2.5']) {
      const err = await refusal(openDicom(withStringElement(sono, 'x00280008', value), 'odd.dcm'));
      expect(err!.message, value).toMatch(/odd\.dcm: Number of Frames \(0028,0008\) is ".+", not a positive whole number/);
    }
  });

  it('refuses more frames than the encapsulated pixel data has fragments', async () => {
    const err = await refusal(openDicom(withStringElement(sono, 'x00280008', '31'), 'x.dcm'));
    expect(err!.message).toMatch(/Number of Frames is 31, but the encapsulated pixel data holds only 30 fragments/);
  });

  it('refuses an RLE file claiming 65535x65535 frames instead of "Invalid typed array length"', async () => {
    const rle = readFixture('dicom/us_ge_logiq700_rle_wg04.dcm');
    const err = await refusal(openDicom(withUint16(withUint16(rle, 'x00280010', 65535), 'x00280011', 65535), 'rle.dcm'));
    expect(err!.message).toMatch(/rle\.dcm: a frame of 65535x65535x3 at 8 bits would take 12 GiB, more than the 256 MiB allowed/);
  });

  it('refuses an RLE frame too small for its declared size before allocating it', async () => {
    const rle = readFixture('dicom/us_ge_logiq700_rle_wg04.dcm');
    const dicom = await openDicom(withUint16(withUint16(rle, 'x00280010', 4000), 'x00280011', 4000), 'rle.dcm');
    await expect(dicom.decodeFrame(0)).rejects.toThrow(/rle\.dcm: frame 0: corrupt RLE data: \d+ bytes cannot hold 3 segment\(s\) of 4000x4000/);
  });

  it('stops inflating a deflated dataset of 1 GiB at its budget and says so', async () => {
    const t0 = Date.now();
    const err = await refusal(openDicom(deflatedDatasetBomb(1024 ** 3), 'deflate-bomb.dcm'));
    expect(err!.message).toMatch(
      /deflate-bomb\.dcm: the deflated dataset inflates to more than 202\.\d MiB \(from 1 MiB\); refused as a likely decompression bomb/,
    );
    expect(Date.now() - t0).toBeLessThan(30_000);
  }, 60_000);

  it('stops inflating a 1 GiB zip bomb at its budget, and still opens the zipped fixture', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-zip-'));
    fs.writeFileSync(path.join(dir, 'bomb.zip'), zipBomb('cine.dcm', 1024 ** 3));
    const err = await refusal(openDicomFile(path.join(dir, 'bomb.zip')));
    expect(err!.message).toMatch(/bomb\.zip: the zip inflates to more than 202\.\d MiB/);
    const good = await openDicomFile(path.join(import.meta.dirname, '../fixtures/dicom/us_philips_epiq5g_mf27_uncompressed_phi.zip'));
    expect(good.info.frames).toBe(27);
  }, 60_000);

  it('stops inflating at once when the signal aborts', async () => {
    const abort = new AbortController();
    const pending = refusal(openDicom(deflatedDatasetBomb(1024 ** 3), 'slow.dcm', { signal: abort.signal }));
    setTimeout(() => abort.abort(), 20);
    const err = await pending;
    expect(err!.message).toMatch(/slow\.dcm: interrupted while inflating the deflated dataset/);
  }, 60_000);

  it('keeps the frames before the cut of a truncated multi-frame JPEG file', async () => {
    const dicom = await openDicom(sono.subarray(0, Math.floor(sono.length * 0.6)), 'cut.dcm');
    expect(dicom.info.warnings.join(' ')).toMatch(/truncated: the encapsulated pixel data is cut short after 16 whole fragment/);
    for (let i = 0; i < 16; i++) expect((await dicom.decodeFrame(i)).pixels.length).toBe(dicom.info.rows * dicom.info.columns);
    await expect(dicom.decodeFrame(16)).rejects.toThrow(/cut\.dcm: truncated: frame 16 lies after the cut \(the file holds 16 whole frames of 30\)/);
  });
});
