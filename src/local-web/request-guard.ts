/**
 * Who may talk to a local web page's server (the HUD, the labeller): every request
 * needs the `?token=` of the printed URL (compared in constant time); a request that
 * names an `Origin` (browsers do for fetches, POSTs and sockets) must come from the
 * page's own origin; and, on a loopback address, the `Host` must be a loopback name,
 * so a page elsewhere cannot reach the server by DNS rebinding. Also the response
 * headers every answer carries, and CSP hashes for inline script and style.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export type GuardResult = { ok: true; url: URL } | { ok: false; status: 403 | 421; message: string };

export interface GuardOptions {
  token: string;
  /** Refuse requests that name a non-loopback host (set when listening on a loopback address). */
  loopbackOnly: boolean;
  /** Who printed the address, for the refusal: `autodvt label`, `the HUD`. */
  printedBy: string;
}

export function checkRequest(req: http.IncomingMessage, options: GuardOptions): GuardResult {
  const url = new URL(req.url ?? '/', 'http://local.invalid');
  if (options.loopbackOnly && !LOOPBACK.has(hostnameOf(req.headers.host))) return { ok: false, status: 421, message: 'wrong host\n' };
  if (!sameToken(url.searchParams.get('token'), options.token) || !sameOrigin(req)) {
    return { ok: false, status: 403, message: `a valid ?token= from the address ${options.printedBy} printed is required, from the page's own origin\n` };
  }
  return { ok: true, url };
}

/** True for an address that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host);
}

/** `'sha256-…'` of an inline script or style, for the Content-Security-Policy. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** Headers on every answer: nothing cached, framed, sniffed or shared with other origins. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'content-security-policy': csp,
    'x-frame-options': 'DENY',
    'cross-origin-resource-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
  };
}

function hostnameOf(host: string | undefined): string {
  if (!host) return '';
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  return host.split(':')[0]!;
}

function sameOrigin(req: http.IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host;
  if (!host) return false;
  return origin === `http://${host}` || origin === `https://${host}`;
}

function sameToken(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
