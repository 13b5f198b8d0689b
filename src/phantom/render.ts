/**
 * Per-frame B-mode formation: map every screen pixel to the reference tissue
 * (global compression under the probe, lateral drift and tremor, each vessel's
 * collapse or pulsation), sample the scene's log-envelope there, add the depth
 * gain curve (residual attenuation after TGC, near-field reverberation) and the
 * display mapping (gain, dynamic range) into 8-bit gray.
 *
 * All buffers are allocated once per renderer; a frame allocates nothing.
 */
import type { SpeckleField } from './speckle-field.js';

/** One vessel's deformation for this frame: reference semi-axes (a, b) -> current (a2, b2). */
export interface VesselPose {
  /** Reference centre. */
  cx: number;
  cy: number;
  a: number;
  b: number;
  a2: number;
  b2: number;
}

/** A compressible vein: its lumen chords shrink to `c` (0 = walls touch, 1 = at rest). */
export interface VeinPose {
  cx: number;
  cy: number;
  a: number;
  b: number;
  c: number;
}

export interface ScenePose {
  field: SpeckleField;
  /** Veins, collapsing column by column (overlapping lumens collapse as one). */
  veins: VeinPose[];
  /** Reference x of screen column 0 (margin + drift). */
  u0: number;
  /** Global axial compression: screen y maps to reference y * sy (>= 1). */
  sy: number;
  /** Arteries: exact ellipse scaling inside, smooth fade outside. */
  vessels: VesselPose[];
}

/** Lumen chords per column: more overlapping veins than this are not drawn collapsing. */
const MAX_CHORDS = 8;

function smoothDecay(t: number, L: number): number {
  if (t <= 0) return 1;
  if (t >= L) return 0;
  const d = 1 - t / L;
  return d * d * (3 - 2 * d);
}

