/**
 * The labeller's HTTP server, bound to 127.0.0.1. Every request passes the request
 * guard (token, Origin, Host: src/local-web/request-guard.ts). It serves only:
 *   GET  /                              the page
 *   GET  /api/loops                     the loops it was given: [{ id, name, labelled, uncertainty? }]
 *   GET  /api/loops/<id>                one loop (prepared on first open): timing, labels, revision
 *   GET  /api/loops/<id>/frames/<n>     frame n, text-removed, as PNG
 *   POST /api/loops/<id>/changes        { revision, edits | undo | redo | acceptPredictions } → the loop as saved,
 *                                       or 409 { revision } when the loop changed since `revision`
 * Loops are named by index, never by path: nothing else on disk can be read.
 * Errors are answered with a short message; no patient attribute is sent or logged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { AutodvtError, formatError } from '../core/errors.js';
import { LANDMARKS } from '../core/events.js';
import { checkRequest, cspHash, securityHeaders } from '../local-web/request-guard.js';
import { SaveConflict } from './loop-labels-store.js';
import { labelPage } from './page.js';
import type { LabelChange, LabelSession } from './label-session.js';

const SCOPE = 'label';
const MAX_BODY_BYTES = 256 * 1024;

export interface LabelServerOptions {
  session: LabelSession;
  token: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Where to report errors preparing a loop (stderr); never given patient data. */
  onError?: (message: string) => void;
}

export interface LabelServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const range = { start: z.number().int().min(0), end: z.number().int().min(0) };
const editSchema = z.union([
  z.object({ op: z.literal('mark'), track: z.literal('landmark'), value: z.enum(LANDMARKS as [string, ...string[]]), ...range }).strict(),
  z.object({ op: z.literal('mark'), track: z.literal('vein'), value: z.enum(['open', 'closed']), ...range }).strict(),
  z.object({ op: z.literal('mark'), track: z.literal('unusable'), ...range }).strict(),
  z.object({ op: z.literal('clear'), track: z.enum(['landmark', 'vein', 'unusable']), ...range }).strict(),
]);
const changeSchema = z.union([
  z.object({ revision: z.number().int().min(0), edits: z.array(editSchema).min(1).max(100) }).strict(),
  z.object({ revision: z.number().int().min(0), undo: z.literal(true) }).strict(),
  z.object({ revision: z.number().int().min(0), redo: z.literal(true) }).strict(),
  z.object({ revision: z.number().int().min(0), acceptPredictions: z.literal(true) }).strict(),
]);

export async function startLabelServer(options: LabelServerOptions): Promise<LabelServer> {
  const { session } = options;
  const page = labelPage();
  const csp = [
    "default-src 'none'",
    `script-src ${cspHash(page.script)}`,
    `style-src ${cspHash(page.style)}`,
    'img-src blob:',
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  const headers = securityHeaders(csp);

  const send = (res: http.ServerResponse, status: number, type: string, body: string | Buffer) =>
    void res.writeHead(status, { ...headers, 'content-type': type }).end(body);
  const json = (res: http.ServerResponse, status: number, body: unknown) => send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const check = checkRequest(req, { token: options.token, loopbackOnly: true, printedBy: 'autodvt label' });
    if (!check.ok) return send(res, check.status, 'text/plain; charset=utf-8', check.message);
    const parts = check.url.pathname.split('/').filter(Boolean);
    if (req.method === 'GET' && (check.url.pathname === '/' || check.url.pathname === '/index.html')) {
      return send(res, 200, 'text/html; charset=utf-8', page.html);
    }
    if (parts[0] !== 'api' || parts[1] !== 'loops') return send(res, 404, 'text/plain', 'not found\n');
    if (parts.length === 2 && req.method === 'GET') return json(res, 200, session.summaries());
    const loop = /^\d+$/.test(parts[2] ?? '') ? session.loop(Number(parts[2])) : undefined;
    if (!loop) return send(res, 404, 'text/plain', 'no such loop\n');
    if (parts.length === 3 && req.method === 'GET') return json(res, 200, await session.open(loop));
    if (parts.length === 5 && parts[3] === 'frames' && req.method === 'GET' && /^\d+$/.test(parts[4]!)) {
      const png = (await session.frames(loop)).png[Number(parts[4])];
      return png ? send(res, 200, 'image/png', png) : send(res, 404, 'text/plain', 'no such frame\n');
    }
    if (parts.length === 4 && parts[3] === 'changes' && req.method === 'POST') {
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return send(res, 415, 'text/plain', 'send application/json\n');
      const body = await readBody(req);
      if (body === undefined) return send(res, 413, 'text/plain', 'body too large\n');
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return json(res, 400, { error: 'the body is not JSON' });
      }
      const change = changeSchema.safeParse(parsed);
      if (!change.success) return json(res, 400, { error: change.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      try {
        return json(res, 200, await session.change(loop, change.data as LabelChange));
      } catch (err) {
        if (err instanceof SaveConflict) return json(res, 409, { error: err.message, revision: err.currentRevision });
        throw err;
      }
    }
    const known = parts.length === 3 || (parts.length === 4 && parts[3] === 'changes');
    return known ? send(res, 405, 'text/plain', 'method not allowed\n') : send(res, 404, 'text/plain', 'not found\n');
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const message = err instanceof AutodvtError ? formatError(err, { oneLine: true }) : 'internal error';
      options.onError?.(formatError(err, { oneLine: true }));
      if (!res.headersSent) json(res, err instanceof AutodvtError && err.category !== 'runtime' ? 422 : 500, { error: message });
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new AutodvtError(`cannot listen on 127.0.0.1:${options.port}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}`, {
          scope: SCOPE,
          hint: 'choose another --port, or --port 0 to pick a free one',
        }),
      ),
    );
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${encodeURIComponent(options.token)}`,
    port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The request body as text, or undefined when it is larger than MAX_BODY_BYTES. */
function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
