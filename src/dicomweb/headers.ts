/** `--header "Name: value"` options as a header record (for DICOMweb requests). A value is never echoed. */
import { InputError } from '../core/errors.js';

export function parseHeaders(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [i, line] of lines.entries()) {
    const colon = line.indexOf(':');
    // The line is not repeated: it may be a token with its name forgotten.
    if (colon <= 0) throw new InputError(`--header number ${i + 1}: expected "Name: value", e.g. "Authorization: Bearer <token>"`, { scope: 'dicomweb' });
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}
