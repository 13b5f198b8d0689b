/**
 * Ink: pixels that stand out from the flat background around them (burned-in text,
 * tick marks, logos), found without OCR. Connected ink pixels of one polarity form
 * components; components a few pixels apart form clusters (a word, a lone digit).
 * Uses:
 *   - a cluster of text size whose pixels are static overlay and whose surrounding
 *     ring is a flat, static panel is removed without OCR (lone depth-scale digits,
 *     which tesseract's sparse mode drops);
 *   - an OCR word box grows to the full extent of the ink components it touches
 *     (glyphs partly outside tesseract's tight word box);
 *   - OCR reads only tiles around static ink instead of the whole frame.
 * Pure typed-array work.
 */
import type { Box } from '../core/events.js';
import { boxesNear } from './boxes.js';
import type { GrayImage } from './fill.js';

/** Grid cells (1 = moving, the ultrasound image) that can hold no ink. */
export interface MovingGrid {
  map: Uint8Array;
  step: number;
  gridWidth: number;
}

export interface InkOptions {
  /** Gray levels between ink and the background around it. */
  contrast: number;
  /** Moving cells; undefined when motion cannot tell (a still image): every pixel may be ink. */
  moving?: MovingGrid;
}

export interface InkComponent extends Box {
  /** Ink pixels in it. */
  pixels: number;
  /** 1: brighter than its background (light-on-dark), -1: darker. */
  polarity: 1 | -1;
}

export interface InkMap {
  width: number;
  height: number;
  /** Component index + 1 per pixel (0 = no ink). */
  labels: Int32Array;
  components: InkComponent[];
  /** Background gray level per block (-1 = no static pixel in it), blocks of BLOCK px. */
  background: Int16Array;
  blocksX: number;
}

/** Background blocks (pixels); each block's background is the mode of the 3x3 blocks around it. */
const BLOCK = 24;
const BANDS = 16;

const isMoving = (m: MovingGrid | undefined, x: number, y: number) =>
  m !== undefined && m.map[Math.floor(y / m.step) * m.gridWidth + Math.floor(x / m.step)] === 1;

/** Per column, the index of its cell in a grid of `step`-pixel cells (a division per pixel saved). */
function columnCells(width: number, step: number): Int32Array {
  const out = new Int32Array(width);
  for (let x = 0; x < width; x++) out[x] = Math.floor(x / step);
  return out;
}

/**
 * Background per block: the mean of the most common 16-level band of the static pixels
 * in the 3x3 blocks around it (a panel, not the glyphs on it). Every other pixel of
 * every other row is enough for a mode.
 */
function backgroundOf(img: GrayImage, moving: MovingGrid | undefined): { background: Int16Array; blocksX: number } {
  const { width, height, pixels } = img;
  const bx = Math.ceil(width / BLOCK);
  const by = Math.ceil(height / BLOCK);
  const hist = new Uint32Array(bx * by * BANDS);
  const sums = new Float64Array(bx * by * BANDS);
  const blockOf = columnCells(width, BLOCK);
  const cellOf = moving && columnCells(width, moving.step);
  for (let y = 0; y < height; y += 2) {
    const brow = Math.floor(y / BLOCK) * bx;
    const mrow = moving ? Math.floor(y / moving.step) * moving.gridWidth : 0;
    for (let x = 0; x < width; x += 2) {
      if (moving && moving.map[mrow + cellOf![x]!] === 1) continue;
      const v = pixels[y * width + x]!;
      const k = (brow + blockOf[x]!) * BANDS + (v >> 4);
      hist[k]!++;
      sums[k]! += v;
    }
  }
  const background = new Int16Array(bx * by).fill(-1);
  for (let j = 0; j < by; j++)
    for (let i = 0; i < bx; i++) {
      let best = -1;
      let bestN = 0;
      let bestSum = 0;
      for (let band = 0; band < BANDS; band++) {
        let n = 0;
        let s = 0;
        for (let dj = -1; dj <= 1; dj++)
          for (let di = -1; di <= 1; di++) {
            const jj = j + dj;
            const ii = i + di;
            if (jj < 0 || jj >= by || ii < 0 || ii >= bx) continue;
            const k = (jj * bx + ii) * BANDS + band;
            n += hist[k]!;
            s += sums[k]!;
          }
        if (n > bestN) {
          best = band;
          bestN = n;
          bestSum = s;
        }
      }
      if (best >= 0) background[j * bx + i] = Math.round(bestSum / bestN);
    }
  return { background, blocksX: bx };
}

