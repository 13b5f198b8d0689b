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

export interface ScenePose {
  field: SpeckleField;
  /** Reference x of screen column 0 (margin + drift). */
  u0: number;
  /** Global axial compression: screen y maps to reference y * sy (>= 1). */
  sy: number;
  vessels: VesselPose[];
}

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
  /** Depth gain curve in dB (per screen row) and lateral gain (per column). */
  readonly rowDb: Float32Array;
  readonly colDb: Float32Array;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.mapU = new Float32Array(width * height);
    this.mapV = new Float32Array(width * height);
    this.acc = new Float32Array(width * height);
    this.rowDb = new Float32Array(height);
    this.colDb = new Float32Array(width);
  }

  private buildMap(pose: ScenePose): void {
    const { width: w, height: h, mapU, mapV } = this;
    for (let y = 0; y < h; y++) {
      const v = y * pose.sy;
      const off = y * w;
      for (let x = 0; x < w; x++) {
        mapU[off + x] = pose.u0 + x;
        mapV[off + x] = v;
      }
    }
    for (const vs of pose.vessels) this.addVessel(vs, pose);
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
          u = u < 0 ? 0 : u > maxU ? maxU : u;
          v = v < 0 ? 0 : v > maxV ? maxV : v;
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
          out[outOff + x] = g < 0 ? 0 : g > 255 ? 255 : g;
        }
      }
    }
  }
}
