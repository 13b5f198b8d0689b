import net from 'node:net';
import { firstValueFrom, from, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { systemClock } from '../../src/core/context.js';
import { DISCLAIMER, type PipelineEvent } from '../../src/core/events.js';
import { hudSink } from '../../src/sinks/hud/index.js';
import { HudHub } from '../../src/sinks/hud/hud-hub.js';
import { startHudServer, type HudServer } from '../../src/sinks/hud/hud-server.js';
import { hudPage } from '../../src/sinks/hud/page.js';
import { testContext } from '../helpers/test-context.js';
import { scoredExam } from './scored-exam.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function hudOn(token = 'test-token-1234', maxFps = 30): Promise<{ hub: HudHub; server: HudServer }> {
  const hub = new HudHub({ clock: systemClock, maxFps, maxWidth: 640, timelineS: 10, maxBufferedBytes: 1 << 20 });
  const server = await startHudServer({ host: '127.0.0.1', port: 0, token, page: hudPage(), onClient: (ws) => hub.add(ws), scope: 'sink:hud' });
  cleanup.push(
    () => server.close(),
    () => hub.close(),
  );
  return { hub, server };
}

/** The event socket's address, token included, from the page's printed URL. */
function socketUrl(server: HudServer): string {
  const page = new URL(server.url);
  return `ws://${page.host}/ws${page.search}`;
}

