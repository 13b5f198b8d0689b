/**
 * `autodvt label` end to end in headless Chromium (Debian `chromium`, driven by
 * playwright-core) on a real fixture loop (a 30-frame SonoSite DICOM cine): segments
 * are marked with key presses, one is edited on the timeline, undone and redone;
 * after a reload the page and the sidecar hold exactly what was entered. A second
 * tab on a stale revision is refused and told so; a page of another origin reads
 * and changes nothing; accepting the shipped model's pre-labels fills only the gaps. AUTODVT_UPDATE_DOCS=1 keeps the screenshot at docs/label.png.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { startLabelling, type Labelling } from '../../src/label/index.js';
import { readLabelsSidecar, sidecarPathFor } from '../../src/labels/index.js';
import { framesFromSidecar } from '../../src/label/loop-labels-store.js';

const root = path.resolve(import.meta.dirname, '../..');
const CHROMIUM = process.env.AUTODVT_CHROMIUM ?? '/usr/bin/chromium';
const FIXTURE = path.join(root, 'test/fixtures/dicom/us_sonosite_turbo_mf30_jpeg_baseline.dcm');
const TOKEN = 'label-e2e-test-token';

let browser: BrowserContext | undefined;
let labelling: Labelling | undefined;
const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  await browser?.close();
  await labelling?.close();
  for (const c of cleanup.reverse()) await c();
});

async function press(page: Page, ...keys: string[]) {
  for (const k of keys) await page.keyboard.press(k);
}
const times = (n: number, key: string) => Array.from({ length: n }, () => key);
const revision = (page: Page, n: number) => page.locator(`body[data-revision="${n}"]`).waitFor({ state: 'attached', timeout: 20_000 });

/** The other site's page: tries to read the loops and a frame, and to change the labels; reports in #result. */
function attackerPage(port: number): string {
  return `<!doctype html><html><body><pre id="result"></pre><script>
(async function () {
  var base = 'http://127.0.0.1:${port}';
  var report = {};
  async function read(name, url, init) {
    try { var r = await fetch(url, init); report[name] = 'read ' + r.status + ' ' + (await r.text()).length; }
    catch (e) { report[name] = 'refused'; }
  }
  await read('listWithToken', base + '/api/loops?token=${TOKEN}');
  await read('listNoToken', base + '/api/loops');
  await read('frameWithToken', base + '/api/loops/0/frames/0?token=${TOKEN}');
  await read('changeJson', base + '/api/loops/0/changes?token=${TOKEN}', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ revision: 999, edits: [{ op: 'clear', track: 'landmark', start: 0, end: 29 }] }) });
  try {
    await fetch(base + '/api/loops/0/changes?token=${TOKEN}', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ revision: 7, edits: [{ op: 'clear', track: 'landmark', start: 0, end: 29 }] }) });
    report.changeNoCors = 'sent';
  } catch (e) { report.changeNoCors = 'refused'; }
  document.getElementById('result').textContent = JSON.stringify(report);
})();
</script></body></html>`;
}

