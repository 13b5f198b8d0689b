/** The HUD page's stylesheet (inlined into the page; no build step). */
export const PAGE_STYLE = `
:root { color-scheme: dark; --bg: #0e1116; --card: #171b22; --line: #262c36; --text: #e6e9ef; --dim: #8b93a1; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
header { display: flex; align-items: center; gap: 16px; padding: 10px 18px; border-bottom: 1px solid var(--line); }
header h1 { font-size: 15px; margin: 0; font-weight: 600; letter-spacing: .02em; }
header .exam { color: var(--dim); font-family: ui-monospace, monospace; font-size: 12px; }
header .spacer { flex: 1; }
.conn { font-size: 12px; color: var(--dim); }
.conn::before { content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 6px; background: #616161; vertical-align: 0; }
.conn.live::before { background: #43a047; } .conn.ended::before { background: #fbc02d; } .conn.lost::before { background: #e53935; }
.counters { display: flex; gap: 14px; font-size: 12px; color: var(--dim); font-variant-numeric: tabular-nums; }
.counters b { color: var(--text); font-weight: 600; }
main { display: grid; grid-template-columns: minmax(320px, 520px) minmax(300px, 1fr); gap: 16px; padding: 16px 18px 0; }
.view { position: relative; background: #000; border-radius: 8px; overflow: hidden; aspect-ratio: 1 / 1; border: 1px solid var(--line); }
.view canvas { position: absolute; inset: 0; width: 100%; height: 100%; }
.view .waiting[hidden] { display: none; }
.view .waiting { position: absolute; inset: 0; display: grid; place-items: center; color: var(--dim); }
.chips { position: absolute; left: 10px; top: 10px; display: flex; gap: 6px; }
.chip { padding: 3px 10px; border-radius: 999px; font-weight: 700; font-size: 13px; background: rgba(0,0,0,.6); border: 2px solid currentColor; }
.chip:empty { display: none; }
.sal-toggle { position: absolute; right: 10px; bottom: 8px; font-size: 12px; color: var(--dim); background: rgba(0,0,0,.55); padding: 2px 8px; border-radius: 6px; }
.sal-toggle[hidden] { display: none; }
aside { display: flex; flex-direction: column; gap: 12px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card h2 { margin: 0 0 8px; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .08em; color: var(--dim); }
.now { display: flex; gap: 18px; align-items: baseline; }
.now .big { font-size: 30px; font-weight: 700; }
.now .vein { font-size: 18px; font-weight: 600; }
.bars { display: grid; grid-template-columns: 64px 1fr 42px; gap: 4px 8px; align-items: center; margin-top: 8px; font-size: 12px; color: var(--dim); }
.bar { height: 8px; background: #0b0d11; border-radius: 4px; overflow: hidden; }
.bar i { display: block; height: 100%; width: 0; transition: width .1s linear; }
.bars span:last-child, .bars .v { text-align: right; font-variant-numeric: tabular-nums; color: var(--text); }
.badges { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.badge { border-radius: 8px; padding: 10px 12px; background: #22262e; border-left: 6px solid #616161; }
.badge .lm { font-weight: 700; font-size: 16px; }
.badge .v { font-size: 13px; color: var(--dim); text-transform: capitalize; }
.verdict { border-left: 6px solid #616161; }
.verdict .text { font-size: 19px; font-weight: 700; }
.verdict .text.pending { color: var(--dim); font-weight: 500; font-size: 15px; }
.verdict .why { color: var(--dim); font-size: 12px; margin-top: 4px; }
.disclaimer { margin-top: 8px; font-size: 12px; color: #ffcc80; }
.reason { font-size: 12px; color: var(--dim); min-height: 1.4em; font-family: ui-monospace, monospace; }
.timeline { margin: 16px 18px 0; }
.timeline canvas { width: 100%; height: 170px; display: block; }
.legend { display: flex; gap: 16px; font-size: 12px; color: var(--dim); margin-top: 6px; flex-wrap: wrap; }
.legend i { display: inline-block; width: 14px; height: 3px; vertical-align: middle; margin-right: 5px; }
footer { margin: 12px 18px 16px; font-size: 12px; color: var(--dim); }
`;
