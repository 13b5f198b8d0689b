/**
 * Resize an 8-bit gray image. Downscaling uses area averaging (a box filter with
 * fractional pixel coverage): for integer factors it is the exact mean of each
 * block, for other factors every source pixel contributes by the area it covers,
 * so no aliasing. Upscaling uses bilinear interpolation (pixel centres aligned).
 * Weights are computed once per (input size, output size) and cached.
 */
import type { GrayImage } from './crop-or-pad.js';

interface AxisWeights {
  /** For each output index: first source index and the weights of consecutive sources. */
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array[];
}

const cache = new Map<string, AxisWeights>();

function axisWeights(inSize: number, outSize: number): AxisWeights {
  const key = `${inSize}>${outSize}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights: Float32Array[] = [];
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    if (scale >= 1) {
      const a = o * scale;
      const b = a + scale;
      const i0 = Math.floor(a);
      const i1 = Math.min(inSize, Math.ceil(b));
      const w = new Float32Array(i1 - i0);
      for (let i = i0; i < i1; i++) w[i - i0] = (Math.min(b, i + 1) - Math.max(a, i)) / scale;
      start[o] = i0;
      count[o] = i1 - i0;
      weights.push(w);
    } else {
      const c = (o + 0.5) * scale - 0.5;
      const i0 = Math.max(0, Math.min(inSize - 1, Math.floor(c)));
      const i1 = Math.min(inSize - 1, i0 + 1);
      const t = Math.max(0, Math.min(1, c - i0));
      start[o] = i0;
      count[o] = i1 === i0 ? 1 : 2;
      weights.push(i1 === i0 ? Float32Array.of(1) : Float32Array.of(1 - t, t));
    }
  }
  const result = { start, count, weights };
  cache.set(key, result);
  return result;
}

export function resizeGray(src: GrayImage, outW: number, outH: number, out?: Uint8Array): GrayImage {
  const dst = out && out.length === outW * outH ? out : new Uint8Array(outW * outH);
  if (src.width === outW && src.height === outH) {
    dst.set(src.pixels);
    return { width: outW, height: outH, pixels: dst };
  }
  const fx = src.width / outW;
  const fy = src.height / outH;
  if (Number.isInteger(fx) && Number.isInteger(fy) && fx >= 1 && fy >= 1) {
    if (fx === 4 && fy === 4 && src.pixels.byteOffset % 4 === 0) return blockMean4x4(src, outW, outH, dst);
    return blockMean(src, outW, outH, fx, fy, dst);
  }
  const wx = axisWeights(src.width, outW);
  const wy = axisWeights(src.height, outH);
  // Horizontal pass into a float buffer of size src.height x outW, then vertical.
  const tmp = new Float32Array(src.height * outW);
  const sp = src.pixels;
  for (let y = 0; y < src.height; y++) {
    const row = y * src.width;
    for (let o = 0; o < outW; o++) {
      const s = wx.start[o]!;
      const w = wx.weights[o]!;
      let acc = 0;
      for (let k = 0; k < w.length; k++) acc += sp[row + s + k]! * w[k]!;
      tmp[y * outW + o] = acc;
    }
  }
  for (let o = 0; o < outH; o++) {
    const s = wy.start[o]!;
    const w = wy.weights[o]!;
    for (let x = 0; x < outW; x++) {
      let acc = 0;
      for (let k = 0; k < w.length; k++) acc += tmp[(s + k) * outW + x]! * w[k]!;
      dst[o * outW + x] = Math.max(0, Math.min(255, Math.round(acc)));
    }
  }
  return { width: outW, height: outH, pixels: dst };
}

function blockMean(src: GrayImage, outW: number, outH: number, fx: number, fy: number, dst: Uint8Array): GrayImage {
  const sums = new Uint32Array(outW);
  const area = fx * fy;
  const half = area >> 1;
  const sp = src.pixels;
  for (let oy = 0; oy < outH; oy++) {
    sums.fill(0);
    for (let dy = 0; dy < fy; dy++) {
      const row = (oy * fy + dy) * src.width;
      for (let ox = 0, sx = row; ox < outW; ox++) {
        let acc = 0;
        for (let dx = 0; dx < fx; dx++, sx++) acc += sp[sx]!;
        sums[ox]! += acc;
      }
    }
    const orow = oy * outW;
    for (let ox = 0; ox < outW; ox++) dst[orow + ox] = ((sums[ox]! + half) / area) | 0;
  }
  return { width: outW, height: outH, pixels: dst };
}

/**
 * The same block mean for 4x4 blocks (600 -> 150, the pipeline's resize), one 32-bit read
 * per block row: a word w of four pixels becomes two lanes of two-pixel sums,
 * (w & 0x00ff00ff) + ((w >>> 8) & 0x00ff00ff); four rows add up to at most 2040 per lane,
 * so the lanes never carry, and their sum is the block's. Exact on either byte order.
 * Written out for 4x4: a loop over the block's rows ran it about 2x slower.
 */
function blockMean4x4(src: GrayImage, outW: number, outH: number, dst: Uint8Array): GrayImage {
  const sp = src.pixels;
  const words = new Int32Array(sp.buffer, sp.byteOffset, sp.length >> 2);
  const r = src.width >> 2;
  for (let oy = 0; oy < outH; oy++) {
    const top = oy * 4 * r;
    const orow = oy * outW;
    for (let ox = 0; ox < outW; ox++) {
      const k = top + ox;
      const a = words[k]!;
      const b = words[k + r]!;
      const c = words[k + 2 * r]!;
      const d = words[k + 3 * r]!;
      const lanes =
        (a & 0x00ff00ff) +
        ((a >>> 8) & 0x00ff00ff) +
        (b & 0x00ff00ff) +
        ((b >>> 8) & 0x00ff00ff) +
        (c & 0x00ff00ff) +
        ((c >>> 8) & 0x00ff00ff) +
        (d & 0x00ff00ff) +
        ((d >>> 8) & 0x00ff00ff);
      dst[orow + ox] = ((lanes & 0xffff) + (lanes >>> 16) + 8) >> 4;
    }
  }
  return { width: outW, height: outH, pixels: dst };
}
