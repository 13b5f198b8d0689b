import { describe, expect, it } from 'vitest';
import { parsePipeline } from '../../src/core/config/load-pipeline.js';
import { formatProblem } from '../../src/core/errors.js';

const good = `
source:
  type: synthetic
  seed: \${SEED:-3}
stages:
  - type: crop-pad
    size: 600
  - type: sliding-window
    size: 9
sinks:
  - type: console
`;

describe('parsePipeline', () => {
  it('accepts a valid pipeline and fills in defaults', () => {
    const loaded = parsePipeline(good, { env: {} });
    expect(loaded.problems).toEqual([]);
    expect(loaded.config?.source).toMatchObject({ type: 'synthetic', seed: 3, fps: 30 });
    expect(loaded.config?.stages[1]).toMatchObject({ type: 'sliding-window', size: 9, step: 1 });
  });

  it('expands ${VAR} from the environment', () => {
    const loaded = parsePipeline(good, { env: { SEED: '11' } });
    expect(loaded.config?.source).toMatchObject({ seed: 11 });
  });

  it('reports an unset variable with its line and column', () => {
    const loaded = parsePipeline('source:\n  type: synthetic\n  seed: ${NOPE}\nsinks: [{type: console}]\n', { env: {}, file: 'p.yaml' });
    expect(loaded.problems[0]).toMatchObject({ file: 'p.yaml', line: 3, column: 9 });
    expect(loaded.problems[0]!.message).toContain('NOPE');
  });

  it('applies --set overrides, including into arrays', () => {
    const loaded = parsePipeline(good, { env: {}, set: ['stages[1].size=5', 'source.durationS=2'] });
    expect(loaded.config?.stages[1]).toMatchObject({ size: 5 });
    expect(loaded.config?.source).toMatchObject({ durationS: 2 });
  });

  it('attributes a bad --set value to --set', () => {
    const loaded = parsePipeline(good, { env: {}, set: ['stages[1].size=0'] });
    expect(loaded.problems).toHaveLength(1);
    expect(loaded.problems[0]).toMatchObject({ file: '--set', path: 'stages[1].size', unitType: 'sliding-window' });
  });

  it('reports three mistakes at once, each with file:line:column, dot-path and unit type', () => {
    const text = [
      'source:',
      '  type: synthetic',
      '  sed: 3',
      'stages:',
      '  - type: crop-pad',
      '  - type: sliding-window',
      '    size: 0',
      'sinks:',
      '  - type: consol',
    ].join('\n');
    const loaded = parsePipeline(text, { env: {}, file: 'pipelines/x.yaml' });
    expect(loaded.config).toBeUndefined();
    const lines = loaded.problems.map(formatProblem);
    expect(lines).toEqual([
      expect.stringMatching(/^✖ pipelines\/x\.yaml:3:3 → source\.sed \(synthetic\): unknown key "sed" \(did you mean "seed"\?\)/),
      expect.stringMatching(/^✖ pipelines\/x\.yaml:7:11 → stages\[1\]\.size \(sliding-window\): expected number >= 1/),
      expect.stringMatching(/^✖ pipelines\/x\.yaml:9:11 → sinks\[0\]\.type: unknown sink type "consol"/),
    ]);
  });

  it('reports YAML syntax errors with a position', () => {
    const loaded = parsePipeline('source:\n  type: synthetic\n  seed: [1,\nsinks: []\n', { env: {}, file: 'bad.yaml' });
    expect(loaded.problems[0]!.message).toMatch(/^YAML:/);
    expect(loaded.problems[0]!.line).toBeGreaterThan(0);
  });

  it('requires at least one sink and a source', () => {
    const loaded = parsePipeline('stages: []\nsinks: []\n', { env: {} });
    const paths = loaded.problems.map((p) => p.path);
    expect(paths).toContain('source');
    expect(paths).toContain('sinks');
  });

  it('rejects unknown top-level keys', () => {
    const loaded = parsePipeline(good + 'sinkz: []\n', { env: {} });
    expect(loaded.problems.map((p) => p.path)).toContain('sinkz');
  });
});
