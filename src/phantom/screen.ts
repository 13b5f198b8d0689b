/**
 * The scanner screen around the B-mode image: size, where the image sits, and
 * burned-in text (fake patient name and ID, date, depth, frequency, gain, preset,
 * logo, depth-scale numbers) in varying sizes, weights and places, plus depth-scale
 * ticks and a toolbar. Drawn once per exam into a template; every text box is
 * recorded as ground truth.
 */
import type { Box } from '../core/events.js';
import { drawText, measureText, type TextStyle } from './font.js';
import type { Rng } from './prng.js';

export interface ScreenLayout {
  width: number;
  height: number;
  /** The B-mode image inside the screen. */
  us: Box;
  /** Static screen content (text, ticks, toolbar); the B-mode region is drawn per frame. */
  template: Uint8Array;
  textBoxes: Box[];
}

/** Screen sizes of common scanners and their DICOM secondary captures. */
export const SCREEN_SIZES: ReadonlyArray<readonly [number, number]> = [
  [640, 480],
  [800, 600],
  [1024, 768],
  [1280, 720],
  [960, 720],
  [720, 576],
  [1016, 708],
  [1136, 852],
];

const FIRST = ['JANE', 'JOHN', 'ALEX', 'SAM', 'MARIA', 'LEE', 'NOOR', 'KAI', 'ROBIN', 'ANA'];
const LAST = ['DOE', 'ROE', 'PHANTOM', 'SAMPLE', 'TESTER', 'MOCK', 'DUMMY', 'EXAMPLE'];
const PRESETS = ['VASC VEN', 'VENOUS', 'LE VEIN', 'DVT', 'VASCULAR', 'PV LEG'];
const BRANDS = ['SONOVA', 'ACUMED', 'ECHOLUX', 'VISTASCAN', 'ULTRA-X', 'MEDIWAVE'];
const PROBES = ['L12-4', 'L15-7', 'HFL38', 'L10-5', 'ML6-15', 'L4-12T'];

export interface FakeIdentity {
  name: string;
  id: string;
  date: string;
  time: string;
}

export function fakeIdentity(rng: Rng): FakeIdentity {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return {
    name: `${rng.pick(LAST)}^${rng.pick(FIRST)}`,
    id: `PH${rng.int(100000, 999999)}`,
    date: `${rng.int(2015, 2024)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`,
    time: `${pad(rng.int(7, 19))}:${pad(rng.int(0, 59))}`,
  };
}

function intersects(a: Box, b: Box, pad: number): boolean {
  return a.x < b.x + b.width + pad && b.x < a.x + a.width + pad && a.y < b.y + b.height + pad && b.y < a.y + a.height + pad;
}

export interface ScreenOptions {
  width?: number;
  height?: number;
  vendorFrame: boolean;
  depthMm: number;
  identity: FakeIdentity;
  /** Render the screen at 1/scale its size in pixels (the phantom's `mmPerPxScale`; default 1). */
  scale?: number;
}

