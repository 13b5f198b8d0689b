/**
 * The labeller's server over HTTP, with loops whose frames are made in the test
 * (no decoding, no OCR): who may ask, what it serves, and how it saves.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabelSession } from '../../src/label/label-session.js';
import { startLabelServer, type LabelServer } from '../../src/label/label-server.js';
import { readLabelsSidecar, sidecarPathFor } from '../../src/labels/index.js';
import { encodeGrayPng } from '../../src/render/encode-png.js';

const TOKEN = 'server-test-token';
let server: LabelServer;
let dir: string;
let prepared = 0;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-label-server-'));
  const loops = ['a.dcm', 'b.mp4'].map((name, id) => ({ id, name, file: path.join(dir, name) }));
  const session = new LabelSession({
    loops,
    labelledBy: 'tester',
    now: () => new Date('2026-12-07T12:00:00Z'),
    prepare: async (loop) => {
      prepared++;
      const png = Array.from({ length: 6 }, (_, i) => encodeGrayPng(new Uint8Array(8 * 4).fill(i * 40), 8, 4));
      // Loop 0 has pre-labels: nothing for the first two frames, then LM1 open, then LM1 closed.
      const predictions =
        loop.id === 0 ? [undefined, undefined, ...[0.2, 0.3, 0.8, 0.9].map((pClosed) => ({ landmark: { BG: 0.2, LM1: 0.7, LM2: 0.1 }, pClosed }))] : undefined;
      return { width: 8, height: 4, fps: 25, ptsMs: png.map((_, i) => i * 40), png, predictions };
    },
  });
  server = await startLabelServer({ session, token: TOKEN, port: 0 });
});
afterAll(async () => {
  await server?.close();
});

function request(pathAndQuery: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: pathAndQuery, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
const withToken = (p: string) => `${p}${p.includes('?') ? '&' : '?'}token=${TOKEN}`;
const post = (p: string, body: unknown, headers: Record<string, string> = {}) =>
  request(withToken(p), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('label server', () => {
  it('prints a URL on 127.0.0.1 that carries the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
  });

  it('answers nothing without the token, or with a wrong one, on the page, the API and the frames', async () => {
    for (const p of ['/', '/api/loops', '/api/loops/0', '/api/loops/0/frames/0']) {
      for (const q of ['', '?token=wrong-token-value', `?token=${TOKEN.slice(0, -1)}`]) {
        const res = await request(p + q);
        expect(res.status).toBe(403);
        expect(res.body.toString()).not.toMatch(/a\.dcm|PNG/);
      }
    }
    expect((await post('/api/loops/0/changes', { revision: 0, undo: true }, {})).status).not.toBe(403);
    const noToken = await request('/api/loops/0/changes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"revision":0,"undo":true}',
    });
    expect(noToken.status).toBe(403);
  });

  it('refuses a request from another origin even with the token, and a foreign Host name', async () => {
    const evil = await request(withToken('/api/loops'), { headers: { origin: 'http://evil.example' } });
    expect(evil.status).toBe(403);
    const change = await post(
      '/api/loops/0/changes',
      { revision: 0, edits: [{ op: 'mark', track: 'unusable', start: 0, end: 1 }] },
      { origin: 'http://localhost:1' },
    );
    expect(change.status).toBe(403);
    const rebound = await request(withToken('/api/loops'), { headers: { host: `attacker.example:${server.port}` } });
    expect(rebound.status).toBe(421);
    const own = await request(withToken('/api/loops'), { headers: { origin: `http://127.0.0.1:${server.port}` } });
    expect(own.status).toBe(200);
  });

  it('serves the page with a strict Content-Security-Policy that allows only its own script and style', async () => {
    const res = await request(withToken('/'));
    expect(res.status).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(csp).not.toMatch(/unsafe/);
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('serves only the loops it was given, by index: no path, no other index, no other frame', async () => {
    expect(JSON.parse((await request(withToken('/api/loops'))).body.toString())).toMatchObject([
      { id: 0, name: 'a.dcm', labelled: false },
      { id: 1, name: 'b.mp4', labelled: false },
    ]);
    for (const p of [
      '/api/loops/2',
      '/api/loops/-1',
      '/api/loops/0x1',
      '/api/loops/..%2F..%2Fetc%2Fpasswd',
      '/etc/passwd',
      '/api/loops/0/frames/6',
      '/api/loops/0/frames/1.5',
      '/src/label/page.ts',
    ]) {
      const res = await request(withToken(p));
      expect(res.status, p).toBe(404);
    }
    const frame = await request(withToken('/api/loops/0/frames/5'));
    expect(frame.status).toBe(200);
    expect(frame.headers['content-type']).toBe('image/png');
    expect(frame.body.subarray(1, 4).toString()).toBe('PNG');
  });

  it('saves each change to the sidecar and refuses a change based on a stale revision with 409', async () => {
    const opened = JSON.parse((await request(withToken('/api/loops/1'))).body.toString());
    expect(opened).toMatchObject({ frameCount: 6, fps: 25, revision: 0, runs: [] });
    const first = await post('/api/loops/1/changes', { revision: 0, edits: [{ op: 'mark', track: 'landmark', value: 'LM2', start: 1, end: 3 }] });
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body.toString())).toMatchObject({ revision: 1, canUndo: true, runs: [{ track: 'landmark', value: 'LM2', start: 1, end: 3 }] });
    const stale = await post('/api/loops/1/changes', { revision: 0, edits: [{ op: 'mark', track: 'landmark', value: 'BG', start: 0, end: 5 }] });
    expect(stale.status).toBe(409);
    expect(JSON.parse(stale.body.toString())).toMatchObject({ revision: 1 });
    const sidecar = await readLabelsSidecar(sidecarPathFor(path.join(dir, 'b.mp4')));
    expect(sidecar).toMatchObject({
      revision: 1,
      labelledBy: 'tester',
      labelledAt: '2026-12-07T12:00:00.000Z',
      segments: [{ start: 1, end: 3, landmark: 'LM2' }],
    });
    const undone = await post('/api/loops/1/changes', { revision: 1, undo: true });
    expect(JSON.parse(undone.body.toString())).toMatchObject({ revision: 2, runs: [], canRedo: true });
    expect((await readLabelsSidecar(sidecarPathFor(path.join(dir, 'b.mp4')))).segments).toEqual([]);
  });

  it('rejects malformed changes with 400 and says which field', async () => {
    const bad = await post('/api/loops/0/changes', { revision: 0, edits: [{ op: 'mark', track: 'landmark', value: 'LM3', start: 0, end: 1 }] });
    expect(bad.status).toBe(400);
    const notJson = await request(withToken('/api/loops/0/changes'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    const form = await request(withToken('/api/loops/0/changes'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(form.status).toBe(415);
  });

  it("accepts the model's pre-labels where the labeller has none, as one undo step", async () => {
    const opened = JSON.parse((await request(withToken('/api/loops/0'))).body.toString());
    expect(opened.predicted).toEqual([
      { track: 'landmark', value: 'LM1', start: 2, end: 5 },
      { track: 'vein', value: 'open', start: 2, end: 3 },
      { track: 'vein', value: 'closed', start: 4, end: 5 },
    ]);
    expect(opened.uncertainty).toBeCloseTo(0.3, 6);
    const own = await post('/api/loops/0/changes', { revision: opened.revision, edits: [{ op: 'mark', track: 'landmark', value: 'BG', start: 2, end: 2 }] });
    const accepted = JSON.parse(
      (await post('/api/loops/0/changes', { revision: JSON.parse(own.body.toString()).revision, acceptPredictions: true })).body.toString(),
    );
    expect(accepted.runs).toEqual([
      { track: 'landmark', value: 'BG', start: 2, end: 2 },
      { track: 'landmark', value: 'LM1', start: 3, end: 5 },
      { track: 'vein', value: 'open', start: 2, end: 3 },
      { track: 'vein', value: 'closed', start: 4, end: 5 },
    ]);
    const undone = JSON.parse((await post('/api/loops/0/changes', { revision: accepted.revision, undo: true })).body.toString());
    expect(undone.runs).toEqual([{ track: 'landmark', value: 'BG', start: 2, end: 2 }]);
  });

  it('lists each loop with whether it is labelled and, once prepared, how unsure the model is', async () => {
    const list = JSON.parse((await request(withToken('/api/loops'))).body.toString());
    expect(list).toEqual([
      { id: 0, name: 'a.dcm', labelled: true, uncertainty: expect.closeTo(0.3, 6) },
      { id: 1, name: 'b.mp4', labelled: true },
    ]);
  });

  it('prepares each loop once however often it is opened', () => {
    expect(prepared).toBe(2);
  });
});
