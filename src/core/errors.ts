/**
 * Errors a user can act on, as data. An AutodvtError says what was wrong (`message`),
 * which unit or subsystem raised it (`scope`: `stage:sliding-window`, `dicom`), where
 * in the pipeline file it is about (`file`, `line`, `column`, `path`), what to do
 * (`hint`), and the CLI exit code it maps to (`category`).
 *
 * `message` is the sentence alone, never prefixed with its scope, and no code reads
 * the scope or the place back out of it. Text for people is made once, by
 * `formatError`, where an error is shown: the CLI, the sinks that log a run's end,
 * batch progress. A program that prints `err.message` itself gets the sentence; it
 * prints `formatError(err)` to get `[scope] message`, the place and the hint.
 */

/** Exit codes of the CLI: 0 ok, 1 runtime failure, 2 bad config or bad input. */
export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_BAD_INPUT = 2;

export type ErrorCategory = 'config' | 'input' | 'runtime';

/** Where in a pipeline file an error or a problem is: `p.yaml:12:5`, `stages[2].model`. */
export interface ErrorPlace {
  file?: string;
  line?: number;
  column?: number;
  /** Dot-path into the pipeline, e.g. `stages[2].model`. */
  path?: string;
}

export interface AutodvtErrorOptions extends ErrorPlace {
  /** Which unit or subsystem raised it, e.g. `stage:sliding-window`, `dicom`, `video`. */
  scope?: string;
  /** config / input errors exit with 2, runtime errors with 1. */
  category?: ErrorCategory;
  /** What the user can do about it. */
  hint?: string;
  cause?: unknown;
}

export class AutodvtError extends Error {
  /** Given by the code that raises it, or by the runner (`tagError`) for the unit it ran. */
  declare scope?: string;
  readonly category: ErrorCategory;
  declare readonly hint?: string;
  // The place of the unit it came from: its path set by the runner (`tagError`), file:line
  // where the pipeline file is known (`placeError`).
  declare file?: string;
  declare line?: number;
  declare column?: number;
  declare path?: string;

  constructor(message: string, options: AutodvtErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AutodvtError';
    this.category = options.category ?? 'runtime';
    if (options.scope !== undefined) this.scope = options.scope;
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.file !== undefined) this.file = options.file;
    if (options.line !== undefined) this.line = options.line;
    if (options.column !== undefined) this.column = options.column;
    if (options.path !== undefined) this.path = options.path;
  }

  get exitCode(): number {
    return this.category === 'runtime' ? EXIT_RUNTIME : EXIT_BAD_INPUT;
  }
}

/** Bad input data: a corrupt, truncated, unsupported or missing file. Exit code 2. */
export class InputError extends AutodvtError {
  constructor(message: string, options: Omit<AutodvtErrorOptions, 'category'> = {}) {
    super(message, { ...options, category: 'input' });
    this.name = 'InputError';
  }
}

/** A feature of the input that autodvt does not support (names the feature). Exit code 2. */
export class UnsupportedError extends InputError {
  constructor(feature: string, options: Omit<AutodvtErrorOptions, 'category'> = {}) {
    super(`unsupported: ${feature}`, options);
    this.name = 'UnsupportedError';
  }
}

/** One problem found while validating a pipeline file. */
export interface ConfigProblem {
  file?: string;
  line?: number;
  column?: number;
  /** Dot-path into the pipeline, e.g. `stages[2].size`. */
  path: string;
  /** The unit type at that path, e.g. `sliding-window`. */
  unitType?: string;
  message: string;
  severity: 'error' | 'warning';
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.file ? `${p.file}${p.line ? `:${p.line}:${p.column ?? 1}` : ''} → ` : '→ ';
  const unit = p.unitType ? ` (${p.unitType})` : '';
  const mark = p.severity === 'error' ? '✖' : '⚠';
  return `${mark} ${where}${p.path || '(root)'}${unit}: ${p.message}`;
}

/**
 * All the problems of one or more pipeline files, reported at once. Exit code 2.
 * `summary` counts them (`2 problems in the pipeline`); `message` is the summary and the
 * problems one per line, so that code which prints `err.message` (or a test that matches it)
 * still sees what is wrong; `formatError` prints the summary and lists the problems itself.
 */
