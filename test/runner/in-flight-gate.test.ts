import { describe, expect, it } from 'vitest';
import { InFlightGate } from '../../src/flow/in-flight-gate.js';

describe('InFlightGate', () => {
  it('lets frames through until the limit, then waits for one to leave', async () => {
    const gate = new InFlightGate(2);
    expect(gate.ready()).toBeUndefined();
    gate.entered(0);
    expect(gate.ready()).toBeUndefined();
    gate.entered(1);
    const wait = gate.ready();
    expect(wait).toBeInstanceOf(Promise);
    let released = false;
    void wait!.then(() => (released = true));
    await Promise.resolve();
    expect(released).toBe(false);
    gate.left(0);
    await wait;
    expect(released).toBe(true);
    expect(gate.inFlight).toBe(1);
  });

  it('counts frames dropped by a stage as gone once a later frame arrives', () => {
    const gate = new InFlightGate(3);
    for (let s = 0; s < 3; s++) gate.entered(s);
    expect(gate.ready()).toBeInstanceOf(Promise);
    gate.left(2); // frames 0 and 1 were dropped on the way
    expect(gate.inFlight).toBe(0);
    expect(gate.ready()).toBeUndefined();
  });

  it('gives back the credit of a frame a stage dropped at once, so the next frame need not wait (live: limit 1)', async () => {
    const gate = new InFlightGate(1);
    gate.entered(0);
    const wait = gate.ready();
    expect(wait).toBeInstanceOf(Promise);
    gate.dropped(0);
    await wait; // resolves: nothing is in flight any more
    expect(gate.inFlight).toBe(0);
    gate.entered(1);
    expect(gate.inFlight).toBe(1);
    gate.left(1);
    expect(gate.inFlight).toBe(0);
  });

  it('ignores drop reports for frames already counted out or never let in', () => {
    const gate = new InFlightGate(4);
    for (let s = 0; s < 3; s++) gate.entered(s);
    gate.left(1);
    gate.dropped(0); // counted out by left(1) already
    gate.dropped(7); // never entered
    expect(gate.inFlight).toBe(1);
    gate.dropped(2);
    gate.dropped(2);
    expect(gate.inFlight).toBe(0);
    gate.entered(3);
    gate.left(3); // clears the drop record of 2 as well
    expect(gate.inFlight).toBe(0);
    gate.entered(4);
    expect(gate.inFlight).toBe(1);
  });
});
