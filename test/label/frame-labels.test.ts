import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEdit, applyEdits, emptyLabels, trackRuns, type LabelEdit, type LoopFrameLabel, type Track } from '../../src/label/frame-labels.js';

const frameLabel: fc.Arbitrary<LoopFrameLabel> = fc.oneof(
  fc.record({ landmark: fc.constantFrom('BG', 'LM1', 'LM2'), open: fc.boolean(), thrombus: fc.boolean() }, { requiredKeys: [] }),
  fc.constant({ unusable: true } as LoopFrameLabel),
);
const loopLabels = fc.array(frameLabel, { minLength: 1, maxLength: 40 });
const edit = (n: number): fc.Arbitrary<LabelEdit> => {
  const at = fc.integer({ min: -3, max: n + 3 });
  return fc.oneof(
    fc.record({
      op: fc.constant('mark' as const),
      track: fc.constant('landmark' as const),
      value: fc.constantFrom('BG' as const, 'LM1' as const, 'LM2' as const),
      start: at,
      end: at,
    }),
    fc.record({
      op: fc.constant('mark' as const),
      track: fc.constant('vein' as const),
      value: fc.constantFrom('open' as const, 'closed' as const),
      start: at,
      end: at,
    }),
    fc.record({ op: fc.constant('mark' as const), track: fc.constant('unusable' as const), start: at, end: at }),
    fc.record({ op: fc.constant('clear' as const), track: fc.constantFrom<Track>('landmark', 'vein', 'unusable'), start: at, end: at }),
  );
};
const loopAndEdit = loopLabels.chain((frames) => fc.tuple(fc.constant(frames), edit(frames.length)));

function inRange(e: LabelEdit, i: number): boolean {
  return i >= Math.min(e.start, e.end) && i <= Math.max(e.start, e.end);
}

describe('frame labels (the editing model)', () => {
  it('a mark sets its track on every frame of the range, in either order, clipped to the loop', () => {
    fc.assert(
      fc.property(loopAndEdit, ([frames, e]) => {
        const out = applyEdit(frames, e);
        expect(out).toHaveLength(frames.length);
        out.forEach((label, i) => {
          if (!inRange(e, i) || e.op !== 'mark') return;
          if (e.track === 'landmark') expect([label.landmark, label.unusable]).toEqual([e.value, undefined]);
          if (e.track === 'vein') expect([label.open, label.unusable]).toEqual([e.value === 'open', undefined]);
          if (e.track === 'unusable')
            expect(label).toEqual({ unusable: true, ...(frames[i]!.thrombus === undefined ? {} : { thrombus: frames[i]!.thrombus }) });
        });
      }),
    );
  });

  it("frames outside an edit's range are left exactly as they were", () => {
    fc.assert(
      fc.property(loopAndEdit, ([frames, e]) => {
        const out = applyEdit(frames, e);
        out.forEach((label, i) => {
          if (!inRange(e, i)) expect(label).toBe(frames[i]);
        });
      }),
    );
  });

  it('a clear removes only its own track and keeps the other labels of the frame', () => {
    fc.assert(
      fc.property(loopAndEdit, ([frames, e]) => {
        if (e.op !== 'clear') return;
        applyEdit(frames, e).forEach((label, i) => {
          if (!inRange(e, i)) return;
          const before = frames[i]!;
          const expected: LoopFrameLabel = { ...before };
          if (e.track === 'landmark') delete expected.landmark;
          if (e.track === 'vein') delete expected.open;
          if (e.track === 'unusable') delete expected.unusable;
          expect(label).toEqual(expected);
        });
      }),
    );
  });

  it('never changes the array it is given', () => {
    fc.assert(
      fc.property(loopAndEdit, ([frames, e]) => {
        const copy = structuredClone(frames);
        applyEdit(frames, e);
        expect(frames).toEqual(copy);
      }),
    );
  });

  it('no frame is ever both unusable and labelled with a landmark or vein state after a mark', () => {
    fc.assert(
      fc.property(
        loopLabels.chain((f) => fc.tuple(fc.constant(emptyLabels(f.length)), fc.array(edit(f.length), { maxLength: 12 }))),
        ([frames, edits]) => {
          for (const label of applyEdits(frames, edits)) {
            if (label.unusable) expect([label.landmark, label.open]).toEqual([undefined, undefined]);
          }
        },
      ),
    );
  });

  it('the runs of a track cover exactly the frames that have a value on it, with that value', () => {
    fc.assert(
      fc.property(loopLabels, fc.constantFrom<Track>('landmark', 'vein', 'unusable'), (frames, track) => {
        const runs = trackRuns(frames, track);
        const rebuilt: (string | undefined)[] = frames.map(() => undefined);
        let previousEnd = -1;
        for (const r of runs) {
          expect(r.start).toBeGreaterThan(previousEnd);
          previousEnd = r.end;
          for (let i = r.start; i <= r.end; i++) rebuilt[i] = r.value;
        }
        const expected = frames.map((f) =>
          track === 'landmark'
            ? f.landmark
            : track === 'vein'
              ? f.open === undefined
                ? undefined
                : f.open
                  ? 'open'
                  : 'closed'
              : f.unusable
                ? 'unusable'
                : undefined,
        );
        expect(rebuilt).toEqual(expected);
      }),
    );
  });

  it('adjacent runs of a track never carry the same value (they are merged)', () => {
    fc.assert(
      fc.property(loopLabels, fc.constantFrom<Track>('landmark', 'vein', 'unusable'), (frames, track) => {
        const runs = trackRuns(frames, track);
        runs.slice(1).forEach((r, i) => {
          if (r.start === runs[i]!.end + 1) expect(r.value).not.toBe(runs[i]!.value);
        });
      }),
    );
  });

  it('marks a landmark segment, then a closed vein inside it, as two tracks', () => {
    let frames = emptyLabels(10);
    frames = applyEdit(frames, { op: 'mark', track: 'landmark', value: 'LM1', start: 7, end: 2 });
    frames = applyEdit(frames, { op: 'mark', track: 'vein', value: 'closed', start: 4, end: 5 });
    expect(trackRuns(frames, 'landmark')).toEqual([{ track: 'landmark', value: 'LM1', start: 2, end: 7 }]);
    expect(trackRuns(frames, 'vein')).toEqual([{ track: 'vein', value: 'closed', start: 4, end: 5 }]);
    expect(frames[4]).toEqual({ landmark: 'LM1', open: false });
  });
});
