/**
 * The run table across exams: `results.csv` (one row per exam, for spreadsheets)
 * and `results.jsonl` (the full result of each exam, one per line).
 */
import type { ExamResult } from './exam-result.js';

export const TABLE_COLUMNS = [
  'exam',
  'status',
  'verdict',
  'lm1',
  'lm2',
  'truth_verdict',
  'frames',
  'predictions',
  'media_s',
  'wall_s',
  'frames_per_s',
  'warnings',
  'model_id',
  'model_hash',
  'pipeline_hash',
  'input_hash',
  'uri',
  'error',
] as const;

function row(r: ExamResult): Record<(typeof TABLE_COLUMNS)[number], string | number> {
  return {
    exam: r.key,
    status: r.status,
    verdict: r.verdict ?? '',
    lm1: r.landmarks?.LM1 ?? '',
    lm2: r.landmarks?.LM2 ?? '',
    truth_verdict: r.truth?.verdict ?? '',
    frames: r.frames,
    predictions: r.predictions,
    media_s: (r.mediaDurationMs / 1000).toFixed(2),
    wall_s: (r.timing.wallMs / 1000).toFixed(2),
    frames_per_s: r.timing.framesPerSecond.toFixed(1),
    warnings: r.warnings.count,
    model_id: r.models.map((m) => m.id).join(' '),
    model_hash: r.hashes.model,
    pipeline_hash: r.hashes.pipeline,
    input_hash: r.hashes.input,
    uri: r.input.uri,
    error: r.error?.message ?? '',
  };
}

export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function resultsCsv(results: ExamResult[]): string {
  const lines = [TABLE_COLUMNS.join(',')];
  for (const r of results) {
    const values = row(r);
    lines.push(TABLE_COLUMNS.map((c) => csvField(values[c])).join(','));
  }
  return lines.join('\n') + '\n';
}

export function resultsJsonl(results: ExamResult[]): string {
  return results.map((r) => JSON.stringify(r)).join('\n') + (results.length ? '\n' : '');
}
