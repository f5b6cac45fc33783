/** The dashboard's style sheet (added to the page by app.ts). */
/** The page's CSS. */
export const STYLES = `
:root { --fg: #1f2933; --muted: #616e7c; --line: #d9dee4; --bg: #f5f7fa; --card: #fff; --accent: #e8710a; --error: #b3261e; }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); display: flex; flex-direction: column; }
header { display: flex; align-items: center; gap: 20px; padding: 0 20px; height: 52px; background: #263238; color: #fff; flex: none; }
header h1 { font-size: 17px; font-weight: 600; margin: 0; white-space: nowrap; }
header h1 span { color: var(--accent); }
nav { display: flex; gap: 2px; height: 100%; }
nav button { background: none; border: 0; border-bottom: 3px solid transparent; color: #cfd8dc; font: inherit; font-weight: 500; padding: 0 14px; cursor: pointer; height: 100%; }
nav button:hover { color: #fff; }
nav button.active { color: #fff; border-bottom-color: var(--accent); }
.status { margin-left: auto; font-size: 12px; color: #b0bec5; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.status b { color: #9ccc65; font-weight: 600; }
.status.offline b { color: #ef9a9a; }
.layout { display: flex; flex: 1; min-height: 0; }
aside { width: 250px; flex: none; border-right: 1px solid var(--line); background: var(--card); padding: 14px 14px 20px; overflow-y: auto; }
aside h2 { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 16px 0 8px; }
aside > h2:first-child { margin-top: 0; }
.run { display: flex; align-items: center; gap: 8px; padding: 3px 0; cursor: pointer; word-break: break-all; }
.run input { margin: 0; accent-color: #455a64; }
.swatch { width: 11px; height: 11px; border-radius: 50%; flex: none; }
.run-error { color: var(--error); font-size: 12px; margin: 0 0 6px 27px; word-break: break-word; }
.option { display: flex; align-items: center; gap: 8px; margin: 6px 0; }
.option input[type=range] { flex: 1; min-width: 0; accent-color: var(--accent); }
.option output { width: 34px; text-align: right; font-variant-numeric: tabular-nums; }
.logdir { font-size: 12px; color: var(--muted); word-break: break-all; }
main { flex: 1; overflow: auto; padding: 18px 22px 30px; min-width: 0; }
.toolbar { display: flex; align-items: center; gap: 16px; margin-bottom: 14px; flex-wrap: wrap; }
.toolbar label { display: flex; align-items: center; gap: 6px; }
.switch { display: inline-flex; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
.switch[hidden] { display: none; }
.switch button { background: var(--card); border: 0; border-right: 1px solid var(--line); font: inherit; padding: 5px 14px; cursor: pointer; color: var(--muted); }
.switch button:last-child { border-right: 0; }
.switch button.active { background: var(--accent); color: #fff; }
select { font: inherit; padding: 3px 6px; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(430px, 1fr)); gap: 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px 8px; min-width: 0; }
.card h3 { font-size: 14px; font-weight: 600; margin: 0 0 2px; word-break: break-all; }
.card .sub { font-size: 12px; color: var(--muted); margin: 0 0 6px; }
.chart { height: 270px; }
.banner { background: #fdecea; color: var(--error); border: 1px solid #f5c2c0; border-radius: 6px; padding: 8px 12px; margin-bottom: 14px; word-break: break-word; }
.empty { color: var(--muted); padding: 30px 0; }
.totals { display: flex; gap: 26px; flex-wrap: wrap; margin-bottom: 12px; }
.totals div { font-size: 12px; color: var(--muted); }
.totals b { display: block; font-size: 18px; color: var(--fg); font-variant-numeric: tabular-nums; }
.diagram { background: var(--card); border: 1px solid var(--line); border-radius: 6px; overflow: auto; padding: 10px; margin-bottom: 16px; }
.diagram svg { display: block; margin: 0 auto; }
.diagram text { font-family: inherit; }
table.layers { border-collapse: collapse; background: var(--card); border: 1px solid var(--line); width: 100%; font-variant-numeric: tabular-nums; }
table.layers th, table.layers td { text-align: left; padding: 6px 12px; border-bottom: 1px solid var(--line); }
table.layers th { font-size: 12px; color: var(--muted); font-weight: 600; background: #fafbfc; }
table.layers td.num, table.layers th.num { text-align: right; }
.image-card img { display: block; image-rendering: pixelated; max-width: 100%; height: auto; border: 1px solid var(--line); background: #fff; margin: 6px 0; }
.image-card input[type=range] { width: 100%; accent-color: var(--accent); }
.scopes { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 10px; }
.scopes button { font: inherit; font-size: 12px; padding: 2px 10px; border: 1px solid #90caf9; border-radius: 12px; background: #e3f2fd; color: #0d47a1; cursor: pointer; }
.entries { display: flex; flex-direction: column; gap: 16px; }
.entry { border-top: 1px solid var(--line); padding: 6px 0; }
pre.text { white-space: pre-wrap; word-break: break-word; margin: 4px 0; font-size: 13px; }
.clip { margin: 4px 0; }
.hparams-table { overflow-x: auto; margin-bottom: 16px; }
table.hparams caption { text-align: left; font-size: 12px; color: var(--muted); padding: 0 0 6px; }
table.hparams th, table.hparams td { white-space: nowrap; }
table.hparams th.group { border-left: 1px solid var(--line); }
table.hparams td .swatch { display: inline-block; vertical-align: middle; }
th button.sort { font: inherit; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; text-align: inherit; }
th button.sort:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
th[aria-sort=ascending] button.sort, th[aria-sort=descending] button.sort { color: var(--fg); }
.chart.parallel { height: 340px; }
.clip figcaption { font-size: 12px; color: var(--muted); }
.run-filter input { width: 100%; box-sizing: border-box; font: inherit; font-size: 13px; padding: 4px 6px; border: 1px solid var(--line); border-radius: 4px; }
.run-filter input[aria-invalid=true] { border-color: var(--error); }
.filter-error { color: var(--error); font-size: 12px; margin: 4px 0 6px; }
.filter-error:empty { display: none; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.downloads { font-size: 12px; color: var(--muted); margin: 4px 0 0; display: flex; flex-wrap: wrap; gap: 4px 10px; }
.pr-card input[type=range] { width: 100%; accent-color: var(--accent); }
`;
