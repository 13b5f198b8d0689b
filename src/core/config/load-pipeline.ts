/**
 * Phase 1 of validation (no I/O beyond reading the file): YAML syntax, `${VAR}`
 * expansion, `--set` overrides, the top-level shape, and every unit against its own
 * schema. Every problem is collected, each with file:line:column, the dot-path and
 * the unit type. A file beyond the limits of yaml-limits.ts (1 MiB, 5,000 entries,
 * deep nesting, alias bombs) is refused with one problem before or while it is parsed.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML, { isMap, isPair, isScalar, LineCounter, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { findUnit, unitsOf } from '../registry.js';
import { formatPath, parsePath, type PathKey } from './config-path.js';
import { expandEnv } from './expand-env.js';
import { MAX_PIPELINE_FILE_BYTES, MAX_YAML_ALIASES, yamlLimitProblem } from './yaml-limits.js';
import { pipelineTopSchema, unitSchemaWithType, type PipelineConfig, type UnitConfig } from './pipeline-schema.js';
import type { UnitKind } from '../unit.js';

export interface LoadOptions {
  env?: Record<string, string | undefined>;
  /** `path=value` overrides, e.g. `stages[2].size=5`; values are YAML. */
  set?: string[];
}

export interface LoadedPipeline {
  file?: string;
  /** Folder relative paths resolve against. */
  baseDir: string;
  config?: PipelineConfig;
  problems: ConfigProblem[];
  /**
   * Where a dot-path (`stages[2].model`) is written in the file, for problems found
   * later (phase 2, at run time): `--set` for a value given on the command line.
   */
  locate?(dottedPath: string): Pick<ConfigProblem, 'file' | 'line' | 'column'>;
}

export function loadPipelineFile(file: string, options: LoadOptions = {}): LoadedPipeline {
  let text: string;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_PIPELINE_FILE_BYTES) {
      const message = `the pipeline file is ${(size / 1024 / 1024).toFixed(1)} MiB; a pipeline file may be at most ${MAX_PIPELINE_FILE_BYTES / 1024 / 1024} MiB`;
      return { file, baseDir: path.dirname(path.resolve(file)), problems: [{ file, path: '', message, severity: 'error' }] };
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    return { file, baseDir: path.dirname(path.resolve(file)), problems: [{ file, path: '', message: reason, severity: 'error' }] };
  }
  return parsePipeline(text, { ...options, file, baseDir: path.dirname(path.resolve(file)) });
}

export function parsePipeline(text: string, options: LoadOptions & { file?: string; baseDir?: string } = {}): LoadedPipeline {
  const { file } = options;
  const baseDir = options.baseDir ?? process.cwd();
  const tooBig = yamlLimitProblem(text);
  if (tooBig) return { file, baseDir, problems: [{ file, path: '', message: tooBig, severity: 'error' }] };
  const expanded = expandEnv(text, options.env ?? process.env, file);
  const expandedTooBig = yamlLimitProblem(expanded.text);
  if (expandedTooBig) return { file, baseDir, problems: [{ file, path: '', message: `after \${VAR} expansion, ${expandedTooBig}`, severity: 'error' }] };
  const problems: ConfigProblem[] = [...expanded.problems];
  const lineCounter = new LineCounter();
  // Unique keys are checked below in linear time: yaml's own check is quadratic in the keys of a map.
  const doc = YAML.parseDocument(expanded.text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  for (const err of doc.errors) {
    const pos = err.linePos?.[0] ?? lineCounter.linePos(err.pos[0]);
    problems.push({ file, line: pos.line, column: pos.col, path: '', message: `YAML: ${err.message.split('\n')[0]}`, severity: 'error' });
  }
  for (const offset of duplicateKeyOffsets(doc)) {
    const pos = lineCounter.linePos(offset);
    problems.push({ file, line: pos.line, column: pos.col, path: '', message: 'YAML: Map keys must be unique', severity: 'error' });
  }
  if (problems.length > expanded.problems.length) return { file, baseDir, problems };

  const overridden = new Set<string>();
  for (const assignment of options.set ?? []) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) {
      problems.push({ file: '--set', path: assignment, message: 'expected path=value, e.g. stages[2].size=5', severity: 'error' });
      continue;
    }
    try {
      const keys = parsePath(assignment.slice(0, eq));
      doc.setIn(keys, doc.createNode(YAML.parse(assignment.slice(eq + 1))));
      overridden.add(formatPath(keys));
    } catch (err) {
      problems.push({ file: '--set', path: assignment.slice(0, eq), message: (err as Error).message, severity: 'error' });
    }
  }

  const locate = (keys: readonly PropertyKey[], unknownKey?: string): Pick<ConfigProblem, 'file' | 'line' | 'column'> => {
    const dotted = formatPath(keys);
    if ([...overridden].some((o) => dotted === o || dotted.startsWith(o + '.') || dotted.startsWith(o + '['))) return { file: '--set' };
    const pos = positionOf(doc, keys as PathKey[], unknownKey);
    return pos ? { file, line: lineCounter.linePos(pos).line, column: lineCounter.linePos(pos).col } : { file };
  };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    // yaml throws a ReferenceError when aliases expand too much (a "billion laughs" file).
    problems.push({ file, path: '', message: `YAML: ${(err as Error).message} (at most ${MAX_YAML_ALIASES} alias expansions)`, severity: 'error' });
    return { file, baseDir, problems };
  }
  const top = pipelineTopSchema.safeParse(raw ?? {});
  if (!top.success) {
    for (const issue of top.error.issues) problems.push(...issueProblems(issue, [], undefined, locate));
    // Units can still be checked when their arrays are well formed.
  }
  const rawObj = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const checkUnit = (kind: UnitKind, value: unknown, keys: PathKey[]): UnitConfig | undefined => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined; // reported by the top level
    const type = (value as { type?: unknown }).type;
    if (typeof type !== 'string') {
      problems.push({
        ...locate(keys),
        path: formatPath(keys),
        message: `a ${kind} needs a type (one of: ${unitsOf(kind)
          .map((u) => u.type)
          .join(', ')})`,
        severity: 'error',
      });
      return undefined;
    }
    const unit = findUnit(kind, type);
    if (!unit) {
      problems.push({
        ...locate([...keys, 'type']),
        path: formatPath([...keys, 'type']),
        message: `unknown ${kind} type "${type}" (known: ${unitsOf(kind)
          .map((u) => u.type)
          .join(', ')})`,
        severity: 'error',
      });
      return undefined;
    }
    const parsed = unitSchemaWithType(unit).safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(...issueProblems(issue, keys, type, locate));
      return undefined;
    }
    return parsed.data as UnitConfig;
  };

  const source = checkUnit('source', rawObj.source, ['source']);
  const stages = Array.isArray(rawObj.stages) ? rawObj.stages.map((s, i) => checkUnit('stage', s, ['stages', i])) : [];
  const sinks = Array.isArray(rawObj.sinks) ? rawObj.sinks.map((s, i) => checkUnit('sink', s, ['sinks', i])) : [];

  if (problems.some((p) => p.severity === 'error') || !top.success || !source) return { file, baseDir, problems };
  const config: PipelineConfig = {
    ...top.data,
    source,
    stages: stages as UnitConfig[],
    sinks: sinks as UnitConfig[],
  };
  const locateDotted = (dotted: string) => {
    try {
      return locate(parsePath(dotted));
    } catch {
      return { file };
    }
  };
  return { file, baseDir, config, problems, locate: locateDotted };
}

