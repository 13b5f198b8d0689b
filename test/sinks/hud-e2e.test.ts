/**
 * The HUD end to end: a phantom exam through preprocessing, the shipped model and
 * the compressibility stage into the hud sink, viewed in headless Chromium
 * (Debian `chromium`, driven by playwright-core). The page must show frames and
 * the exam verdict; AUTODVT_UPDATE_DOCS=1 keeps the screenshot at docs/hud.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePipeline, requireValid } from '../../src/core/config/load-pipeline.js';
import { DISCLAIMER, type ExamEvent } from '../../src/core/events.js';
import { runPipeline } from '../../src/pipeline.js';

const root = path.resolve(import.meta.dirname, '../..');
const CHROMIUM = process.env.AUTODVT_CHROMIUM ?? '/usr/bin/chromium';

const pipeline = `
source:
  type: synthetic
  seed: 8          # a 10 s exam that visits both landmarks long enough for a verdict
  durationS: 10
  vendorFrame: false
stages:
  - type: crop-pad
    size: 600
  - type: resize
    size: 150
  - type: sliding-window
    size: 9
  - type: onnx-inference
    model: ${path.join(root, 'models/autodvt.onnx')}
    batch: 8
  - type: compressibility
sinks:
  - type: hud
    port: 0
    token: e2e-test-token
    maxFps: 30
    keepOpenS: 60
`;

let browser: BrowserContext | undefined;
afterAll(async () => {
  await browser?.close();
});

describe.skipIf(!fs.existsSync(CHROMIUM))('hud in a browser', () => {
  it('shows the live frames and the exam verdict of a phantom exam', async () => {
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
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
      viewport: { width: 1280, height: 820 },
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    const abort = new AbortController();
    let exam: ExamEvent | undefined;
    let announce: (url: string) => void = () => undefined;
    const opened = new Promise<string>((resolve) => (announce = resolve));
    const config = requireValid(parsePipeline(pipeline, { env: {}, baseDir: root }));
    const running = runPipeline(config, {
      baseDir: root,
      signal: abort.signal,
      stdout: { write: (s: string) => void (/HUD: (\S+)/.exec(s) && announce(/HUD: (\S+)/.exec(s)![1]!)) },
      tap: (e) => void (e.kind === 'exam' && (exam = e)),
    });
    running.catch(() => announce('about:blank'));
    const url = await opened;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=e2e-test-token$/);
    await page.goto(url);

    // The page shows frames while the exam runs, then the verdict when it ends.
    // (Locators, not evaluated strings: the page's Content-Security-Policy forbids eval.)
    await page.locator('body[data-frames]').waitFor({ state: 'attached', timeout: 60_000 });
    await page.locator('#exam-verdict:not(.pending)').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(300); // let the last frame and the timeline settle
    fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
    // The committed docs/hud.png is refreshed only when asked (AUTODVT_UPDATE_DOCS=1), so a
    // test run never changes the working tree; otherwise the screenshot goes to a temp file.
    const shot = process.env.AUTODVT_UPDATE_DOCS ? path.join(root, 'docs/hud.png') : path.join(os.tmpdir(), `autodvt-hud-${process.pid}.png`);
    await page.screenshot({ path: shot });
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);

    const shown = await page.locator('#exam-verdict').textContent();
    abort.abort(); // ends keepOpenS: the sink completes and the server closes
    await running;
    expect(exam?.verdict).toBeDefined();
    expect(shown).toBe(exam!.verdict);
    expect(await page.locator('#disclaimer').textContent()).toBe(DISCLAIMER);
    for (const lm of ['LM1', 'LM2'] as const) {
      expect(await page.locator(`#badge-${lm}`).getAttribute('data-verdict')).toBe(exam!.landmarks?.[lm]);
    }
    expect(errors).toEqual([]);
  }, 150_000);
});
