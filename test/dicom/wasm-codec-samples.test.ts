import { describe, expect, it } from 'vitest';
import { decodeJpeg } from '../../src/dicom/decode-jpeg.js';
import { samplesFromBytes } from '../../src/dicom/load-wasm-codec.js';
import { toGray } from '../../src/dicom/photometric-to-gray.js';
import { encodeGrayJpeg } from '../../src/synth/jpeg-gray.js';
import { grayPixelModule } from '../helpers/pixel-module.js';

describe('samplesFromBytes', () => {
  it('copies a codec Uint8ClampedArray view into a plain Uint8Array for 8-bit samples', () => {
    const view = new Uint8ClampedArray([0, 7, 200, 255]);
    const samples = samplesFromBytes(view, 8, false);
    expect(samples).toBeInstanceOf(Uint8Array);
    expect([...samples]).toEqual([0, 7, 200, 255]);
    view[0] = 99;
    expect(samples[0]).toBe(0); // a copy, not the codec's memory
  });

  it('reads 16-bit samples little-endian from an offset view, unsigned and signed', () => {
    const memory = new Uint8ClampedArray([9, 0x34, 0x12, 0xff, 0xff]);
    const view = new Uint8ClampedArray(memory.buffer, 1, 4);
    expect([...samplesFromBytes(view, 16, false)]).toEqual([0x1234, 0xffff]);
    expect([...samplesFromBytes(view, 12, true)]).toEqual([0x1234, -1]);
  });
});

describe('8-bit gray JPEG frames', () => {
  it('keep their gray levels: no per-frame contrast stretch of a narrow range', async () => {
    const width = 64;
    const height = 48;
    const original = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) original[y * width + x] = 60 + Math.round((80 * x) / (width - 1));
    const decoded = await decodeJpeg(encodeGrayJpeg(original, width, height, 95), 0, 'test.dcm');
    const gray = toGray(decoded, grayPixelModule(width, height));
    let worst = 0;
    for (let i = 0; i < gray.length; i++) worst = Math.max(worst, Math.abs(gray[i]! - original[i]!));
    expect(worst).toBeLessThanOrEqual(4); // JPEG quality 95; a stretch to 0..255 would move the ends by 60 and more
    expect(Math.min(...gray)).toBeGreaterThanOrEqual(55);
    expect(Math.max(...gray)).toBeLessThanOrEqual(145);
  });
});
