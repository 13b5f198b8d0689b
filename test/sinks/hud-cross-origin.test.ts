/**
 * Another web page cannot read a running HUD. In headless Chromium (Debian
 * `chromium`, driven by playwright-core), a page served from another origin on this
 * machine tries everything a browser page can: fetch the HUD page, open its event
 * socket without the token, and open it with the token (as if the URL had leaked).
 * It must receive nothing, while the HUD's own page, opened from the printed URL,
 * receives frames in the same browser (the control that the server was streaming).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/context.js';
import { HudHub } from '../../src/sinks/hud/hud-hub.js';
import { startHudServer } from '../../src/sinks/hud/hud-server.js';
import { hudPage } from '../../src/sinks/hud/page.js';
import { scoredExam } from './scored-exam.js';

const CHROMIUM = process.env.AUTODVT_CHROMIUM ?? '/usr/bin/chromium';
const TOKEN = 'cross-origin-test-token';

/** The other site's page: reports what it could read from the HUD in #result, as JSON. */
function attackerPage(hudPort: number): string {
  return `<!doctype html><html><body><pre id="result"></pre><script>
(async function () {
  var hud = 'http://127.0.0.1:${hudPort}';
  var report = { fetchCors: 'no answer', fetchNoCorsReadable: false, socketNoToken: { opened: false, messages: 0 }, socketWithToken: { opened: false, messages: 0 } };
  try { var r = await fetch(hud + '/?token=${TOKEN}'); report.fetchCors = 'read ' + (await r.text()).length + ' characters'; }
  catch (e) { report.fetchCors = 'refused'; }
  try { var o = await fetch(hud + '/?token=${TOKEN}', { mode: 'no-cors' }); report.fetchNoCorsReadable = o.type !== 'opaque'; } catch (e) {}
  function probe(url, into) {
    return new Promise(function (resolve) {
      var ws = new WebSocket(url);
      ws.onopen = function () { into.opened = true; };
      ws.onmessage = function () { into.messages++; };
      ws.onerror = ws.onclose = function () { resolve(); };
      setTimeout(function () { try { ws.close(); } catch (e) {} resolve(); }, 3000);
    });
  }
  await probe('ws://127.0.0.1:${hudPort}/ws', report.socketNoToken);
  await probe('ws://127.0.0.1:${hudPort}/ws?token=${TOKEN}', report.socketWithToken);
  document.getElementById('result').textContent = JSON.stringify(report);
})();
</script></body></html>`;
}

let browser: BrowserContext | undefined;
const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  await browser?.close();
  for (const c of cleanup.reverse()) await c();
});

describe.skipIf(!fs.existsSync(CHROMIUM))('hud and a page of another origin', () => {
  it('gives a page from another origin nothing, not even with the token, while its own page streams', async () => {
    const hub = new HudHub({ clock: systemClock, maxFps: 30, maxWidth: 640, timelineS: 10, maxBufferedBytes: 1 << 20 });
    const server = await startHudServer({ host: '127.0.0.1', port: 0, token: TOKEN, page: hudPage(), onClient: (ws) => hub.add(ws), scope: 'sink:hud' });
    cleanup.push(
      () => hub.close(),
      () => server.close(),
    );
    // Frames keep coming while the pages try to read them.
    const events = scoredExam(3000);
    let next = 0;
    const feeder = setInterval(() => {
      for (let i = 0; i < 5 && next < events.length; i++) hub.write(events[next++]!);
    }, 10);
    cleanup.push(() => clearInterval(feeder));

    const attacker = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackerPage(server.port)));
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', () => r()));
    cleanup.push(
      () =>
        new Promise((r) => {
          attacker.closeAllConnections();
          attacker.close(r);
        }),
    );
    const attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}/`;

    browser = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const evil = await browser.newPage();
    await evil.goto(attackerUrl);
    const result = evil.locator('#result:not(:empty)');
    await result.waitFor({ timeout: 30_000 });
    const report = JSON.parse((await result.textContent())!);
    expect(report).toEqual({
      fetchCors: 'refused',
      fetchNoCorsReadable: false,
      socketNoToken: { opened: false, messages: 0 },
      socketWithToken: { opened: false, messages: 0 },
    });

    // Control: the HUD's own page, from the printed URL, gets frames in the same browser.
    const own = await browser.newPage();
    await own.goto(server.url);
    await own.locator('body[data-frames]').waitFor({ state: 'attached', timeout: 30_000 });
  }, 90_000);
});
