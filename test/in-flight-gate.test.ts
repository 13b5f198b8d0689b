import { describe, expect, it } from 'vitest';
import { InFlightGate } from '../src/in-flight-gate.js';

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
});
