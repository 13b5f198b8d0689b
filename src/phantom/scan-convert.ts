/**
 * From the rendered beam-space image (columns = scan lines, rows = depth) to the
 * screen: a straight copy for a linear array, scan conversion into a fan for a
 * curved array; both add the frame's electronic noise (lowered by persistence).
 *
 * The lookup table is built once per exam; a frame allocates nothing.
 */
import type { Box } from '../core/events.js';

export interface FanGeometry {
  /** Radius of curvature and imaging depth in mm, field of view in radians. */
  radiusMm: number;
  depthMm: number;
  angleRad: number;
}

/** Fan size in mm (bounding box) for a curved array. */
export function fanExtentMm(g: FanGeometry): { width: number; height: number; top: number } {
  const half = g.angleRad / 2;
  const width = 2 * (g.radiusMm + g.depthMm) * Math.sin(half);
  const top = g.radiusMm * Math.cos(half) - g.radiusMm; // <= 0: the corners of the skin line
  return { width, height: g.depthMm - top, top };
}

export class ScanConverter {
  readonly beamWidth: number;
  readonly beamHeight: number;
  /** Per screen pixel of the region: beam index of the top-left sample (-1: outside the image). */
  private readonly src: Int32Array;
  private readonly fu: Float32Array;
  private readonly fv: Float32Array;
  /** Noise weight per region pixel (rises with depth, where the TGC lifts receiver noise). */
  private readonly noiseW: Float32Array;
  private readonly region: Box;

  /** Linear array: beam space is the region itself. */
  static linear(region: Box): ScanConverter {
    return new ScanConverter(region, region.width, region.height, undefined);
  }

  /** Curved array: the fan fills `region` as far as its aspect allows, centred, apex above. */
  static curved(region: Box, g: FanGeometry): { converter: ScanConverter; mmPerPx: number } {
    const ext = fanExtentMm(g);
    const pxPerMm = Math.min(region.width / ext.width, region.height / ext.height);
    const beamHeight = Math.max(8, Math.round(g.depthMm * pxPerMm));
    const beamWidth = Math.max(8, Math.round(g.angleRad * (g.radiusMm + g.depthMm / 2) * pxPerMm));
    return { converter: new ScanConverter(region, beamWidth, beamHeight, { g, pxPerMm, ext }), mmPerPx: 1 / pxPerMm };
  }

  private constructor(
    region: Box,
    beamWidth: number,
    beamHeight: number,
    fan: { g: FanGeometry; pxPerMm: number; ext: { width: number; height: number; top: number } } | undefined,
  ) {
    this.region = region;
    this.beamWidth = beamWidth;
    this.beamHeight = beamHeight;
    const n = region.width * region.height;
    this.src = new Int32Array(n).fill(-1);
    this.fu = new Float32Array(n);
    this.fv = new Float32Array(n);
    this.noiseW = new Float32Array(n);
    for (let j = 0; j < region.height; j++) {
      for (let i = 0; i < region.width; i++) {
        const k = j * region.width + i;
        let u: number;
        let v: number;
        if (!fan) {
          u = i;
          v = j;
        } else {
          const { g, pxPerMm, ext } = fan;
          const offX = (region.width - ext.width * pxPerMm) / 2;
          const offY = (region.height - ext.height * pxPerMm) / 2;
          const x = (i + 0.5 - offX) / pxPerMm - ext.width / 2;
          const y = (j + 0.5 - offY) / pxPerMm + ext.top;
          const yy = y + g.radiusMm;
          const r = Math.sqrt(x * x + yy * yy);
          const phi = Math.atan2(x, yy);
          if (r < g.radiusMm || r > g.radiusMm + g.depthMm || Math.abs(phi) > g.angleRad / 2) continue;
          u = ((phi + g.angleRad / 2) / g.angleRad) * (beamWidth - 1);
          v = ((r - g.radiusMm) / g.depthMm) * (beamHeight - 1);
        }
        const iu = Math.min(beamWidth - 2, Math.max(0, Math.floor(u)));
        const iv = Math.min(beamHeight - 2, Math.max(0, Math.floor(v)));
        this.src[k] = iv * beamWidth + iu;
        this.fu[k] = Math.min(1, Math.max(0, u - iu));
        this.fv[k] = Math.min(1, Math.max(0, v - iv));
        this.noiseW[k] = 0.4 + 0.6 * (v / beamHeight);
      }
    }
  }

  /** Whether region pixel `k` (row-major in the region) shows the image (false outside a fan). */
  inside(k: number): boolean {
    return this.src[k]! >= 0;
  }

  /**
   * Beam image (gray8, beamWidth x beamHeight) -> the region of `out` (a gray8 screen
   * `outWidth` wide), plus noise of `noiseGray` (standard deviation at the deepest
   * row) drawn from `noiseSeed`, through the post-processing `grayMap` (256 entries).
   * Pixels outside a fan are 0.
   */
  convert(beam: Uint8Array, out: Uint8Array, outWidth: number, noiseGray: number, noiseSeed: number, grayMap: Uint8Array): void {
    const { region, src, fu, fv, noiseW, beamWidth: bw } = this;
    let s = noiseSeed | 0 || 0x9e3779b9;
    // Sum of two uniforms in [-1, 1): triangular, variance 2/3; scale to SD 1.
    const k = (noiseGray * 1.2247) / 2147483648;
    for (let j = 0; j < region.height; j++) {
      const outOff = (region.y + j) * outWidth + region.x;
      const off = j * region.width;
      for (let i = 0; i < region.width; i++) {
        const p = src[off + i]!;
        if (p < 0) {
          out[outOff + i] = 0;
          continue;
        }
        const a = fu[off + i]!;
        const b = fv[off + i]!;
        const top = beam[p]! + (beam[p + 1]! - beam[p]!) * a;
        const bot = beam[p + bw]! + (beam[p + bw + 1]! - beam[p + bw]!) * a;
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        const r1 = s;
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        const g = top + (bot - top) * b + (r1 + s) * k * noiseW[off + i]!;
        out[outOff + i] = grayMap[g < 0 ? 0 : g > 255 ? 255 : (g + 0.5) | 0]!;
      }
    }
  }
}

/**
 * Add noise of standard deviation `sd` gray levels (triangular: the sum of two uniforms),
 * independent per pixel, drawn from `seed`, to the `region` of a gray8 screen `outWidth`
 * wide; pixels for which `inside` (region index) is false are left alone.
 */
export function addDisplayNoise(out: Uint8Array, outWidth: number, region: Box, sd: number, seed: number, inside?: (k: number) => boolean): void {
  let s = seed | 0 || 0x9e3779b9;
  const k = (sd * 1.2247) / 2147483648;
  for (let j = 0; j < region.height; j++) {
    const off = (region.y + j) * outWidth + region.x;
    for (let i = 0; i < region.width; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const r1 = s;
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      if (inside && !inside(j * region.width + i)) continue;
      const g = out[off + i]! + (r1 + s) * k;
      out[off + i] = g < 0 ? 0 : g > 255 ? 255 : (g + 0.5) | 0;
    }
  }
}
