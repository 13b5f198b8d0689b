/**
 * The pipeline's own sinks, as one exam of a batch run runs them: every file or
 * folder a sink writes (the keys its `perExam.paths` names) moves to the exam's own
 * folder of the run directory, `<run-dir>/exams/<key>/<original basename>`, so exams
 * running at once never write the same file. Sinks that cannot run per exam (the
 * console: the progress bar owns the terminal; the hud: one port) and json-log to
 * standard output are left out; the runner warns once per run, naming them.
 *
 *   sinks: [{ type: json-log, path: out/events.ndjson }, { type: report, dir: out/reports }]
 *   -> exam a.dcm writes <run-dir>/exams/a.dcm/events.ndjson and <run-dir>/exams/a.dcm/reports/<examId>.html
 *
 * Two sinks whose outputs share a basename get the sink's index in front of the
 * second one (`1-events.ndjson`).
 */
import path from 'node:path';
import { findUnit } from '../core/registry.js';
import type { UnitConfig } from '../core/config/pipeline-schema.js';
import type { SinkSpec } from '../core/unit.js';

export interface SkippedSink {
  /** `sinks[2]` */
  path: string;
  type: string;
  reason: string;
}

/** The sinks one exam runs, writing under `outDir`. */
export function examSinks(sinks: readonly UnitConfig[], outDir: string): UnitConfig[] {
  const used = new Set<string>();
  const out: UnitConfig[] = [];
  for (const [i, sink] of sinks.entries()) {
    const perExam = perExamOf(sink);
    if ('skip' in perExam) continue;
    const moved: UnitConfig = { ...sink };
    for (const key of perExam.paths) {
      const value = sink[key];
      if (typeof value !== 'string') continue; // optional output left unset (evaluate without path)
      let name = path.basename(value);
      if (used.has(name)) name = `${i}-${name}`;
      used.add(name);
      moved[key] = path.join(outDir, name);
    }
    out.push(moved);
  }
  return out;
}

/** For each sink `examSinks` keeps, in order: its index in the pipeline as written. */
export function keptSinkIndices(sinks: readonly UnitConfig[]): number[] {
  return sinks.flatMap((sink, i) => ('skip' in perExamOf(sink) ? [] : [i]));
}

/** The sinks a batch run leaves out, and why. */
export function skippedSinks(sinks: readonly UnitConfig[]): SkippedSink[] {
  return sinks.flatMap((sink, i) => {
    const perExam = perExamOf(sink);
    return 'skip' in perExam ? [{ path: `sinks[${i}]`, type: sink.type, reason: perExam.skip }] : [];
  });
}

/** One warning naming every sink a batch run leaves out (undefined when none is). */
export function skippedSinksWarning(skipped: readonly SkippedSink[]): string | undefined {
  if (skipped.length === 0) return undefined;
  return `[batch] not run per exam: ${skipped.map((s) => `${s.path} ${s.type} (${s.reason})`).join('; ')}`;
}

function perExamOf(sink: UnitConfig): SinkSpec['perExam'] {
  const spec = findUnit('sink', sink.type) as SinkSpec | undefined;
  if (!spec) return { skip: 'not a registered sink' };
  if ('paths' in spec.perExam && writesToStdout(sink, spec.perExam.paths)) return { skip: 'it writes to standard output, which the run summary owns' };
  return spec.perExam;
}

function writesToStdout(sink: UnitConfig, keys: readonly string[]): boolean {
  return keys.some((k) => sink[k] === '-');
}
