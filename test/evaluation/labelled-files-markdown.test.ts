import { describe, expect, it } from 'vitest';
import { f1Scores, groupConfusions, sumGroups, table2Of } from '../../src/evaluation/grouped-confusions.js';
import { labelledFilesMarkdown } from '../../src/evaluation/labelled-files-markdown.js';
import { pairedBootstrap } from '../../src/evaluation/paired-bootstrap.js';
import type { LabelledFilesEvaluation, ModelEvaluation } from '../../src/evaluation/labelled-files-evaluation.js';
import type { WindowPrediction } from '../../src/evaluation/window-prediction.js';

/** Two exams: exam 0 all right, exam 1 with every LM1 window called BG. */
const windows: WindowPrediction[] = [
  ...[0, 1, 2].map((c, i) => ({ exam: 0, seq: i, landmarkTrue: c, landmarkPred: c, veinTrue: i % 2, veinPred: i % 2 })),
  ...[0, 1, 1, 2].map((c, i) => ({ exam: 1, seq: i, landmarkTrue: c, landmarkPred: c === 1 ? 0 : c, veinTrue: 0, veinPred: 0 })),
];

function model(id: string): ModelEvaluation {
  const byExam = groupConfusions(windows, (p) => String(p.exam));
  const all = sumGroups([...byExam.values()]);
  return {
    model: `${id}.onnx`,
    modelId: id,
    overall: table2Of(all),
    f1: f1Scores(all),
    perPatient: [{ patient: 'patient-001', exams: 2, windows: all.windows, f1: f1Scores(all) }],
    perExam: [0, 1].map((i) => ({
      exam: `exam${i}`,
      patient: 'patient-001',
      windows: byExam.get(String(i))!.windows,
      f1: f1Scores(byExam.get(String(i))!),
      verdictTruth: 'incomplete' as const,
      verdict: i === 0 ? ('incomplete' as const) : undefined,
    })),
    verdictAgreement: { agree: 1, withTruth: 2 },
  };
}

describe('labelledFilesMarkdown', () => {
  const a = model('model-a');
  const b = model('model-b');
  const groups = groupConfusions(windows, (p) => String(p.exam));
  const evaluation: LabelledFilesEvaluation = {
    exams: 2,
    patients: 1,
    windows: windows.length,
    inputs: [],
    models: [a, b],
    comparison: {
      ...pairedBootstrap(
        [...groups.values()].map((g) => ({ a: g, b: g })),
        { rounds: 50, seed: 0 },
      ),
      unit: 'exam',
      first: 'a.onnx',
      second: 'b.onnx',
      pairedWindows: windows.length,
    },
  };
  const md = labelledFilesMarkdown(evaluation);

  it('shows both models side by side in the Table 2 layout', () => {
    expect(md).toContain('| model | O/C | LM1 | LM2 | BG | mean |');
    expect(md).toContain(`| model-a | ${a.f1['O/C'].toFixed(3)} | ${a.f1.LM1.toFixed(3)} |`);
    expect(md).toContain('| model-b |');
  });

  it('gives the difference with its interval and warns that few clusters make it rough', () => {
    expect(md).toContain('b.onnx − a.onnx: paired bootstrap, 95% interval');
    expect(md).toContain('| F1 difference | +0.000 | +0.000 | +0.000 | +0.000 | +0.000 |');
    expect(md).toContain('With 2 exams the interval is rough.');
  });

  it('lists per-exam F1 with the verdict beside the truth, and the agreement count', () => {
    expect(md).toContain(`| exam1 | patient-001 | 4 | ${a.perExam[1]!.f1['O/C'].toFixed(3)} | 0.000 |`);
    expect(md).toContain('| – | incomplete |');
    expect(md).toContain("agree with the sidecars' on 1 of 2 exams");
  });

  it('prints the landmark confusion with the LM1 windows called BG', () => {
    expect(md).toContain('| LM1 | 2 | 1 | 0 |');
  });
});
