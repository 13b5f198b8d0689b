/**
 * A baseline (SOF0) JPEG encoder for 8-bit grayscale: one component, standard
 * luminance tables (ITU T.81 Annex K), AAN float DCT.
 *
 * Why not jpeg-js's encoder: it always writes three components (YCbCr), which
 * contradicts DICOM's MONOCHROME2 with JPEG baseline (1.2.840.10008.1.2.4.50)
 * and makes decoders return colour. This writes the one-component stream DICOM
 * expects; the tables are the standard ones jpeg-js uses too.
 */

const ZIGZAG = [
  0, 1, 5, 6, 14, 15, 27, 28, 2, 4, 7, 13, 16, 26, 29, 42, 3, 8, 12, 17, 25, 30, 41, 43, 9, 11, 18, 24, 31, 40, 44, 53, 10, 19, 23, 32, 39, 45, 52, 54, 20, 22,
  33, 38, 46, 51, 55, 60, 21, 34, 37, 47, 50, 56, 59, 61, 35, 36, 48, 49, 57, 58, 62, 63,
];
const LUMA_QT = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103,
  77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_VALS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const AC_BITS = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d];
const AC_VALS = [
  0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42,
  0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x34, 0x35,
  0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67,
  0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98,
  0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
  0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4,
  0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
];
const AAN = [1.0, 1.387039845, 1.306562965, 1.175875602, 1.0, 0.785694958, 0.5411961, 0.275899379];

interface Huffman {
  code: Uint16Array;
  size: Uint8Array;
}

function buildHuffman(bits: number[], vals: number[]): Huffman {
  const code = new Uint16Array(256);
  const size = new Uint8Array(256);
  let c = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < bits[len - 1]!; i++) {
      code[vals[k]!] = c;
      size[vals[k]!] = len;
      c++;
      k++;
    }
    c <<= 1;
  }
  return { code, size };
}

const DC_HT = buildHuffman(DC_BITS, DC_VALS);
const AC_HT = buildHuffman(AC_BITS, AC_VALS);

class ByteWriter {
  buf = new Uint8Array(1 << 16);
  len = 0;
  byte(b: number): void {
    if (this.len === this.buf.length) {
      const n = new Uint8Array(this.buf.length * 2);
      n.set(this.buf);
      this.buf = n;
    }
    this.buf[this.len++] = b;
  }
  word(w: number): void {
    this.byte((w >> 8) & 0xff);
    this.byte(w & 0xff);
  }
}

