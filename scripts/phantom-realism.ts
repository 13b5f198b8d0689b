/**
 * How far the phantom is from real scans, measured: image statistics of phantom
 * frames (classic and scanner looks) against the real clips in test/fixtures, inside
 * their B-mode regions, and the accuracy of a small classifier trained to tell
 * phantom frames from real ones (lower is better; 0.5 is chance).
 *
 *   node --import tsx scripts/phantom-realism.ts [--exams 20] [--frames 8] [--json out.json] [--png strip.png]
 *
 * Per frame, in the central half (width and height) of the B-mode region (the DICOM
 * Sequence of Ultrasound Regions when there is one, else the whole frame; the
 * phantom's usRegion), resampled so the region is 256 pixels deep (so grain is
 * measured in fractions of the imaging depth, the same unit for every file):
 *  - gray mean, SD, and the 1-D Wasserstein distance of its 32-bin gray histogram to
 *    the pooled histogram of the real clips (each real clip against the pool of the
 *    others);
 *  - speckle mean/SD: the median over 16x16 blocks with mean >= 15 (homogeneous tissue);
 *  - speckle grain: where the autocorrelation of the image minus its 15x15 local mean
 *    falls below 0.5, along the beam (axial, rows) and across it (lateral, columns);
 *  - fraction of dark (< 10) and bright (> 200) pixels, and skewness.
 * The classifier is logistic regression on those features (standardised on the
 * training folds), cross-validated leaving one clip or one phantom exam out at a
 * time; accuracy is balanced over the two classes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDicomFile } from '../src/dicom/open-dicom.js';
import { createPhantomExam, type PhantomImaging } from '../src/phantom/index.js';
import { subjectSeed } from '../src/synth/index.js';

const FIXTURES = path.resolve('test/fixtures');
const DEPTH_PX = 256;

interface Patch {
  group: string;
  set: 'real' | PhantomImaging;
  width: number;
  height: number;
  pixels: Float32Array;
}

/** Bilinear resample of a box of a gray8 image so its height becomes DEPTH_PX, then its central half. */
function centralPatch(
  pixels: Uint8Array,
  width: number,
  box: { x: number; y: number; width: number; height: number },
): { w: number; h: number; p: Float32Array } {
  const s = DEPTH_PX / box.height;
  const rw = Math.max(8, Math.round(box.width * s));
  const rh = DEPTH_PX;
  const x0 = Math.round(rw * 0.25);
  const y0 = Math.round(rh * 0.25);
  const w = Math.max(8, Math.round(rw * 0.5));
  const h = Math.round(rh * 0.5);
  const p = new Float32Array(w * h);
  for (let j = 0; j < h; j++) {
    const sy = Math.min(box.height - 1.001, Math.max(0, (y0 + j + 0.5) / s - 0.5));
    const iy = Math.floor(sy);
    const fy = sy - iy;
    for (let i = 0; i < w; i++) {
      const sx = Math.min(box.width - 1.001, Math.max(0, (x0 + i + 0.5) / s - 0.5));
      const ix = Math.floor(sx);
      const fx = sx - ix;
      const k = (box.y + iy) * width + box.x + ix;
      const a = pixels[k]! + (pixels[k + 1]! - pixels[k]!) * fx;
      const b = pixels[k + width]! + (pixels[k + width + 1]! - pixels[k + width]!) * fx;
      p[j * w + i] = a + (b - a) * fy;
    }
  }
  return { w, h, p };
}

function pick(n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * n) / count));
}

function groupOf(name: string): string {
  const base = path.basename(name).replace(/\.[^.]+$/, '');
  for (const family of ['lung_convex', 'us_ge_logiq700', 'us_philips_epiq5g']) if (base.startsWith(family)) return family;
  return base;
}

