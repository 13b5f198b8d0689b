/**
 * The labelling page: one self-contained HTML document. Its script and style are
 * inline and returned beside the HTML so the server can allow exactly them (by
 * hash) in its Content-Security-Policy.
 */
import { LANDMARK_COLORS, VEIN_COLORS, hex } from '../render/palette.js';
import { labelPageScript } from './page-script.js';
import { LABEL_PAGE_STYLE } from './page-style.js';

export interface LabelPage {
  html: string;
  script: string;
  style: string;
}

const PALETTE = {
  BG: hex(LANDMARK_COLORS.BG),
  LM1: hex(LANDMARK_COLORS.LM1),
  LM2: hex(LANDMARK_COLORS.LM2),
  open: hex(VEIN_COLORS.open),
  closed: hex(VEIN_COLORS.closed),
  unusable: '#616161',
};

const KEY_HELP: [string, string][] = [
  ['Space', 'play / pause'],
  ['← →', 'one frame (Shift: 10)'],
  ['Home End', 'first / last frame'],
  ['b 1 2', 'landmark BG / LM1 / LM2'],
  ['o c', 'vein open / closed'],
  ['u', 'unusable'],
  ['', 'press once to start at this frame, again to end here'],
  ['Enter Esc', 'end / cancel the segment'],
  ['click', 'select a run on the timeline'],
  ['[ ]', 'move its start / end here'],
  ['Delete', 'remove it'],
  ['a', "accept the model's pre-labels where you have none"],
  ['Ctrl+Z', 'undo (Ctrl+Shift+Z, Ctrl+Y: redo)'],
  ['PgUp PgDn', 'previous / next loop in the queue'],
];

export function labelPage(): LabelPage {
  const script = labelPageScript(PALETTE);
  const style =
    LABEL_PAGE_STYLE +
    Object.entries(PALETTE)
      .map(([name, color]) => `.lanes i.c-${name} { background: ${color}; }\n`)
      .join('');
  const keys = KEY_HELP.map(
    ([k, what]) =>
      `<span>${k
        .split(' ')
        .filter(Boolean)
        .map((x) => `<kbd>${x}</kbd>`)
        .join(' ')}</span><span>${what}</span>`,
  ).join('\n');
  const legend = Object.entries(PALETTE)
    .map(([name]) => `<span><i class="c-${name}"></i>${name}</span>`)
    .join('');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>autodvt label</title>
<style>${style}</style>
</head>
<body>
<header>
  <h1>autodvt · label</h1>
  <select id="loop" aria-label="loop"></select>
  <span class="spacer"></span>
  <span class="status" id="status">starting…</span>
</header>
<div class="banner" id="conflict" hidden><span id="conflict-text"></span><button id="reload">Reload</button></div>
<main>
  <section class="view">
    <canvas id="frame" width="320" height="240"></canvas>
    <div class="now"><span class="chip" id="chip-landmark"></span><span class="chip" id="chip-vein"></span></div>
    <div class="waiting" id="waiting">loading…</div>
  </section>
  <aside>
    <div class="card"><h2>Keys</h2><div class="keys">${keys}</div></div>
    <div class="card"><h2>Image</h2>Burned-in text is removed (the pipeline's text-removal stage) before frames reach this page.</div>
  </aside>
</main>
<div class="transport"><button id="play">Play</button><span id="position"></span><span class="pending" id="pending"></span></div>
<section class="timeline">
  <canvas id="timeline"></canvas>
  <div class="lanes"><span>lanes: landmark · vein · unusable · model landmark · model vein</span>${legend}</div>
</section>
<footer>Labels are saved to &lt;file&gt;.labels.json on every change. Research software, not a medical device.</footer>
<script>${script}</script>
</body>
</html>
`;
  return { html, script, style };
}