/** Label the ink of a frame: 8-connected pixels of one polarity, `contrast` away from their block's background. */
export function findInk(img: GrayImage, options: InkOptions): InkMap {
  const { width, height, pixels } = img;
  const { moving, contrast } = options;
  const { background, blocksX } = backgroundOf(img, moving);
  const blockOf = columnCells(width, BLOCK);
  const cellOf = moving && columnCells(width, moving.step);
  // Polarity per pixel: 1 brighter, 2 darker, 0 not ink.
  const ink = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const brow = Math.floor(y / BLOCK) * blocksX;
    const mrow = moving ? Math.floor(y / moving.step) * moving.gridWidth : 0;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const bg = background[brow + blockOf[x]!]!;
      if (bg < 0 || (moving && moving.map[mrow + cellOf![x]!] === 1)) continue;
      const d = pixels[row + x]! - bg;
      if (d >= contrast) ink[row + x] = 1;
      else if (d <= -contrast) ink[row + x] = 2;
    }
  }
  const labels = new Int32Array(width * height);
  const components: InkComponent[] = [];
  const stack = new Int32Array(width * height);
  for (let start = 0; start < ink.length; start++) {
    const p = ink[start]!;
    if (p === 0 || labels[start] !== 0) continue;
    const label = components.length + 1;
    let x0 = width;
    let y0 = height;
    let x1 = -1;
    let y1 = -1;
    let n = 0;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    while (top > 0) {
      const q = stack[--top]!;
      const qx = q % width;
      const qy = (q - qx) / width;
      n++;
      if (qx < x0) x0 = qx;
      if (qx > x1) x1 = qx;
      if (qy < y0) y0 = qy;
      if (qy > y1) y1 = qy;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = qy + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = qx + dx;
          if (nx < 0 || nx >= width) continue;
          const r = ny * width + nx;
          if (ink[r] === p && labels[r] === 0) {
            labels[r] = label;
            stack[top++] = r;
          }
        }
      }
    }
    components.push({ x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1, pixels: n, polarity: p === 1 ? 1 : -1 });
  }
  return { width, height, labels, components, background, blocksX };
}

/**
 * Components of at most `maxHeight` pixels, grouped when they come within `gap` pixels
 * (letters into words), then split into text lines: a group is cut where a horizontal
 * band of rows holds no component, and a component more than `FIGURE_RATIO` times the
 * height of the group's typical glyph (a logo beside its caption) is a cluster of its
 * own. So the two lines of a header next to a logo become three clusters, each of
 * which can be tested and read alone. Pieces shorter than a glyph (the dot of an i,
 * a colon) stay with the line they touch. Only groups for which `splitIf` holds are
 * split (the stage: groups that lie wholly on the static overlay; a bright tissue
 * layer cut into lines would look like text).
 */
export function inkClusters(ink: InkMap, maxHeight: number, gap: number, splitIf: (group: InkComponent) => boolean = () => true): InkComponent[] {
  const comps = ink.components.filter((c) => c.height <= maxHeight && c.width <= ink.width / 2);
  const parent = comps.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  // Sweep in x order: only components whose x ranges come within `gap` can join.
  const order = comps.map((_, i) => i).sort((a, b) => comps[a]!.x - comps[b]!.x);
  for (let a = 0; a < order.length; a++) {
    const ca = comps[order[a]!]!;
    for (let b = a + 1; b < order.length; b++) {
      const cb = comps[order[b]!]!;
      if (cb.x >= ca.x + ca.width + gap) break;
      if (cb.polarity === ca.polarity && boxesNear(ca, cb, gap)) parent[find(order[a]!)] = find(order[b]!);
    }
  }
  const members = new Map<number, InkComponent[]>();
  comps.forEach((c, i) => {
    const root = find(i);
    const g = members.get(root);
    if (g) g.push(c);
    else members.set(root, [c]);
  });
  return [...members.values()].flatMap((group) => {
    const whole = unionOf(group);
    return group.length > 1 && splitIf(whole) ? splitLines(group).map(unionOf) : [whole];
  });
}

/** A component this many times taller than the typical glyph of its group is a figure (logo), not a letter. */
const FIGURE_RATIO = 2;

function unionOf(group: readonly InkComponent[]): InkComponent {
  const g = { ...group[0]! };
  for (const c of group.slice(1)) {
    const x0 = Math.min(g.x, c.x);
    const y0 = Math.min(g.y, c.y);
    g.width = Math.max(g.x + g.width, c.x + c.width) - x0;
    g.height = Math.max(g.y + g.height, c.y + c.height) - y0;
    g.x = x0;
    g.y = y0;
    g.pixels += c.pixels;
  }
  return g;
}

