/**
 * Walks the marker segments of a JPEG codestream (ISO 10918-1 Annex B) without
 * decoding it: what kind of JPEG it is (its SOF marker), and, for a damaged one, what is
 * wrong in words ("cut short inside the Huffman table segment at byte 412"), so that a
 * decoder failure can be explained to a user instead of passed on as a codec's code.
 */

export interface JpegFrameHeader {
  /** The SOF marker's second byte: 0xC0 baseline, 0xC1 extended, 0xC3 lossless, ... */
  marker: number;
  precision: number;
  rows: number;
  columns: number;
  components: number;
}

export interface JpegStructure {
  frame?: JpegFrameHeader;
  /** Byte offset of the first scan's entropy-coded data, when a SOS segment was found. */
  scanStart?: number;
  /** The first problem found in the header (before the image data), in words. */
  problem?: string;
  /** True when the header is whole but no end-of-image marker (FF D9) ends the data: it was probably cut short. */
  missingEnd?: boolean;
}

/** The structure's problem in words, a missing end marker included; undefined when it looks whole. */
export function jpegDamage(structure: JpegStructure, length: number): string | undefined {
  if (structure.problem) return structure.problem;
  if (structure.missingEnd) return `the compressed data is cut short: no end-of-image marker (FF D9) at the end of its ${length} bytes`;
  return undefined;
}

/** Bytes at the end of a codestream searched for EOI: writers pad odd lengths, some add a byte or two. */
const EOI_SEARCH = 8;

const SOF_PROCESSES: Record<number, string> = {
  0xc0: 'baseline (process 1)',
  0xc1: 'extended sequential (processes 2 and 4)',
  0xc2: 'progressive',
  0xc3: 'lossless (process 14)',
  0xc5: 'differential sequential',
  0xc6: 'differential progressive',
  0xc7: 'differential lossless',
  0xc9: 'extended sequential, arithmetic-coded',
  0xca: 'progressive, arithmetic-coded',
  0xcb: 'lossless, arithmetic-coded',
  0xcd: 'differential sequential, arithmetic-coded',
  0xce: 'differential progressive, arithmetic-coded',
  0xcf: 'differential lossless, arithmetic-coded',
};

/** "lossless (process 14)" for 0xC3, and so on; a hex code for anything else. */
export function jpegProcessName(marker: number): string {
  return SOF_PROCESSES[marker] ?? `unknown (SOF marker FF${hex(marker)})`;
}

export function isStartOfFrame(marker: number): boolean {
  return marker in SOF_PROCESSES;
}

export function readJpegStructure(bytes: Uint8Array): JpegStructure {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) {
    const start = Array.from(bytes.subarray(0, 2), hex).join(' ') || 'nothing';
    return { problem: `it does not start with a JPEG start-of-image marker (FF D8); it starts with ${start}` };
  }
  const out: JpegStructure = {};
  let i = 2;
  for (;;) {
    if (i + 1 >= bytes.length) return { ...out, problem: `the header is cut short at byte ${i}, before any image data` };
    if (bytes[i] !== 0xff) {
      return { ...out, problem: `the header is damaged: byte ${i} should start a marker (FF) but is ${hex(bytes[i])}` };
    }
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd9) return { ...out, problem: `the header ends (end-of-image marker at byte ${i}) before any image data` };
    if (marker === 0xd8) return { ...out, problem: `a second start-of-image marker at byte ${i}` };
    if (i + 3 >= bytes.length) return { ...out, problem: `the header is cut short at byte ${i}, inside the ${segmentName(marker)} segment` };
    const length = (bytes[i + 2] << 8) | bytes[i + 3];
    if (length < 2 || i + 2 + length > bytes.length) {
      return { ...out, problem: `the ${segmentName(marker)} segment at byte ${i} claims ${length} bytes, past the end of the data (${bytes.length} bytes)` };
    }
    if (isStartOfFrame(marker)) {
      if (length < 8) return { ...out, problem: `the frame header (SOF) at byte ${i} is too short (${length} bytes)` };
      out.frame = {
        marker,
        precision: bytes[i + 4],
        rows: (bytes[i + 5] << 8) | bytes[i + 6],
        columns: (bytes[i + 7] << 8) | bytes[i + 8],
        components: bytes[i + 9],
      };
    }
    if (marker === 0xda) {
      if (!out.frame) return { ...out, problem: `a scan (SOS) at byte ${i} comes before any frame header (SOF)` };
      out.scanStart = i + 2 + length;
      out.missingEnd = !endsWithEoi(bytes);
      return out;
    }
    i += 2 + length;
  }
}

function endsWithEoi(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 2; i >= Math.max(0, bytes.length - EOI_SEARCH); i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  }
  return false;
}

function segmentName(marker: number): string {
  if (isStartOfFrame(marker)) return 'frame header (SOF)';
  if (marker === 0xc4) return 'Huffman table (DHT)';
  if (marker === 0xdb) return 'quantisation table (DQT)';
  if (marker === 0xda) return 'scan header (SOS)';
  if (marker === 0xdd) return 'restart interval (DRI)';
  if (marker === 0xfe) return 'comment (COM)';
  if (marker >= 0xe0 && marker <= 0xef) return `application (APP${marker - 0xe0})`;
  return `FF${hex(marker)}`;
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}
