/**
 * The static-overlay tracker as it was before it looked only at cells that have not moved
 * (and kept its answers between changes): one pass over every cell of every frame. The
 * screen-change test checks that src/redaction/static-overlay.ts answers exactly as this.
 */
import type { Box } from '../../../src/core/events.js';
import type { StaticOverlayOptions } from '../../../src/redaction/static-overlay.js';

/** Change events from which a cell counts as moving. */
const MOVING = 2;

export class ReferenceTracker {
  readonly step: number;
  readonly gridWidth: number;
  readonly gridHeight: number;
  /** Frames seen since the last reset. */
  frames = 0;
  private readonly tolerance: number;
  private readonly reference: Uint8Array;
  private readonly events: Uint8Array;
  private snapshot: Uint8Array | undefined;
  private movingCells = 0;

  constructor(
    readonly width: number,
    readonly height: number,
    options: StaticOverlayOptions = {},
  ) {
    this.step = options.step ?? 2;
    this.tolerance = options.tolerance ?? 16;
    this.gridWidth = Math.ceil(width / this.step);
    this.gridHeight = Math.ceil(height / this.step);
    this.reference = new Uint8Array(this.gridWidth * this.gridHeight);
    this.events = new Uint8Array(this.gridWidth * this.gridHeight);
  }

  /** Feed the next frame; returns how many pixels of never-changed cells now differ from the keyframe snapshot. */
  update(pixels: Uint8Array): number {
    const { step, width, gridWidth, gridHeight, reference, events, tolerance } = this;
    const snap = this.snapshot;
    const first = this.frames === 0;
    let changedSinceKey = 0;
    let moving = 0;
    for (let gy = 0; gy < gridHeight; gy++) {
      const row = gy * step * width;
      const g = gy * gridWidth;
      for (let gx = 0; gx < gridWidth; gx++) {
        const v = pixels[row + gx * step]!;
        const k = g + gx;
        if (first) {
          reference[k] = v;
          continue;
        }
        const d = v - reference[k]!;
        const e = events[k]!;
        if (d > tolerance || d < -tolerance) {
          reference[k] = v;
          if (e < 255) events[k] = e + 1;
          if (e + 1 >= MOVING) moving++;
          // A cell static until now that differs from the keyframe: the overlay may have changed.
          if (e === 0 && snap) {
            const s = v - snap[k]!;
            if (s > tolerance || s < -tolerance) changedSinceKey++;
          }
        } else if (e >= MOVING) moving++;
      }
    }
    this.movingCells = moving;
    this.frames++;
    return changedSinceKey * step * step;
  }

  /** Remember the current frame as the keyframe the overlay is compared against. */
  markKeyframe(): void {
    this.snapshot = this.reference.slice();
  }

  /**
   * Where the overlay changed since the keyframe: clusters (8-connected) of cells that
   * had not moved before and now differ from the keyframe snapshot (text that appeared
   * or disappeared, or a cell of the image moving for the first time), as pixel boxes
   * padded by one cell (the grid samples every `step`-th pixel). Empty before the first
   * keyframe. A cell that moves again counts as moving and leaves the set. A cell counts
   * when it differs by more than `minChange` gray levels (the contrast of ink: tissue
   * drifting past the tracker's tolerance for the first time mostly does not).
   */
  changedSinceKeyframe(minChange = this.tolerance): Box[] {
    const snap = this.snapshot;
    if (!snap) return [];
    const { gridWidth: gw, gridHeight: gh, step } = this;
    let label: Int32Array | undefined;
    const boxes: Box[] = [];
    const stack: number[] = [];
    for (let k = 0; k < gw * gh; k++) {
      if (!this.changedCell(k, snap, minChange) || label?.[k]) continue;
      label ??= new Int32Array(gw * gh);
      // Flood fill one cluster of changed cells, keeping its bounding cells.
      let gx0 = gw,
        gy0 = gh,
        gx1 = -1,
        gy1 = -1;
      label[k] = 1;
      stack.push(k);
      while (stack.length) {
        const c = stack.pop()!;
        const cx = c % gw;
        const cy = (c - cx) / gw;
        if (cx < gx0) gx0 = cx;
        if (cx > gx1) gx1 = cx;
        if (cy < gy0) gy0 = cy;
        if (cy > gy1) gy1 = cy;
        for (let dy = -1; dy <= 1; dy++) {
          const y = cy + dy;
          if (y < 0 || y >= gh) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const x = cx + dx;
            if (x < 0 || x >= gw) continue;
            const n = y * gw + x;
            if (!label[n] && this.changedCell(n, snap, minChange)) {
              label[n] = 1;
              stack.push(n);
            }
          }
        }
      }
      const x0 = Math.max(0, (gx0 - 1) * step);
      const y0 = Math.max(0, (gy0 - 1) * step);
      boxes.push({ x: x0, y: y0, width: Math.min(this.width, (gx1 + 2) * step) - x0, height: Math.min(this.height, (gy1 + 2) * step) - y0 });
    }
    return boxes;
  }

  private changedCell(k: number, snap: Uint8Array, minChange: number): boolean {
    if (this.events[k]! >= MOVING) return false;
    const d = this.reference[k]! - snap[k]!;
    return d > minChange || d < -minChange;
  }

  /** Fraction of the grid that has moved so far (0 for a still image). */
  motion(): number {
    return this.movingCells / (this.gridWidth * this.gridHeight);
  }

  /** True when enough frames with enough motion were seen to tell static from moving. */
  mature(minFrames: number, minMotion = 0.02): boolean {
    return this.frames >= minFrames && this.motion() >= minMotion;
  }

  /**
   * The moving cells as a grid (1 = moving), with isolated static cells inside moving
   * areas (speckle that happened to hold still) counted as moving: a cell moves when
   * it moved, or when at least 5 of its 8 neighbours did. Text strokes on the static
   * screen border keep their static neighbours.
   */
  movingMap(): Uint8Array {
    const { gridWidth: gw, gridHeight: gh, events } = this;
    const map = new Uint8Array(gw * gh);
    for (let gy = 0; gy < gh; gy++) {
      for (let gx = 0; gx < gw; gx++) {
        const k = gy * gw + gx;
        if (events[k]! >= MOVING) {
          map[k] = 1;
          continue;
        }
        let n = 0;
        for (let dy = -1; dy <= 1; dy++) {
          const y = gy + dy;
          if (y < 0 || y >= gh) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const x = gx + dx;
            if ((dx || dy) && x >= 0 && x < gw && events[y * gw + x]! >= MOVING) n++;
          }
        }
        if (n >= 5) map[k] = 1;
      }
    }
    return map;
  }

  /** Fraction of the cells under `box` that are static (in `map`, default: the cells' own history). */
  staticFraction(box: Box, map?: Uint8Array): number {
    const { step, gridWidth, gridHeight, events } = this;
    const gx0 = Math.max(0, Math.floor(box.x / step));
    const gy0 = Math.max(0, Math.floor(box.y / step));
    const gx1 = Math.min(gridWidth, Math.ceil((box.x + box.width) / step));
    const gy1 = Math.min(gridHeight, Math.ceil((box.y + box.height) / step));
    let n = 0;
    let still = 0;
    for (let gy = gy0; gy < gy1; gy++) {
      for (let gx = gx0; gx < gx1; gx++) {
        n++;
        const k = gy * gridWidth + gx;
        if (map ? map[k] === 0 : events[k]! < MOVING) still++;
      }
    }
    return n ? still / n : 1;
  }
}