/** One group of nearby components as text lines (plus figures on their own). */
function splitLines(group: readonly InkComponent[]): InkComponent[][] {
  if (group.length < 2) return [[...group]];
  // The typical glyph: the median height of the components of more than a few pixels.
  const heights = group
    .filter((c) => c.pixels >= 4)
    .map((c) => c.height)
    .sort((a, b) => a - b);
  const glyph = heights.length ? heights[Math.floor(heights.length / 2)]! : 0;
  const figures = glyph > 0 ? group.filter((c) => c.height > FIGURE_RATIO * glyph && c.height > 8) : [];
  const rest = group.filter((c) => !figures.includes(c));
  // Lines: runs of rows covered by a component at least half a glyph high (small pieces
  // would bridge two lines); small pieces then join the line they touch, or the nearest.
  const tall = rest.filter((c) => c.height * 2 >= glyph);
  const small = rest.filter((c) => c.height * 2 < glyph);
  const spans = tall.map((c) => [c.y, c.y + c.height] as [number, number]).sort((a, b) => a[0] - b[0]);
  const lines: [number, number][] = [];
  for (const [y0, y1] of spans) {
    const last = lines.at(-1);
    if (last && y0 < last[1]) last[1] = Math.max(last[1], y1);
    else lines.push([y0, y1]);
  }
  const out: InkComponent[][] = lines.map(() => []);
  const lineOf = (c: InkComponent) => {
    const cy = c.y + c.height / 2;
    let best = 0;
    let bestD = Infinity;
    lines.forEach(([y0, y1], i) => {
      const d = cy < y0 ? y0 - cy : cy > y1 ? cy - y1 : 0;
      if (d < bestD) {
        best = i;
        bestD = d;
      }
    });
    return best;
  };
  for (const c of [...tall, ...small]) {
    if (lines.length) out[lineOf(c)]!.push(c);
  }
  const result = out.filter((l) => l.length);
  if (!lines.length && small.length) result.push(small);
  for (const f of figures) result.push([f]);
  return result;
}

export interface StaticTextRules {
  minTextHeight: number;
  maxTextHeight: number;
  /** Fraction of the ring around a cluster that must lie in one 16-level band (0: any static ring). */
  minRingFlat: number;
}

/** Pixels between a cluster and the ring around it that must be flat and static. */
const RING_GAP = 2;
/** Fewer ink pixels than this are a speck, not a glyph. */
export const MIN_INK = 8;

/**
 * Clusters that are burned-in text without asking OCR: text height, every cell under
 * them static, and the 1-pixel ring `RING_GAP` pixels around them (inside the frame) a
 * flat static panel (a glyph on speckle, or one whose ring crosses other ink, is left
 * to OCR). With `minRingFlat` 0: static ink with static surroundings, flat or not.
 * Given the ink map, ring pixels on other static ink (a text line just above) are left
 * out of the flatness count, as long as they are at most half the ring.
 */
export function staticTextClusters(
  img: GrayImage,
  clusters: readonly InkComponent[],
  moving: MovingGrid,
  rules: StaticTextRules,
  ink?: InkMap,
): InkComponent[] {
  return clusters.filter((c) => {
    if (c.height < rules.minTextHeight || c.height > rules.maxTextHeight || c.pixels < MIN_INK) return false;
    if (movingCellsIn(c, moving) > 0) return false;
    const ring = ringOf(img, c, moving, ink);
    return ring !== undefined && ring.flat >= rules.minRingFlat;
  });
}

/** Moving cells under a box. */
function movingCellsIn(box: Box, moving: MovingGrid): number {
  let n = 0;
  for (let y = box.y; y < box.y + box.height; y += moving.step) for (let x = box.x; x < box.x + box.width; x += moving.step) if (isMoving(moving, x, y)) n++;
  return n;
}

/**
 * The 1-pixel ring `RING_GAP` pixels around a box, where it lies inside the frame (a
 * logo at the top edge has none above it): undefined when any of it moves or none of
 * it is in the frame, else the fraction of it in one 16-level band. Given the ink map,
 * ring pixels on other static ink (the line above, a label beside) are not the panel
 * and are left out, as long as they are at most half the ring (else flat is 0).
 */
function ringOf(img: GrayImage, box: Box, moving: MovingGrid, ink?: InkMap): { flat: number } | undefined {
  const x0 = box.x - RING_GAP - 1;
  const y0 = box.y - RING_GAP - 1;
  const x1 = box.x + box.width + RING_GAP;
  const y1 = box.y + box.height + RING_GAP;
  const bands = new Uint32Array(BANDS);
  let n = 0;
  let inked = 0;
  const visit = (x: number, y: number): boolean => {
    if (x < 0 || y < 0 || x >= img.width || y >= img.height) return true;
    if (isMoving(moving, x, y)) return false;
    if (ink && ink.labels[y * img.width + x] !== 0) {
      inked++;
      return true;
    }
    bands[img.pixels[y * img.width + x]! >> 4]!++;
    n++;
    return true;
  };
  for (let x = x0; x <= x1; x++) if (!visit(x, y0) || !visit(x, y1)) return undefined;
  for (let y = y0 + 1; y < y1; y++) if (!visit(x0, y) || !visit(x1, y)) return undefined;
  if (n + inked === 0) return undefined;
  return { flat: n > 0 && n >= inked ? Math.max(...bands) / n : 0 };
}

