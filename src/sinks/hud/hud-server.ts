/**
 * The HUD's HTTP + WebSocket server: `GET /` serves the page, `/ws` upgrades to the
 * event socket. Both always need `?token=` (the caller passes a random one when the
 * user set none); without the right one the answer is 403 and the socket is refused.
 * A request that carries an `Origin` (every browser does for a WebSocket and for
 * cross-origin fetches) must come from the page's own origin: a page on another site
 * gets 403 even if it guessed the token. On a loopback address, requests must also
 * name a loopback host (a page on another site cannot reach us by DNS rebinding).
 * Only the page itself is served, with a Content-Security-Policy that allows nothing
 * but its inline script and style and a socket back to this server.
 */
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type WebSocket from 'ws';
import { AutodvtError } from '../../errors.js';

export interface HudServerOptions {
  host: string;
  port: number;
  /** Required on every request (`?token=`); pass a random one when the user set none. */
  token: string;
  /** The page's HTML. */
  page: string;
  onClient(ws: WebSocket): void;
  scope: string;
}

export interface HudServer {
  /** The page's address, token included. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export async function startHudServer(options: HudServerOptions): Promise<HudServer> {
  const { WebSocketServer } = await import('ws');
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const loopbackOnly = LOOPBACK.has(options.host);

  const allowed = (req: http.IncomingMessage): { ok: true; path: string } | { ok: false; status: number } => {
    const url = new URL(req.url ?? '/', 'http://hud.invalid');
    if (loopbackOnly && !LOOPBACK.has(hostnameOf(req.headers.host))) return { ok: false, status: 421 };
    if (!sameToken(url.searchParams.get('token'), options.token)) return { ok: false, status: 403 };
    if (!sameOrigin(req)) return { ok: false, status: 403 };
    return { ok: true, path: url.pathname };
  };

  const server = http.createServer((req, res) => {
    const check = allowed(req);
    if (!check.ok) return void res.writeHead(check.status, { 'content-type': 'text/plain' }).end(check.status === 403 ? 'a valid ?token= from the address the HUD printed is required, from the page\'s own origin\n' : 'wrong host\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET' }).end();
    if (check.path !== '/' && check.path !== '/index.html') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'x-frame-options': 'DENY',
      'cross-origin-resource-policy': 'same-origin',
      'cross-origin-opener-policy': 'same-origin',
    });
    res.end(req.method === 'HEAD' ? undefined : options.page);
  });
  server.on('upgrade', (req, socket, head) => {
    const check = allowed(req);
    if (!check.ok || check.path !== '/ws') {
      socket.end(`HTTP/1.1 ${check.ok ? 404 : check.status} ${check.ok ? 'Not Found' : 'Forbidden'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => options.onClient(ws));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new AutodvtError(`cannot listen on ${options.host}:${options.port}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}`, {
          scope: options.scope,
          hint: 'choose another port, or port: 0 to pick a free one',
        }),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = options.host.includes(':') ? `[${options.host}]` : options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  const url = `http://${hostPart}:${port}/?token=${encodeURIComponent(options.token)}`;

  return {
    url,
    port,
    async close() {
      for (const ws of wss.clients) ws.close(1001, 'the pipeline has ended');
      // Give close frames a moment, then cut whatever is left (a page that never reads).
      await new Promise((r) => setTimeout(r, 50));
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function hostnameOf(host: string | undefined): string {
  if (!host) return '';
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  return host.split(':')[0]!;
}

/**
 * True when the request names no origin (a non-browser client, or a top-level
 * navigation) or names this server itself: `http(s)://<Host header>`.
 */
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
