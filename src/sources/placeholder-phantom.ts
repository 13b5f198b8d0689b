/**
 * A stand-in phantom (moving shapes with labels) until src/phantom lands: a dark
 * ellipse (vein) that collapses periodically beside a round one (artery).
 */
import type { Box, FrameLabels, Landmark } from '../events.js';

export function placeholderExam(opts: { seed: number; fps: number; durationS: number }) {
  const width = 640;
  const height = 480;
  const frameCount = Math.round(opts.fps * opts.durationS);
  const usRegion: Box = { x: 80, y: 40, width: 480, height: 400 };
  return {
    examId: `synthetic-${opts.seed}`,
    subjectId: `phantom-${opts.seed}`,
    frameCount,
    *frames() {
      let s = opts.seed >>> 0 || 1;
      const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296);
      for (let i = 0; i < frameCount; i++) {
        const t = i / opts.fps;
        const phase = Math.floor((t / opts.durationS) * 5);
        const landmark: Landmark = phase === 1 ? 'LM1' : phase === 3 ? 'LM2' : 'BG';
        const squeeze = 0.5 + 0.5 * Math.cos(2 * Math.PI * t / 2);
        const open = squeeze > 0.2;
        const pixels = new Uint8Array(width * height);
        const cx = 320, cy = 240, rx = 40, ry = 25 * squeeze + 1;
        for (let y = usRegion.y; y < usRegion.y + usRegion.height; y++) {
          for (let x = usRegion.x; x < usRegion.x + usRegion.width; x++) {
            const inVein = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 < 1;
            const inArtery = ((x - cx - 90) / 22) ** 2 + ((y - cy) / 22) ** 2 < 1;
            pixels[y * width + x] = inVein || inArtery ? 10 : 60 + Math.floor(rand() * 120);
          }
        }
        const labels: FrameLabels = { landmark, open, thrombus: false, textBoxes: [] };
        yield { index: i, ptsMs: (i * 1000) / opts.fps, width, height, pixels, labels, usRegion, pixelSpacingMm: { x: 0.1, y: 0.1 } };
      }
    },
  };
}
