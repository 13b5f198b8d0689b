/**
 * Errors a user can act on. Every error thrown by autodvt code is an AutodvtError:
 * it names the unit that raised it (`[stage:sliding-window] ...`), says what was
 * wrong and where, and carries the CLI exit code it maps to.
 */

/** Exit codes of the CLI: 0 ok, 1 runtime failure, 2 bad config or bad input. */
export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_BAD_INPUT = 2;

export type ErrorCategory = 'config' | 'input' | 'runtime';

export interface AutodvtErrorOptions {
  /** Which unit or subsystem raised it, e.g. `stage:sliding-window`, `dicom`, `video`. */
  scope?: string;
  /** config / input errors exit with 2, runtime errors with 1. */
  category?: ErrorCategory;
  /** What the user can do about it. */
  hint?: string;
  cause?: unknown;
}

export class AutodvtError extends Error {
  readonly scope?: string;
  /** The message without its `[scope] ` prefix: for places that name the unit themselves. */
  readonly detail: string;
  readonly category: ErrorCategory;
  readonly hint?: string;

  constructor(message: string, options: AutodvtErrorOptions = {}) {
    const prefix = options.scope ? `[${options.scope}] ` : '';
    super(prefix + message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AutodvtError';
    this.scope = options.scope;
    this.detail = message;
    this.category = options.category ?? 'runtime';
    this.hint = options.hint;
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

/** All the problems of one or more pipeline files, reported at once. Exit code 2. */
export class ConfigError extends AutodvtError {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    super(`${errors.length} problem${errors.length === 1 ? '' : 's'} in the pipeline:\n` + problems.map(formatProblem).join('\n'), { category: 'config' });
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** What went wrong, without the scope prefix (a problem list or a warning names the unit itself). */
export function errorDetail(err: unknown): string {
  if (err instanceof AutodvtError) return err.detail;
  return err instanceof Error ? err.message : String(err);
}

/** Wrap anything thrown into an AutodvtError tagged with the unit that threw it. */
export function tagError(err: unknown, scope: string): AutodvtError {
  if (err instanceof AutodvtError) {
    if (err.scope) return err;
    return new AutodvtError(err.detail, { scope, category: err.category, hint: err.hint, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new AutodvtError(message, { scope, category: 'runtime', cause: err });
}