function socket(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    cleanup.push(() => ws.terminate());
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

const tick = () => new Promise((r) => setImmediate(r));

describe('hud server', () => {
  it('serves the page and the socket only with the token', async () => {
    const { server } = await hudOn('s3cret-token');
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/`)).status).toBe(403);
    expect((await fetch(`${base}/?token=wrong-token!`)).status).toBe(403);
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(DISCLAIMER);
    await expect(socket(`ws://127.0.0.1:${server.port}/ws`)).rejects.toThrow(/403|Unexpected|socket hang up/);
    await expect(socket(`ws://127.0.0.1:${server.port}/ws?token=s3cret-token`)).resolves.toBeInstanceOf(WebSocket);
  });

  it('refuses the socket to a page of another origin, even one that knows the token', async () => {
    const { server } = await hudOn('s3cret-token');
    const url = `ws://127.0.0.1:${server.port}/ws?token=s3cret-token`;
    await expect(socket(url, { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(socket(url, { Origin: `http://127.0.0.1:${server.port + 1}` })).rejects.toThrow(/403/);
    await expect(socket(url, { Origin: `http://127.0.0.1:${server.port}` })).resolves.toBeInstanceOf(WebSocket);
  });

  it('refuses a cross-origin fetch of the page and serves nothing but the page', async () => {
    const { server } = await hudOn('s3cret-token');
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(server.url, { headers: { origin: 'http://evil.example' } })).status).toBe(403);
    for (const p of ['/etc/passwd', '/../package.json', '/%2e%2e/package.json', '/ws', '/index.js']) {
      expect((await fetch(`${base}${p}?token=s3cret-token`)).status, p).toBe(404);
    }
    const page = await fetch(server.url);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('unsafe-inline'); // the page's own script and style are allowed by hash
  });

  it('refuses requests naming another host (DNS rebinding) on a loopback address', async () => {
    const { server } = await hudOn();
    const status = await new Promise<string>((resolve) => {
      const s = net.connect(server.port, '127.0.0.1', () => s.write('GET / HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n'));
      s.once('data', (d) => resolve(String(d).split('\r\n')[0]!));
    });
    expect(status).toContain('421');
  });

  it('never sends the recognised text of redactions', async () => {
    const { hub, server } = await hudOn();
    const ws = await socket(socketUrl(server));
    const received: string[] = [];
    ws.on('message', (data, isBinary) => received.push(isBinary ? (data as Buffer).toString('latin1') : String(data)));
    for (const e of scoredExam(40)) {
      hub.write(e);
      await tick();
    }
    hub.end();
    await new Promise((r) => setTimeout(r, 100));
    expect(received.some((m) => m.includes('refer for specialist ultrasound'))).toBe(true);
    expect(received.join('')).not.toContain('JOHN DOE');
  });
});

describe('hud backpressure', () => {
  it('keeps the server-side queue bounded while a client never reads, and a reading client still gets frames', async () => {
    const { hub, server } = await hudOn(undefined, 1000);
    const wsUrl = socketUrl(server);
    const fast = await socket(wsUrl);
    let fastFrames = 0;
    fast.on('message', (_d, isBinary) => isBinary && fastFrames++);
    const stuck = await socket(wsUrl);
    (stuck as unknown as { _socket: net.Socket })._socket.pause(); // a browser tab that stopped reading
    const events: PipelineEvent[] = scoredExam(320, { width: 400, height: 300 }); // noise: ~120 KB a PNG, ~38 MB as a backlog
    let maxBuffered = 0;
    let maxPending = 0;
    for (const e of events) {
      hub.write(e);
      if (e.kind === 'frame') await tick();
      const s = hub.stats();
      maxBuffered = Math.max(maxBuffered, s.bufferedBytes);
      maxPending = Math.max(maxPending, s.pendingImages);
    }
    await new Promise((r) => setTimeout(r, 200));
    const stats = hub.stats();
    expect(stats.frames).toBe(320);
    expect(stats.clients).toBe(2);
    expect(maxPending).toBeLessThanOrEqual(3); // newest frame (raw and encoded) + heatmap, never a queue
    // The stuck client got a few frames until the kernel's socket buffer filled, then nothing more;
    // at most one frame message waits for it in user space.
    const toStuck = stats.framesSent - fastFrames;
    expect(toStuck).toBeLessThan(100);
    expect(stats.maxBufferedBytes).toBeLessThan(200_000 + (1 << 20));
    expect(maxBuffered).toBeLessThan(200_000 + (1 << 20));
    // The reading client was not held back by the stuck one.
    expect(fastFrames).toBeGreaterThan(200);
  }, 30_000);
});

describe('hud sink', () => {
  it('prints its URL, completes when the stream ends and closes the server', async () => {
    const ctx = testContext();
    const op = await hudSink.build(hudSink.schema.parse({ port: 0, keepOpenS: 0.2, token: 'abcdefgh' }), ctx);
    const done = firstValueFrom(from(scoredExam(10)).pipe(op, toArray()));
    await new Promise((r) => setTimeout(r, 50));
    const url = /HUD: (\S+)/.exec(ctx.output.join(''))?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=abcdefgh$/);
    expect((await fetch(url!)).status).toBe(200); // still serving during keepOpenS
    await expect(done).resolves.toEqual([]);
    await expect(fetch(url!)).rejects.toThrow();
  });

  it('makes a random token when none is set and refuses the page without it', async () => {
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const ctx = testContext();
      const op = await hudSink.build(hudSink.schema.parse({ port: 0, keepOpenS: 0.2 }), ctx);
      const done = firstValueFrom(from(scoredExam(10)).pipe(op, toArray()));
      await new Promise((r) => setTimeout(r, 50));
      const url = /HUD: (\S+)/.exec(ctx.output.join(''))?.[1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{24}$/);
      const bare = new URL(url!);
      expect((await fetch(`http://${bare.host}/`)).status).toBe(403);
      expect((await fetch(url!)).status).toBe(200);
      urls.push(new URL(url!).searchParams.get('token')!);
      await done;
    }
    expect(urls[0]).not.toBe(urls[1]);
  });

  it('warns on stderr, with no console sink, when it listens beyond this machine', async () => {
    const stderr: string[] = [];
    const ctx = testContext({ stderr: { write: (s: string) => stderr.push(s) } });
    const op = await hudSink.build(hudSink.schema.parse({ host: '0.0.0.0', port: 0, keepOpenS: 0 }), ctx);
    await firstValueFrom(from(scoredExam(5)).pipe(op, toArray()));
    expect(stderr.join('')).toMatch(/warning \[sink:hud\] the HUD listens on 0\.0\.0\.0: other machines can reach it/);
  });
});
