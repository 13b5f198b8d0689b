import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { openDicom, openDicomFile, describeDicom } from '../../src/dicom/open-dicom.js';
import { InputError, UnsupportedError } from '../../src/core/errors.js';
import { dicomFixtures, dicomManifest, fixture, meanAbsDiff, meanAndStd } from './fixtures.js';

const manifest = dicomManifest();
const ultrasound = dicomFixtures().filter((f) => f.startsWith('us_'));

describe('openDicom on the real ultrasound fixtures', () => {
  it('finds every us_ fixture in MANIFEST.tsv', () => {
    expect(ultrasound.length).toBeGreaterThan(10);
    for (const f of ultrasound) expect(manifest.has(f), f).toBe(true);
  });

  for (const file of ultrasound) {
    it(`opens ${file} and decodes every frame at the size, count and photometric the manifest gives`, async () => {
      const expected = manifest.get(file)!;
      const dicom = await openDicomFile(fixture(file));
      expect(dicom.info.isUltrasound).toBe(true);
      expect(dicom.info.rows).toBe(expected.rows);
      expect(dicom.info.columns).toBe(expected.columns);
      expect(dicom.info.frames).toBe(expected.frames);
      expect(dicom.info.photometric).toBe(expected.photometric);
      expect(dicom.info.frameTimesMs).toHaveLength(expected.frames);
      for (let i = 0; i < dicom.info.frames; i++) {
        const frame = await dicom.decodeFrame(i);
        expect(frame.width).toBe(expected.columns);
        expect(frame.height).toBe(expected.rows);
        expect(frame.pixels).toHaveLength(expected.columns * expected.rows);
        expect(meanAndStd(frame.pixels).std, `frame ${i}`).toBeGreaterThan(5);
      }
    });
  }

  it('decodes the same GE LOGIQ 700 image to the same gray whether uncompressed, RLE or JPEG 2000 lossless', async () => {
    const reference = await (await openDicomFile(fixture('us_ge_logiq700_rgb_uncompressed.dcm'))).decodeFrame(0);
    for (const variant of ['us_ge_logiq700_rle_wg04.dcm', 'us_ge_logiq700_j2k_lossless.dcm']) {
      const frame = await (await openDicomFile(fixture(variant))).decodeFrame(0);
      expect(meanAbsDiff(frame.pixels, reference.pixels), variant).toBeLessThan(2);
    }
  });

  it('decodes all 27 frames of the zipped EPIQ cine at 800x600 and names the zip member in the uri', async () => {
    const dicom = await openDicomFile(fixture('us_philips_epiq5g_mf27_uncompressed_phi.zip'));
    expect(dicom.uri).toMatch(/\.zip#.+\.dcm$/);
    expect(dicom.info.frames).toBe(27);
    for (let i = 0; i < 27; i++) {
      const f = await dicom.decodeFrame(i);
      expect([f.width, f.height]).toEqual([800, 600]);
    }
  });

  it('gives increasing frame times for a multi-frame file, from Frame Time', async () => {
    const dicom = await openDicomFile(fixture('us_hp_mf34_jpeg_baseline.dcm'));
    const t = dicom.info.frameTimesMs;
    expect(t[0]).toBe(0);
    for (let i = 1; i < t.length; i++) expect(t[i]).toBeGreaterThan(t[i - 1]);
    expect(dicom.info.frameTimeMs).toBeCloseTo(30, 5);
  });

  it('assumes 30 frames/s, with a warning, for a cine that declares no timing', async () => {
    const dicom = await openDicomFile(fixture('us_philips_cx50_palette_rle_mf2.dcm'));
    expect(dicom.info.frameTimeMs).toBeUndefined();
    expect(dicom.info.frameTimesMs[1]).toBeCloseTo(1000 / 30, 5);
    expect(dicom.info.warnings.join(' ')).toMatch(/frame timing/);
  });

  it('reads the Sequence of Ultrasound Regions as boxes inside the image with mm per pixel', async () => {
    for (const file of ['us_sonosite_turbo_mf30_jpeg_baseline.dcm', 'us_philips_clearvue650_implicit_palette.dcm', 'us_hp_mf34_jpeg_baseline.dcm']) {
      const { info } = await openDicomFile(fixture(file));
      const bmode = info.ultrasoundRegions.find((r) => r.spatialFormat === 1);
      expect(bmode, file).toBeDefined();
      expect(bmode!.x).toBeGreaterThanOrEqual(0);
      expect(bmode!.y).toBeGreaterThanOrEqual(0);
      expect(bmode!.x + bmode!.width).toBeLessThanOrEqual(info.columns);
      expect(bmode!.y + bmode!.height).toBeLessThanOrEqual(info.rows);
      expect(bmode!.width * bmode!.height).toBeGreaterThan(0.2 * info.rows * info.columns);
      expect(bmode!.mmPerPixelX).toBeGreaterThan(0.01);
      expect(bmode!.mmPerPixelX).toBeLessThan(2);
    }
    const { info } = await openDicomFile(fixture('us_philips_clearvue650_implicit_palette.dcm'));
    // MaxX1 is 800 on an 800-column image: clipped to the last column, no warning for one pixel
    expect(info.ultrasoundRegions[0]).toMatchObject({ x: 120, y: 60, width: 680, height: 459, spatialFormat: 1, dataType: 1 });
    expect(info.ultrasoundRegions[0].mmPerPixelX).toBeCloseTo(0.16509633818385325, 9);
    expect(info.warnings).toEqual([]);
  });

  it('clips a region that runs past the image and warns that its scale may not match (SonoSite file resized by pydicom)', async () => {
    const { info } = await openDicomFile(fixture('us_sonosite_turbo_mf30_jpeg_baseline.dcm'));
    expect(info.ultrasoundRegions[0]).toMatchObject({ x: 84, y: 31, width: 236, height: 209 });
    expect(info.warnings.join(' ')).toMatch(/region 0 \(84,31\)-\(595,414\) extends past the 320x240 image/);
  });

  it('describes a file for probe --json without any patient attribute', async () => {
    const dicom = await openDicomFile(fixture('us_philips_epiq5g_mono_uncompressed_phi.dcm'));
    const described = describeDicom(dicom.info);
    expect(described).toMatchObject({ isUltrasound: true, rows: 768, columns: 1024, frames: 1, photometric: 'MONOCHROME2' });
    const text = JSON.stringify(described);
    expect(text).not.toMatch(/patient|birth|TEST PATIENT|ZZZ/i);
  });

  it('opens bytes already in memory, naming them by the uri given', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('us_retired_sopclass_esopecho_rgb.dcm')));
    const dicom = await openDicom(bytes, 'memory://esopecho');
    expect(dicom.uri).toBe('memory://esopecho');
    await expect(dicom.decodeFrame(1)).rejects.toThrow(/memory:\/\/esopecho: frame 1 does not exist/);
  });
});

