/**
 * The HUD page: one self-contained HTML document (style and script inlined; the server
 * allows exactly these two by their hashes in its Content-Security-Policy).
 */
import { DISCLAIMER } from '../../core/events.js';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';

export interface HudPage {
  html: string;
  /** The inline script and style, as they appear in `html`. */
  script: string;
  style: string;
}

export function hudPage(): HudPage {
  return { html: hudHtml(), script: PAGE_SCRIPT, style: PAGE_STYLE };
}

function hudHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>autodvt HUD</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
  <h1>autodvt · live HUD</h1>
  <span class="exam" id="exam-id"></span>
  <span class="spacer"></span>
  <div class="counters">
    <span>pipeline <b id="pipeline-fps">0</b> fps</span>
    <span>shown <b id="shown-fps">0</b> fps</span>
    <span>dropped <b id="dropped">0</b></span>
    <span>skipped here <b id="skipped">0</b></span>
    <span>latency p99 <b id="latency">—</b></span>
  </div>
  <span class="conn" id="conn">connecting</span>
</header>
<main>
  <section class="view">
    <canvas id="frame" width="450" height="450"></canvas>
    <div class="waiting" id="waiting">waiting for frames…</div>
    <div class="chips"><span class="chip" id="chip-lm"></span><span class="chip" id="chip-vein"></span></div>
    <label class="sal-toggle" id="sal-toggle" hidden><input type="checkbox" id="sal" checked> saliency</label>
  </section>
  <aside>
    <div class="card">
      <h2>Now</h2>
      <div class="now"><span class="big" id="landmark">—</span><span class="vein" id="vein">waiting for the model</span></div>
      <div class="bars">
        <span>P(BG)</span><div class="bar"><i id="bar-BG"></i></div><span class="v" id="val-BG">0.00</span>
        <span>P(LM1)</span><div class="bar"><i id="bar-LM1"></i></div><span class="v" id="val-LM1">0.00</span>
        <span>P(LM2)</span><div class="bar"><i id="bar-LM2"></i></div><span class="v" id="val-LM2">0.00</span>
        <span>P(closed)</span><div class="bar"><i id="bar-pClosed"></i></div><span class="v" id="val-pClosed">0.00</span>
      </div>
    </div>
    <div class="card">
      <h2>Landmarks</h2>
      <div class="badges">
        <div class="badge" id="badge-LM1" data-verdict="not-examined"><div class="lm">LM1 <small>saphenofemoral junction</small></div><div class="v">not examined</div></div>
        <div class="badge" id="badge-LM2" data-verdict="not-examined"><div class="lm">LM2 <small>femoral–deep femoral confluence</small></div><div class="v">not examined</div></div>
      </div>
    </div>
    <div class="card verdict" id="verdict-card">
      <h2>Exam verdict</h2>
      <div class="text pending" id="exam-verdict">exam in progress: the verdict comes when the exam ends</div>
      <div class="why" id="verdict-why"></div>
      <div class="disclaimer" id="disclaimer">${DISCLAIMER}</div>
    </div>
    <div class="reason" id="reason"></div>
  </aside>
</main>
<section class="timeline">
  <canvas id="timeline"></canvas>
  <div class="legend" id="legend"></div>
</section>
<footer id="footer-disclaimer">${DISCLAIMER}</footer>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
