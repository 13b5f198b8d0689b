/**
 * How the CLI shows a failure: `formatError`'s text (scope, place, problems, hint),
 * never a bare stack trace unless --verbose; the exit code says what kind of failure
 * it was. Credentials in any URL of the text are masked (`https://***@host`), whatever
 * raised the error.
 */
import { AutodvtError, ConfigError, EXIT_RUNTIME, formatError, type ConfigProblem, type ErrorPlace } from '../core/errors.js';
import { redactUrlsIn } from '../secrets/redact-url.js';
import type { TextOut } from '../core/context.js';

/** The failure as the `error` field of a `--json` summary: its fields, not its text (same masking of URL credentials). */
export function errorJson(err: unknown): { message: string; scope?: string; category: string; hint?: string; problems?: ConfigProblem[] } & ErrorPlace {
  if (err instanceof AutodvtError) {
    return {
      // A ConfigError's problems are a field of their own, so its message is the count.
      message: redactUrlsIn(err instanceof ConfigError ? err.summary : err.message),
      ...(err.scope ? { scope: err.scope } : {}),
      category: err.category,
      ...(err.hint ? { hint: redactUrlsIn(err.hint) } : {}),
      ...(err.path !== undefined ? { path: err.path } : {}),
      ...(err.file !== undefined ? { file: err.file } : {}),
      ...(err.line !== undefined ? { line: err.line } : {}),
      ...(err.column !== undefined ? { column: err.column } : {}),
      ...(err instanceof ConfigError ? { problems: err.problems } : {}),
    };
  }
  return { message: redactUrlsIn(err instanceof Error ? err.message : String(err)), category: 'internal' };
}

export function reportError(err: unknown, out: TextOut, verbose: boolean): number {
  const stderr = { write: (text: string) => out.write(redactUrlsIn(text)) };
  stderr.write(`error: ${formatError(err)}\n`);
  if (err instanceof AutodvtError) {
    if (verbose && err.stack) stderr.write(`${err.stack}\n`);
    if (verbose && err.cause instanceof Error && err.cause.stack) stderr.write(`caused by: ${err.cause.stack}\n`);
    return err.exitCode;
  }
  if (verbose && err instanceof Error && err.stack) stderr.write(`${err.stack}\n`);
  else stderr.write('(internal error; run with --verbose for the stack trace)\n');
  return EXIT_RUNTIME;
}
