/**
 * `${VAR}` and `${VAR:-default}` expansion in pipeline text, line by line, so line
 * numbers stay true for every later error. `$${...}` is a literal `${...}`.
 */
import type { ConfigProblem } from '../errors.js';

const PATTERN = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function expandEnv(text: string, env: Record<string, string | undefined>, file?: string): { text: string; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const lines = text.split('\n').map((line, i) =>
    line.replace(PATTERN, (match, escaped: string, name: string, fallback: string | undefined, offset: number) => {
      if (escaped) return match.slice(1);
      const value = env[name] ?? fallback;
      if (value === undefined) {
        problems.push({
          file,
          line: i + 1,
          column: offset + 1,
          path: '',
          message: `environment variable ${name} is not set (write \${${name}:-default} for a default)`,
          severity: 'error',
        });
        return match;
      }
      if (value.includes('\n')) {
        problems.push({ file, line: i + 1, column: offset + 1, path: '', message: `environment variable ${name} holds a line break`, severity: 'error' });
        return match;
      }
      return value;
    }),
  );
  return { text: lines.join('\n'), problems };
}