async function realPatches(framesPer: number): Promise<Patch[]> {
  const rows = readFileSync(path.join(FIXTURES, 'MANIFEST.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'));
  const out: Patch[] = [];
  for (const r of rows) {
    const [name, kind] = r as [string, string];
    const file = path.join(FIXTURES, name);
    if (kind === 'video') {
      const probe = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file], {
        encoding: 'utf8',
      });
      const [w, h] = probe.trim().split(',').map(Number) as [number, number];
      const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-frames:v', '120', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { maxBuffer: 1 << 30 });
      const n = Math.floor(raw.length / (w * h));
      for (const i of pick(n, framesPer)) {
        const px = new Uint8Array(raw.buffer, raw.byteOffset + i * w * h, w * h);
        const c = centralPatch(px, w, { x: 0, y: 0, width: w, height: h });
        out.push({ group: groupOf(name), set: 'real', width: c.w, height: c.h, pixels: c.p });
      }
    } else if (kind === 'dicom') {
      const dcm = await openDicomFile(file);
      const regions = dcm.info.ultrasoundRegions.filter((g) => g.spatialFormat === 1 && g.width > 32 && g.height > 32);
      regions.sort((a, b) => b.width * b.height - a.width * a.height);
      const box = regions[0] ?? { x: 0, y: 0, width: dcm.info.columns, height: dcm.info.rows };
      for (const i of pick(dcm.info.frames, framesPer)) {
        const f = await dcm.decodeFrame(i);
        const c = centralPatch(f.pixels, f.width, box);
        out.push({ group: groupOf(name), set: 'real', width: c.w, height: c.h, pixels: c.p });
      }
    }
  }
  return out;
}

function phantomPatches(imaging: PhantomImaging, exams: number, framesPer: number, seed: number): Patch[] {
  const out: Patch[] = [];
  for (let e = 0; e < exams; e++) {
    const exam = createPhantomExam({ seed: subjectSeed(seed, e), imaging });
    for (const i of pick(exam.frameCount, framesPer)) {
      const f = exam.frame(i);
      const c = centralPatch(f.pixels, f.width, f.usRegion);
      out.push({ group: `${imaging}-${e}`, set: imaging, width: c.w, height: c.h, pixels: c.p });
    }
  }
  return out;
}

const BINS = 32;
function histogram(p: Float32Array): Float64Array {
  const h = new Float64Array(BINS);
  for (const v of p) h[Math.min(BINS - 1, Math.floor((v / 256) * BINS))]! += 1 / p.length;
  return h;
}
/** 1-D Wasserstein (earth mover's) distance between two histograms, in gray levels. */
function wasserstein(a: Float64Array, b: Float64Array): number {
  let ca = 0;
  let cb = 0;
  let d = 0;
  for (let i = 0; i < BINS; i++) {
    ca += a[i]!;
    cb += b[i]!;
    d += Math.abs(ca - cb) * (256 / BINS);
  }
  return d;
}

function localMeanResidual(p: Float32Array, w: number, h: number, r: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      let n = 0;
      for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy += 2) {
        for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx += 2) {
          s += p[yy * w + xx]!;
          n++;
        }
      }
      out[y * w + x] = p[y * w + x]! - s / n;
    }
  }
  return out;
}

/** Lag (pixels, interpolated) where the normalised autocorrelation along x or y first drops below 0.5. */
function halfWidth(res: Float32Array, w: number, h: number, axis: 'x' | 'y'): number {
  let var0 = 0;
  for (const v of res) var0 += v * v;
  if (var0 <= 0) return 0;
  let prev = 1;
  for (let lag = 1; lag < 40; lag++) {
    let s = 0;
    if (axis === 'x') for (let y = 0; y < h; y++) for (let x = 0; x + lag < w; x++) s += res[y * w + x]! * res[y * w + x + lag]!;
    else for (let y = 0; y + lag < h; y++) for (let x = 0; x < w; x++) s += res[y * w + x]! * res[(y + lag) * w + x]!;
    const n = axis === 'x' ? h * (w - lag) : w * (h - lag);
    const c = s / n / (var0 / (w * h));
    if (c < 0.5) return lag - 1 + (prev - 0.5) / (prev - c);
    prev = c;
  }
  return 40;
}

const FEATURES = ['mean', 'sd', 'blockSnr', 'grainAxial', 'grainLateral', 'histDist', 'dark', 'bright', 'skew'] as const;
type Features = Record<(typeof FEATURES)[number], number>;

