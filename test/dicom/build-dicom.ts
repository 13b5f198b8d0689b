/**
 * Writes small DICOM Part 10 files (Explicit VR Little Endian) for tests: a list of
 * elements in, the file's bytes out. Enough for constructed pixel modules (palette
 * lookup tables, ultrasound regions, odd headers); not a general writer.
 */

/** One data element: tag as `gggg,eeee` hex, its VR, and its value. */
export interface ElementSpec {
  tag: string;
  vr: string;
  /** Text for string VRs; numbers for US/UL/SS/SL/FD/FL; bytes for OB/OW/UN. */
  value: string | number | number[] | Uint8Array | ElementSpec[][];
}

/** VRs whose explicit-VR header has two reserved bytes and a 32-bit length. */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);
const UNDEFINED_LENGTH = 0xffffffff;

export const US_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.6.1';
export const US_MULTIFRAME_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.3.1';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

/** The bytes of a Part 10 file: preamble, 'DICM', file meta group, then `elements` sorted by tag. */
export function buildDicom(elements: ElementSpec[], transferSyntaxUid = EXPLICIT_VR_LITTLE_ENDIAN): Uint8Array {
  const sop = elements.find((e) => e.tag === '0008,0016')?.value;
  const meta = encodeElements([
    { tag: '0002,0001', vr: 'OB', value: new Uint8Array([0, 1]) },
    { tag: '0002,0002', vr: 'UI', value: typeof sop === 'string' ? sop : US_IMAGE_STORAGE },
    { tag: '0002,0003', vr: 'UI', value: '1.2.826.0.1.3680043.10.1187.1' },
    { tag: '0002,0010', vr: 'UI', value: transferSyntaxUid },
  ]);
  const groupLength = encodeElements([{ tag: '0002,0000', vr: 'UL', value: meta.length }]);
  const body = encodeElements(elements);
  const out = new Uint8Array(132 + groupLength.length + meta.length + body.length);
  out.set([0x44, 0x49, 0x43, 0x4d], 128);
  out.set(groupLength, 132);
  out.set(meta, 132 + groupLength.length);
  out.set(body, 132 + groupLength.length + meta.length);
  return out;
}

/** Elements in tag order, explicit VR little endian. */
export function encodeElements(elements: ElementSpec[]): Uint8Array {
  const sorted = [...elements].sort((a, b) => tagNumber(a.tag) - tagNumber(b.tag));
  return concat(sorted.map(encodeElement));
}

function encodeElement(e: ElementSpec): Uint8Array {
  const tag = tagNumber(e.tag);
  const value = e.vr === 'SQ' ? encodeSequenceItems(e.value as ElementSpec[][]) : encodeValue(e);
  const long = LONG_VRS.has(e.vr);
  const header = new DataView(new ArrayBuffer(long ? 12 : 8));
  header.setUint16(0, tag >>> 16, true);
  header.setUint16(2, tag & 0xffff, true);
  header.setUint8(4, e.vr.charCodeAt(0));
  header.setUint8(5, e.vr.charCodeAt(1));
  if (long) header.setUint32(8, e.vr === 'SQ' ? UNDEFINED_LENGTH : value.length, true);
  else header.setUint16(6, value.length, true);
  const parts = [new Uint8Array(header.buffer), value];
  if (e.vr === 'SQ') parts.push(itemTag(0xe0dd, 0));
  return concat(parts);
}

function encodeSequenceItems(items: ElementSpec[][]): Uint8Array {
  return concat(items.flatMap((item) => [itemTag(0xe000, UNDEFINED_LENGTH), encodeElements(item), itemTag(0xe00d, 0)]));
}

function itemTag(element: number, length: number): Uint8Array {
  const v = new DataView(new ArrayBuffer(8));
  v.setUint16(0, 0xfffe, true);
  v.setUint16(2, element, true);
  v.setUint32(4, length, true);
  return new Uint8Array(v.buffer);
}

function encodeValue(e: ElementSpec): Uint8Array {
  const { vr, value } = e;
  if (value instanceof Uint8Array) return pad(value, 0);
  const numbers = typeof value === 'number' ? [value] : Array.isArray(value) ? (value as number[]) : undefined;
  if (numbers) {
    const size = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8, OW: 2 }[vr];
    if (!size) throw new Error(`build-dicom: numbers given for VR ${vr} (${e.tag})`);
    const v = new DataView(new ArrayBuffer(numbers.length * size));
    numbers.forEach((n, i) => {
      const at = i * size;
      if (vr === 'US' || vr === 'OW') v.setUint16(at, n, true);
      else if (vr === 'SS') v.setInt16(at, n, true);
      else if (vr === 'UL') v.setUint32(at, n, true);
      else if (vr === 'SL') v.setInt32(at, n, true);
      else if (vr === 'FL') v.setFloat32(at, n, true);
      else v.setFloat64(at, n, true);
    });
    return new Uint8Array(v.buffer);
  }
  return pad(new TextEncoder().encode(String(value)), vr === 'UI' ? 0 : 0x20);
}

function pad(bytes: Uint8Array, filler: number): Uint8Array {
  if (bytes.length % 2 === 0) return bytes;
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = filler;
  return out;
}

function tagNumber(tag: string): number {
  const [g, e] = tag.split(',');
  return parseInt(g, 16) * 0x10000 + parseInt(e, 16);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The elements of an 8-bit (or 16-bit) one-sample image with the given pixels. */
export function grayImageElements(options: {
  columns: number;
  rows: number;
  frames?: number;
  bitsAllocated?: 8 | 16;
  photometric?: string;
  pixels: Uint8Array | Uint16Array;
}): ElementSpec[] {
  const bits = options.bitsAllocated ?? 8;
  const pixelBytes =
    options.pixels instanceof Uint16Array ? new Uint8Array(options.pixels.buffer, options.pixels.byteOffset, options.pixels.byteLength) : options.pixels;
  const elements: ElementSpec[] = [
    { tag: '0008,0016', vr: 'UI', value: (options.frames ?? 1) > 1 ? US_MULTIFRAME_IMAGE_STORAGE : US_IMAGE_STORAGE },
    { tag: '0008,0018', vr: 'UI', value: '1.2.826.0.1.3680043.10.1187.2' },
    { tag: '0008,0060', vr: 'CS', value: 'US' },
    { tag: '0028,0002', vr: 'US', value: 1 },
    { tag: '0028,0004', vr: 'CS', value: options.photometric ?? 'MONOCHROME2' },
    { tag: '0028,0010', vr: 'US', value: options.rows },
    { tag: '0028,0011', vr: 'US', value: options.columns },
    { tag: '0028,0100', vr: 'US', value: bits },
    { tag: '0028,0101', vr: 'US', value: bits },
    { tag: '0028,0102', vr: 'US', value: bits - 1 },
    { tag: '0028,0103', vr: 'US', value: 0 },
    { tag: '7fe0,0010', vr: bits === 16 ? 'OW' : 'OB', value: pixelBytes },
  ];
  if ((options.frames ?? 1) > 1) {
    elements.push({ tag: '0028,0008', vr: 'IS', value: String(options.frames) });
    elements.push({ tag: '0018,1063', vr: 'DS', value: '33.3' });
  }
  return elements;
}
