/**
 * The tissue of a groin scan as the `scanner` imaging mode shows it: the classic
 * echogenicity map (layers, vessels, node, bone) with softer vessel walls, then
 * slow-flow echoes in venous lumens, a clot of a given age, fibrillar muscle, fat
 * septa, the femoral nerve beside the artery, an inguinal lymph node at the
 * junction, and refraction shadows under vessel edges.
 *
 * Geometry (vessel centres and sizes) is the scene's: only echogenicity changes,
 * so every label and the per-frame truth stay those of the classic phantom.
 */
import type { Scene, Subject, Vessel } from './anatomy.js';
import { createRng, type Rng } from './prng.js';
import type { ScannerSettings, ThrombusAge } from './scanner.js';
import { buildEchoMap, paintEllipse } from './speckle-field.js';

function paintNode(echo: Float32Array, w: number, h: number, cx: number, cy: number, a: number, b: number, angle: number, capsulePx: number): void {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const r = Math.ceil(a + capsulePx + 2);
  for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(h, cy + r); y++) {
    for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(w, cx + r); x++) {
      const dx = x - cx;
      const dy = y - cy;
      const u = dx * cos + dy * sin;
      const v = -dx * sin + dy * cos;
      const q = (u / a) ** 2 + (v / b) ** 2;
      const qo = (u / (a + capsulePx)) ** 2 + (v / (b + capsulePx)) ** 2;
      const qh = ((u - a * 0.15) / (a * 0.5)) ** 2 + (v / (b * 0.35)) ** 2;
      if (qh <= 1) echo[y * w + x] = 0.9;
      else if (q <= 1) echo[y * w + x] = 0.08;
      else if (qo <= 1) echo[y * w + x] = 0.9;
    }
  }
}

/** A short straight bright (or dark) streak: muscle fibre bundles, fat septa. */
function streak(
  echo: Float32Array,
  w: number,
  h: number,
  x0: number,
  y0: number,
  len: number,
  angle: number,
  thick: number,
  factor: number,
  yMin: number,
  yMax: number,
): void {
  const dx = Math.cos(angle);
  const dy = Math.sin(angle);
  const steps = Math.ceil(len);
  for (let s = 0; s < steps; s++) {
    const x = Math.round(x0 + dx * s);
    if (x < 0 || x >= w) continue;
    // Taper at both ends so a streak fades in and out.
    const taper = Math.sin((Math.PI * (s + 0.5)) / steps);
    const f = 1 + (factor - 1) * taper;
    for (let t = 0; t < thick; t++) {
      const y = Math.round(y0 + dy * s + t);
      if (y < yMin || y >= yMax || y >= h) continue;
      echo[y * w + x]! *= f;
    }
  }
}

function clot(echo: Float32Array, w: number, h: number, v: Vessel, age: ThrombusAge, rng: Rng, px: number): void {
  const mm = (d: number): number => d / px;
  const level = age === 'acute' ? rng.range(0.05, 0.1) : age === 'subacute' ? rng.range(0.14, 0.3) : rng.range(0.35, 0.75);
  const hetero = age === 'acute' ? 0.15 : age === 'subacute' ? 0.45 : 0.6;
  const k1 = rng.range(0.2, 0.5) * px * 4;
  const k2 = rng.range(0.3, 0.7) * px * 4;
  const p1 = rng.range(0, 6.28);
  // An acute clot fills the lumen; older ones retract from part of the wall.
  const fill = age === 'acute' ? 1 : rng.range(0.8, 0.95);
  paintEllipse(
    echo,
    w,
    h,
    v.cx,
    v.cy + v.b * (1 - fill) * 0.6,
    v.a * fill,
    v.b * fill,
    (x, y) => level * Math.max(0.2, 1 + hetero * Math.sin(x * k1 + p1) * Math.sin(y * k2)),
  );
  if (age === 'chronic') {
    // Recanalised channels: small anechoic lumens inside the organised clot.
    const n = rng.int(1, 3);
    for (let i = 0; i < n; i++) {
      const ca = mm(rng.range(0.6, 1.6));
      paintEllipse(echo, w, h, v.cx + rng.range(-0.5, 0.5) * v.a, v.cy + rng.range(-0.4, 0.4) * v.b, ca, ca * rng.range(0.6, 1), 0.03);
    }
    // A thickened, bright wall.
    const wall = Math.max(1, mm(rng.range(0.4, 0.9)));
    for (let y = Math.max(0, Math.floor(v.cy - v.b - wall)); y <= Math.min(h - 1, Math.ceil(v.cy + v.b + wall)); y++) {
      for (let x = Math.max(0, Math.floor(v.cx - v.a - wall)); x <= Math.min(w - 1, Math.ceil(v.cx + v.a + wall)); x++) {
        const q = ((x - v.cx) / v.a) ** 2 + ((y - v.cy) / v.b) ** 2;
        const qo = ((x - v.cx) / (v.a + wall)) ** 2 + ((y - v.cy) / (v.b + wall)) ** 2;
        if (q > 1 && qo <= 1) echo[y * w + x] = 1.6;
      }
    }
  }
}