function features(pt: Patch, pooled: Float64Array): Features {
  const { pixels: p, width: w, height: h } = pt;
  let m = 0;
  for (const v of p) m += v;
  m /= p.length;
  let v2 = 0;
  let v3 = 0;
  let dark = 0;
  let bright = 0;
  for (const v of p) {
    v2 += (v - m) ** 2;
    v3 += (v - m) ** 3;
    if (v < 10) dark++;
    if (v > 200) bright++;
  }
  const sd = Math.sqrt(v2 / p.length);
  const snrs: number[] = [];
  for (let by = 0; by + 16 <= h; by += 16) {
    for (let bx = 0; bx + 16 <= w; bx += 16) {
      let s = 0;
      let s2 = 0;
      for (let y = by; y < by + 16; y++)
        for (let x = bx; x < bx + 16; x++) {
          const q = p[y * w + x]!;
          s += q;
          s2 += q * q;
        }
      const bm = s / 256;
      const bsd = Math.sqrt(Math.max(0, s2 / 256 - bm * bm));
      if (bm >= 15 && bsd > 0) snrs.push(bm / bsd);
    }
  }
  snrs.sort((a, b) => a - b);
  const res = localMeanResidual(p, w, h, 7);
  return {
    mean: m,
    sd,
    blockSnr: snrs.length ? snrs[snrs.length >> 1]! : 0,
    grainAxial: halfWidth(res, w, h, 'y'),
    grainLateral: halfWidth(res, w, h, 'x'),
    histDist: wasserstein(histogram(p), pooled),
    dark: dark / p.length,
    bright: bright / p.length,
    skew: sd > 0 ? v3 / p.length / sd ** 3 : 0,
  };
}

function pooledHist(patches: Patch[], exclude?: string): Float64Array {
  const h = new Float64Array(BINS);
  let n = 0;
  for (const pt of patches) {
    if (pt.set !== 'real' || pt.group === exclude) continue;
    const hh = histogram(pt.pixels);
    for (let i = 0; i < BINS; i++) h[i]! += hh[i]!;
    n++;
  }
  for (let i = 0; i < BINS; i++) h[i]! /= Math.max(1, n);
  return h;
}

/** Logistic regression (L2, full-batch gradient descent) -> weights incl. bias. */
function fitLogistic(x: number[][], y: number[], wts: number[]): number[] {
  const d = x[0]!.length;
  const beta = new Array(d + 1).fill(0);
  const lr = 0.5;
  const lambda = 1e-2;
  let wsum = 0;
  for (const v of wts) wsum += v;
  for (let it = 0; it < 600; it++) {
    const g = new Array(d + 1).fill(0);
    for (let i = 0; i < x.length; i++) {
      let z = beta[d];
      for (let j = 0; j < d; j++) z += beta[j] * x[i]![j]!;
      const e = (1 / (1 + Math.exp(-z)) - y[i]!) * wts[i]!;
      for (let j = 0; j < d; j++) g[j] += e * x[i]![j]!;
      g[d] += e;
    }
    for (let j = 0; j <= d; j++) beta[j] -= lr * (g[j] / wsum + (j < d ? lambda * beta[j] : 0));
  }
  return beta;
}

/** Leave-one-group-out balanced accuracy of telling `phantom` frames from real ones. */
function classifierAccuracy(rows: Array<{ group: string; y: number; f: number[] }>): number {
  const groups = [...new Set(rows.map((r) => r.group))];
  const correct = [0, 0];
  const total = [0, 0];
  for (const g of groups) {
    const train = rows.filter((r) => r.group !== g);
    const test = rows.filter((r) => r.group === g);
    const d = train[0]!.f.length;
    const mu = new Array(d).fill(0);
    const sd = new Array(d).fill(0);
    for (const r of train) for (let j = 0; j < d; j++) mu[j] += r.f[j]! / train.length;
    for (const r of train) for (let j = 0; j < d; j++) sd[j] += (r.f[j]! - mu[j]) ** 2 / train.length;
    for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]) || 1;
    const z = (f: number[]): number[] => f.map((v, j) => (v - mu[j]) / sd[j]);
    const n1 = train.filter((r) => r.y === 1).length;
    const n0 = train.length - n1;
    const beta = fitLogistic(
      train.map((r) => z(r.f)),
      train.map((r) => r.y),
      train.map((r) => (r.y === 1 ? 0.5 / n1 : 0.5 / n0)),
    );
    for (const r of test) {
      const zz = z(r.f);
      let s = beta[d];
      for (let j = 0; j < d; j++) s += beta[j] * zz[j]!;
      const pred = s > 0 ? 1 : 0;
      total[r.y]!++;
      if (pred === r.y) correct[r.y]!++;
    }
  }
  return 0.5 * (correct[0]! / total[0]! + correct[1]! / total[1]!);
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}
function quartiles(v: number[]): [number, number] {
  const s = [...v].sort((a, b) => a - b);
  return [s[Math.floor(s.length * 0.25)]!, s[Math.floor(s.length * 0.75)]!];
}

