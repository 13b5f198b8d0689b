import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { eventFlowProblems, resultKindOf } from '../../src/core/config/event-flow.js';
import { parsePipeline, requireValid } from '../../src/core/config/load-pipeline.js';
import { allUnits } from '../../src/core/registry.js';

const root = path.resolve(import.meta.dirname, '../..');

function pipeline(yaml: string) {
  return requireValid(parsePipeline(yaml, { env: {}, baseDir: root }));
}

describe('event flow between units', () => {
  it('refuses a stage placed before the unit that feeds it, naming the unit that would', () => {
    const config = pipeline('source: { type: synthetic }\nstages:\n  - type: compressibility\n  - type: sliding-window\nsinks: [ { type: console } ]\n');
    const problems = eventFlowProblems(config, 'p.yaml');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: 'stages[0]', unitType: 'compressibility', severity: 'error' });
    expect(problems[0]!.message).toBe('needs `prediction` events, but no unit before it adds them: put onnx-inference before it');
  });

  it('accepts the paper pipeline, and streaming inference straight on frames', () => {
    expect(
      eventFlowProblems(
        pipeline(
          'source: { type: synthetic }\nstages: [ { type: crop-pad }, { type: resize }, { type: sliding-window }, { type: onnx-inference }, { type: compressibility } ]\nsinks: [ { type: console }, { type: evaluate } ]\n',
        ),
      ),
    ).toEqual([]);
    expect(
      eventFlowProblems(
        pipeline(
          'source: { type: synthetic }\nstages: [ { type: crop-pad }, { type: resize }, { type: onnx-inference, mode: streaming } ]\nsinks: [ { type: evaluate } ]\n',
        ),
      ),
    ).toEqual([]);
  });

  it('refuses window-mode inference without windows and a sink that needs predictions without a model', () => {
    const problems = eventFlowProblems(
      pipeline('source: { type: synthetic }\nstages: [ { type: crop-pad }, { type: onnx-inference } ]\nsinks: [ { type: console }, { type: evaluate } ]\n'),
    );
    expect(problems.map((p) => `${p.path} ${p.message}`)).toEqual([
      'stages[1] needs `window` events, but no unit before it adds them: put sliding-window before it',
    ]);
    const noModel = eventFlowProblems(pipeline('source: { type: synthetic }\nstages: [ { type: crop-pad } ]\nsinks: [ { type: evaluate } ]\n'));
    expect(noModel.map((p) => p.path)).toEqual(['sinks[0]']);
  });

  it('has every unit declare what it needs or adds, and sources add frames', () => {
    for (const unit of allUnits()) {
      if (unit.kind === 'source') expect(unit.events, unit.type).toEqual({ adds: ['exam-start', 'frame', 'exam'] });
    }
    const stagesWithoutFlow = allUnits()
      .filter((u) => u.kind === 'stage' && !u.events)
      .map((u) => u.type);
    expect(stagesWithoutFlow).toEqual([]);
  });

  it('knows which event ends a frame in a pipeline from what the stages add', () => {
    const stages = (yaml: string) => pipeline(`source: { type: synthetic }\nstages: ${yaml}\nsinks: [ { type: console } ]\n`).stages;
    expect(
      resultKindOf(stages('[ { type: crop-pad }, { type: resize }, { type: sliding-window }, { type: onnx-inference }, { type: compressibility } ]')),
    ).toBe('state');
    expect(resultKindOf(stages('[ { type: crop-pad }, { type: resize }, { type: sliding-window }, { type: onnx-inference } ]'))).toBe('prediction');
    expect(resultKindOf(stages('[ { type: crop-pad }, { type: resize }, { type: sliding-window } ]'))).toBe('window');
    expect(resultKindOf(stages('[ { type: crop-pad } ]'))).toBe('frame');
  });

  it('makes `autodvt validate` refuse the nonsense pipeline with exit 2', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-flow-'));
    const file = path.join(dir, 'nonsense.yaml');
    fs.writeFileSync(file, 'source:\n  type: synthetic\nstages:\n  - type: compressibility\n  - type: sliding-window\nsinks:\n  - type: console\n');
    const err: string[] = [];
    const code = await main(['validate', file], { stdout: { write: () => true } as never, stderr: { write: (s: string) => err.push(s) } as never });
    expect(code).toBe(2);
    expect(err.join('')).toMatch(/stages\[0\].*compressibility.*needs `prediction` events/);
  });
});
