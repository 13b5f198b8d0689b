/**
 * The HUD's HTTP + WebSocket server: `GET /` serves the page, `/ws` upgrades to the
 * event socket. Both always need `?token=` (the caller passes a random one when the
 * user set none); without the right one the answer is 403 and the socket is refused.
 * A request that carries an `Origin` (every browser does for a WebSocket and for
 * cross-origin fetches) must come from the page's own origin: a page on another site
 * gets 403 even if it guessed the token. On a loopback address, requests must also
 * name a loopback host (a page on another site cannot reach us by DNS rebinding).
 * These rules are shared with the labeller (src/local-web/request-guard.ts). Only the
 * page itself is served, with a Content-Security-Policy that allows nothing but its
 * own inline script and style (by hash) and a socket back to this server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type WebSocket from 'ws';
import { sleep, systemClock, type Clock } from '../../core/context.js';
import { AutodvtError } from '../../core/errors.js';
import { checkRequest, cspHash, isLoopbackHost, securityHeaders } from '../../local-web/request-guard.js';
import type { HudPage } from './page.js';

export interface HudServerOptions {
  host: string;
  port: number;
  /** Required on every request (`?token=`); pass a random one when the user set none. */
  token: string;
  /** The page's HTML, with its inline script and style. */
  page: HudPage;
  onClient(ws: WebSocket): void;
  scope: string;
  /** Times the grace given to close frames at `close()`; the system clock when absent. */
  clock?: Clock;
}

export interface HudServer {
  /** The page's address, token included. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startHudServer(options: HudServerOptions): Promise<HudServer> {
  const { WebSocketServer } = await import('ws');
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const guard = { token: options.token, loopbackOnly: isLoopbackHost(options.host), printedBy: 'the HUD' };
  const headers = {
    'content-type': 'text/html; charset=utf-8',
    ...securityHeaders(
      [
        "default-src 'none'",
        `script-src ${cspHash(options.page.script)}`,
        `style-src ${cspHash(options.page.style)}`,
        'img-src data: blob:',
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
    ),
  };

  const server = http.createServer((req, res) => {
    const check = checkRequest(req, guard);
    if (!check.ok) return void res.writeHead(check.status, { 'content-type': 'text/plain' }).end(check.message);
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET' }).end();
    if (check.url.pathname !== '/' && check.url.pathname !== '/index.html') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : options.page.html);
  });
  server.on('upgrade', (req, socket, head) => {
    const check = checkRequest(req, guard);
    if (!check.ok || check.url.pathname !== '/ws') {
      socket.end(
        `HTTP/1.1 ${check.ok ? 404 : check.status} ${check.ok ? 'Not Found' : check.status === 421 ? 'Misdirected Request' : 'Forbidden'}\r\nConnection: close\r\n\r\n`,
      );
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
      await sleep(options.clock ?? systemClock, 50);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
