/** `console.css`: one stylesheet; readable from a phone (390 px) up; focus always visible. */
export default String.raw`
:root {
  color-scheme: light dark;
  --bg: #fbfbfa; --fg: #1d1f21; --muted: #5f6368; --line: #d9dadc; --panel: #ffffff;
  --accent: #0b5cad; --accent-fg: #ffffff; --ok: #1b7f3b; --bad: #b3261e; --focus: #f4b400;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 16px; line-height: 1.45;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #17181a; --fg: #e8eaed; --muted: #a0a4a9; --line: #3a3c40; --panel: #202124; --accent: #8ab4f8; --accent-fg: #111; --ok: #81c995; --bad: #f28b82; }
}
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--bg); color: var(--fg); }
body { overflow-wrap: anywhere; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -10000px; top: 0; }
.skip:focus { left: 8px; top: 8px; background: var(--panel); padding: 6px 10px; z-index: 10; }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 20px; padding: 10px 16px; border-bottom: 1px solid var(--line); background: var(--panel); }
.brand { font-weight: 700; text-decoration: none; color: var(--fg); }
.top nav ul { display: flex; gap: 16px; list-style: none; margin: 0; padding: 0; }
.session { margin-left: auto; }
main { max-width: 1200px; margin: 0 auto; padding: 16px; }
main:focus { outline: none; }
h1 { font-size: 1.5rem; margin: 8px 0 16px; }
h2 { font-size: 1.15rem; margin: 24px 0 8px; }
h3 { font-size: 1rem; margin: 16px 0 6px; }
.page-head { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px; }
.muted { color: var(--muted); }
.small { font-size: 0.85rem; }
.error { color: var(--bad); min-height: 1.2em; }
.table-wrap { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; position: absolute; left: -10000px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; white-space: nowrap; }
.status-ok, .status-online { color: var(--ok); }
.status-degraded, .status-offline, .status-restarting { color: var(--bad); }
button, select, input, textarea { font: inherit; color: inherit; }
button { padding: 6px 14px; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); cursor: pointer; min-height: 36px; }
button.primary { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); }
button.link { border: none; background: none; color: var(--accent); text-decoration: underline; padding: 2px 4px; min-height: 0; }
button:disabled { opacity: 0.55; cursor: default; }
input, select, textarea { padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); max-width: 100%; min-height: 36px; }
textarea { width: 100%; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.field { display: flex; flex-direction: column; align-items: flex-start; gap: 4px; margin: 6px 0; min-width: 0; }
.field textarea { align-self: stretch; }
.field label { font-weight: 600; font-size: 0.9rem; }
.row { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: flex-end; }
.checks { border: none; margin: 6px 0; padding: 0; display: flex; gap: 12px; flex-wrap: wrap; align-items: center; }
.checks label { display: inline-flex; align-items: center; gap: 4px; }
.checks legend { font-weight: 600; font-size: 0.9rem; padding: 0; margin-bottom: 4px; }
.records { display: grid; gap: 8px; margin-top: 8px; }
.record { border: 1px solid var(--line); border-radius: 8px; background: var(--panel); padding: 8px 10px; min-width: 0; }
.record-meta { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 0.85rem; }
.offset { font-weight: 700; }
pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.85rem; }
pre.record-value { margin: 6px 0 0; white-space: pre-wrap; word-break: break-all; max-height: 24em; overflow: auto; }
.record-headers { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 6px 0 0; font-size: 0.85rem; }
.record-headers dt { font-weight: 600; }
.record-headers dd { margin: 0; word-break: break-all; }
dl.config, dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.config dd, dl.facts dd { margin: 0; }
.config-box { margin: 16px 0; }
.config-box summary { cursor: pointer; font-weight: 600; }
.format { margin: 16px 0 0; }
.token-form { max-width: 28rem; }
.problem { max-width: 40rem; }
.charts { display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); }
.chart-figure { margin: 0; min-width: 0; }
.chart-figure figcaption { font-weight: 600; }
.chart { width: 100%; height: auto; display: block; }
.chart .axis { stroke: var(--muted); stroke-width: 1; }
.chart .line { fill: none; stroke: var(--accent); stroke-width: 2; }
.chart .dot { fill: var(--accent); }
.chart .tick { fill: var(--muted); font-size: 11px; }
@media (max-width: 600px) {
  main { padding: 10px; }
  th, td { padding: 4px 6px; font-size: 0.9rem; }
  .row > * { flex: 1 1 100%; }
  .row > button { flex: 1 1 auto; }
}
`;
