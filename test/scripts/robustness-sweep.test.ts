/**
 * scripts/robustness-sweep.ts: the conditions cover the axes issue 17 names, the arguments
 * parse, and a tiny run (one 2 s exam, two conditions, the shipped model) gives a table of
 * one row per condition with every score in [0, 1].
 */
import { describe, expect, it } from 'vitest';
import { CONDITIONS, conditionsTable, parseArgs, runSweep, sweepTable, TABLE_HEADER } from '../../scripts/robustness-sweep.js';

describe('scripts/robustness-sweep', () => {
  it('sweeps each axis over the range the issue asks for, plus combined conditions', () => {
    const values = (axis: string, key: string) => CONDITIONS.filter((c) => c.axis === axis).map((c) => (c.params as Record<string, number>)[key]!);
    expect(CONDITIONS[0]).toEqual({ name: 'baseline', axis: 'baseline', params: {} });
    expect(Math.max(...values('speckle grain', 'speckleGrainScale'))).toBe(3);
    expect(Math.min(...values('mm per pixel', 'mmPerPxScale'))).toBe(0.5);
    expect(Math.max(...values('mm per pixel', 'mmPerPxScale'))).toBe(2);
    expect(Math.max(...values('depth', 'depthMm'))).toBe(70);
    expect(Math.min(...values('screen', 'width'))).toBe(480);
    expect(Math.max(...values('screen', 'width'))).toBe(1920);
    expect(Math.min(...values('gain', 'gainDb'))).toBe(-10);
    expect(Math.max(...values('gain', 'gainDb'))).toBe(10);
    expect(values('noise', 'noiseGray').length).toBeGreaterThan(0);
    expect(CONDITIONS.filter((c) => c.axis === 'combined').length).toBeGreaterThanOrEqual(3);
    expect(new Set(CONDITIONS.map((c) => c.name)).size).toBe(CONDITIONS.length);
    expect(conditionsTable(CONDITIONS).trim().split('\n')).toHaveLength(CONDITIONS.length + 2);
  });

  it('parses its arguments, held-out seeds only', () => {
    const a = parseArgs(['--exams', '3', '--duration', '5', '--imaging', 'scanner', '--conditions', 'baseline,noise 8', '--json', 'o.json', '--markdown']);
    expect(a).toMatchObject({ exams: 3, durationS: 5, imaging: 'scanner', json: 'o.json', markdown: true, seed: 920000 });
    expect(a.conditions.map((c) => c.name)).toEqual(['baseline', 'noise 8']);
    expect(parseArgs(['--axis', 'gain']).conditions).toHaveLength(4);
    expect(() => parseArgs(['--conditions', 'nope'])).toThrow(/unknown condition/);
    expect(() => parseArgs(['--seed', '910000'])).toThrow(/>= 920000/);
    expect(() => parseArgs(['--imaging', 'cartoon'])).toThrow();
  });

  it('runs conditions through the pipeline and tables them, every score in [0, 1]', { timeout: 180_000 }, async () => {
    const conditions = CONDITIONS.filter((c) => c.name === 'baseline' || c.name === 'depth 70 mm + screen 480x360 + noise 8');
    const rows = await runSweep(conditions, { exams: 1, durationS: 2, imaging: 'classic', seed: 920000, thrombusFraction: 0.2 });
    expect(rows.map((r) => r.condition)).toEqual(conditions.map((c) => c.name));
    for (const r of rows) {
      expect(r.frames).toBe(60);
      expect(r.windows).toBeGreaterThan(40);
      expect(r.windows).toBeLessThanOrEqual(r.frames);
      for (const v of [...Object.values(r.f1), r.verdicts.agreement]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      if (r.unknownFraction !== undefined) {
        expect(r.unknownFraction).toBeGreaterThanOrEqual(0);
        expect(r.unknownFraction).toBeLessThanOrEqual(1);
      }
      expect(r.verdicts.n).toBe(1);
      expect(r.verdicts.dangerous).toBeLessThanOrEqual(r.verdicts.clots);
    }
    // The same subject in both rows; on the 480x360 screen at 70 mm its B-mode pixels are coarser.
    expect(rows[1]!.mmPerPx).toBeGreaterThan(rows[0]!.mmPerPx);
    const lines = sweepTable(rows).trim().split('\n');
    expect(lines).toHaveLength(2 + rows.length);
    for (const line of lines) expect(line.split('|').length - 2).toBe(TABLE_HEADER.length);
    expect(lines[2]!.startsWith('| baseline | ')).toBe(true);
  });
});
