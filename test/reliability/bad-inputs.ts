/**
 * Damaged inputs built from the real fixtures: DICOM elements rewritten (a huge or
 * invalid Number of Frames, 65535x65535 frames, wrong lengths), decompression bombs
 * (a deflated dataset, a zip) built without ever holding the inflated bytes, and
 * pipeline YAML bombs. Used by the bad-input corpus (bad-input-corpus.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import dicomParser from 'dicom-parser';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
export const DICOM_FIXTURES = fs
  .readdirSync(path.join(FIXTURES, 'dicom'))
  .filter((f) => f.startsWith('us_') && f.endsWith('.dcm'))
  .sort();
export const VIDEO_FIXTURES = fs.readdirSync(path.join(FIXTURES, 'video')).sort();

export function readFixture(rel: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(FIXTURES, rel)));
}

export interface ElementPlace {
  /** Where the element's tag starts. */
  headerStart: number;
  dataOffset: number;
  length: number;
  /** Explicit VR with a 2-byte length field (short VRs), or implicit VR with a 4-byte one. */
  lengthField: { at: number; bytes: 2 | 4 };
}

/** Where a top-level element with a short VR (IS, US, DS, CS...) sits in a fixture. */
export function placeOf(bytes: Uint8Array, tag: string): ElementPlace | undefined {
  const ds = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
  const el = ds.elements[tag];
  if (!el) return undefined;
  return placeAt(bytes, el.dataOffset, el.length);
}

function placeAt(bytes: Uint8Array, dataOffset: number, length: number): ElementPlace {
  const vr = String.fromCharCode(bytes[dataOffset - 4], bytes[dataOffset - 3]);
  const explicit = /^[A-Z]{2}$/.test(vr);
  return { headerStart: dataOffset - 8, dataOffset, length, lengthField: explicit ? { at: dataOffset - 2, bytes: 2 } : { at: dataOffset - 4, bytes: 4 } };
}

/** The top-level elements before the pixel data, in file order (for random length damage). */
export function headerElements(bytes: Uint8Array): ElementPlace[] {
  const ds = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
  return Object.entries(ds.elements)
    .filter(([tag, el]) => !tag.startsWith('x0002') && tag !== 'x7fe00010' && !el.items && el.length < 0xffff && el.dataOffset >= 8)
    .map(([, el]) => placeAt(bytes, el.dataOffset, el.length))
    .filter((p) => p.lengthField.bytes === 2 || bytes[p.dataOffset - 4] !== undefined)
    .sort((a, b) => a.dataOffset - b.dataOffset);
}

/** The file with a string element (IS, DS) set to `value`, inserted before Rows when absent. */
export function withStringElement(bytes: Uint8Array, tag: string, value: string): Uint8Array {
  const padded = value.length % 2 ? value + ' ' : value;
  const place = placeOf(bytes, tag);
  const anchor = place ?? placeOf(bytes, 'x00280010')!;
  const explicit = anchor.lengthField.bytes === 2;
  const group = parseInt(tag.slice(1, 5), 16);
  const element = parseInt(tag.slice(5, 9), 16);
  const header = new Uint8Array(8);
  const view = new DataView(header.buffer);
  view.setUint16(0, group, true);
  view.setUint16(2, element, true);
  if (explicit) {
    header.set([0x49, 0x53], 4); // IS
    view.setUint16(6, padded.length, true);
  } else view.setUint32(4, padded.length, true);
  const encoded = concat([header, new TextEncoder().encode(padded)]);
  const cutFrom = place ? place.headerStart : anchor.headerStart;
  const cutTo = place ? place.dataOffset + place.length : anchor.headerStart;
  return concat([bytes.subarray(0, cutFrom), encoded, bytes.subarray(cutTo)]);
}

/** The file with a US element (Rows, Columns...) overwritten in place. */
export function withUint16(bytes: Uint8Array, tag: string, value: number): Uint8Array {
  const place = placeOf(bytes, tag)!;
  const out = bytes.slice();
  new DataView(out.buffer).setUint16(place.dataOffset, value, true);
  return out;
}

/** The file with one element's length field overwritten. */
export function withLength(bytes: Uint8Array, place: ElementPlace, length: number): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  if (place.lengthField.bytes === 2) view.setUint16(place.lengthField.at, length & 0xffff, true);
  else view.setUint32(place.lengthField.at, length >>> 0, true);
  return out;
}