/** Encode a gray8 image as a baseline JPEG (quality 1..100, IJG scaling). */
export function encodeGrayJpeg(pixels: Uint8Array, width: number, height: number, quality = 90): Uint8Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const sf = q < 50 ? Math.floor(5000 / q) : Math.floor(200 - q * 2);
  const qt = new Uint8Array(64); // zigzag order, as written in DQT
  const fdtbl = new Float32Array(64); // natural order
  for (let i = 0; i < 64; i++) {
    const v = Math.min(255, Math.max(1, Math.floor((LUMA_QT[i]! * sf + 50) / 100)));
    qt[ZIGZAG[i]!] = v;
  }
  for (let r = 0; r < 8; r++) {
    for (let c = 0; c < 8; c++) {
      const i = r * 8 + c;
      fdtbl[i] = 1 / (qt[ZIGZAG[i]!]! * AAN[r]! * AAN[c]! * 8);
    }
  }
  const out = new ByteWriter();
  out.word(0xffd8);
  // DQT
  out.word(0xffdb);
  out.word(67);
  out.byte(0);
  for (let i = 0; i < 64; i++) out.byte(qt[i]!);
  // SOF0: 8-bit, one component, 1x1 sampling, table 0
  out.word(0xffc0);
  out.word(11);
  out.byte(8);
  out.word(height);
  out.word(width);
  out.byte(1);
  out.byte(1);
  out.byte(0x11);
  out.byte(0);
  // DHT: DC 0 and AC 0
  out.word(0xffc4);
  out.word(2 + 1 + 16 + DC_VALS.length + 1 + 16 + AC_VALS.length);
  out.byte(0x00);
  for (const b of DC_BITS) out.byte(b);
  for (const v of DC_VALS) out.byte(v);
  out.byte(0x10);
  for (const b of AC_BITS) out.byte(b);
  for (const v of AC_VALS) out.byte(v);
  // SOS
  out.word(0xffda);
  out.word(8);
  out.byte(1);
  out.byte(1);
  out.byte(0x00);
  out.byte(0);
  out.byte(63);
  out.byte(0);

  let bitBuf = 0;
  let bitCnt = 0;
  const writeBits = (value: number, n: number): void => {
    for (let i = n - 1; i >= 0; i--) {
      bitBuf = (bitBuf << 1) | ((value >> i) & 1);
      bitCnt++;
      if (bitCnt === 8) {
        out.byte(bitBuf);
        if (bitBuf === 0xff) out.byte(0);
        bitBuf = 0;
        bitCnt = 0;
      }
    }
  };
  const category = (v: number): number => {
    let a = v < 0 ? -v : v;
    let n = 0;
    while (a > 0) {
      n++;
      a >>= 1;
    }
    return n;
  };
  const writeValue = (v: number, n: number): void => {
    if (n > 0) writeBits(v < 0 ? v + (1 << n) - 1 : v, n);
  };

  const blk = new Float32Array(64);
  const coef = new Int32Array(64); // zigzag order
  let prevDc = 0;
  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      for (let r = 0; r < 8; r++) {
        const y = Math.min(height - 1, by + r);
        for (let c = 0; c < 8; c++) {
          const x = Math.min(width - 1, bx + c);
          blk[r * 8 + c] = pixels[y * width + x]! - 128;
        }
      }
      fdct(blk);
      for (let i = 0; i < 64; i++) coef[ZIGZAG[i]!] = Math.round(blk[i]! * fdtbl[i]!);
      const dc = coef[0]! - prevDc;
      prevDc = coef[0]!;
      const dn = category(dc);
      writeBits(DC_HT.code[dn]!, DC_HT.size[dn]!);
      writeValue(dc, dn);
      let run = 0;
      for (let k = 1; k < 64; k++) {
        const v = coef[k]!;
        if (v === 0) {
          run++;
          continue;
        }
        while (run > 15) {
          writeBits(AC_HT.code[0xf0]!, AC_HT.size[0xf0]!);
          run -= 16;
        }
        const n = category(v);
        const sym = (run << 4) | n;
        writeBits(AC_HT.code[sym]!, AC_HT.size[sym]!);
        writeValue(v, n);
        run = 0;
      }
      if (run > 0) writeBits(AC_HT.code[0]!, AC_HT.size[0]!);
    }
  }
  if (bitCnt > 0) writeBits((1 << (8 - bitCnt)) - 1, 8 - bitCnt);
  out.word(0xffd9);
  return out.buf.slice(0, out.len);
}

/** In-place AAN forward DCT of an 8x8 block (rows then columns), unscaled. */
function fdct(d: Float32Array): void {
  for (let pass = 0; pass < 2; pass++) {
    const step = pass === 0 ? 1 : 8;
    const stride = pass === 0 ? 8 : 1;
    for (let i = 0; i < 8; i++) {
      const o = i * stride;
      const d0 = d[o]!,
        d1 = d[o + step]!,
        d2 = d[o + 2 * step]!,
        d3 = d[o + 3 * step]!;
      const d4 = d[o + 4 * step]!,
        d5 = d[o + 5 * step]!,
        d6 = d[o + 6 * step]!,
        d7 = d[o + 7 * step]!;
      const t0 = d0 + d7,
        t7 = d0 - d7,
        t1 = d1 + d6,
        t6 = d1 - d6;
      const t2 = d2 + d5,
        t5 = d2 - d5,
        t3 = d3 + d4,
        t4 = d3 - d4;
      let t10 = t0 + t3;
      const t13 = t0 - t3;
      let t11 = t1 + t2;
      let t12 = t1 - t2;
      d[o] = t10 + t11;
      d[o + 4 * step] = t10 - t11;
      // biome-ignore lint/suspicious/noApproximativeNumericConstant: the AAN DCT's 9-digit constant; Math.SQRT1_2 would change the encoded bytes
      const z1 = (t12 + t13) * 0.707106781;
      d[o + 2 * step] = t13 + z1;
      d[o + 6 * step] = t13 - z1;
      t10 = t4 + t5;
      t11 = t5 + t6;
      t12 = t6 + t7;
      const z5 = (t10 - t12) * 0.382683433;
      const z2 = 0.5411961 * t10 + z5;
      const z4 = 1.306562965 * t12 + z5;
      // biome-ignore lint/suspicious/noApproximativeNumericConstant: as above
      const z3 = t11 * 0.707106781;
      const z11 = t7 + z3;
      const z13 = t7 - z3;
      d[o + 5 * step] = z13 + z2;
      d[o + 3 * step] = z13 - z2;
      d[o + step] = z11 + z4;
      d[o + 7 * step] = z11 - z4;
    }
  }
}
