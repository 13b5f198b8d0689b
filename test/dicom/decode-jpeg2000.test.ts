import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import dicomParser from 'dicom-parser';
import { codestreamProblem, decodeJpeg2000 } from '../../src/dicom/decode-jpeg2000.js';
import { InputError } from '../../src/core/errors.js';
import { fixture } from './fixtures.js';

function firstCodestream(file: string): Uint8Array {
  const ds = dicomParser.parseDicom(new Uint8Array(readFileSync(fixture(file))));
  const px = ds.elements.x7fe00010;
  return dicomParser.readEncapsulatedPixelDataFromFragments(ds, px, 0, px.fragments!.length) as Uint8Array;
}

describe('decodeJpeg2000', () => {
  it('decodes a YBR_ICT codestream to RGB at the size it declares', async () => {
    const px = await decodeJpeg2000(firstCodestream('us_ge_logiqe_j2k_lossy_ybrict.dcm'), 'YBR_ICT', 0, 'x.dcm');
    expect([px.width, px.height, px.samplesPerPixel, px.colorSpace]).toEqual([1660, 965, 3, 'rgb']);
  });

  it('refuses a codestream cut short with an InputError naming the frame index', async () => {
    const whole = firstCodestream('us_ge_logiq700_j2k_lossless.dcm');
    expect(codestreamProblem(whole)).toBeUndefined();
    const cut = whole.slice(0, whole.length >> 1);
    const err = await decodeJpeg2000(cut, 'YBR_RCT', 3, 'cut.dcm').catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/cut\.dcm: frame 3: corrupt JPEG 2000 codestream: too short/);
  });

  it('refuses bytes that are not a JPEG 2000 codestream', async () => {
    await expect(decodeJpeg2000(new Uint8Array([1, 2, 3, 4, 5]), 'MONOCHROME2', 0, 'x.dcm')).rejects.toThrow(/frame 0: .*no SOC\/SIZ marker/);
  });
});
