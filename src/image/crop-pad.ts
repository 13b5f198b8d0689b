/**
 * Crop or pad an 8-bit gray image to an exact size, centred on a chosen point.
 * The centre point lands on the output's centre pixel (floor(size/2)); pixels that
 * fall outside the source are filled with `fill`.
 */
export interface GrayImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export interface CropPadOptions {
  width: number;
  height: number;
  /** Source pixel that becomes the output's centre; default the source centre. */
  centreX?: number;
  centreY?: number;
  fill?: number;
  /** Reuse this buffer for the output when it has the right length. */
  out?: Uint8Array;
}

export function cropPad(src: GrayImage, opts: CropPadOptions): GrayImage {
  const { width: outW, height: outH } = opts;
  const fill = opts.fill ?? 0;
  const cx = Math.floor(opts.centreX ?? src.width / 2);
  const cy = Math.floor(opts.centreY ?? src.height / 2);
  const x0 = cx - Math.floor(outW / 2);
  const y0 = cy - Math.floor(outH / 2);
  const out = opts.out && opts.out.length === outW * outH ? opts.out : new Uint8Array(outW * outH);

  // Columns of the output that have a source pixel: [colStart, colEnd).
  const colStart = Math.max(0, -x0);
  const colEnd = Math.min(outW, src.width - x0);
  for (let y = 0; y < outH; y++) {
    const sy = y0 + y;
    const row = y * outW;
    if (sy < 0 || sy >= src.height || colEnd <= colStart) {
      out.fill(fill, row, row + outW);
      continue;
    }
    if (colStart > 0) out.fill(fill, row, row + colStart);
    const srcRow = sy * src.width;
    out.set(src.pixels.subarray(srcRow + x0 + colStart, srcRow + x0 + colEnd), row + colStart);
    if (colEnd < outW) out.fill(fill, row + Math.max(colEnd, colStart), row + outW);
  }
  return { width: outW, height: outH, pixels: out };
}
