/**
 * Expands Segmented Palette Color Lookup Table Data ((0028,1221..1223), DICOM PS3.3
 * C.7.9.2) into a plain table of entries. The data is a series of segments, each an
 * opcode, a length and its data, in units of one table entry (16-bit words for 16-bit
 * tables, bytes for 8-bit ones):
 *
 * - discrete (0): `length` entries, copied as they are;
 * - linear (1): one value y1; the `length` entries that follow the previous segment's
 *   last value y0 on the straight line to y1, the k-th being round(y0 + (y1 - y0) k / length)
 *   for k = 1..length (so the last is y1; halves round up). It cannot come first;
 * - indirect (2): `length` segments copied from elsewhere in the data, found by a 32-bit
 *   offset stored as its low then its high 16 bits. The standard calls it a byte offset;
 *   pydicom and vtk-dicom read it as an offset in entries. Both are tried, the standard's
 *   first, and only an offset that lands on the start of a segment is accepted. It may not
 *   point at another indirect segment (the standard forbids it; it also rules out loops).
 *   In an 8-bit table (byte units) the offset's layout is ambiguous: refused.
 *
 * Pure: no I/O, no dataset; errors are `SegmentedLutError`s with a message in words that
 * the caller prefixes with the file and the channel.
 */

export class SegmentedLutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SegmentedLutError';
  }
}

export interface ExpandedLut {
  /** Exactly `entries` values, in the table's own bit depth. */
  values: Uint16Array;
  /** Tolerated irregularities, in words (e.g. more entries than the descriptor says). */
  warnings: string[];
}

const DISCRETE = 0;
const LINEAR = 1;
const INDIRECT = 2;

/**
 * @param data the segment data, one element per unit (16-bit word or byte)
 * @param entries the Number of Table Entries from the descriptor (1..65536)
 * @param unitBytes 2 for 16-bit tables, 1 for 8-bit ones: how the indirect byte offset is converted
 */
export function expandSegmentedLut(data: ArrayLike<number>, entries: number, unitBytes: 1 | 2 = 2): ExpandedLut {
  const out = new Uint16Array(entries);
  const warnings: string[] = [];
  let written = 0; // entries produced so far, including any past `entries`
  let last: number | undefined;

  const emit = (value: number) => {
    if (written < entries) out[written] = value;
    written++;
    last = value;
  };

  const starts = segmentStarts(data);
  // A table needs no more segment expansions than it has entries plus segments; a
  // crafted one (indirect segments copying thousands of empty ones) is stopped here.
  let budget = entries + data.length + 16;

  /** Expands the segment at `at`; returns the position after it. */
  const expand = (at: number, insideIndirect: boolean): number => {
    if (--budget < 0) throw new SegmentedLutError(`the segments copy more segments than a table of ${entries} entries can need`);
    const opcode = data[at];
    const length = data[at + 1];
    if (opcode === DISCRETE) {
      if (at + 2 + length > data.length) {
        throw new SegmentedLutError(`the discrete segment at ${unitName(unitBytes)} ${at} holds ${length} entries, but only ${data.length - at - 2} remain`);
      }
      const room = Math.max(0, entries - written);
      for (let k = 0; k < Math.min(length, room); k++) emit(data[at + 2 + k]);
      if (length > room) {
        // entries past the end are only counted
        written += length - room;
        last = data[at + 1 + length];
      }
      return at + 2 + length;
    }
    if (opcode === LINEAR) {
      if (at + 2 >= data.length) throw new SegmentedLutError(`the linear segment at ${unitName(unitBytes)} ${at} is cut short (no end value)`);
      if (last === undefined) throw new SegmentedLutError('the first segment is linear, but a linear segment continues from the previous one');
      const y0 = last;
      const y1 = data[at + 2];
      const room = Math.max(0, entries - written);
      for (let k = 1; k <= length; k++) {
        if (k > room) {
          written += length - room;
          last = y1;
          break;
        }
        emit(Math.round(y0 + ((y1 - y0) * k) / length));
      }
      return at + 3;
    }
    if (opcode === INDIRECT) {
      if (insideIndirect)
        throw new SegmentedLutError(`an indirect segment copies the indirect segment at ${unitName(unitBytes)} ${at}, which the standard forbids`);
      if (unitBytes === 1) {
        // The standard lays the offset out as two 16-bit values; in a table of bytes that is
        // ambiguous (readers disagree), and no known writer uses it: refuse rather than guess.
        throw new SegmentedLutError(`the indirect segment at byte ${at} of an 8-bit table is not supported (its offset layout is ambiguous)`);
      }
      if (at + 3 >= data.length) throw new SegmentedLutError(`the indirect segment at ${unitName(unitBytes)} ${at} is cut short (no offset)`);
      const offset = (data[at + 2] | (data[at + 3] << 16)) >>> 0;
      const from = indirectTarget(offset, unitBytes, starts);
      if (from === undefined) {
        throw new SegmentedLutError(`the indirect segment at ${unitName(unitBytes)} ${at} points at offset ${offset}, which is not the start of a segment`);
      }
      if (from.asEntries) warnings.push(`an indirect segment's offset ${offset} was read in entries, not bytes (as pydicom and vtk-dicom do)`);
      let position = from.index;
      for (let s = 0; s < length; s++) {
        if (position + 1 >= data.length)
          throw new SegmentedLutError(`the indirect segment at ${unitName(unitBytes)} ${at} copies ${length} segments, past the end of the data`);
        position = expand(position, true);
      }
      return at + 4;
    }
    throw new SegmentedLutError(`unknown segment type ${opcode} at ${unitName(unitBytes)} ${at} (0 discrete, 1 linear and 2 indirect are defined)`);
  };

  // The data may end with one padding unit, since every segment is at least two long.
  // Once the table is full, what follows could only be ignored: stop there.
  for (let at = 0; at + 1 < data.length && written <= entries; ) at = expand(at, false);

  if (written < entries) {
    throw new SegmentedLutError(`the segments expand to ${written} entries, but the descriptor says ${entries}`);
  }
  if (written > entries) warnings.push(`the segments expand to more than the ${entries} entries the descriptor says: the rest are ignored`);
  return { values: out, warnings };
}

/** Where each top-level segment starts, to check an indirect offset against. */
function segmentStarts(data: ArrayLike<number>): Set<number> {
  const starts = new Set<number>();
  for (let at = 0; at + 1 < data.length; ) {
    starts.add(at);
    const opcode = data[at];
    if (opcode === DISCRETE) at += 2 + data[at + 1];
    else if (opcode === LINEAR) at += 3;
    else if (opcode === INDIRECT) at += 4;
    else break;
  }
  return starts;
}

function indirectTarget(offset: number, unitBytes: number, starts: Set<number>): { index: number; asEntries: boolean } | undefined {
  if (offset % unitBytes === 0 && starts.has(offset / unitBytes)) return { index: offset / unitBytes, asEntries: false };
  if (starts.has(offset)) return { index: offset, asEntries: true };
  return undefined;
}

function unitName(unitBytes: number): string {
  return unitBytes === 2 ? 'word' : 'byte';
}
