import { describe, it, expect } from 'vitest';
import { expandSegmentedLut, SegmentedLutError } from '../../src/dicom/segmented-lut.js';

// Expected tables below are worked out by hand from PS3.3 C.7.9.2: a discrete segment is
// copied; a linear one runs from the previous last value y0 to y1 in `length` steps,
// entry k = round(y0 + (y1 - y0) k / length); an indirect one re-expands earlier segments.

function expand(data: number[], entries: number) {
  return expandSegmentedLut(Uint16Array.from(data), entries, 2);
}

describe('expandSegmentedLut', () => {
  it('copies a discrete segment entry for entry', () => {
    expect(Array.from(expand([0, 3, 10, 20, 30], 3).values)).toEqual([10, 20, 30]);
  });

  it('continues a linear segment from the last entry of the segment before it, ending on its own value', () => {
    // y0 = 0, y1 = 100, 4 steps: 25, 50, 75, 100
    expect(Array.from(expand([0, 1, 0, 1, 4, 100], 5).values)).toEqual([0, 25, 50, 75, 100]);
  });

  it('rounds a falling linear segment to the nearest entry', () => {
    // 10 -> 0 in 3 steps: 6.67 -> 7, 3.33 -> 3, 0
    expect(Array.from(expand([0, 1, 10, 1, 3, 0], 4).values)).toEqual([10, 7, 3, 0]);
  });

  it('rounds halves up in a linear segment', () => {
    // 0 -> 2 in 4 steps: 0.5 -> 1, 1, 1.5 -> 2, 2
    expect(Array.from(expand([0, 1, 0, 1, 4, 2], 5).values)).toEqual([0, 1, 1, 2, 2]);
  });

  it('repeats a value along a flat linear segment', () => {
    expect(Array.from(expand([0, 1, 7, 1, 3, 7], 4).values)).toEqual([7, 7, 7, 7]);
  });

  it('re-expands earlier segments for an indirect segment given a byte offset, each linear one from the current last entry', () => {
    // words 0-3: discrete 5, 6; words 4-6: linear to 10 in 2 steps; words 7-10: indirect, 2 segments from byte 0
    const data = [0, 2, 5, 6, 1, 2, 10, 2, 2, 0, 0];
    // 5, 6 | 8, 10 | copy: 5, 6 | linear from 6: 8, 10
    expect(Array.from(expand(data, 8).values)).toEqual([5, 6, 8, 10, 5, 6, 8, 10]);
  });

  it('finds the segment an indirect offset points to past the first: byte 8 is word 4', () => {
    const data = [0, 2, 5, 6, 1, 2, 10, 0, 1, 0, 2, 1, 8, 0];
    // 5, 6 | 8, 10 | 0 | copy of the linear segment from 0 to 10 in 2 steps: 5, 10
    const { values, warnings } = expand(data, 7);
    expect(Array.from(values)).toEqual([5, 6, 8, 10, 0, 5, 10]);
    expect(warnings).toEqual([]);
  });

  it('reads an indirect offset as entries, with a warning, when as bytes it lands inside a segment (how pydicom and vtk-dicom read it)', () => {
    const data = [0, 2, 5, 6, 1, 2, 10, 0, 1, 0, 2, 1, 4, 0];
    // byte offset 4 = word 2 is inside the first segment; entry offset 4 is the linear segment
    const { values, warnings } = expand(data, 7);
    expect(Array.from(values)).toEqual([5, 6, 8, 10, 0, 5, 10]);
    expect(warnings.join(' ')).toMatch(/offset 4 was read in entries/);
  });

  it('ignores one trailing padding word', () => {
    expect(Array.from(expand([0, 1, 9, 0], 1).values)).toEqual([9]);
  });

  it('keeps the first entries and warns when the segments hold more than the descriptor says', () => {
    const { values, warnings } = expand([0, 3, 1, 2, 3, 1, 10, 100], 4);
    // 1, 2, 3 | linear from 3 to 100 in 10 steps, of which only the first (12.7 -> 13) fits
    expect(Array.from(values)).toEqual([1, 2, 3, 13]);
    expect(warnings.join(' ')).toMatch(/more than the 4 entries/);
  });

  const refusals: Array<[string, number[], number, RegExp]> = [
    ['a linear segment first', [1, 4, 100], 4, /first segment is linear/],
    ['a reserved segment type', [0, 1, 5, 3, 1, 0], 2, /unknown segment type 3 at word 3/],
    ['a discrete segment longer than the data', [0, 9, 1, 2], 9, /discrete segment at word 0 holds 9 entries, but only 2 remain/],
    ['an indirect segment that copies an indirect one', [0, 1, 5, 2, 1, 6, 0, 2, 1, 6, 0], 3, /copies the indirect segment at word 3/],
    ['an indirect offset that is no segment start', [0, 2, 5, 6, 2, 1, 2, 0], 4, /points at offset 2, which is not the start of a segment/],
    ['fewer entries than the descriptor says', [0, 2, 5, 6], 3, /expand to 2 entries, but the descriptor says 3/],
  ];
  for (const [what, data, entries, message] of refusals) {
    it(`refuses ${what}`, () => {
      expect(() => expand(data, entries)).toThrow(SegmentedLutError);
      expect(() => expand(data, entries)).toThrow(message);
    });
  }

  it('stops a crafted table whose indirect segments copy millions of empty segments, quickly', () => {
    const data = [0, 1, 7];
    for (let i = 0; i < 30_000; i++) data.push(0, 0);
    for (let i = 0; i < 100; i++) data.push(2, 30_000, 6, 0); // byte 6 = word 3, the first empty segment
    const started = performance.now();
    expect(() => expand(data, 2)).toThrow(/copy more segments than a table of 2 entries can need/);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('reads 8-bit tables in byte units', () => {
    const data = Uint8Array.from([0, 2, 5, 6, 1, 2, 10, 0]);
    expect(Array.from(expandSegmentedLut(data, 4, 1).values)).toEqual([5, 6, 8, 10]);
  });

  it('refuses an indirect segment in an 8-bit table, whose offset layout readers disagree on', () => {
    const data = Uint8Array.from([0, 2, 5, 6, 2, 1, 0, 0, 0, 0]);
    expect(() => expandSegmentedLut(data, 4, 1)).toThrow(/indirect segment at byte 4 of an 8-bit table is not supported/);
  });
});