/** Throw a ConfigError when phase 1 found errors; return the config otherwise. */
export function requireValid(loaded: LoadedPipeline): PipelineConfig {
  if (!loaded.config || loaded.problems.some((p) => p.severity === 'error')) throw new ConfigError(loaded.problems);
  return loaded.config;
}

function issueProblems(
  issue: z.core.$ZodIssue,
  prefix: PathKey[],
  unitType: string | undefined,
  locate: (keys: readonly PropertyKey[], unknownKey?: string) => Pick<ConfigProblem, 'file' | 'line' | 'column'>,
): ConfigProblem[] {
  const keys = [...prefix, ...(issue.path as PathKey[])];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      ...locate(keys, key),
      path: formatPath([...keys, key]),
      unitType,
      message: `unknown key "${key}"${suggest(key, unitType, keys)}`,
      severity: 'error' as const,
    }));
  }
  return [{ ...locate(keys), path: formatPath(keys), unitType, message: humanMessage(issue), severity: 'error' }];
}

function humanMessage(issue: z.core.$ZodIssue): string {
  const i = issue as z.core.$ZodIssue & { minimum?: number; maximum?: number; inclusive?: boolean; expected?: string; origin?: string };
  if (issue.code === 'too_small' && typeof i.minimum === 'number' && i.origin === 'number') {
    return `expected ${issue.message.includes('integer') ? 'integer' : 'number'} ${i.inclusive === false ? '>' : '>='} ${i.minimum}`;
  }
  if (issue.code === 'too_big' && typeof i.maximum === 'number' && i.origin === 'number') {
    return `expected number ${i.inclusive === false ? '<' : '<='} ${i.maximum}`;
  }
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) return `missing required key (expected ${i.expected})`;
  return issue.message.replace(/^Invalid input: /, '');
}

function suggest(key: string, unitType: string | undefined, _keys: PathKey[]): string {
  if (!unitType) return '';
  const unit = findUnit('source', unitType) ?? findUnit('stage', unitType) ?? findUnit('sink', unitType);
  if (!unit) return '';
  const known = ['type', 'id', ...Object.keys(unit.schema.shape)];
  const ranked = known.map((k) => ({ k, d: editDistance(k.toLowerCase(), key.toLowerCase()) })).sort((a, b) => a.d - b.d);
  const close = ranked[0] && ranked[0].d <= 2 ? ranked[0].k : undefined;
  return close ? ` (did you mean "${close}"?)` : ` (known: ${known.join(', ')})`;
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

/** Where each key that repeats an earlier key of the same map starts. */
function duplicateKeyOffsets(doc: Document): number[] {
  const offsets: number[] = [];
  YAML.visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) offsets.push((pair.key as Node | null)?.range?.[0] ?? 0);
        seen.add(key);
      }
    },
  });
  return offsets;
}

/** Offset in the text of the node at `keys` (or of its deepest existing parent). */
function positionOf(doc: Document, keys: PathKey[], unknownKey?: string): number | undefined {
  let node: unknown = doc.contents;
  let best: number | undefined = (node as Node | null)?.range?.[0];
  for (const key of keys) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      if (!pair) return best;
      best = (pair.key as Node).range?.[0] ?? best;
      node = pair.value;
      if ((node as Node | null)?.range) best = (node as Node).range![0];
    } else if (node && typeof node === 'object' && 'items' in node && typeof key === 'number') {
      node = (node as { items: unknown[] }).items[key];
      if ((node as Node | null)?.range) best = (node as Node).range![0];
      else return best;
    } else return best;
  }
  if (unknownKey !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === unknownKey);
    if (pair) return (pair.key as Node).range?.[0] ?? best;
  }
  return best;
}
