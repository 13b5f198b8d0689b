/**
 * Static-overlay tracker: burned-in text stays put while the ultrasound image under
 * it moves. Per cell of a 2x-subsampled grid it counts change events — times the
 * cell drifted more than `tolerance` from its last reference value (the reference
 * then follows). Slow tissue motion adds up to events too, where a frame-to-frame
 * difference would miss it. A cell with two or more events moves (ultrasound); one
 * with none is static (overlay or background). The tracker tells
 *   - where text can be (static cells), once the image has moved enough to tell, and
 *   - whether the overlay changed since a keyframe (long-static cells that now differ).
 * Pure typed-array work, one pass per frame over the cells that have not moved yet
 * (cells that moved are not looked at again); what it reports is kept until a cell
 * changes (`version`).
 */
import type { Box } from '../core/events.js';

export interface StaticOverlayOptions {
  /** Gray-level drift that counts as a change (codec noise stays below it). */
  tolerance?: number;
  /** Subsampling step of the grid in pixels. */
  step?: number;
  /**
   * The `minChange` of `changedSinceKeyframe` the caller asks for every frame: the cells
   * that differ from the keyframe by more are kept up to date as they change, so that the
   * answer is computed again only when that set changes (default: `tolerance`).
   */
  watchChange?: number;
}

/** Change events from which a cell counts as moving. */
const MOVING = 2;

export class StaticOverlayTracker {
  readonly step: number;
  readonly gridWidth: number;
  readonly gridHeight: number;
  /** Frames seen since the last reset. */
  frames = 0;
  /**
   * Bumped whenever what the tracker reports can change: a change event in a cell (the
   * reference moves), or a new keyframe snapshot. Between two equal versions, moving map,
   * static fractions and changes since the keyframe are the same: callers may reuse them.
   */
  version = 0;
  /** Bumped when a cell starts to move (the moving map changes). */
  movingVersion = 0;
  /** Bumped when the cells that differ from the keyframe by more than `watchChange` change (or a new keyframe). */
  changeVersion = 0;
  private readonly tolerance: number;
  private readonly reference: Uint8Array;
  private readonly events: Uint8Array;
  private snapshot: Uint8Array | undefined;
  private movingCells = 0;
  /**
   * The cells that have not moved yet (fewer than MOVING events), ascending, and their
   * pixel offsets: only they are looked at. A moving cell stays moving, so its later
   * values change nothing the tracker reports (work only where the screen can change).
   */
  private active: Int32Array;
  private activeOffset: Int32Array;
  private activeCount: number;
  /** Cells with exactly one event: the only ones that can differ from the keyframe snapshot. */
  private once = new Set<number>();
  private readonly watchChange: number;
  /** Cells with one event that differ from the keyframe snapshot by more than watchChange. */
  private watched = new Set<number>();
  /** Kept up to date as cells start to move: 1 = moving (see movingMap). */
  private readonly moving: Uint8Array;
  /** Moving neighbours (of 8) of each cell. */
  private readonly movingAround: Uint8Array;
  private movingMapCache: { version: number; map: Uint8Array } | undefined;
  private changedCache: { version: number; minChange: number; watching: boolean; boxes: Box[] } | undefined;

  constructor(
    readonly width: number,
    readonly height: number,
    options: StaticOverlayOptions = {},
  ) {
    this.step = options.step ?? 2;
    this.tolerance = options.tolerance ?? 16;
    this.gridWidth = Math.ceil(width / this.step);
    this.gridHeight = Math.ceil(height / this.step);
    const cells = this.gridWidth * this.gridHeight;
    this.reference = new Uint8Array(cells);
    this.events = new Uint8Array(cells);
    this.moving = new Uint8Array(cells);
    this.movingAround = new Uint8Array(cells);
    this.watchChange = options.watchChange ?? this.tolerance;
    this.active = new Int32Array(cells);
    this.activeOffset = new Int32Array(cells);
    for (let gy = 0, k = 0; gy < this.gridHeight; gy++) {
      for (let gx = 0; gx < this.gridWidth; gx++, k++) {
        this.active[k] = k;
        this.activeOffset[k] = gy * this.step * width + gx * this.step;
      }
    }
    this.activeCount = cells;
  }