export class ConfigError extends AutodvtError {
  readonly problems: ConfigProblem[];
  readonly summary: string;
  constructor(problems: ConfigProblem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    const summary = `${errors.length} problem${errors.length === 1 ? '' : 's'} in the pipeline`;
    super(`${summary}:\n${problems.map(formatProblem).join('\n')}`, { category: 'config' });
    this.name = 'ConfigError';
    this.problems = problems;
    this.summary = summary;
  }
}

/** The message of anything thrown (an AutodvtError's has no scope in it: a problem list or a warning names the unit itself). */
export function errorDetail(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Name the unit an error came from, unless the code that raised it named itself:
 * anything thrown becomes an AutodvtError with that scope, and with the unit's `path`
 * in the pipeline (`stages[2]`) when it has none. An AutodvtError keeps its class.
 */
export function tagError(err: unknown, scope: string, path?: string): AutodvtError {
  if (err instanceof AutodvtError) {
    err.scope ??= scope;
    if (path !== undefined) err.path ??= path;
    return err;
  }
  return new AutodvtError(errorDetail(err), { scope, path, category: 'runtime', cause: err });
}

/** Give an error with a pipeline `path` the file:line where that path is written (`LoadedPipeline.locate`). */
export function placeError<T>(err: T, locate: ((dottedPath: string) => ErrorPlace) | undefined): T {
  if (!(err instanceof AutodvtError) || err.path === undefined || err.line !== undefined || !locate) return err;
  const { file, line, column } = locate(err.path);
  if (file !== undefined) err.file = file;
  if (line !== undefined) err.line = line;
  if (column !== undefined) err.column = column;
  return err;
}

/** What `formatError` reads: an AutodvtError, or the same fields as data (the `error` of a `--json` summary or of an exam result). */
export interface ErrorFields extends ErrorPlace {
  message: string;
  scope?: string;
  hint?: string;
  problems?: readonly ConfigProblem[];
}

export interface FormatErrorOptions {
  /** One line, for a progress line or a log record: the place in parentheses, problems joined by `; `, no hint. */
  oneLine?: boolean;
}

/**
 * An error as people read it, made in one place: `[scope] message`, then where it is
 * (`in p.yaml:12:5 → stages[2]`), a ConfigError's problems one per line, and the hint.
 * Anything else thrown shows its message.
 */
export function formatError(err: unknown, options: FormatErrorOptions = {}): string {
  const e = errorFields(err);
  const head = `${e.scope ? `[${e.scope}] ` : ''}${e.problems?.length ? problemSummary(e) : e.message}`;
  const where = placeText(e);
  const problems = e.problems ?? [];
  if (options.oneLine) {
    const listed = problems.length ? `: ${problems.map(formatProblem).join('; ')}` : '';
    return `${head}${where ? ` (in ${where})` : ''}${listed}`;
  }
  const lines = [problems.length ? `${head}:` : head];
  // "in", not "at": a line that starts with "at " reads as a stack frame.
  if (where) lines.push(`  in ${where}`);
  for (const p of problems) lines.push(formatProblem(p));
  if (e.hint) lines.push(`hint: ${e.hint}`);
  return lines.join('\n');
}

/** A problem list's first line: a ConfigError's count (its message lists the problems too); as data (`--json`, exam results), the message is the count. */
function problemSummary(e: ErrorFields): string {
  return e instanceof ConfigError ? e.summary : e.message;
}

function errorFields(err: unknown): ErrorFields {
  if (err instanceof AutodvtError) return err;
  // Other Errors show their message alone: a Node error's `path` is a file, not a place in the pipeline.
  if (err instanceof Error) return { message: err.message };
  if (err && typeof err === 'object' && typeof (err as ErrorFields).message === 'string') return err as ErrorFields;
  return { message: String(err) };
}

function placeText(p: ErrorPlace): string {
  if (!p.file) return p.path ?? '';
  const at = `${p.file}${p.line ? `:${p.line}:${p.column ?? 1}` : ''}`;
  return p.path ? `${at} → ${p.path}` : at;
}
