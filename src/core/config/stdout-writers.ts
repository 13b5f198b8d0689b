/**
 * Who writes to standard output. A sink declares it (`SinkSpec.stdout`): `data` that a
 * program reads (`json-log` with `path: -`), or `status` lines for a person (`console`,
 * the HUD's URL, `evaluate`'s table). Data cannot share stdout: with a second writer, or
 * under `run --json` (whose summary object is the data), the lines would interleave and
 * the reader would choke. Status lines can be moved to stderr, which `run --json` does.
 * Pure and without I/O.
 */
import type { ConfigProblem } from '../errors.js';
import { findUnit } from '../registry.js';
import type { SinkSpec, StdoutUse } from '../unit.js';
import type { PipelineConfig, UnitConfig } from './pipeline-schema.js';

export interface StdoutWriter {
  path: string;
  type: string;
  use: StdoutUse;
}

export function stdoutWriters(config: Pick<PipelineConfig, 'sinks'>): StdoutWriter[] {
  const writers: StdoutWriter[] = [];
  for (const [i, sink] of config.sinks.entries()) {
    const spec = findUnit('sink', sink.type) as SinkSpec | undefined;
    const use = spec?.stdout?.(sink as UnitConfig as never);
    if (use) writers.push({ path: `sinks[${i}]`, type: sink.type, use });
  }
  return writers;
}

/**
 * Problems where data would share stdout. `reservedBy` names what else owns stdout
 * (`run --json`); status writers then move to stderr and are no problem.
 */
export function stdoutProblems(config: Pick<PipelineConfig, 'sinks'>, file?: string, reservedBy?: string): ConfigProblem[] {
  const writers = stdoutWriters(config);
  const data = writers.filter((w) => w.use === 'data');
  const problems: ConfigProblem[] = [];
  for (const w of data) {
    if (reservedBy) {
      problems.push({
        file,
        path: w.path,
        unitType: w.type,
        severity: 'error',
        message: `writes data to standard output, where ${reservedBy} prints its summary: give it a file path, or leave out ${reservedBy}`,
      });
      continue;
    }
    // Every status writer, and the data writers before this one (two data writers: reported once, at the second).
    const others = writers.filter((o) => o !== w && (o.use === 'status' || writers.indexOf(o) < writers.indexOf(w)));
    if (others.length === 0) continue;
    const names = others.map((o) => `${o.path} (${o.type})`).join(' and ');
    problems.push({
      file,
      path: w.path,
      unitType: w.type,
      severity: 'error',
      message: `writes data to standard output, where ${names} also write${others.length === 1 ? 's' : ''}: give one of them a file path, or set \`target: stderr\` on a console sink`,
    });
  }
  return problems;
}
