/**
 * Confusion matrices per group of windows (per exam, per patient, or all of them): the
 * unit that per-exam and per-patient tables and the cluster bootstrap are built from.
 */
import { emptyConfusion, table2, type Confusion, type Table2 } from './classification-metrics.js';
import type { WindowPrediction } from './window-prediction.js';

export interface GroupConfusion {
  landmark: Confusion;
  vein: Confusion;
  windows: number;
}

export function emptyGroup(): GroupConfusion {
  return { landmark: emptyConfusion(3), vein: emptyConfusion(2), windows: 0 };
}

export function addPrediction(g: GroupConfusion, p: WindowPrediction): void {
  g.windows++;
  if (p.landmarkTrue >= 0) g.landmark[p.landmarkTrue]![p.landmarkPred]!++;
  if (p.veinTrue >= 0) g.vein[p.veinTrue]![p.veinPred]!++;
}

/** Confusions per group key; `groupOf` maps a prediction to its group. */
export function groupConfusions(predictions: WindowPrediction[], groupOf: (p: WindowPrediction) => string): Map<string, GroupConfusion> {
  const out = new Map<string, GroupConfusion>();
  for (const p of predictions) {
    const key = groupOf(p);
    let g = out.get(key);
    if (!g) out.set(key, (g = emptyGroup()));
    addPrediction(g, p);
  }
  return out;
}

/** The sum of several groups, each counted `weights[i]` times (1 when not given). */
export function sumGroups(groups: GroupConfusion[], weights?: number[]): GroupConfusion {
  const total = emptyGroup();
  groups.forEach((g, i) => {
    const w = weights ? weights[i]! : 1;
    if (w === 0) return;
    total.windows += w * g.windows;
    g.landmark.forEach((row, r) => row.forEach((v, c) => (total.landmark[r]![c]! += w * v)));
    g.vein.forEach((row, r) => row.forEach((v, c) => (total.vein[r]![c]! += w * v)));
  });
  return total;
}

export function table2Of(g: GroupConfusion): Table2 {
  return table2(g.landmark, g.vein, g.windows);
}

/** { O/C, LM1, LM2, BG, mean } F1 of a group (mean of the four, the training's model-selection score). */
export function f1Scores(g: GroupConfusion): Record<'O/C' | 'LM1' | 'LM2' | 'BG' | 'mean', number> {
  const rows = table2Of(g).rows;
  const get = (name: string) => rows.find((r) => r.name === name)!.scores.f1;
  const s = { 'O/C': get('O/C'), LM1: get('LM1'), LM2: get('LM2'), BG: get('BG') };
  return { ...s, mean: (s['O/C'] + s.LM1 + s.LM2 + s.BG) / 4 };
}
