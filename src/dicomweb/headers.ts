/** `--header "Name: value"` options as a header record (for DICOMweb requests). */
import { InputError } from '../errors.js';

export function parseHeaders(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new InputError(`--header "${line}": expected "Name: value", e.g. "Authorization: Bearer <token>"`, { scope: 'dicomweb' });
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}
