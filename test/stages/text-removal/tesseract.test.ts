/** The stage with real tesseract workers, offline. Few OCR calls: each costs 0.1-1 s. */
import { firstValueFrom, from, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FrameEvent, PipelineEvent } from '../../../src/core/events.js';
import { drawText } from '../../../src/phantom/font.js';
import { textRemovalStage } from '../../../src/stages/text-removal/index.js';
import { defaultLangPath } from '../../../src/redaction/lang-data.js';
import { prepareOcrImage } from '../../../src/redaction/ocr-image.js';
import { createTesseractPool } from '../../../src/redaction/tesseract-pool.js';
import { grayFrame } from '../../helpers/frames.js';
import { testContext } from '../../helpers/test-context.js';

const W = 360;
const H = 120;

function screenFrame(seq: number): FrameEvent {
  const f = grayFrame(seq, W, H, (x, y) => (y > 60 ? Math.round(40 + 30 * Math.sin(x / 9 + y / 7)) : 0));
  drawText(f.pixels, W, H, 8, 8, 'PATIENT DOE', { scaleX: 2, scaleY: 2, value: 235 });
  drawText(f.pixels, W, H, 8, 34, 'ID 4821977', { scaleX: 2, scaleY: 2, value: 235 });
  return f;
}

const build = (over: Record<string, unknown> = {}) => textRemovalStage.build(textRemovalStage.schema.parse({ warmupFrames: 1, ...over }), testContext());

describe('text-removal with tesseract', () => {
  const realFetch = globalThis.fetch;
  beforeAll(() => {
    // Nothing may be downloaded: any fetch fails the test run.
    globalThis.fetch = vi.fn(async () => {
      throw new Error('network used');
    }) as typeof fetch;
  });
  afterAll(() => {
    globalThis.fetch = realFetch;
  });

  it('removes burned-in text so that tesseract reads no word of 3 letters there afterwards, offline', async () => {
    const op = await build({ fill: 'inpaint' });
    const [out] = (await firstValueFrom(from([screenFrame(0)] as PipelineEvent[]).pipe(op, toArray()))) as unknown as FrameEvent[];
    expect(out!.meta.redactions!.length).toBeGreaterThan(0);
    expect(JSON.stringify(out!.meta.redactions)).not.toMatch(/PATIENT|DOE|4821977/);
    const check = createTesseractPool({ size: 1, langPath: defaultLangPath()!, lang: 'eng', psm: 11, timeoutMs: 30_000, scope: 'test' });
    try {
      const words = await check.recognize(prepareOcrImage(out!, { x: 0, y: 0, width: W, height: 60 }, { scale: 2, invert: true }));
      expect(words.filter((w) => (w.text.match(/\p{L}/gu) ?? []).length >= 3)).toEqual([]);
    } finally {
      await check.terminate();
    }
    expect(globalThis.fetch).not.toHaveBeenCalled();
  }, 60_000);

  it('refuses a langPath without language data before any frame flows', async () => {
    const built = build({ langPath: '/nonexistent/tessdata' });
    await expect(built).rejects.toThrow(/eng.traineddata.gz does not exist/);
    await expect(built).rejects.toMatchObject({ scope: 'stage:text-removal' });
  });

  it('passes a frame without text unchanged', async () => {
    const op = await build({ polarity: 'light-on-dark' });
    const frame = grayFrame(0, W, H, (x, y) => Math.round(60 + 40 * Math.sin(x / 23) * Math.cos(y / 17)));
    const [out] = (await firstValueFrom(from([frame] as PipelineEvent[]).pipe(op, toArray()))) as unknown as FrameEvent[];
    expect(out).toBe(frame);
  }, 60_000);
});