  /** Feed the next frame; returns how many pixels of never-changed cells now differ from the keyframe snapshot. */
  update(pixels: Uint8Array): number {
    const { reference, events, tolerance, active, activeOffset } = this;
    const n = this.activeCount;
    if (this.frames === 0) {
      for (let i = 0; i < n; i++) reference[active[i]!] = pixels[activeOffset[i]!]!;
      this.frames++;
      this.version++;
      return 0;
    }
    const snap = this.snapshot;
    let changedSinceKey = 0;
    let becameMoving = 0;
    let changes = 0;
    for (let i = 0; i < n; i++) {
      const k = active[i]!;
      const v = pixels[activeOffset[i]!]!;
      const d = v - reference[k]!;
      if (d > tolerance || d < -tolerance) {
        changes++;
        reference[k] = v;
        const e = events[k]!;
        events[k] = e + 1;
        if (e === 0) {
          this.once.add(k);
          // A cell static until now that differs from the keyframe: the overlay may have changed.
          if (snap) {
            const s = v - snap[k]!;
            if (s > tolerance || s < -tolerance) changedSinceKey++;
            if (s > this.watchChange || s < -this.watchChange) {
              this.watched.add(k);
              this.changeVersion++;
            }
          }
        } else {
          // Second event: the cell moves from now on and is not looked at again.
          this.once.delete(k);
          if (this.watched.delete(k)) this.changeVersion++;
          this.startMoving(k);
          becameMoving++;
        }
      }
    }
    if (becameMoving) {
      // Keep only the cells that have not moved (the order stays ascending).
      let j = 0;
      for (let i = 0; i < n; i++) {
        const k = active[i]!;
        if (events[k]! < MOVING) {
          active[j] = k;
          activeOffset[j] = activeOffset[i]!;
          j++;
        }
      }
      this.activeCount = j;
      this.movingCells += becameMoving;
      this.movingVersion++;
    }
    if (changes) this.version++;
    this.frames++;
    return changedSinceKey * this.step * this.step;
  }

  /** Remember the current frame as the keyframe the overlay is compared against. */
  markKeyframe(): void {
    this.snapshot = this.reference.slice();
    // The snapshot equals the reference now: no cell differs from it.
    this.watched.clear();
    this.version++;
    this.changeVersion++;
  }

  /** Cell k moves from now on: it and the cells with 5 or more moving neighbours are moving in the map. */
  private startMoving(k: number): void {
    const { gridWidth: gw, gridHeight: gh, moving, movingAround } = this;
    moving[k] = 1;
    const gx = k % gw;
    const gy = (k - gx) / gw;
    for (let dy = -1; dy <= 1; dy++) {
      const y = gy + dy;
      if (y < 0 || y >= gh) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const x = gx + dx;
        if ((!dx && !dy) || x < 0 || x >= gw) continue;
        const n = y * gw + x;
        const around = movingAround[n]! + 1;
        movingAround[n] = around;
        if (around >= 5) moving[n] = 1;
      }
    }
  }

  /**
   * Where the overlay changed since the keyframe: clusters (8-connected) of cells that
   * had not moved before and now differ from the keyframe snapshot (text that appeared
   * or disappeared, or a cell of the image moving for the first time), as pixel boxes
   * padded by one cell (the grid samples every `step`-th pixel). Empty before the first
   * keyframe. A cell that moves again counts as moving and leaves the set. A cell counts
   * when it differs by more than `minChange` gray levels (the contrast of ink: tissue
   * drifting past the tracker's tolerance for the first time mostly does not).
   * Only cells with exactly one event can differ from the snapshot (a cell without events
   * still holds its first value), so only those are looked at; the answer is kept until
   * the tracker's version changes. The returned array must not be modified.
   */
  changedSinceKeyframe(minChange = this.tolerance): readonly Box[] {
    const snap = this.snapshot;
    if (!snap) return [];
    const watching = minChange === this.watchChange;
    // The watched threshold: computed again only when its cells changed; another one: when any cell did.
    const version = watching ? this.changeVersion : this.version;
    const cached = this.changedCache;
    if (cached && cached.version === version && cached.minChange === minChange && cached.watching === watching) return cached.boxes;
    const { gridWidth: gw, gridHeight: gh, step } = this;
    let label: Uint8Array | undefined;
    const boxes: Box[] = [];
    const stack: number[] = [];
    // Ascending, as a scan of the whole grid would find them (same boxes, same order).
    const seeds = Int32Array.from(watching ? this.watched : this.once).sort();
    for (const k of seeds) {
      if (!this.changedCell(k, snap, minChange) || label?.[k]) continue;
      label ??= new Uint8Array(gw * gh);
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
    this.changedCache = { version, minChange, watching, boxes };
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
   * screen border keep their static neighbours. Kept until a cell starts to move
   * (`movingVersion`): the returned map must not be modified.
   */
  movingMap(): Uint8Array {
    // Kept up to date as cells start to move (cells never stop moving); a copy per change,
    // since a keyframe holds on to its map while OCR runs.
    if (this.movingMapCache?.version !== this.movingVersion) this.movingMapCache = { version: this.movingVersion, map: this.moving.slice() };
    return this.movingMapCache.map;
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