/** Whether a box lies wholly on the static screen: no moving cell under it or on its ring (inside the frame). Any height. */
export function onStaticScreen(img: GrayImage, box: Box, moving: MovingGrid): boolean {
  return movingCellsIn(box, moving) === 0 && ringOf(img, box, moving) !== undefined;
}

/** Moving cells allowed under a text panel (`textPanelMotion`): a ticking clock, codec flicker in glyphs. */
const MAX_PANEL_MOTION = 0.05;

/**
 * Motion inside a block of screen text is the text changing (a clock that ticks every
 * second, digits the codec makes flicker), not the ultrasound image: a group of static
 * ink (`groups`: `inkClusters` without splitting) of text height whose ring is static
 * and flat (`minRingFlat`, other ink left out) and under which at most 5% of the cells
 * moved has those cells set static in the returned grid, so that its glyphs are all ink
 * and its lines can be split and judged. Motion anywhere else is left as it is.
 */
export function textPanelMotion(img: GrayImage, groups: readonly InkComponent[], moving: MovingGrid, rules: StaticTextRules, ink: InkMap): MovingGrid {
  let map: Uint8Array | undefined;
  for (const g of groups) {
    if (g.height < rules.minTextHeight || g.height > rules.maxTextHeight || g.pixels < MIN_INK) continue;
    const cells = Math.ceil(g.width / moving.step) * Math.ceil(g.height / moving.step);
    const n = movingCellsIn(g, moving);
    if (n === 0 || n > MAX_PANEL_MOTION * cells) continue;
    const ring = ringOf(img, g, moving, ink);
    if (!ring || ring.flat < rules.minRingFlat) continue;
    map ??= moving.map.slice();
    for (let gy = Math.floor(g.y / moving.step); gy <= Math.floor((g.y + g.height - 1) / moving.step); gy++)
      for (let gx = Math.floor(g.x / moving.step); gx <= Math.floor((g.x + g.width - 1) / moving.step); gx++) map[gy * moving.gridWidth + gx] = 0;
  }
  return map ? { ...moving, map } : moving;
}

/**
 * Grow a box to the full extent of the ink components it touches (glyph parts outside
 * tesseract's word box), leaving out components that are not glyph-sized next to it:
 * taller than twice the box (a frame line), wider than it plus twice its height, or
 * reaching more than half its height beyond it (speckle, when motion cannot tell).
 */
export function growToInk<B extends Box>(box: B, ink: InkMap, maxHeight: number): B {
  const x0 = Math.max(0, box.x);
  const y0 = Math.max(0, box.y);
  const x1 = Math.min(ink.width, box.x + box.width);
  const y1 = Math.min(ink.height, box.y + box.height);
  const seen = new Set<number>();
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const l = ink.labels[y * ink.width + x]!;
      if (l) seen.add(l - 1);
    }
  let gx0 = box.x;
  let gy0 = box.y;
  let gx1 = box.x + box.width;
  let gy1 = box.y + box.height;
  for (const i of seen) {
    const c = ink.components[i]!;
    if (c.height > Math.min(maxHeight, 2 * box.height) || c.width > box.width + 2 * box.height) continue;
    const reach = Math.max(2, Math.ceil(box.height / 2));
    if (c.x < box.x - reach || c.y < box.y - reach || c.x + c.width > box.x + box.width + reach || c.y + c.height > box.y + box.height + reach) continue;
    gx0 = Math.min(gx0, c.x);
    gy0 = Math.min(gy0, c.y);
    gx1 = Math.max(gx1, c.x + c.width);
    gy1 = Math.max(gy1, c.y + c.height);
  }
  return { ...box, x: gx0, y: gy0, width: gx1 - gx0, height: gy1 - gy0 };
}

/** Ink pixels inside a box. */
export function inkPixelsIn(ink: InkMap, box: Box): number {
  let n = 0;
  for (let y = Math.max(0, box.y); y < Math.min(ink.height, box.y + box.height); y++)
    for (let x = Math.max(0, box.x); x < Math.min(ink.width, box.x + box.width); x++) if (ink.labels[y * ink.width + x] !== 0) n++;
  return n;
}
