/**
 * A small explicit-VR little-endian DICOM element writer, enough for the phantom's
 * Ultrasound Multi-frame Image Storage files (native or encapsulated pixel data).
 *
 * Written by hand on purpose: the maintained JS DICOM libraries are readers
 * (dicom-parser, the cornerstone codecs); dcmjs can write but drags in its own
 * dataset model and naturalisation rules for a dozen elements we can emit in a
 * page of code. Validated by dcmdump in test/synth.
 */

/** VRs whose length field is 4 bytes (after 2 reserved bytes) in explicit VR. */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);

export type DicomValue =
  | { vr: 'AE' | 'AS' | 'CS' | 'DA' | 'DS' | 'IS' | 'LO' | 'LT' | 'PN' | 'SH' | 'TM' | 'UI' | 'ST'; value: string }
  | { vr: 'US'; value: number | number[] }
  | { vr: 'UL'; value: number | number[] }
  | { vr: 'FD'; value: number | number[] }
  | { vr: 'AT'; value: number }
  | { vr: 'OB'; value: Uint8Array }
  | { vr: 'SQ'; items: DicomElement[][] };

export type DicomElement = { tag: number } & DicomValue;

/** tag(0x0028, 0x0010) = 0x00280010 */
export function tag(group: number, element: number): number {
  return ((group << 16) | element) >>> 0;
}

class Bytes {
  private chunks: Uint8Array[] = [];
  length = 0;
  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u16(v: number): void {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v, true);
    this.push(b);
  }
  u32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    this.push(b);
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

function valueBytes(el: DicomElement): Uint8Array {
  switch (el.vr) {
    case 'US': {
      const vs = Array.isArray(el.value) ? el.value : [el.value];
      const b = new Uint8Array(vs.length * 2);
      const dv = new DataView(b.buffer);
      vs.forEach((v, i) => dv.setUint16(i * 2, v, true));
      return b;
    }
    case 'UL': {
      const vs = Array.isArray(el.value) ? el.value : [el.value];
      const b = new Uint8Array(vs.length * 4);
      const dv = new DataView(b.buffer);
      vs.forEach((v, i) => dv.setUint32(i * 4, v >>> 0, true));
      return b;
    }
    case 'FD': {
      const vs = Array.isArray(el.value) ? el.value : [el.value];
      const b = new Uint8Array(vs.length * 8);
      const dv = new DataView(b.buffer);
      vs.forEach((v, i) => dv.setFloat64(i * 8, v, true));
      return b;
    }
    case 'AT': {
      const b = new Uint8Array(4);
      const dv = new DataView(b.buffer);
      dv.setUint16(0, el.value >>> 16, true);
      dv.setUint16(2, el.value & 0xffff, true);
      return b;
    }
    case 'OB': {
      if (el.value.length % 2 === 0) return el.value;
      const b = new Uint8Array(el.value.length + 1);
      b.set(el.value);
      return b;
    }
    case 'SQ':
      throw new Error('SQ has no flat value');
    default: {
      let s = el.value;
      if (s.length % 2 === 1) s += el.vr === 'UI' ? '\0' : ' ';
      return new TextEncoder().encode(s);
    }
  }
}

function writeHeader(out: Bytes, t: number, vr: string, length: number): void {
  out.u16(t >>> 16);
  out.u16(t & 0xffff);
  out.push(new TextEncoder().encode(vr));
  if (LONG_VRS.has(vr)) {
    out.u16(0);
    out.u32(length);
  } else {
    if (length > 0xffff) throw new Error(`value of ${t.toString(16)} too long for ${vr}`);
    out.u16(length);
  }
}

/** Encode elements (sorted by tag) in explicit VR little endian. */
export function encodeElements(elements: DicomElement[]): Uint8Array {
  const out = new Bytes();
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  for (const el of sorted) {
    if (el.vr === 'SQ') {
      const items = el.items.map((item) => encodeElements(item));
      const len = items.reduce((s, b) => s + 8 + b.length, 0);
      writeHeader(out, el.tag, 'SQ', len);
      for (const item of items) {
        out.u16(0xfffe);
        out.u16(0xe000);
        out.u32(item.length);
        out.push(item);
      }
    } else {
      const v = valueBytes(el);
      writeHeader(out, el.tag, el.vr, v.length);
      out.push(v);
    }
  }
  return out.concat();
}

