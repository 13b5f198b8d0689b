/**
 * `autodvt eval` over a user's labelled files: one model (Table 2, per patient, per exam,
 * confusion matrices, exam verdict agreement), or two models side by side on the same
 * windows with a paired bootstrap interval for the F1 difference (--compare A B).
 */
import path from 'node:path';
import { InputError } from '../core/errors.js';
import { collectLabelledInputs } from '../train/labelled-inputs.js';
import { preprocessingFrom } from '../train/preprocessing.js';
import { resolvePatients } from '../train/resolve-patients.js';
import { readSubjectManifest } from '../train/subject-manifest.js';
import { f1Scores, groupConfusions, sumGroups, table2Of } from './grouped-confusions.js';
import { pairedBootstrap, type PairedBootstrapResult } from './paired-bootstrap.js';
import { predictLabelledExams, type ModelPredictions } from './predict-labelled-exams.js';
import type { Table2 } from './classification-metrics.js';
import type { ExamVerdict } from '../core/events.js';

export interface ExamRow {
  exam: string;
  patient: string;
  windows: number;
  f1: ReturnType<typeof f1Scores>;
  verdictTruth?: ExamVerdict;
  verdict?: ExamVerdict;
}

export interface ModelEvaluation {
  model: string;
  modelId?: string;
  overall: Table2;
  f1: ReturnType<typeof f1Scores>;
  perPatient: { patient: string; exams: number; windows: number; f1: ReturnType<typeof f1Scores> }[];
  perExam: ExamRow[];
  verdictAgreement?: { agree: number; withTruth: number };
}

export interface LabelledFilesEvaluation {
  exams: number;
  patients: number;
  windows: number;
  inputs: { name: string; patient: string }[];
  models: ModelEvaluation[];
  /** With --compare: F1(second) - F1(first), paired over the same windows. */
  comparison?: PairedBootstrapResult & { unit: 'patient' | 'exam'; first: string; second: string; pairedWindows: number };
}

export interface EvaluateLabelledFilesOptions {
  inputs: string[];
  models: string[];
  manifest?: string;
  pipeline?: string;
  rounds: number;
  seed: number;
  unit: 'patient' | 'exam';
  progress: (line: string) => void;
  signal?: AbortSignal;
}

export async function evaluateLabelledFiles(o: EvaluateLabelledFilesOptions): Promise<LabelledFilesEvaluation> {
  const { inputs } = await collectLabelledInputs(o.inputs, 'eval');
  const manifest = o.manifest ? readSubjectManifest(o.manifest) : undefined;
  const patients = await resolvePatients(inputs, manifest, 'autodvt-train:patient');
  const preprocessing = preprocessingFrom(o.pipeline);
  const runs: ModelPredictions[] = [];
  for (const model of o.models) runs.push(await predictLabelledExams({ model, inputs, preprocessing, progress: o.progress, signal: o.signal }));

  const examName = (i: number) => inputs[i]!.examId;
  const patientOf = (i: number) => patients[i]!.label;
  const models = runs.map((run): ModelEvaluation => {
    const byExam = groupConfusions(run.windows, (p) => String(p.exam));
    const byPatient = groupConfusions(run.windows, (p) => patientOf(p.exam));
    const all = sumGroups([...byExam.values()]);
    const perExam = inputs.map((input, i): ExamRow => {
      const g = byExam.get(String(i));
      return {
        exam: input.examId,
        patient: patientOf(i),
        windows: g?.windows ?? 0,
        f1: f1Scores(g ?? sumGroups([])),
        verdictTruth: input.sidecar.verdict,
        verdict: run.verdicts[i],
      };
    });
    const withTruth = perExam.filter((r) => r.verdictTruth !== undefined);
    return {
      model: run.model,
      modelId: run.modelId,
      overall: table2Of(all),
      f1: f1Scores(all),
      perPatient: [...byPatient.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([patient, g]) => ({
          patient,
          exams: new Set(run.windows.filter((p) => patientOf(p.exam) === patient).map((p) => p.exam)).size,
          windows: g.windows,
          f1: f1Scores(g),
        })),
      perExam,
      verdictAgreement: withTruth.length ? { agree: withTruth.filter((r) => r.verdict === r.verdictTruth).length, withTruth: withTruth.length } : undefined,
    };
  });

  let comparison: LabelledFilesEvaluation['comparison'];
  if (runs.length === 2) {
    const [a, b] = runs as [ModelPredictions, ModelPredictions];
    const key = (p: { exam: number; seq: number }) => `${p.exam}:${p.seq}`;
    const inB = new Map(b.windows.map((p) => [key(p), p]));
    const pairedA = a.windows.filter((p) => inB.has(key(p)));
    const pairedB = pairedA.map((p) => inB.get(key(p))!);
    if (pairedA.length === 0) throw new InputError('the two models share no window to compare (do both take 9 frames of 150x150?)', { scope: 'eval' });
    const cluster = (p: { exam: number }) => (o.unit === 'patient' ? patientOf(p.exam) : examName(p.exam) + `#${p.exam}`);
    const ga = groupConfusions(pairedA, cluster);
    const gb = groupConfusions(pairedB, cluster);
    const clusters = [...ga.keys()].map((k) => ({ a: ga.get(k)!, b: gb.get(k)! }));
    comparison = {
      ...pairedBootstrap(clusters, { rounds: o.rounds, seed: o.seed }),
      unit: o.unit,
      first: path.basename(a.model),
      second: path.basename(b.model),
      pairedWindows: pairedA.length,
    };
  }
  return {
    exams: inputs.length,
    patients: new Set(patients.map((p) => p.key)).size,
    windows: runs[0]?.windows.length ?? 0,
    inputs: inputs.map((input, i) => ({ name: path.basename(input.file), patient: patientOf(i) })),
    models,
    comparison,
  };
}