/**
 * Echogenicity of a scene for the scanner look. `thrombusAge` is the age of the
 * main vein's clot when the scene has one.
 */
export function buildScannerEchoMap(
  scene: Scene,
  subject: Subject,
  settings: ScannerSettings,
  thrombusAge: ThrombusAge | undefined,
  w: number,
  h: number,
): Float32Array {
  const px = subject.mmPerPx;
  const mm = (d: number): number => d / px;
  const soft: Scene = {
    ...scene,
    thrombus: false,
    vessels: scene.vessels.map((v) => ({ ...v, wallEcho: v.kind === 'vein' ? settings.veinWallEcho : settings.arteryWallEcho })),
  };
  const echo = buildEchoMap(soft, subject, w, h);
  const rng = createRng(scene.seed ^ 0x2545f491);
  const fascia = scene.fatPx + mm(1);

  // Tissue heterogeneity: a coarse grid of log-normal echo factors (cells of 2-6 mm),
  // bilinearly interpolated, so tissue is not one uniform speckle.
  {
    const cell = mm(rng.range(2, 6));
    const gw = Math.ceil(w / cell) + 2;
    const gh = Math.ceil(h / cell) + 2;
    const grid = Float32Array.from({ length: gw * gh }, () => Math.exp(settings.heterogeneity * rng.normal()));
    for (let y = 0; y < h; y++) {
      const gy = y / cell;
      const iy = Math.floor(gy);
      const fy = gy - iy;
      for (let x = 0; x < w; x++) {
        const gx = x / cell;
        const ix = Math.floor(gx);
        const fx = gx - ix;
        const k = iy * gw + ix;
        const a = grid[k]! + (grid[k + 1]! - grid[k]!) * fx;
        const b = grid[k + gw]! + (grid[k + gw + 1]! - grid[k + gw]!) * fx;
        echo[y * w + x]! *= a + (b - a) * fy;
      }
    }
  }

  // Fat: thicker septa running roughly parallel to the skin.
  const septa = rng.int(4, 10);
  for (let i = 0; i < septa; i++) {
    const y0 = rng.range(mm(1.5), Math.max(mm(2), scene.fatPx - mm(1)));
    streak(
      echo,
      w,
      h,
      rng.range(-0.2, 0.9) * w,
      y0,
      rng.range(0.15, 0.6) * w,
      rng.range(-0.15, 0.15),
      Math.max(1, mm(rng.range(0.15, 0.35))),
      rng.range(2, 4),
      mm(1.2),
      fascia,
    );
  }
  // Fat lobules: a few darker blobs between septa.
  for (let i = 0; i < rng.int(3, 8); i++) {
    const a = mm(rng.range(2, 5));
    paintEllipse(echo, w, h, rng.range(0, w), rng.range(mm(2), scene.fatPx), a, a * rng.range(0.3, 0.6), (x, y) => echo[y * w + x]! * 0.7);
  }
  // Muscle: fibrillar texture, short bright and dark bundles at a common angle.
  const muscleAngle = rng.range(-0.25, 0.25);
  const areaMm2 = w * (h - scene.fatPx) * px * px;
  const bundles = Math.min(4000, Math.round(areaMm2 / rng.range(3, 8)));
  for (let i = 0; i < bundles; i++) {
    const bright = rng.chance(0.7);
    streak(
      echo,
      w,
      h,
      rng.range(-mm(3), w),
      rng.range(fascia, h),
      mm(rng.range(1, 5)),
      muscleAngle + rng.range(-0.15, 0.15),
      Math.max(1, mm(rng.range(0.08, 0.25))),
      bright ? rng.range(1.5, 2.6) : rng.range(0.4, 0.7),
      fascia,
      h,
    );
  }

  const main = scene.vessels.find((v) => v.main);
  // Slow-flow echoes in venous lumens ("smoke"), a little stronger in the dependent part.
  const flowK = rng.range(0.15, 0.4) * px * 4;
  for (const v of scene.vessels) {
    if (v.kind !== 'vein') continue;
    paintEllipse(
      echo,
      w,
      h,
      v.cx,
      v.cy,
      v.a,
      v.b,
      (x, y) => settings.slowFlowEcho * (0.7 + 0.5 * Math.abs(Math.sin(x * flowK) * Math.sin(y * flowK * 1.3))) * (1 + (0.3 * (y - v.cy)) / v.b),
    );
  }
  if (scene.thrombus && main && thrombusAge) clot(echo, w, h, main, thrombusAge, rng, px);

  // The femoral nerve: lateral to the common femoral artery, a flat echogenic oval
  // with dark fascicles (honeycomb).
  const arteries = scene.vessels.filter((v) => v.kind === 'artery');
  if ((scene.kind === 'LM1' || scene.kind === 'LM2') && main && arteries.length > 0) {
    const art = arteries[0]!;
    const side = art.cx >= main.cx ? 1 : -1;
    const na = mm(rng.range(3, 5));
    const nb = mm(rng.range(1.3, 2.4));
    const ncx = art.cx + side * (art.a + mm(rng.range(2, 5)) + na);
    const ncy = art.cy - mm(rng.range(-1, 2));
    if (ncx + na < w && ncx - na > 0) {
      paintEllipse(echo, w, h, ncx, ncy, na, nb, rng.range(1.0, 1.5));
      const fascicles = rng.int(5, 10);
      for (let i = 0; i < fascicles; i++) {
        const r = mm(rng.range(0.3, 0.6));
        const t = rng.range(0, 6.28);
        const d = rng.range(0, 0.7);
        paintEllipse(echo, w, h, ncx + Math.cos(t) * d * na, ncy + Math.sin(t) * d * nb, r, r * 0.8, 0.25);
      }
    }
  }
  // An inguinal lymph node beside the junction: the classic look-alike of a vein.
  if (scene.kind === 'LM1' && settings.lm1Node && main) {
    const side = arteries[0] && arteries[0].cx >= main.cx ? -1 : 1;
    const a = mm(rng.range(4, 8));
    const b = mm(rng.range(2, 3.5));
    const cx = main.cx + side * (main.a + a + mm(rng.range(2, 6)));
    const cy = Math.max(b + mm(2), Math.min(scene.fatPx - b * 0.3, main.cy - main.b - b));
    if (cx - a > 0 && cx + a < w) paintNode(echo, w, h, cx, cy, a, b, rng.range(-0.3, 0.3), Math.max(1, mm(0.3)));
  }
  // Refraction (edge) shadows under the lateral edges of round vessels.
  for (const v of scene.vessels) {
    if (!rng.chance(0.6)) continue;
    const bottom = Math.ceil(v.cy + v.b);
    const band = Math.max(1, mm(rng.range(0.3, 0.8)));
    const depth = mm(rng.range(8, 20));
    const strength = rng.range(0.35, 0.65);
    for (const sx of [-1, 1]) {
      const xc = v.cx + sx * v.a * rng.range(0.9, 1.02);
      for (let x = Math.max(0, Math.floor(xc - band)); x <= Math.min(w - 1, Math.ceil(xc + band)); x++) {
        const lat = 1 - Math.abs(x - xc) / band;
        if (lat <= 0) continue;
        for (let y = bottom; y < Math.min(h, bottom + depth); y++) {
          echo[y * w + x]! *= 1 - strength * lat * (1 - (y - bottom) / depth);
        }
      }
    }
  }
  return echo;
}
