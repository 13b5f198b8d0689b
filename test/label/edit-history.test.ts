import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canRedo, canUndo, commitEdits, redo, startHistory, undo, type EditHistory } from '../../src/label/edit-history.js';
import { applyEdits, emptyLabels, type LabelEdit } from '../../src/label/frame-labels.js';

const FRAMES = 20;
const anEdit: fc.Arbitrary<LabelEdit> = fc.record({
  op: fc.constant('mark' as const),
  track: fc.constant('landmark' as const),
  value: fc.constantFrom('BG' as const, 'LM1' as const, 'LM2' as const),
  start: fc.integer({ min: 0, max: FRAMES - 1 }),
  end: fc.integer({ min: 0, max: FRAMES - 1 }),
});
const aChange = fc.array(anEdit, { minLength: 1, maxLength: 3 });

/** Model: the list of states after each change, and where we are in it. */
interface Model {
  states: ReturnType<typeof emptyLabels>[];
  at: number;
}
type Real = { history: EditHistory };

class Commit implements fc.Command<Model, Real> {
  constructor(readonly edits: LabelEdit[]) {}
  check = () => true;
  run(m: Model, r: Real) {
    r.history = commitEdits(r.history, this.edits);
    m.states = [...m.states.slice(0, m.at + 1), applyEdits(m.states[m.at]!, this.edits)];
    m.at = m.states.length - 1;
    expect(r.history.present).toEqual(m.states[m.at]);
    expect(canRedo(r.history)).toBe(false);
  }
  toString = () => `commit(${JSON.stringify(this.edits)})`;
}
class Undo implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real) {
    expect(canUndo(r.history)).toBe(m.at > 0);
    r.history = undo(r.history);
    m.at = Math.max(0, m.at - 1);
    expect(r.history.present).toEqual(m.states[m.at]);
  }
  toString = () => 'undo';
}
class Redo implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real) {
    expect(canRedo(r.history)).toBe(m.at < m.states.length - 1);
    r.history = redo(r.history);
    m.at = Math.min(m.states.length - 1, m.at + 1);
    expect(r.history.present).toEqual(m.states[m.at]);
  }
  toString = () => 'redo';
}

describe('edit history (undo / redo)', () => {
  it('any sequence of changes, undos and redos matches a linear list of states with a cursor', () => {
    const commands = [aChange.map((e) => new Commit(e)), fc.constant(new Undo()), fc.constant(new Redo())];
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 40 }), (cmds) => {
        const initial = emptyLabels(FRAMES);
        fc.modelRun(() => ({ model: { states: [initial], at: 0 }, real: { history: startHistory(initial) } }), cmds);
      }),
    );
  });

  it('undoing every change returns the labels the loop was opened with', () => {
    fc.assert(
      fc.property(fc.array(aChange, { maxLength: 15 }), (changes) => {
        const initial = emptyLabels(FRAMES);
        let h = changes.reduce((acc, c) => commitEdits(acc, c), startHistory(initial));
        for (let i = 0; i < changes.length; i++) h = undo(h);
        expect(h.present).toBe(initial);
        expect(canUndo(h)).toBe(false);
      }),
    );
  });

  it('keeps at most the given number of undo steps', () => {
    let h = startHistory(emptyLabels(3));
    for (let i = 0; i < 10; i++) h = commitEdits(h, [{ op: 'mark', track: 'unusable', start: 0, end: i % 3 }], 4);
    expect(h.past).toHaveLength(4);
  });
});