describe.skipIf(!fs.existsSync(CHROMIUM))('autodvt label in a browser', () => {
  it('labels a real DICOM loop with the keyboard, and after a reload the sidecar holds exactly what was entered', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-label-e2e-'));
    const media = path.join(dir, 'loop.dcm');
    fs.copyFileSync(FIXTURE, media);
    labelling = await startLabelling({ input: dir, labelledBy: 'e2e labeller', port: 0, token: TOKEN });
    expect(labelling.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=label-e2e-test-token$/);

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
      viewport: { width: 1280, height: 900 },
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await page.goto(labelling.url);
    // Decoding and OCR of the 30 frames happen on first open (about 10-30 s on 2 busy cores).
    await page.locator('body[data-frame="0"]').waitFor({ state: 'attached', timeout: 120_000 });
    expect(await page.locator('body').getAttribute('data-frame-count')).toBe('30');
    // The shipped model's pre-labels ran on the text-removed frames (windows of 9: frames 8-29).
    expect(Number(await page.locator('body').getAttribute('data-predicted'))).toBeGreaterThanOrEqual(2);

    // LM1 on frames 0-9: press 1 to start, step to frame 9, press 1 to end.
    await press(page, '1', ...times(9, 'ArrowRight'), '1');
    await revision(page, 1);
    // LM2 from frame 10 to the last frame.
    await press(page, 'ArrowRight', '2', 'End', '2');
    await revision(page, 2);
    // Vein closed on frames 4-7.
    await press(page, 'Home', ...times(4, 'ArrowRight'), 'c', ...times(3, 'ArrowRight'), 'c');
    await revision(page, 3);
    // Unusable on 20-22 (Shift+→ steps 10 frames; Enter ends the segment).
    await press(page, 'Home', 'Shift+ArrowRight', 'Shift+ArrowRight', 'u', 'ArrowRight', 'ArrowRight', 'Enter');
    await revision(page, 4);
    // Undo the unusable segment, then redo it.
    await press(page, 'Control+z');
    await revision(page, 5);
    expect(await readLabelsSidecar(sidecarPathFor(media))).toMatchObject({
      segments: expect.not.arrayContaining([expect.objectContaining({ unusable: true })]),
    });
    await press(page, 'Control+Shift+Z');
    await revision(page, 6);
    // Edit on the timeline: select the closed run (vein lane) and move its end to frame 8.
    const box = (await page.locator('#timeline').boundingBox())!;
    await page.mouse.click(box.x + (5.5 / 30) * box.width, box.y + 4 + 29 + 12);
    await press(page, ...times(3, 'ArrowRight'), ']');
    await revision(page, 7);

    const expected = [
      { start: 0, end: 3, landmark: 'LM1' },
      { start: 4, end: 8, landmark: 'LM1', open: false },
      { start: 9, end: 9, landmark: 'LM1' },
      { start: 10, end: 19, landmark: 'LM2' },
      { start: 20, end: 22, unusable: true },
      { start: 23, end: 29, landmark: 'LM2' },
    ];
    await page.reload();
    await page.locator('body[data-frame="0"]').waitFor({ state: 'attached', timeout: 30_000 });
    await revision(page, 7);
    const sidecar = await readLabelsSidecar(sidecarPathFor(media));
    expect(sidecar.segments).toEqual(expected);
    expect(sidecar).toMatchObject({ version: 1, frameCount: 30, source: 'manual', labelledBy: 'e2e labeller', revision: 7 });
    expect(Math.round(sidecar.fps!)).toBe(30);
    expect(Date.now() - Date.parse(sidecar.labelledAt!)).toBeLessThan(300_000);
    // The reloaded page shows the saved labels where the playhead is.
    await press(page, ...times(6, 'ArrowRight'));
    await page.locator('body[data-frame="6"]').waitFor({ state: 'attached' });
    expect(await page.locator('#chip-landmark').textContent()).toBe('LM1');
    expect(await page.locator('#chip-vein').textContent()).toBe('vein closed');

    const shot = process.env.AUTODVT_UPDATE_DOCS ? path.join(root, 'docs/label.png') : path.join(os.tmpdir(), `autodvt-label-${process.pid}.png`);
    await page.screenshot({ path: shot });
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);

    // Play runs through the frames at the loop's own rate, and pauses.
    await press(page, 'Home', 'Space');
    expect(await page.locator('#play').textContent()).toBe('Pause');
    await page.waitForTimeout(500);
    await press(page, 'Space');
    expect(await page.locator('#play').textContent()).toBe('Play');
    await page.waitForTimeout(100);
    const stoppedAt = Number(await page.locator('body').getAttribute('data-frame'));
    // 500 ms at 30 fps is about 15 frames (the loop restarts after frame 29).
    expect(stoppedAt).toBeGreaterThanOrEqual(5);
    await page.waitForTimeout(300);
    expect(Number(await page.locator('body').getAttribute('data-frame'))).toBe(stoppedAt);

    // A second tab opened now, and the first tab saves: the second is stale.
    const other = await browser.newPage();
    await other.goto(labelling.url);
    await revision(other, 7);
    await press(page, 'Home', 'o', 'o');
    await revision(page, 8);
    const afterFirstTab = fs.readFileSync(sidecarPathFor(media), 'utf8');
    await press(other, 'End', 'b', 'b');
    await other.locator('body[data-conflict="1"]').waitFor({ state: 'attached', timeout: 10_000 });
    expect(await other.locator('#conflict').isVisible()).toBe(true);
    expect(await other.locator('#conflict-text').textContent()).toMatch(/changed in another tab.*revision 8/);
    expect(fs.readFileSync(sidecarPathFor(media), 'utf8')).toBe(afterFirstTab);
    await other.close();

    // A page of another origin on this machine reads nothing and changes nothing.
    const attacker = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackerPage(labelling!.server.port)));
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', () => r()));
    cleanup.push(
      () =>
        new Promise((r) => {
          attacker.closeAllConnections();
          attacker.close(r);
        }),
    );
    const evil = await browser.newPage();
    await evil.goto(`http://localhost:${(attacker.address() as AddressInfo).port}/`);
    await evil.locator('#result:not(:empty)').waitFor({ timeout: 15_000 });
    const report = JSON.parse((await evil.locator('#result').textContent())!);
    // (A no-cors POST may or may not leave the browser; either way it must change nothing.)
    expect(report).toMatchObject({ listWithToken: 'refused', listNoToken: 'refused', frameWithToken: 'refused', changeJson: 'refused' });
    expect(fs.readFileSync(sidecarPathFor(media), 'utf8')).toBe(afterFirstTab);

    // Accept the model's pre-labels: they fill the vein track where nothing was marked
    // (frames with a complete window, 8-29), and leave every label entered above alone.
    const before = framesFromSidecar(await readLabelsSidecar(sidecarPathFor(media)), 30);
    await press(page, 'a');
    await revision(page, 9);
    const after = framesFromSidecar(await readLabelsSidecar(sidecarPathFor(media)), 30);
    after.forEach((label, i) => {
      if (before[i]!.unusable || before[i]!.open !== undefined || i < 8) expect(label, `frame ${i}`).toEqual(before[i]);
      else expect(label, `frame ${i}`).toEqual({ ...before[i], open: expect.any(Boolean) });
    });

    expect(errors).toEqual([]);
  }, 240_000);
});
