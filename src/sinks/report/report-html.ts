/**
 * One exam's report as a self-contained HTML document: the exam verdict, a section
 * per landmark (badge, each visit with its evidence and `explain` trace, and the
 * frame where the vein was most compressed), the whole-exam timeline as inline SVG,
 * and evenly spaced frames. Images are inline PNG data URIs; nothing is fetched.
 * The research-software disclaimer heads and closes every report.
 */
import { DISCLAIMER, type ExamEvent, type VerdictEvent } from '../../core/events.js';
import { encodeGrayPng, pngDataUri } from '../../render/encode-png.js';
import { hex, LANDMARK_COLORS, VEIN_COLORS, VERDICT_COLORS, type BadgeVerdict } from '../../render/palette.js';
import { timelineSvg } from '../../render/timeline-svg.js';
import type { OverlaySnapshot, TimelineSample } from '../../render/overlay-state.js';
import type { Keyframe } from './keyframe-store.js';

export interface ReportInput {
  examId: string;
  exam?: ExamEvent;
  /** Set when the stream ended before the exam did. */
  endedEarly?: string;
  snapshot: OverlaySnapshot;
  samples: readonly TimelineSample[];
  verdicts: readonly VerdictEvent[];
  /** Per verdict (same order), the frame that shows it best. */
  verdictFrames: (Keyframe | undefined)[];
  overview: Keyframe[];
  frames: number;
  durationMs: number;
  modelIds: string[];
  generatedAt: Date;
}

