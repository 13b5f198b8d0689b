import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { decodePackBits, decodeRle } from '../../src/dicom/decode-rle.js';
import { InputError } from '../../src/core/errors.js';

/** Test-only PackBits encoder: literal runs up to 128 bytes, repeat runs of 2..128. */
function packBits(row: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < row.length) {
    let run = 1;
    while (i + run < row.length && run < 128 && row[i + run] === row[i]) run++;
    if (run >= 2) {
      out.push(257 - run, row[i]);
      i += run;
      continue;
    }
    const start = i;
    while (i < row.length && i - start < 128 && !(i + 1 < row.length && row[i + 1] === row[i])) i++;
    if (i === start) i++;
    out.push(i - start - 1, ...row.subarray(start, i));
  }
  return Uint8Array.from(out);
}

/** A DICOM RLE frame: 64-byte header, then one PackBits segment per plane. */
function rleFrame(planes: Uint8Array[]): Uint8Array {
  const segments = planes.map(packBits);
  const total = 64 + segments.reduce((n, s) => n + s.length, 0);
  const frame = new Uint8Array(total);
  const view = new DataView(frame.buffer);
  view.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((s, i) => {
    view.setUint32(4 + i * 4, offset, true);
    frame.set(s, offset);
    offset += s.length;
  });
  return frame;
}

const rowsWithRuns = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 200 })), { minLength: 1, maxLength: 40 })
  .map((runs) => Uint8Array.from(runs.flatMap(([v, n]) => Array(n).fill(v))));
const anyRow = fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 600 }), rowsWithRuns);

describe('decodePackBits', () => {
  it('decodes whatever the PackBits encoder produced back to the input bytes', () => {
    fc.assert(
      fc.property(anyRow, (row) => {
        const encoded = packBits(row);
        const out = new Uint8Array(row.length);
        const written = decodePackBits(encoded, 0, encoded.length, out, 0, row.length);
        expect(written).toBe(row.length);
        expect(out).toEqual(row);
      }),
    );
  });

  it('never writes past its limit, whatever the input bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 100 }), (junk, limit) => {
        const out = new Uint8Array(limit + 8).fill(7);
        const written = decodePackBits(junk, 0, junk.length, out, 4, limit);
        expect(written).toBeLessThanOrEqual(limit);
        expect([...out.subarray(0, 4), ...out.subarray(4 + limit)]).toEqual(new Array(8).fill(7));
      }),
    );
  });
});

describe('decodeRle', () => {
  it('decodes random 8-bit RGB frames to their planes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer(), (rows, columns, seed) => {
        const n = rows * columns;
        const planes = [0, 1, 2].map((p) => Uint8Array.from({ length: n }, (_, i) => ((seed >>> (p * 3)) + i * (p + 1)) & 0xff));
        const px = decodeRle(rleFrame(planes), { rows, columns, samplesPerPixel: 3, bitsAllocated: 8, signed: false }, 0, 'x.dcm');
        expect(px.planar).toBe(true);
        expect(px.data).toEqual(Uint8Array.from([...planes[0], ...planes[1], ...planes[2]]));
      }),
    );
  });

  it('joins the high and low byte segments of 16-bit samples', () => {
    const values = Uint16Array.from([0, 1, 255, 256, 4095, 65535]);
    const hi = Uint8Array.from(values, (v) => v >> 8);
    const lo = Uint8Array.from(values, (v) => v & 0xff);
    const px = decodeRle(rleFrame([hi, lo]), { rows: 2, columns: 3, samplesPerPixel: 1, bitsAllocated: 16, signed: false }, 0, 'x.dcm');
    expect(px.data).toEqual(values);
  });

  it('refuses a frame whose segment count does not fit the image, naming the frame', () => {
    const frame = rleFrame([new Uint8Array(4)]);
    expect(() => decodeRle(frame, { rows: 2, columns: 2, samplesPerPixel: 3, bitsAllocated: 8, signed: false }, 5, 'x.dcm')).toThrow(InputError);
    expect(() => decodeRle(frame, { rows: 2, columns: 2, samplesPerPixel: 3, bitsAllocated: 8, signed: false }, 5, 'x.dcm')).toThrow(
      /x\.dcm: frame 5: corrupt RLE data: 1 segments, expected 3/,
    );
  });

  it('refuses a segment that decodes to fewer bytes than the image has', () => {
    const frame = rleFrame([new Uint8Array(3)]);
    expect(() => decodeRle(frame, { rows: 2, columns: 2, samplesPerPixel: 1, bitsAllocated: 8, signed: false }, 0, 'x.dcm')).toThrow(
      /segment 0 holds 3 bytes, expected 4/,
    );
  });
});
