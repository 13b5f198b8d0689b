/**
 * DICOMweb headers of a queued run travel as references, never as values: a job in
 * Redis is readable by anyone who can reach Redis, for as long as it is kept. So
 * `autodvt enqueue --header 'Authorization: Bearer ${PACS_TOKEN}'` stores the text
 * `Bearer ${PACS_TOKEN}` in each job; `enqueue` fills it from its own environment to
 * list the exams, and each worker from its own when it runs one. A header with a
 * literal value (nothing to look up) or a `${VAR:-default}` (the default would be
 * stored) is refused before anything is queued.
 */
import { AutodvtError, InputError } from '../core/errors.js';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const ANY_REFERENCE = /\$\{[^}]*\}/g;

/** Refuse headers whose value would put a secret into Redis. */
export function checkHeaderReferences(headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    const refs = value.match(ANY_REFERENCE) ?? [];
    const hint = `write the value as a reference, in single quotes so the shell leaves it: --header '${name}: Bearer \${PACS_TOKEN}', and set PACS_TOKEN where enqueue and every worker run`;
    if (refs.length === 0) {
      throw new InputError(`--header ${name}: a literal value would be stored in every queued job (Redis)`, { scope: 'queue', hint });
    }
    const bad = refs.find((r) => !/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(r));
    if (bad)
      throw new InputError(`--header ${name}: only \${NAME} references are allowed in a queued header (a default would be stored)`, { scope: 'queue', hint });
  }
}

/** The headers with every `${VAR}` filled from `env` (text without one is kept); names what is missing, never a value. */
export function resolveHeaderReferences(headers: Record<string, string>, env: Record<string, string | undefined>, where: string): Record<string, string> {
  const missing = new Set<string>();
  const resolved = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      value.replace(REFERENCE, (_m, variable: string) => {
        const v = env[variable];
        if (v === undefined || v === '') missing.add(variable);
        return v ?? '';
      }),
    ]),
  );
  if (missing.size > 0) {
    throw new AutodvtError(`the DICOMweb headers need ${[...missing].join(', ')}, which ${where} does not set`, {
      scope: 'queue',
      category: 'config',
      hint: `set ${[...missing].join(', ')} in the environment of enqueue and of every worker`,
    });
  }
  return resolved;
}