export function reportHtml(r: ReportInput): string {
  const verdict = r.exam?.verdict ?? r.snapshot.examVerdict;
  const verdictColor =
    verdict === undefined
      ? '#616161'
      : verdict.startsWith('refer')
        ? hex(VERDICT_COLORS['not-compressible'])
        : verdict === 'incomplete'
          ? hex(VERDICT_COLORS.inconclusive)
          : hex(VERDICT_COLORS.compressible);
  const incomplete = r.exam?.incompleteReason ?? r.endedEarly;
  const sample = (kf: Keyframe | undefined) => (kf ? nearestSample(r.samples, kf.ptsMs) : undefined);
  const parts: string[] = [];
  parts.push(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>autodvt report: ${esc(r.examId)}</title>
<style>${STYLE}</style></head><body>
<p class="disclaimer" id="disclaimer-top">${esc(DISCLAIMER)}</p>
<h1>Compression ultrasound exam report</h1>
<p class="meta">exam <code>${esc(r.examId)}</code> · ${r.frames} frames · ${fmtS(r.durationMs)} · model ${r.modelIds.length ? r.modelIds.map((m) => `<code>${esc(m)}</code>`).join(', ') : 'none'} · generated ${esc(r.generatedAt.toISOString())}</p>
<section class="verdict" style="border-color:${verdictColor}">
  <h2>Exam verdict</h2>
  <p class="exam-verdict" id="exam-verdict" style="color:${verdictColor}">${verdict ? esc(verdict) : 'no verdict (no compressibility stage in the pipeline)'}</p>
  ${incomplete ? `<p class="warn">Ended early: ${esc(incomplete)}</p>` : ''}
  <div class="badges">${(['LM1', 'LM2'] as const).map((lm) => badge(lm, r.snapshot.badges[lm])).join('')}</div>
  <p class="disclaimer">${esc(r.exam?.disclaimer ?? DISCLAIMER)}</p>
</section>
<section><h2>Timeline</h2>
<p class="note">Model outputs per frame (lines), each landmark visit shaded in its verdict's colour; the bands underneath show the reported (smoothed) landmark and vein state${r.samples.some((s) => s.truth) ? ' and the ground-truth landmark from the labels' : ''}.</p>
<div class="timeline">${timelineSvg(r.samples, r.verdicts, { durationMs: r.durationMs })}</div></section>`);

  for (const lm of ['LM1', 'LM2'] as const) {
    const visits = r.verdicts.map((v, i) => [v, r.verdictFrames[i]] as const).filter(([v]) => v.landmark === lm);
    parts.push(
      `<section class="landmark" id="landmark-${lm}"><h2>${lm} <span class="pill" style="background:${hex(VERDICT_COLORS[r.snapshot.badges[lm]])}">${esc(r.snapshot.badges[lm])}</span></h2>`,
    );
    if (visits.length === 0) parts.push('<p class="note">No visit to this landmark was found.</p>');
    for (const [v, kf] of visits) {
      const s = sample(kf);
      parts.push(`<div class="visit"><div class="visit-text">
<h3><span class="pill" style="background:${hex(VERDICT_COLORS[v.verdict])}">${esc(v.verdict)}</span> ${fmtS(v.startMs)} – ${fmtS(v.endMs)}</h3>
<p class="note">${v.evidence.framesClosed} frames closed, ${v.evidence.framesOpen} open, ${v.evidence.compressionCycles} compression cycle(s)</p>
<ol class="explain">${v.explain.map((line) => `<li>${esc(line)}</li>`).join('')}</ol></div>
${kf ? figure(kf, `most compressed moment of the visit: ${fmtS(kf.ptsMs)}${s ? `, P(closed) ${s.pClosed.toFixed(2)}` : ''}`) : ''}</div>`);
    }
    parts.push('</section>');
  }

  if (r.overview.length > 0) {
    parts.push(
      `<section><h2>Frames through the exam</h2><div class="grid">${r.overview
        .map((kf) => {
          const s = sample(kf);
          const state = s?.state;
          const caption = `${fmtS(kf.ptsMs)}${state ? ` · <b style="color:${hex(LANDMARK_COLORS[state.landmark])}">${state.landmark}</b> · vein <b style="color:${hex(VEIN_COLORS[state.vein])}">${state.vein}</b>` : ''}`;
          return figure(kf, caption, true);
        })
        .join('')}</div></section>`,
    );
  }
  parts.push(`<p class="disclaimer" id="disclaimer-bottom">${esc(DISCLAIMER)}</p></body></html>\n`);
  return parts.join('\n');
}

function badge(lm: 'LM1' | 'LM2', v: BadgeVerdict): string {
  return `<div class="badge" style="border-color:${hex(VERDICT_COLORS[v])}"><b>${lm}</b> <span data-landmark="${lm}">${esc(v)}</span></div>`;
}

function figure(kf: Keyframe, captionHtml: string, captionIsHtml = false): string {
  const uri = pngDataUri(encodeGrayPng(kf.pixels, kf.width, kf.height));
  return `<figure><img src="${uri}" width="${kf.width}" height="${kf.height}" alt="frame ${kf.seq}"><figcaption>${captionIsHtml ? captionHtml : esc(captionHtml)}</figcaption></figure>`;
}

export function nearestSample(samples: readonly TimelineSample[], ptsMs: number): TimelineSample | undefined {
  let best: TimelineSample | undefined;
  for (const s of samples) if (!best || Math.abs(s.ptsMs - ptsMs) < Math.abs(best.ptsMs - ptsMs)) best = s;
  return best;
}

function fmtS(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; max-width: 1000px; margin: 24px auto; padding: 0 20px; }
h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 16px; margin: 0 0 10px; } h3 { font-size: 14px; margin: 0 0 4px; }
section { margin: 18px 0; padding: 14px 16px; border: 1px solid #e1e4ea; border-radius: 8px; }
.meta, .note { color: #5b6474; font-size: 13px; }
.disclaimer { background: #fff4e0; border: 1px solid #ffcc80; color: #7a4a00; padding: 8px 12px; border-radius: 6px; font-weight: 600; }
.verdict { border-left: 8px solid; }
.exam-verdict { font-size: 22px; font-weight: 700; margin: 4px 0 10px; }
.warn { color: #b3261e; }
.badges { display: flex; gap: 12px; margin-bottom: 10px; }
.badge { border-left: 6px solid; background: #f5f6f8; padding: 6px 12px; border-radius: 6px; }
.pill { color: #fff; border-radius: 999px; padding: 1px 10px; font-size: 12px; font-weight: 600; vertical-align: 2px; }
.visit { display: flex; gap: 16px; align-items: flex-start; border-top: 1px solid #eef0f3; padding-top: 10px; margin-top: 10px; }
.visit-text { flex: 1; }
.explain { font-family: ui-monospace, monospace; font-size: 12px; color: #333; padding-left: 20px; }
figure { margin: 0; text-align: center; } figure img { image-rendering: auto; border-radius: 4px; background: #000; max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: #5b6474; margin-top: 4px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 12px; }
.timeline svg { width: 100%; height: auto; }
code { font-size: 12px; }
`;
