/**
 * Runs fixture clips (or phantom exams) through the default preprocessing, the shipped
 * model in streaming form and the compressibility stage, and sums up each exam: how many
 * windows were scored and unknown, its visit verdicts and its exam verdict.
 */
import path from 'node:path';
import { parsePipeline, requireValid } from '../../src/core/config/load-pipeline.js';
import { runPipeline } from '../../src/pipeline.js';
import type { ExamEvent, PipelineEvent } from '../../src/core/events.js';
import { scoresAbove } from '../../src/model/unknown-reason.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ExamSummary {
  uri: string;
  predictions: number;
  /** Unknown by the scores alone (the model's or the image statistics' above its threshold). */
  unknownByScore: number;
  /** Unknown for any reason (score or a frozen frame). */
  unknown: number;
  frozen: number;
  verdicts: string[];
  exam?: ExamEvent;
}

/** Run one pipeline whose source is `source` (YAML lines) and return a summary per exam. */
export async function runClips(source: string, opts: { model?: string; compressibility?: string } = {}): Promise<Map<string, ExamSummary>> {
  const yaml = `
source:
${source}
stages:
  - type: crop-pad
    size: 600
  - type: resize
    size: 150
  - type: onnx-inference
    mode: streaming
    threads: 1
${opts.model ? `    model: ${opts.model}\n` : ''}  - type: compressibility
${opts.compressibility ?? ''}sinks:
  - type: console
    intervalMs: 0
    warnings: false
`;
  const config = requireValid(parsePipeline(yaml, { env: {}, baseDir: ROOT }));
  const exams = new Map<string, ExamSummary>();
  const of = (examId: string, uri = '') => {
    let s = exams.get(examId);
    if (!s) exams.set(examId, (s = { uri, predictions: 0, unknownByScore: 0, unknown: 0, frozen: 0, verdicts: [] }));
    if (uri) s.uri = uri;
    return s;
  };
  const tap = (e: PipelineEvent) => {
    if (e.kind === 'exam-start') of(e.examId, e.uri);
    else if (e.kind === 'prediction') {
      const s = of(e.examId);
      s.predictions++;
      const d = e.inDistribution;
      if (d?.unknown) s.unknown++;
      if (d) {
        const above = scoresAbove(d);
        if (above.model || above.image) s.unknownByScore++;
      }
      if (d?.flags?.includes('frozen-frame')) s.frozen++;
    } else if (e.kind === 'verdict') of(e.examId).verdicts.push(`${e.landmark}:${e.verdict}`);
    else if (e.kind === 'exam' && e.verdict !== undefined) of(e.examId, e.uri).exam = e;
  };
  await runPipeline(config, { baseDir: ROOT, stdout: { write: () => true }, stderr: { write: () => true }, tap });
  return exams;
}
