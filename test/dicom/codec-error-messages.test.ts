import { describe, it, expect } from 'vitest';
import { decodeJpeg } from '../../src/dicom/decode-jpeg.js';
import { decodeJpegLs } from '../../src/dicom/decode-jpeg-ls.js';
import { thrownCppText } from '../../src/dicom/load-wasm-codec.js';
import { readJpegStructure, jpegDamage } from '../../src/dicom/jpeg-structure.js';
import { InputError } from '../../src/core/errors.js';
import { codestreams } from './fixtures.js';

function firstFrame(file: string): Uint8Array {
  return codestreams(file)[0];
}

async function failure(decoding: Promise<unknown>): Promise<string> {
  const err = await decoding.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  const message = (err as InputError).message;
  // the regression: "corrupt JPEG: 112568", a wasm address where the reason should be
  expect(message).not.toMatch(/:\s*\d+\s*$/);
  return message;
}

describe('JPEG baseline errors name the file and frame and say what is wrong in words', () => {
  const frame = firstFrame('us_hp_mf34_jpeg_baseline.dcm');

  it('says a frame cut in half is cut short', async () => {
    const message = await failure(decodeJpeg(frame.slice(0, frame.length >> 1), 7, 'exam/a.dcm'));
    expect(message).toMatch(/exam\/a\.dcm: frame 7: cannot decode the JPEG data: the compressed data is cut short: no end-of-image marker \(FF D9\)/);
  });

  it('says the image data is damaged when libjpeg-turbo stops inside the scan', async () => {
    const cut = frame.slice(0, (frame.length >> 1) + 2);
    cut.set([0xff, 0xd9], cut.length - 2);
    const message = await failure(decodeJpeg(cut, 0, 'a.dcm'));
    expect(message).toMatch(
      /a\.dcm: frame 0: cannot decode the JPEG data: the compressed image data is damaged \(libjpeg-turbo stopped while decompressing it\)/,
    );
  });

  it('names the damaged header byte', async () => {
    const damaged = frame.slice();
    damaged.fill(0, 10);
    const message = await failure(decodeJpeg(damaged, 2, 'a.dcm'));
    expect(message).toMatch(/frame 2: cannot decode the JPEG data: the header is damaged: byte 20 should start a marker \(FF\) but is 00/);
  });

  it('says a frame that is not JPEG at all does not start with FF D8', async () => {
    const message = await failure(decodeJpeg(new Uint8Array([0x12, 0x34, 0x56, 0x78, 0, 0]), 0, 'a.dcm'));
    expect(message).toMatch(/not start with a JPEG start-of-image marker \(FF D8\); it starts with 12 34/);
  });
});

describe("JPEG-LS errors carry CharLS's own reason", () => {
  it('reads the CharLS exception text out of wasm memory instead of printing its address', async () => {
    const notJpegLs = new Uint8Array([0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0, 4, 0, 4, 1, 1, 0x11, 0, 0xff, 0xd9]);
    const message = await failure(decodeJpegLs(notJpegLs, false, 3, 'b.dcm'));
    expect(message).toMatch(/b\.dcm: frame 3: cannot decode the JPEG-LS codestream: Invalid JPEG-LS stream/);
  });
});

describe('thrownCppText', () => {
  const heap = new Uint8Array(256);
  const view = new DataView(heap.buffer);
  heap.set(new TextEncoder().encode('error reading header\n\0'), 100);
  heap.set([0x05, 0x00, 0x01, 0x00], 200); // a "vtable": not text

  it('reads a thrown const char* (the first word points at the text)', () => {
    view.setUint32(16, 100, true);
    expect(thrownCppText(16, heap)).toBe('error reading header');
  });

  it('reads a std::runtime_error (a vtable pointer, then the what() text)', () => {
    view.setUint32(32, 200, true);
    view.setUint32(36, 100, true);
    expect(thrownCppText(32, heap)).toBe('error reading header');
  });

  it('gives undefined, never garbage, when neither word points at printable text', () => {
    view.setUint32(48, 200, true);
    view.setUint32(52, 9999, true);
    expect(thrownCppText(48, heap)).toBeUndefined();
    expect(thrownCppText(300, heap)).toBeUndefined();
    expect(thrownCppText(16, undefined)).toBeUndefined();
  });
});

describe('readJpegStructure', () => {
  it('reads the frame header of a real baseline frame and finds it whole', () => {
    const s = readJpegStructure(firstFrame('us_hp_mf34_jpeg_baseline.dcm'));
    expect(s.frame).toMatchObject({ marker: 0xc0, precision: 8, rows: 430, columns: 480 });
    expect(s.scanStart).toBeGreaterThan(0);
    expect(jpegDamage(s, 0)).toBeUndefined();
  });

  it('says which segment runs past the end when the header is cut short', () => {
    const frame = firstFrame('us_hp_mf34_jpeg_baseline.dcm').slice(0, 40);
    expect(jpegDamage(readJpegStructure(frame), 40)).toMatch(/segment at byte \d+ claims \d+ bytes, past the end of the data \(40 bytes\)/);
  });
});
