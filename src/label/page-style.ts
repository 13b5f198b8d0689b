/** The labelling page's stylesheet (inlined into the page; no build step). */
export const LABEL_PAGE_STYLE = `
:root { color-scheme: dark; --bg: #0e1116; --card: #171b22; --line: #262c36; --text: #e6e9ef; --dim: #8b93a1; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
header { display: flex; align-items: center; gap: 14px; padding: 10px 18px; border-bottom: 1px solid var(--line); }
header h1 { font-size: 15px; margin: 0; font-weight: 600; }
header select { background: var(--card); color: var(--text); border: 1px solid var(--line); border-radius: 6px; padding: 4px 8px; max-width: 420px; }
header .spacer { flex: 1; }
.status { font-size: 12px; color: var(--dim); font-variant-numeric: tabular-nums; }
.status.error { color: #ef9a9a; }
main { display: grid; grid-template-columns: minmax(320px, 1fr) 300px; gap: 16px; padding: 14px 18px 0; }
.view { position: relative; background: #000; border: 1px solid var(--line); border-radius: 8px; display: grid; place-items: center; min-height: 300px; }
.view canvas { width: 100%; height: 62vh; object-fit: contain; display: block; }
.view .waiting { position: absolute; inset: 0; display: grid; place-items: center; color: var(--dim); }
.view .waiting[hidden] { display: none; }
.now { position: absolute; left: 10px; top: 10px; display: flex; gap: 6px; }
.chip { background: rgba(0,0,0,.65); border-radius: 5px; padding: 2px 8px; font-weight: 600; font-size: 13px; }
.chip:empty { display: none; }
aside .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; margin-bottom: 12px; }
aside h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--dim); margin: 0 0 8px; font-weight: 600; }
.keys { display: grid; grid-template-columns: auto 1fr; gap: 3px 10px; font-size: 13px; }
kbd { font: 12px ui-monospace, monospace; background: #222833; border: 1px solid #343c4a; border-radius: 4px; padding: 0 5px; }
.transport { display: flex; align-items: center; gap: 10px; padding: 10px 18px 4px; font-variant-numeric: tabular-nums; }
.transport button { background: var(--card); color: var(--text); border: 1px solid var(--line); border-radius: 6px; padding: 4px 12px; cursor: pointer; }
.transport .pending { color: #ffd54f; }
.timeline { padding: 4px 18px 12px; }
.timeline canvas { width: 100%; height: 152px; display: block; background: var(--card); border: 1px solid var(--line); border-radius: 6px; cursor: pointer; }
.lanes { display: flex; gap: 16px; font-size: 12px; color: var(--dim); margin-top: 6px; }
.lanes i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.banner { margin: 10px 18px 0; padding: 8px 12px; border-radius: 6px; background: #4a1f1f; border: 1px solid #8e3b3b; }
.banner[hidden] { display: none; }
.banner button { margin-left: 10px; }
footer { padding: 6px 18px 14px; color: var(--dim); font-size: 12px; }
`;