/** A strip of patches (one row per set) for docs. */
async function writeStrip(file: string, rows: Patch[][], tile: number): Promise<void> {
  const { PNG } = await import('pngjs');
  const cols = Math.max(...rows.map((r) => r.length));
  const png = new PNG({ width: cols * (tile + 4), height: rows.length * (tile + 4) });
  png.data.fill(255);
  rows.forEach((row, ri) =>
    row.forEach((pt, ci) => {
      const s = Math.max(pt.width, pt.height) / tile;
      for (let y = 0; y < tile; y++) {
        for (let x = 0; x < tile; x++) {
          const sx = Math.floor(x * s);
          const sy = Math.floor(y * s);
          const v = sx < pt.width && sy < pt.height ? pt.pixels[sy * pt.width + sx]! : 255;
          const o = ((ri * (tile + 4) + y) * png.width + ci * (tile + 4) + x) * 4;
          png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
          png.data[o + 3] = 255;
        }
      }
    }),
  );
  writeFileSync(file, PNG.sync.write(png));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string, def: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] ? args[i + 1]! : def;
  };
  const exams = Number(opt('exams', '20'));
  const framesPer = Number(opt('frames', '8'));
  const seed = Number(opt('seed', '800000'));
  const real = await realPatches(framesPer);
  const sets: Record<string, Patch[]> = {
    real,
    classic: phantomPatches('classic', exams, framesPer, seed),
    scanner: phantomPatches('scanner', exams, framesPer, seed),
  };
  const feats: Record<string, Array<{ group: string; f: Features }>> = {};
  for (const [name, patches] of Object.entries(sets)) {
    feats[name] = patches.map((pt) => ({ group: pt.group, f: features(pt, pooledHist(real, pt.set === 'real' ? pt.group : undefined)) }));
  }
  const realGroups = new Set(real.map((p) => p.group)).size;
  console.log(`real: ${real.length} frames from ${realGroups} clips (test/fixtures); phantom: ${exams} exams x ${framesPer} frames per look (seed ${seed})\n`);
  console.log(`| feature (median [IQR]) | real | classic phantom | scanner phantom |`);
  console.log(`| --- | --- | --- | --- |`);
  const summary: Record<string, Record<string, { median: number; iqr: [number, number] }>> = {};
  for (const k of FEATURES) {
    const cells = ['real', 'classic', 'scanner'].map((s) => {
      const v = feats[s]!.map((r) => r.f[k]);
      const [q1, q3] = quartiles(v);
      (summary[s] ??= {})[k] = { median: median(v), iqr: [q1, q3] };
      const fmt = (x: number): string => (Math.abs(x) < 1 ? x.toFixed(3) : x.toFixed(1));
      return `${fmt(median(v))} [${fmt(q1)}-${fmt(q3)}]`;
    });
    console.log(`| ${k} | ${cells.join(' | ')} |`);
  }
  const accuracy: Record<string, number> = {};
  for (const look of ['classic', 'scanner']) {
    const rows = [
      ...feats.real!.map((r) => ({ group: `real-${r.group}`, y: 0, f: FEATURES.map((k) => r.f[k]) })),
      ...feats[look]!.map((r) => ({ group: r.group, y: 1, f: FEATURES.map((k) => r.f[k]) })),
    ];
    accuracy[look] = classifierAccuracy(rows);
  }
  console.log(`\nphantom-vs-real classifier (logistic regression, leave-one-clip/exam-out, balanced accuracy; 0.5 = chance):`);
  console.log(`  classic: ${accuracy.classic!.toFixed(3)}   scanner: ${accuracy.scanner!.toFixed(3)}`);
  const json = opt('json', '');
  if (json) writeFileSync(json, JSON.stringify({ exams, framesPer, seed, realFrames: real.length, realClips: realGroups, summary, accuracy }, null, 2));
  const png = opt('png', '');
  if (png) {
    const every = <T>(a: T[], n: number): T[] => pick(a.length, n).map((i) => a[i]!);
    const realByGroup = [...new Map(real.map((p) => [p.group, p])).values()];
    await writeStrip(png, [every(realByGroup, 8), every(sets.classic!, 8), every(sets.scanner!, 8)], 128);
  }
}

main().catch((err: unknown) => {
  console.error(`[phantom-realism] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