export class BmodeRenderer {
  readonly width: number;
  readonly height: number;
  private readonly mapU: Float32Array;
  private readonly mapV: Float32Array;
  private readonly acc: Float32Array;
  private readonly deficit: Float32Array;
  private readonly rowScratch: Float32Array;
  /** The lumen chords of each column (at most MAX_CHORDS, sorted by top), kept for the smoothing pass. */
  private readonly colTop: Float32Array;
  private readonly colBot: Float32Array;
  private readonly colChords: Uint8Array;
  private readonly colBuf: Float32Array;
  private readonly vRow: Float32Array;
  private vEnd = 0;
  private total = 0;
  private veinX0 = 0;
  private veinX1 = -1;
  private readonly chordTop = new Float64Array(MAX_CHORDS);
  private readonly chordBot = new Float64Array(MAX_CHORDS);
  private readonly chordF = new Float64Array(MAX_CHORDS);
  private readonly segV0 = new Float64Array(32);
  private readonly segV1 = new Float64Array(32);
  private readonly segS = new Float64Array(32);
  /** Depth gain curve in dB (per screen row) and lateral gain (per column). */
  readonly rowDb: Float32Array;
  readonly colDb: Float32Array;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.mapU = new Float32Array(width * height);
    this.mapV = new Float32Array(width * height);
    this.acc = new Float32Array(width * height);
    this.deficit = new Float32Array(width);
    this.rowScratch = new Float32Array(width);
    this.colTop = new Float32Array(width * MAX_CHORDS);
    this.colBot = new Float32Array(width * MAX_CHORDS);
    this.colChords = new Uint8Array(width);
    this.colBuf = new Float32Array(height);
    this.vRow = new Float32Array(height);
    this.rowDb = new Float32Array(height);
    this.colDb = new Float32Array(width);
  }

  private buildMap(pose: ScenePose): void {
    const { width: w, height: h, mapU, mapV, vRow } = this;
    for (let y = 0; y < h; y++) vRow[y] = y * pose.sy;
    const veins = pose.veins.length > 0 && this.prepareVeins(pose);
    for (let y = 0; y < h; y++) {
      const v = vRow[y]!;
      const off = y * w;
      for (let x = 0; x < w; x++) {
        mapU[off + x] = pose.u0 + x;
        mapV[off + x] = v;
      }
    }
    if (veins) this.collapseVeins(pose);
    for (const vs of pose.vessels) this.addVessel(vs, pose);
  }

  /** Lumen chords of column x (screen), merged and sorted by top, into chordTop/Bot/F. */
  private chords(pose: ScenePose, x: number): number {
    const tops = this.chordTop;
    const bots = this.chordBot;
    const fs = this.chordF;
    const u = pose.u0 + x;
    let n = 0;
    for (const v of pose.veins) {
      const dx = (u - v.cx) / v.a;
      if (dx <= -1 || dx >= 1 || v.c >= 1) continue;
      const half = v.b * Math.sqrt(1 - dx * dx);
      const t = v.cy - half;
      const b = v.cy + half;
      const f = 1 - v.c;
      let merged = false;
      for (let k = 0; k < n; k++) {
        if (t <= bots[k]! && b >= tops[k]!) {
          tops[k] = Math.min(tops[k]!, t);
          bots[k] = Math.max(bots[k]!, b);
          fs[k] = Math.max(fs[k]!, f);
          merged = true;
          break;
        }
      }
      if (!merged && n < tops.length) {
        tops[n] = t;
        bots[n] = b;
        fs[n] = f;
        n++;
      }
    }
    for (let i = 1; i < n; i++) {
      for (let j = i; j > 0 && tops[j - 1]! > tops[j]!; j--) {
        const t = tops[j - 1]!;
        tops[j - 1] = tops[j]!;
        tops[j] = t;
        const b = bots[j - 1]!;
        bots[j - 1] = bots[j]!;
        bots[j] = b;
        const f = fs[j - 1]!;
        fs[j - 1] = fs[j]!;
        fs[j] = f;
      }
    }
    return n;
  }

  /** Walk rows and deficit segments together: g(v) = v - deficit(v) must equal y * sy. */
  private walk(ns: number, sy: number, out: Float32Array): void {
    const { segV0, segV1, segS } = this;
    let seg = 0;
    let g0 = segV0[0]!;
    for (let y = 0; y < this.height; y++) {
      const g = y * sy;
      while (seg < ns - 1 && g0 + (segV1[seg]! - segV0[seg]!) * (1 - segS[seg]!) <= g) {
        g0 += (segV1[seg]! - segV0[seg]!) * (1 - segS[seg]!);
        seg++;
      }
      const slope = 1 - segS[seg]!;
      out[y] = slope > 1e-6 ? segV0[seg]! + (g - g0) / slope : segV0[seg]!;
    }
  }

  /**
   * Chords and deficits of every column; the map of chord-free columns (all alike)
   * into vRow. Returns false when no vein is compressed.
   */
  private prepareVeins(pose: ScenePose): boolean {
    const { width: w, deficit } = this;
    let vEnd = 0;
    for (const v of pose.veins) vEnd = Math.max(vEnd, v.cy + v.b + 3);
    this.vEnd = vEnd;
    let total = 0;
    let x0 = w;
    let x1 = -1;
    for (let x = 0; x < w; x++) {
      const n = this.chords(pose, x);
      let d = 0;
      for (let k = 0; k < n; k++) d += (this.chordBot[k]! - this.chordTop[k]!) * this.chordF[k]!;
      deficit[x] = d;
      if (n > 0) {
        if (x < x0) x0 = x;
        x1 = x;
      }
      if (d > total) total = d;
    }
    this.total = total;
    this.veinX0 = x0;
    this.veinX1 = x1;
    if (total <= 0) return false;
    const e = total / vEnd;
    this.segV0[0] = 0;
    this.segV1[0] = vEnd;
    this.segS[0] = e;
    this.segV0[1] = vEnd;
    this.segV1[1] = Infinity;
    this.segS[1] = 0;
    this.walk(2, pose.sy, this.vRow);
    return true;
  }

  /**
   * Vein collapse as a 1D compression per column. In reference depth v the lumen
   * chords (the union of all veins, so a junction collapses as one) shrink by their
   * factor c; the probe's flat face pushes every column by the same total amount,
   * so in columns where the veins absorb less of it the tissue above the deepest
   * vein compresses uniformly by the rest. Below that, tissue moves up rigidly and
   * evenly across columns: no shear in deep tissue. The screen row of v is
   * (v - deficit(v)) / sy.
   */
  private collapseVeins(pose: ScenePose): void {
    const { width: w, height: h, mapV, deficit, segV0, segV1, segS, colTop, colBot, colChords, colBuf } = this;
    const veins = pose.veins;
    const sy = pose.sy;
    const vEnd = this.vEnd;
    const tops = this.chordTop;
    const bots = this.chordBot;
    const fs = this.chordF;
    const chords = (x: number): number => this.chords(pose, x);
    const total = this.total;
    const xa = this.veinX0;
    const xb = this.veinX1;
    for (let x = xa; x <= xb; x++) {
      const n = chords(x);
      colChords[x] = n;
      for (let k = 0; k < n; k++) {
        colTop[x * MAX_CHORDS + k] = tops[k]!;
        colBot[x * MAX_CHORDS + k] = bots[k]!;
      }
      let chordLen = 0;
      for (let k = 0; k < n; k++) chordLen += bots[k]! - tops[k]!;
      const e = (total - deficit[x]!) / Math.max(1, vEnd - chordLen);
      let ns = 0;
      const push = (v0: number, v1: number, sl: number): void => {
        if (v1 <= v0) return;
        segV0[ns] = v0;
        segV1[ns] = v1;
        segS[ns] = sl;
        ns++;
      };
      let cursor = 0;
      for (let k = 0; k < n; k++) {
        push(cursor, tops[k]!, e);
        push(Math.max(cursor, tops[k]!), bots[k]!, fs[k]!);
        cursor = Math.max(cursor, bots[k]!);
      }
      push(cursor, vEnd, e);
      push(Math.max(cursor, vEnd), Infinity, 0);
      this.walk(ns, sy, colBuf);
      for (let y = 0; y < h; y++) mapV[y * w + x] = colBuf[y]!;
    }
    // Columns move independently above; smooth the displacement across columns
    // (an average of monotone maps stays monotone, so nothing folds) so tissue
    // beside a collapsing vein bends instead of shearing into streaks.
    // Only above the veins: inside the lumen band the chords stay exact, and below
    // it every column already moves by the same amount.
    let aMax = 0;
    let vTop = Infinity;
    let bMax = 0;
    for (const v of veins) {
      aMax = Math.max(aMax, v.a);
      bMax = Math.max(bMax, v.b);
      vTop = Math.min(vTop, v.cy - v.b);
    }
    const r = Math.max(1, Math.round(0.3 * aMax));
    const row = this.rowScratch;
    const orig = this.deficit;
    const inv = 1 / (2 * r + 1);
    // Columns outside [xs, xe] all share one map, so smoothing there changes nothing.
    const xs = Math.max(0, xa - 2 * r - 2);
    const xe = Math.min(w - 1, xb + 2 * r + 2);
    for (let x = xs; x <= xe; x++) if (x < xa || x > xb) colChords[x] = 0;
    for (let y = 0; y < h; y++) {
      const off = y * w;
      const base = y * sy;
      const fade = Math.min(1, (vTop - base) / (0.6 * bMax + 1));
      if (fade <= 0) break;
      for (let x = xs; x <= xe; x++) orig[x] = mapV[off + x]! - base;
      for (let x = xs; x <= xe; x++) row[x] = orig[x]!;
      for (let pass = 0; pass < 2; pass++) {
        let acc = 0;
        for (let k = -r; k <= r; k++) acc += row[xs + k < xs ? xs : Math.min(xs + k, xe)]!;
        for (let x = xs; x <= xe; x++) {
          mapV[off + x] = acc * inv;
          const xin = x + r + 1;
          const xout = x - r;
          acc += row[Math.min(xin, xe)]! - row[Math.max(xout, xs)]!;
        }
        for (let x = xs; x <= xe; x++) row[x] = mapV[off + x]!;
      }
      for (let x = xs; x <= xe; x++) {
        // Never pull tissue above or below a lumen into it: averaging columns that have
        // already crossed a collapsed chord with ones that have not lands inside it, and
        // would draw lumen (a dark wedge beside the dent) where the vein is closed.
        // The bounds rise with the unsmoothed depth o, so the map stays monotone.
        const o = base + orig[x]!;
        let v = o + (row[x]! - orig[x]!) * fade;
        const n = colChords[x]!;
        for (let k = 0; k < n; k++) {
          const top = colTop[x * MAX_CHORDS + k]!;
          const bot = colBot[x * MAX_CHORDS + k]!;
          if (o <= top) v = Math.min(v, Math.max(o, top - 1));
          else if (o >= bot) v = Math.max(v, Math.min(o, bot + 1));
        }
        mapV[off + x] = v;
      }
    }
  }

  /**
   * Inside the current ellipse (a2, b2) the mapping is exact: screen offset
   * (dx, dy) -> reference (dx * a / a2, dy * b / b2), so the rendered lumen is
   * exactly the current ellipse. Outside, the displacement fades smoothly (decay
   * lengths long enough that the map never folds).
   */
  private addVessel(vs: VesselPose, pose: ScenePose): void {
    const { width: w, height: h, mapU, mapV } = this;
    const sy = pose.sy;
    const cxS = vs.cx - pose.u0;
    const cyS = vs.cy / sy;
    const Lx = 0.8 * vs.a + 3;
    const Ly = 1.8 * vs.b + 3;
    const x0 = Math.max(0, Math.floor(cxS - vs.a2 - Lx));
    const x1 = Math.min(w - 1, Math.ceil(cxS + vs.a2 + Lx));
    const y0 = Math.max(0, Math.floor(cyS - vs.b2 - Ly));
    const y1 = Math.min(h - 1, Math.ceil(cyS + vs.b2 + Ly));
    const ratioB = vs.b2 > 0 ? vs.b / vs.b2 - sy : 0;
    for (let x = x0; x <= x1; x++) {
      const dx = x - cxS;
      const adx = Math.abs(dx);
      const sx = dx >= 0 ? 1 : -1;
      const du = adx <= vs.a2 ? dx * (vs.a / vs.a2 - 1) : sx * (vs.a - vs.a2) * smoothDecay(adx - vs.a2, Lx);
      let hRef = 0;
      let hCur = 0;
      if (adx < vs.a2) {
        const t = Math.sqrt(1 - (dx / vs.a2) * (dx / vs.a2));
        hRef = vs.b * t;
        hCur = vs.b2 * t;
      }
      const gap = hRef - hCur * sy;
      for (let y = y0; y <= y1; y++) {
        const dy = y - cyS;
        const ady = Math.abs(dy);
        const i = y * w + x;
        const wr = ady <= vs.b2 ? 1 : smoothDecay(ady - vs.b2, Ly);
        mapU[i]! += du * wr;
        if (hCur > 0 && ady <= hCur) mapV[i]! += dy * ratioB;
        else mapV[i]! += (dy >= 0 ? 1 : -1) * gap * smoothDecay(ady - hCur, Ly);
      }
    }
  }

  /**
   * The screen-to-reference map of one pose: the reference x (`u`) and y (`v`) that every
   * screen pixel samples, row-major. These are the renderer's own buffers, overwritten by the
   * next call or render.
   */
  mapPose(pose: ScenePose): { u: Float32Array; v: Float32Array } {
    this.buildMap(pose);
    return { u: this.mapU, v: this.mapV };
  }

  /**
   * Render one or two scene poses (weights summing to 1) into `out` (a gray8
   * image `outWidth` wide) at offset (ox, oy). `scale` and `offset` map dB to gray.
   */
  render(
    poses: ReadonlyArray<{ pose: ScenePose; weight: number }>,
    out: Uint8Array,
    outWidth: number,
    ox: number,
    oy: number,
    scale: number,
    offsetDb: number,
  ): void {
    const { width: w, height: h, mapU, mapV, acc, rowDb, colDb } = this;
    const single = poses.length === 1;
    for (let p = 0; p < poses.length; p++) {
      const { pose, weight } = poses[p]!;
      this.buildMap(pose);
      const fw = pose.field.width;
      const fh = pose.field.height;
      const db = pose.field.db;
      const maxU = fw - 1.001;
      const maxV = fh - 1.001;
      const last = p === poses.length - 1;
      for (let y = 0; y < h; y++) {
        const off = y * w;
        const outOff = (oy + y) * outWidth + ox;
        const rdb = rowDb[y]! + offsetDb;
        for (let x = 0; x < w; x++) {
          let u = mapU[off + x]!;
          let v = mapV[off + x]!;
          u = u < 0 ? 0 : Math.min(u, maxU);
          v = v < 0 ? 0 : Math.min(v, maxV);
          const iu = u | 0;
          const iv = v | 0;
          const fu = u - iu;
          const fv = v - iv;
          const k = iv * fw + iu;
          const top = db[k]! + (db[k + 1]! - db[k]!) * fu;
          const bot = db[k + fw]! + (db[k + fw + 1]! - db[k + fw]!) * fu;
          let s = top + (bot - top) * fv;
          if (!single) {
            s = p === 0 ? s * weight : acc[off + x]! + s * weight;
            if (!last) {
              acc[off + x] = s;
              continue;
            }
          }
          const g = (s + rdb + colDb[x]!) * scale;
          out[outOff + x] = g < 0 ? 0 : Math.min(g, 255);
        }
      }
    }
  }
}