/**
 * Header of encapsulated pixel data (7FE0,0010) OB, undefined length, with a basic
 * offset table for the given fragment lengths (one fragment per frame). The caller
 * then writes each fragment via fragmentItem and ends with sequenceDelimiter().
 */
export function encapsulatedPixelDataHeader(fragmentLengths: number[]): Uint8Array {
  const out = new Bytes();
  out.u16(0x7fe0);
  out.u16(0x0010);
  out.push(new TextEncoder().encode('OB'));
  out.u16(0);
  out.u32(0xffffffff);
  out.u16(0xfffe);
  out.u16(0xe000);
  out.u32(fragmentLengths.length * 4);
  let offset = 0;
  for (const len of fragmentLengths) {
    out.u32(offset);
    offset += 8 + len + (len % 2);
  }
  return out.concat();
}

export function fragmentItem(data: Uint8Array): Uint8Array {
  const len = data.length + (data.length % 2);
  const b = new Uint8Array(8 + len);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, 0xfffe, true);
  dv.setUint16(2, 0xe000, true);
  dv.setUint32(4, len, true);
  b.set(data, 8);
  return b;
}

export function sequenceDelimiter(): Uint8Array {
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, 0xfffe, true);
  dv.setUint16(2, 0xe0dd, true);
  return b;
}

/** Header of native pixel data (7FE0,0010) OB with the given byte length. */
export function nativePixelDataHeader(byteLength: number): Uint8Array {
  const out = new Bytes();
  writeHeader(out, tag(0x7fe0, 0x0010), 'OB', byteLength + (byteLength % 2));
  return out.concat();
}

/** 128-byte preamble, "DICM", and the file meta information group (always explicit VR LE). */
export function filePreambleAndMeta(sopClassUid: string, sopInstanceUid: string, transferSyntaxUid: string): Uint8Array {
  const meta = encodeElements([
    { tag: tag(0x0002, 0x0001), vr: 'OB', value: new Uint8Array([0, 1]) },
    { tag: tag(0x0002, 0x0002), vr: 'UI', value: sopClassUid },
    { tag: tag(0x0002, 0x0003), vr: 'UI', value: sopInstanceUid },
    { tag: tag(0x0002, 0x0010), vr: 'UI', value: transferSyntaxUid },
    { tag: tag(0x0002, 0x0012), vr: 'UI', value: IMPLEMENTATION_CLASS_UID },
    { tag: tag(0x0002, 0x0013), vr: 'SH', value: 'AUTODVT_010' },
  ]);
  const groupLength = encodeElements([{ tag: tag(0x0002, 0x0000), vr: 'UL', value: meta.length }]);
  const out = new Uint8Array(132 + groupLength.length + meta.length);
  out.set(new TextEncoder().encode('DICM'), 128);
  out.set(groupLength, 132);
  out.set(meta, 132 + groupLength.length);
  return out;
}

/** 2.25 root (UUID-derived UIDs, no registered org root needed). */
export const IMPLEMENTATION_CLASS_UID = '2.25.181993425138702843512311547862313045231';

/** A deterministic 2.25.<decimal> UID from 128 bits of a seed-derived hash. */
export function uidFromParts(...parts: number[]): string {
  let x = 0n;
  for (let i = 0; i < 4; i++) {
    let h = 0x811c9dc5 ^ i;
    for (const p of parts) {
      h ^= p >>> 0;
      h = Math.imul(h, 0x01000193) >>> 0;
      h ^= h >>> 15;
      h = Math.imul(h, 0x2c1b3c6d) >>> 0;
    }
    x = (x << 32n) | BigInt(h >>> 0);
  }
  return `2.25.${x.toString()}`;
}

export const UID = {
  usMultiFrameImageStorage: '1.2.840.10008.5.1.4.1.1.3.1',
  explicitVrLittleEndian: '1.2.840.10008.1.2.1',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
} as const;