describe('openDicom on the bad fixtures', () => {
  it('opens the CT image but says it is not ultrasound', async () => {
    const dicom = await openDicomFile(fixture('bad_ct_small.dcm'));
    expect(dicom.info.isUltrasound).toBe(false);
    expect(dicom.info.sopClassName).toBe('CT Image Storage');
    const frame = await dicom.decodeFrame(0);
    expect(meanAndStd(frame.pixels).std).toBeGreaterThan(5);
  });

  it('reads the dataset with no preamble and no meta by guessing explicit VR LE past the stray byte', async () => {
    const dicom = await openDicomFile(fixture('bad_no_meta_no_preamble.dcm'));
    expect(dicom.info.isUltrasound).toBe(false);
    expect(dicom.info.sopClassName).toBe('CT Image Storage');
    expect(dicom.info.warnings.join(' ')).toMatch(/no preamble and no file meta group.*1 stray byte/);
    const ct = await (await openDicomFile(fixture('bad_ct_small.dcm'))).decodeFrame(0);
    expect((await dicom.decodeFrame(0)).pixels).toEqual(ct.pixels);
  });

  it('opens the truncated MR with a warning giving the declared and available sizes, and refuses its cut frame', async () => {
    const dicom = await openDicomFile(fixture('bad_mr_truncated.dcm'));
    expect(dicom.info.warnings.join(' ')).toMatch(/truncated: pixel data declares 8192 bytes, file has \d+/);
    const err = await dicom.decodeFrame(0).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.scope).toBe('dicom');
    expect(err.message).toMatch(/bad_mr_truncated\.dcm: truncated: frame 0 needs bytes 0\.\.8192 of the pixel data, which has \d+/);
  });

  it('inflates the deflated dataset and opens it as a non-ultrasound secondary capture', async () => {
    const dicom = await openDicomFile(fixture('bad_sc_deflated_dataset.dcm'));
    expect(dicom.info.transferSyntaxUid).toBe('1.2.840.10008.1.2.1.99');
    expect(dicom.info.isUltrasound).toBe(false);
    expect([dicom.info.columns, dicom.info.rows]).toEqual([512, 512]);
    expect(meanAndStd((await dicom.decodeFrame(0)).pixels).std).toBeGreaterThan(5);
  });

  it('refuses the segmentation with deflated image frames by naming the transfer syntax', async () => {
    const err = await openDicomFile(fixture('bad_seg_deflated_image_frames.dcm')).catch((e) => e);
    expect(err).toBeInstanceOf(UnsupportedError);
    expect(err.scope).toBe('dicom');
    expect(err.message).toMatch(/bad_seg_deflated_image_frames\.dcm.*Deflated Image Frame Compression \(1\.2\.840\.10008\.1\.2\.8\.1\)/);
  });

  it('decodes the JPEG 2000 MR whose pixel data lacks its sequence delimiter, with a warning, as not ultrasound', async () => {
    const dicom = await openDicomFile(fixture('bad_mr_j2k_codestream_too_short.dcm'));
    expect(dicom.info.isUltrasound).toBe(false);
    expect(dicom.info.frames).toBe(10);
    expect(dicom.info.warnings.join(' ')).toMatch(/missing sequence delimiter/);
    for (let i = 0; i < 10; i++) expect((await dicom.decodeFrame(i)).pixels).toHaveLength(64 * 64);
  });

  it('refuses a file that is not DICOM at all with an InputError naming it', async () => {
    const err = await openDicom(new TextEncoder().encode('hello, this is not a DICOM file at all'), 'notes.txt').catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/notes\.txt: not a DICOM file/);
  });

  it('refuses a missing file with an InputError naming it', async () => {
    await expect(openDicomFile('/nonexistent/x.dcm')).rejects.toThrow(/\/nonexistent\/x\.dcm: cannot read the file \(ENOENT\)/);
  });
});