export function createScreen(rng: Rng, opts: ScreenOptions): ScreenLayout {
  const size = rng.pick(SCREEN_SIZES);
  const scaled = (n: number): number => (opts.scale === undefined ? n : Math.max(16, Math.round(n / opts.scale)));
  const width = scaled(opts.width ?? size[0]);
  const height = scaled(opts.height ?? size[1]);
  if (!opts.vendorFrame) {
    return { width, height, us: { x: 0, y: 0, width, height }, template: new Uint8Array(width * height), textBoxes: [] };
  }
  const usH = Math.round(height * rng.range(0.68, 0.8));
  const usW = Math.min(Math.round(width * 0.62), Math.round(usH * rng.range(0.8, 1.1)));
  const usX = Math.round(rng.range(0.18, 0.82 - usW / width) * width);
  const usY = Math.round(rng.range(0.08, Math.max(0.08, 0.9 - usH / height)) * height);
  const us: Box = { x: usX, y: usY, width: usW, height: usH };
  const template = new Uint8Array(width * height);
  const bg = rng.int(0, 10);
  if (bg > 0) template.fill(bg);
  const textBoxes: Box[] = [];
  const taken: Box[] = [us];
  const base = width >= 1000 ? 2 : 1;
  const style = (): TextStyle => {
    const s = base + (rng.chance(0.35) ? 1 : 0);
    return { scaleX: s, scaleY: rng.chance(0.2) ? s + 1 : s, bold: rng.chance(0.3), value: rng.int(185, 255) };
  };
  /** Draw text if it fits inside the screen and clear of the image and other text. */
  const place = (text: string, st: TextStyle, x: number, y: number): Box | undefined => {
    const m = measureText(text, st);
    const box: Box = { x: Math.round(x), y: Math.round(y), width: m.width, height: m.height };
    if (box.x < 1 || box.y < 1 || box.x + box.width > width - 1 || box.y + box.height > height - 1) return undefined;
    if (taken.some((t) => intersects(t, box, 2))) return undefined;
    const drawn = drawText(template, width, height, box.x, box.y, text, st);
    textBoxes.push(drawn);
    taken.push(drawn);
    return drawn;
  };
  const id = opts.identity;

  // Logo: inverse video block at a top corner.
  const logoStyle: TextStyle = { scaleX: base + 1, scaleY: base + 1, bold: true, value: 0 };
  const brand = rng.pick(BRANDS);
  const lm = measureText(brand, logoStyle);
  const logoLeft = rng.chance(0.7);
  const lx = logoLeft ? 6 : width - lm.width - 12;
  const fillBox: Box = { x: lx - 3, y: 2, width: lm.width + 6, height: lm.height + 4 };
  if (fillBox.x >= 0 && fillBox.x + fillBox.width <= width && !taken.some((t) => intersects(t, fillBox, 1))) {
    for (let yy = fillBox.y; yy < fillBox.y + fillBox.height; yy++) {
      template.fill(200, yy * width + fillBox.x, yy * width + fillBox.x + fillBox.width);
    }
    drawText(template, width, height, lx, 4, brand, logoStyle);
    textBoxes.push(fillBox);
    taken.push(fillBox);
  }

  // Header: patient name and ID, date and time.
  const header = style();
  const hy = Math.max(4, Math.round(usY / 2 - (7 * header.scaleY) / 2));
  const nameText = rng.chance(0.5) ? `${id.name} ${id.id}` : id.name;
  const centred = rng.chance(0.5);
  const nm = measureText(nameText, header);
  const nameBox = place(nameText, header, centred ? width / 2 - nm.width / 2 : usX, hy);
  if (nameBox && nameText === id.name) place(`ID:${id.id}`, style(), nameBox.x, nameBox.y + nameBox.height + 4);
  const dateText = rng.chance(0.5) ? `${id.date} ${id.time}` : id.date.replaceAll('-', '/');
  const dm = measureText(dateText, header);
  place(dateText, header, width - dm.width - 8, hy);

  // Side panel with acquisition parameters, on the side with more room.
  const leftRoom = usX;
  const rightRoom = width - (usX + usW);
  const panelRight = rightRoom > leftRoom;
  const params = [
    rng.pick(PRESETS),
    `${rng.pick(PROBES)}`,
    `${rng.int(7, 15)}MHZ`,
    `G ${rng.int(40, 75)}%`,
    `DR ${rng.int(45, 70)}`,
    `D ${(opts.depthMm / 10).toFixed(1)}CM`,
    `FR ${rng.int(18, 45)}HZ`,
    `MI ${(rng.range(0.5, 1.3)).toFixed(1)}`,
    `TIS ${(rng.range(0.1, 0.9)).toFixed(1)}`,
  ];
  const panel = style();
  const lineH = 7 * panel.scaleY + rng.int(4, 9);
  let py = usY + rng.int(0, 30);
  for (const p of params) {
    const m = measureText(p, panel);
    const px = panelRight ? usX + usW + Math.max(28, (rightRoom - m.width) / 2) : Math.max(4, (leftRoom - m.width) / 2 - 10);
    place(p, panel, px, py);
    py += lineH;
  }

  // Depth scale: ticks every 5 mm on one side of the image, numbers every cm.
  const tickSide = panelRight ? -1 : 1;
  const tickX = tickSide > 0 ? usX + usW + 3 : usX - 4;
  const pxPerMm = usH / opts.depthMm;
  const numStyle: TextStyle = { scaleX: base, scaleY: base, bold: false, value: 220 };
  for (let d = 0; d <= opts.depthMm; d += 5) {
    const ty = Math.round(usY + d * pxPerMm);
    if (ty >= height) break;
    const len = d % 10 === 0 ? 6 : 3;
    for (let k = 0; k < len; k++) {
      const tx = tickX + (tickSide > 0 ? k : -k);
      if (tx >= 0 && tx < width && ty < usY + usH) template[ty * width + tx] = 230;
    }
    if (d % 10 === 0 && d > 0) {
      const txt = String(d / 10);
      const m = measureText(txt, numStyle);
      place(txt, numStyle, tickSide > 0 ? tickX + 9 : tickX - 9 - m.width, ty - m.height / 2);
    }
  }
  // Focus marker beside the image.
  const focusY = usY + Math.round(usH * rng.range(0.3, 0.6));
  place('<', numStyle, tickSide > 0 ? tickX + 9 : tickX - 9 - 6 * base, focusY);

  // Bottom toolbar with outlined buttons.
  if (height - (usY + usH) > 24 + 10 * base) {
    const tb = style();
    const labels = ['GEN', 'VEIN', 'DUAL', 'PW', `PAGE 1/${rng.int(2, 4)}`];
    const by = height - 7 * tb.scaleY - 10;
    let bx = Math.round(width * rng.range(0.05, 0.2));
    for (const l of labels) {
      const m = measureText(l, tb);
      const btn: Box = { x: bx - 6, y: by - 4, width: m.width + 12, height: m.height + 8 };
      if (btn.x + btn.width >= width - 1) break;
      if (!taken.some((t) => intersects(t, btn, 1))) {
        for (let x = btn.x; x < btn.x + btn.width; x++) {
          template[btn.y * width + x] = 90;
          template[(btn.y + btn.height - 1) * width + x] = 90;
        }
        for (let y = btn.y; y < btn.y + btn.height; y++) {
          template[y * width + btn.x] = 90;
          template[y * width + btn.x + btn.width - 1] = 90;
        }
        place(l, tb, bx, by);
      }
      bx += m.width + 22;
    }
  }
  // Probe orientation mark at a top corner of the image.
  const mx = rng.chance(0.5) ? usX + 4 : usX + usW - 10;
  const my = usY - 10;
  if (my > 0) for (let y = my; y < my + 6; y++) template.fill(240, y * width + mx, y * width + mx + 6);
  return { width, height, us, template, textBoxes };
}
