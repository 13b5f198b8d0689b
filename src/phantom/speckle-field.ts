/**
 * The reference B-mode of one scene: an echogenicity map (layers, vessels, node,
 * bone) times a field of random complex scatterers, blurred by an anisotropic
 * Gaussian point-spread function (wider laterally than axially), whose magnitude is
 * a Rayleigh-distributed speckle envelope, stored log-compressed (dB).
 *
 * Built once per scene; frames warp it with a displacement field, so speckle moves
 * with the tissue instead of being redrawn.
 */
import type { Scene, Subject, Vessel } from './anatomy.js';
import { createRng } from './prng.js';

export interface SpeckleField {
  width: number;
  height: number;
  /** 10*log10 of the envelope power, normalised so echo amplitude 1 has mean power 0 dB. */
  db: Float32Array;
}

export function gaussianKernel(sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(sigma * 2.5));
  const k = new Float32Array(radius * 2 + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp(-(i * i) / (2 * sigma * sigma));
    k[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  return k;
}

/** Separable blur, rows then columns, edges clamped; `tmp` is scratch of the same size. */
function blurSeparable(src: Float32Array, tmp: Float32Array, w: number, h: number, kx: Float32Array, ky: Float32Array): void {
  const rx = (kx.length - 1) >> 1;
  for (let y = 0; y < h; y++) {
    const off = y * w;
    for (let x = 0; x < w; x++) {
      let s = 0;
      if (x >= rx && x < w - rx) {
        const base = off + x - rx;
        for (let k = 0; k < kx.length; k++) s += src[base + k]! * kx[k]!;
      } else {
        for (let k = -rx; k <= rx; k++) {
          let xx = x + k;
          xx = xx < 0 ? 0 : xx >= w ? w - 1 : xx;
          s += src[off + xx]! * kx[k + rx]!;
        }
      }
      tmp[off + x] = s;
    }
  }
  const ry = (ky.length - 1) >> 1;
  src.fill(0);
  for (let y = 0; y < h; y++) {
    const off = y * w;
    for (let k = -ry; k <= ry; k++) {
      let yy = y + k;
      yy = yy < 0 ? 0 : yy >= h ? h - 1 : yy;
      const wk = ky[k + ry]!;
      const o2 = yy * w;
      for (let x = 0; x < w; x++) src[off + x]! += tmp[o2 + x]! * wk;
    }
  }
}

export function paintEllipse(
  echo: Float32Array,
  w: number,
  h: number,
  cx: number,
  cy: number,
  a: number,
  b: number,
  value: number | ((x: number, y: number) => number),
): void {
  const x0 = Math.max(0, Math.floor(cx - a));
  const x1 = Math.min(w - 1, Math.ceil(cx + a));
  const y0 = Math.max(0, Math.floor(cy - b));
  const y1 = Math.min(h - 1, Math.ceil(cy + b));
  for (let y = y0; y <= y1; y++) {
    const ny = (y - cy) / b;
    for (let x = x0; x <= x1; x++) {
      const nx = (x - cx) / a;
      if (nx * nx + ny * ny <= 1) echo[y * w + x] = typeof value === 'number' ? value : value(x, y);
    }
  }
}

/** Echogenicity (scatterer amplitude) of a scene in reference pixels. */
export function buildEchoMap(scene: Scene, subject: Subject, w: number, h: number): Float32Array {
  const rng = createRng(scene.seed);
  const px = subject.mmPerPx;
  const mm = (v: number): number => v / px;
  const echo = new Float32Array(w * h);

  // Smooth tissue inhomogeneity: a few separable low-frequency modulations.
  const modX = new Float32Array(w);
  const modY = new Float32Array(h);
  const fx = [rng.range(0.1, 0.3), rng.range(0.3, 0.8)];
  const fy = [rng.range(0.1, 0.3), rng.range(0.3, 0.8)];
  const ph = [rng.range(0, 6.28), rng.range(0, 6.28), rng.range(0, 6.28), rng.range(0, 6.28)];
  for (let x = 0; x < w; x++) modX[x] = Math.sin(x * px * fx[0]! * 0.6 + ph[0]!) + 0.5 * Math.sin(x * px * fx[1]! + ph[1]!);
  for (let y = 0; y < h; y++) modY[y] = Math.sin(y * px * fy[0]! * 0.6 + ph[2]!) + 0.5 * Math.sin(y * px * fy[1]! + ph[3]!);

  const skin = mm(rng.range(1.0, 1.6));
  const fatAmp = mm(rng.range(0.5, 2.5));
  const fatK = rng.range(0.02, 0.08) * px;
  const fatPh = rng.range(0, 6.28);
  const fascia = mm(rng.range(0.4, 0.7));
  // Septa in the fat and perimysium lines in the muscle: thin bright curves.
  const septa = Array.from({ length: rng.int(3, 7) }, () => ({
    y: rng.range(skin + 2, scene.fatPx - 2),
    amp: mm(rng.range(0.3, 2)),
    k: rng.range(0.05, 0.25) * px,
    ph: rng.range(0, 6.28),
    echo: rng.range(0.7, 1.4),
    x0: rng.range(0, w * 0.6),
    len: rng.range(w * 0.2, w * 0.9),
  }));
  const muscleLines = Array.from({ length: rng.int(6, 14) }, () => ({
    y: rng.range(scene.fatPx + 4, h),
    slope: rng.range(-0.25, 0.25),
    amp: mm(rng.range(0.2, 1.5)),
    k: rng.range(0.03, 0.15) * px,
    ph: rng.range(0, 6.28),
    echo: rng.range(0.9, 1.6),
    thick: Math.max(1, mm(rng.range(0.15, 0.35))),
  }));
  const deepFascia = rng.chance(0.6) ? { y: rng.range(scene.fatPx + mm(12), h * 0.95), amp: mm(rng.range(1, 4)), k: rng.range(0.02, 0.06) * px } : undefined;

  for (let x = 0; x < w; x++) {
    const fatY = scene.fatPx + fatAmp * Math.sin(x * fatK + fatPh);
    const deepY = deepFascia ? deepFascia.y + deepFascia.amp * Math.sin(x * deepFascia.k) : -1;
    for (let y = 0; y < h; y++) {
      let e: number;
      if (y < skin) e = 1.6;
      else if (y < fatY) e = subject.fatEcho;
      else if (y < fatY + fascia) e = 2.2;
      else e = subject.muscleEcho;
      if (deepFascia && y >= deepY && y < deepY + fascia) e = 1.8;
      echo[y * w + x] = e * (1 + 0.18 * modX[x]! * modY[y]! + 0.08 * modY[y]!);
    }
    for (const s of septa) {
      if (x < s.x0 || x > s.x0 + s.len) continue;
      const yy = Math.round(s.y + s.amp * Math.sin(x * s.k + s.ph));
      if (yy > skin && yy < fatY && yy < h) echo[yy * w + x] = s.echo;
    }
    for (const m of muscleLines) {
      const yc = m.y + m.slope * (x - w / 2) + m.amp * Math.sin(x * m.k + m.ph);
      for (let t = 0; t < m.thick; t++) {
        const yy = Math.round(yc + t);
        if (yy > fatY + fascia && yy < h) echo[yy * w + x]! *= m.echo * 1.6;
      }
    }
  }

  if (scene.node) {
    const n = scene.node;
    const cos = Math.cos(n.angle);
    const sin = Math.sin(n.angle);
    const capsule = Math.max(1, mm(0.4));
    const r = Math.ceil(n.a + capsule + 2);
    for (let y = Math.max(0, Math.floor(n.cy - r)); y < Math.min(h, n.cy + r); y++) {
      for (let x = Math.max(0, Math.floor(n.cx - r)); x < Math.min(w, n.cx + r); x++) {
        const dx = x - n.cx;
        const dy = y - n.cy;
        const u = dx * cos + dy * sin;
        const v = -dx * sin + dy * cos;
        const q = (u / n.a) ** 2 + (v / n.b) ** 2;
        const qo = (u / (n.a + capsule)) ** 2 + (v / (n.b + capsule)) ** 2;
        const qh = ((u - n.a * 0.1) / (n.a * 0.55)) ** 2 + (v / (n.b * 0.4)) ** 2;
        if (qh <= 1) echo[y * w + x] = 1.1;
        else if (q <= 1) echo[y * w + x] = 0.1;
        else if (qo <= 1) echo[y * w + x] = 1.3;
      }
    }
  }

  const paintVessels = (vs: Vessel[]): void => {
    for (const v of vs) paintEllipse(echo, w, h, v.cx, v.cy, v.a + mm(1.6), v.b + mm(1.6), (x, y) => echo[y * w + x]! * 0.5 + 0.45);
    for (const v of vs) paintEllipse(echo, w, h, v.cx, v.cy, v.a + v.wall, v.b + v.wall, v.wallEcho);
    for (const v of vs) paintEllipse(echo, w, h, v.cx, v.cy, v.a, v.b, v.kind === 'artery' ? 0.012 : 0.02);
  };
  paintVessels(scene.vessels.filter((v) => v.kind === 'artery'));
  paintVessels(scene.vessels.filter((v) => v.kind === 'vein'));
  if (scene.thrombus) {
    const main = scene.vessels.find((v) => v.main);
    if (main) {
      const k1 = rng.range(0.15, 0.35);
      const k2 = rng.range(0.3, 0.6);
      const clotEcho = rng.range(0.22, 0.4);
      paintEllipse(
        echo,
        w,
        h,
        main.cx,
        main.cy + main.b * 0.12,
        main.a * 0.92,
        main.b * 0.86,
        (x, y) => clotEcho * (1 + 0.35 * Math.sin(x * k1) * Math.sin(y * k2)),
      );
    }
  }
  // Posterior acoustic enhancement below fluid-filled vessels.
  for (const v of scene.vessels) {
    const bottom = Math.ceil(v.cy + v.b + v.wall);
    const decay = mm(rng.range(6, 12));
    const gain = v.kind === 'vein' && scene.thrombus && v.main ? 0.15 : rng.range(0.35, 0.6);
    for (let x = Math.max(0, Math.floor(v.cx - v.a)); x <= Math.min(w - 1, Math.ceil(v.cx + v.a)); x++) {
      const nx = (x - v.cx) / v.a;
      const lateral = Math.max(0, 1 - nx * nx);
      for (let y = bottom; y < h; y++) echo[y * w + x]! *= 1 + gain * lateral * Math.exp(-(y - bottom) / decay);
    }
  }
  if (scene.boneY !== undefined) {
    const amp = mm(rng.range(1, 4));
    const k = rng.range(0.01, 0.04) * px;
    const thick = Math.max(2, mm(0.9));
    for (let x = 0; x < w; x++) {
      const yb = Math.round(scene.boneY + amp * Math.sin(x * k));
      for (let y = Math.max(0, yb); y < h; y++) echo[y * w + x] = y < yb + thick ? 6 : 0.015;
    }
  }
  return echo;
}

/** Scatterers x echogenicity, PSF blur, envelope power in dB. */
export function buildSpeckleField(scene: Scene, subject: Subject, w: number, h: number): SpeckleField {
  const echo = buildEchoMap(scene, subject, w, h);
  const rng = createRng(scene.seed ^ 0x5bd1e995);
  const re = new Float32Array(w * h);
  const im = new Float32Array(w * h);
  // Uniform scatterers: the PSF sums many of them, so the blurred field is
  // complex Gaussian (central limit) and its magnitude Rayleigh.
  for (let i = 0; i < re.length; i++) {
    const e = echo[i]!;
    re[i] = (rng.next() * 2 - 1) * e;
    im[i] = (rng.next() * 2 - 1) * e;
  }
  const kx = gaussianKernel(subject.psfLateralMm / subject.mmPerPx);
  const ky = gaussianKernel(subject.psfAxialMm / subject.mmPerPx);
  const tmp = echo; // reuse as scratch
  blurSeparable(re, tmp, w, h, kx, ky);
  blurSeparable(im, tmp, w, h, kx, ky);
  let sx = 0;
  for (const v of kx) sx += v * v;
  let sy = 0;
  for (const v of ky) sy += v * v;
  const normDb = -10 * Math.log10((2 / 3) * sx * sy);
  const db = re;
  for (let i = 0; i < db.length; i++) {
    const p = re[i]! * re[i]! + im[i]! * im[i]!;
    db[i] = 10 * Math.log10(p + 1e-12) + normDb;
  }
  return { width: w, height: h, db };
}
