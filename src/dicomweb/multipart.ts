/**
 * `multipart/related` bodies as WADO-RS returns them (RFC 2387 / DICOM PS3.18 8.7):
 * parts separated by `--boundary` lines, each with its own headers. Parts are found
 * by scanning for the boundary, so a part without Content-Length works too.
 */
import { InputError } from '../core/errors.js';

export interface MultipartPart {
  headers: Record<string, string>;
  body: Uint8Array;
}

export function boundaryOf(contentType: string): string {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!m) throw new InputError(`response is not multipart (Content-Type: ${contentType || 'none'})`, { scope: 'dicomweb' });
  return m[1] ?? m[2]!;
}

export function parseMultipart(body: Uint8Array, contentType: string): MultipartPart[] {
  const boundary = new TextEncoder().encode(`--${boundaryOf(contentType)}`);
  const parts: MultipartPart[] = [];
  let at = indexOf(body, boundary, 0);
  if (at < 0) throw new InputError('multipart response has no boundary line', { scope: 'dicomweb' });
  while (at >= 0) {
    let p = at + boundary.length;
    if (body[p] === 0x2d && body[p + 1] === 0x2d) break; // closing --boundary--
    p = skipLineEnd(body, p);
    const headerEnd = indexOf(body, CRLFCRLF, p);
    const altEnd = indexOf(body, LFLF, p);
    const [hEnd, sepLen] = headerEnd >= 0 && (altEnd < 0 || headerEnd <= altEnd) ? [headerEnd, 4] : [altEnd, 2];
    if (hEnd < 0) throw new InputError('multipart part has no header end', { scope: 'dicomweb' });
    const headers = parseHeaderBlock(new TextDecoder().decode(body.subarray(p, hEnd)));
    const start = hEnd + sepLen;
    const length = headers['content-length'] !== undefined ? Number(headers['content-length']) : undefined;
    let next: number;
    let end: number;
    if (length !== undefined && Number.isFinite(length) && start + length <= body.length) {
      end = start + length;
      next = indexOf(body, boundary, end);
    } else {
      next = indexOf(body, boundary, start);
      if (next < 0) throw new InputError('multipart response ends inside a part (truncated?)', { scope: 'dicomweb' });
      end = next;
      // The CRLF before the boundary belongs to the delimiter, not the body.
      if (body[end - 1] === 0x0a) end--;
      if (body[end - 1] === 0x0d) end--;
    }
    parts.push({ headers, body: body.subarray(start, end) });
    at = next;
  }
  return parts;
}

const CRLFCRLF = new Uint8Array([13, 10, 13, 10]);
const LFLF = new Uint8Array([10, 10]);

function skipLineEnd(b: Uint8Array, p: number): number {
  while (p < b.length && (b[p] === 0x20 || b[p] === 0x09)) p++;
  if (b[p] === 0x0d) p++;
  if (b[p] === 0x0a) p++;
  return p;
}

function parseHeaderBlock(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

export function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first, from); i >= 0 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let k = 1;
    while (k < needle.length && haystack[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
  }
  return -1;
}
