/**
 * Leak measurement: on every fixture clip with burned-in text (MANIFEST.tsv,
 * burned_in_text_visible) and on phantom screens, the text-removal stage (file input,
 * default configuration) must leave no word that an independent OCR engine — the
 * `tesseract` command, not the tesseract.js worker the stage uses — read before
 * removal: on the first frame and on frames sampled through the clip, the count of
 * after-words matching a before-word is 0. Counts only are printed (the words are
 * patient data on real clips).
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Box, FrameEvent } from '../../../src/core/events.js';
import { textRemovalStage } from '../../../src/stages/text-removal/index.js';
import { testContext } from '../../helpers/test-context.js';
import { clipsWithBurnedInText, fixtureFrames, measureLeaks, phantomFrames, removeText, type ClipLeaks } from './leak-measure.js';
import { tesseractCliAvailable } from './tesseract-cli.js';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures');
/** Frames read per clip: the first, the middle and the last. */
const SAMPLES = 3;
const PHANTOM_SEEDS = [1, 2];
const PHANTOM_FRAMES = 40;
const available = tesseractCliAvailable();
const results: ClipLeaks[] = [];

async function measure(name: string, frames: FrameEvent[], image?: Box): Promise<ClipLeaks> {
  // pool 2: the output of file input does not depend on OCR timing, only the wall time
  // does; a long OCR timeout: a loaded CI machine is slow, and slowness is not a leak.
  const op = await textRemovalStage.build(textRemovalStage.schema.parse({ pool: 2, ocrTimeoutMs: 600_000 }), testContext());
  const out = await removeText(frames, op);
  const leaks = await measureLeaks(name, frames, out, SAMPLES, image);
  results.push(leaks);
  return leaks;
}

describe.skipIf(!available)(
  available
    ? 'text removal leaves no word the tesseract command read before'
    : 'text removal leak measurement (skipped: the tesseract command is not installed; apt-get install tesseract-ocr)',
  () => {
    afterAll(() => {
      const rows = results.map((r) => `${r.name}\t${r.frames}\t${r.sampled}\t${r.beforeWords}\t${r.leaked}`);
      console.info(`clip\tframes\tsampled\tbefore-words\tafter-words matching\n${rows.join('\n')}`);
    });

    it('counts the words of a frame left as it is (the measurement can fail)', { timeout: 180_000 }, async () => {
      const clip = clipsWithBurnedInText(fixtures).find((c) => c.name === 'us_philips_epiq5g_mono_uncompressed_phi.dcm')!;
      const frames = await fixtureFrames(clip);
      const unchanged = await measureLeaks(clip.name, frames, frames, SAMPLES);
      expect(unchanged.leaked).toBeGreaterThanOrEqual(unchanged.beforeWords);
      expect(unchanged.beforeWords).toBeGreaterThan(5);
    });

    for (const clip of clipsWithBurnedInText(fixtures)) {
      it(`leaves no readable word of ${clip.name}`, { timeout: 180_000 }, async () => {
        const leaks = await measure(clip.name, await fixtureFrames(clip));
        expect(leaks.sampled).toBeGreaterThan(0);
        expect(leaks.leaked, `after-words matching before-words, frames ${leaks.leakingFrames.join(', ')}`).toBe(0);
      });
    }

    for (const seed of PHANTOM_SEEDS) {
      it(`leaves no readable word of the phantom screen (seed ${seed}, no ultrasound region given to the stage)`, { timeout: 180_000 }, async () => {
        const { frames, image } = phantomFrames(seed, PHANTOM_FRAMES);
        const leaks = await measure(`phantom seed ${seed}`, frames, image);
        // The phantom's screen holds a name, an ID, a date and settings: the engine must read some of it before.
        expect(leaks.beforeWords).toBeGreaterThan(0);
        expect(leaks.leaked, `after-words matching before-words, frames ${leaks.leakingFrames.join(', ')}`).toBe(0);
      });
    }
  },
);
