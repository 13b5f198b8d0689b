/**
 * A batch input written with its credentials (`https://user:pass@pacs/dicom-web?...`):
 * the credentials become the run's `Authorization` header and the input goes on
 * without them, so they never reach the run directory (run.json, results, the run
 * table), a progress line or a queue job. The header is the run's, so inputs that
 * carry different credentials, or credentials beside an explicit `Authorization`
 * header, are refused.
 */
import { InputError } from '../core/errors.js';
import { redactUrl, splitUrlCredentials } from '../secrets/redact-url.js';

export function moveUrlCredentialsToHeaders(inputs: string[], headers: Record<string, string> = {}): { inputs: string[]; headers: Record<string, string> } {
  const given = Object.keys(headers).find((k) => k.toLowerCase() === 'authorization');
  let authorization: string | undefined;
  const clean = inputs.map((input) => {
    if (!/^https?:\/\//i.test(input)) return input;
    let split: ReturnType<typeof splitUrlCredentials>;
    try {
      split = splitUrlCredentials(input);
    } catch {
      return input; // not a URL after all: listing says so
    }
    if (!split.authorization) return input;
    if (given) throw new InputError(`${redactUrl(input)}: credentials in the URL and an Authorization header: give one of them`, { scope: 'dicomweb' });
    if (authorization && authorization !== split.authorization) {
      throw new InputError(`${redactUrl(input)}: DICOMweb inputs with different credentials in one run`, {
        scope: 'dicomweb',
        hint: 'run each server on its own',
      });
    }
    authorization = split.authorization;
    return split.url;
  });
  return { inputs: clean, headers: authorization ? { ...headers, Authorization: authorization } : headers };
}