/**
 * Raw DEFLATE data that inflates to `size` zero bytes, built from one independently
 * compressed MiB repeated (a full flush makes each copy self-contained and byte
 * aligned), so a GiB bomb costs a MiB of zeros to make.
 */
export function deflatedZeros(size: number): Uint8Array {
  const MiB = 1024 * 1024;
  const chunk = zlib.deflateRawSync(Buffer.alloc(MiB), { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  const copies = Math.floor(size / MiB);
  const rest = zlib.deflateRawSync(Buffer.alloc(size - copies * MiB)); // the final block
  const parts: Uint8Array[] = Array.from({ length: copies }, () => chunk);
  parts.push(rest);
  return concat(parts);
}

/** A Part 10 file with a deflated dataset (1.2.840.10008.1.2.1.99) that inflates to about `size` bytes. */
export function deflatedDatasetBomb(size: number): Uint8Array {
  const ts = '1.2.840.10008.1.2.1.99';
  const tsValue = ts.length % 2 ? ts + '\0' : ts;
  const tsElement = concat([le16(0x0002), le16(0x0010), ascii('UI'), le16(tsValue.length), ascii(tsValue)]);
  const groupLength = concat([le16(0x0002), le16(0x0000), ascii('UL'), le16(4), le32(tsElement.length)]);
  // The deflated stream opens with an element whose value is the zeros: (0009,0010) OB of `size` bytes.
  const head = concat([le16(0x0009), le16(0x1000), ascii('OB'), new Uint8Array(2), le32(size)]);
  const deflatedHead = zlib.deflateRawSync(head, { finishFlush: zlib.constants.Z_FULL_FLUSH });
  return concat([new Uint8Array(128), ascii('DICM'), groupLength, tsElement, deflatedHead, deflatedZeros(size)]);
}

/** A zip holding one member `name`, stored deflated, whose content is `size` zero bytes. */
export function zipBomb(name: string, size: number): Uint8Array {
  const data = deflatedZeros(size);
  const nameBytes = ascii(name);
  const local = concat([
    le32(0x04034b50),
    le16(20),
    le16(0),
    le16(8),
    le16(0),
    le16(0),
    le32(0),
    le32(data.length),
    le32(size),
    le16(nameBytes.length),
    le16(0),
    nameBytes,
  ]);
  const central = concat([
    le32(0x02014b50),
    le16(20),
    le16(20),
    le16(0),
    le16(8),
    le16(0),
    le16(0),
    le32(0),
    le32(data.length),
    le32(size),
    le16(nameBytes.length),
    le16(0),
    le16(0),
    le16(0),
    le16(0),
    le32(0),
    le32(0),
    nameBytes,
  ]);
  const end = concat([le32(0x06054b50), le16(0), le16(0), le16(1), le16(1), le32(central.length), le32(local.length + data.length), le16(0)]);
  return concat([local, data, central, end]);
}

/** YAML "billion laughs": `levels` anchors, each a list of `fan` aliases of the one before. */
export function billionLaughs(levels: number, fan: number): string {
  const lines = ['l0: &l0 [lol]'];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `l${i}: &l${i} [${Array(fan)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return lines.join('\n') + '\nsource:\n  type: synthetic\nsinks: []\n';
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function le16(v: number): Uint8Array {
  return new Uint8Array([v & 0xff, (v >> 8) & 0xff]);
}

function le32(v: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, v >>> 0, true);
  return out;
}

function ascii(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/**
 * A valid single-frame native DICOM of `rows` x `columns` RGB built on a fixture's
 * header (explicit VR little endian), its pixels a gradient: a real file that simply
 * needs a lot of memory to decode.
 */
export function largeNativeDicom(rows: number, columns: number): Uint8Array {
  let bytes = readFixture('dicom/us_ge_logiq700_rgb_uncompressed.dcm');
  bytes = withUint16(withUint16(bytes, 'x00280010', rows), 'x00280011', columns);
  const ds = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
  const pixel = ds.elements.x7fe00010!;
  const length = rows * columns * 3;
  const head = bytes.subarray(0, pixel.dataOffset);
  const out = new Uint8Array(head.length + length);
  out.set(head);
  new DataView(out.buffer).setUint32(pixel.dataOffset - 4, length, true);
  for (let i = 0; i < length; i += 4096) out[head.length + i] = (i >> 12) & 0xff;
  return out;
}
