/**
 * Lookup of units by kind and type, built from the three explicit registries.
 */
import { sinks } from '../sinks/index.js';
import { sources } from '../sources/index.js';
import { stages } from '../stages/index.js';
import type { UnitKind, UnitSpec } from './unit.js';

const byKind: Record<UnitKind, UnitSpec[]> = { source: sources, stage: stages, sink: sinks };

export function unitsOf(kind: UnitKind): UnitSpec[] {
  return byKind[kind];
}

export function findUnit(kind: UnitKind, type: string): UnitSpec | undefined {
  return byKind[kind].find((u) => u.type === type);
}

export function allUnits(): UnitSpec[] {
  return [...sources, ...stages, ...sinks];
}
