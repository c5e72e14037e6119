/**
 * The page's only stylesheet. Colours are variables with a dark-mode override, so the same inline SVG
 * reads on either background; the palette is the Okabe–Ito set, distinguishable with colour blindness.
 */
export const REPORT_CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1d2129; --muted: #5b6270; --grid: #e3e6eb; --axis: #8a919e; --panel: #f6f7f9;
  --threshold: #c0392b;
  --c0: #0072b2; --c1: #d55e00; --c2: #009e73; --c3: #cc79a7; --c4: #e69f00; --c5: #56b4e9; --c6: #7f7f7f; --c7: #8c564b;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14161a; --fg: #e6e8ec; --muted: #a2a9b5; --grid: #2b2f36; --axis: #6d7480; --panel: #1c1f24;
    --threshold: #ff6b5b;
    --c0: #56b4e9; --c1: #ff8c42; --c2: #2ec4a0; --c3: #e59cc8; --c4: #f0c05a; --c5: #9ad0f5; --c6: #b0b0b0; --c7: #c49a8a;
  }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--grid); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
ul.notes { color: var(--muted); margin: 6px 0; padding-left: 20px; }
figure.chart { margin: 12px 0; padding: 10px 12px; background: var(--panel); border-radius: 6px; }
figure.chart figcaption { font-weight: 600; margin-bottom: 4px; }
svg.plot { width: 100%; height: auto; display: block; }
svg.plot text { fill: var(--fg); font-size: 11px; }
svg.plot .tick { fill: var(--muted); }
svg.plot .axis-title { font-size: 12px; }
svg.plot .no-data { fill: var(--muted); font-size: 14px; font-style: italic; }
svg.plot .grid { stroke: var(--grid); stroke-width: 1; }
svg.plot .axis, svg.plot .tick-mark { stroke: var(--axis); stroke-width: 1; }
svg.plot .series { fill: none; stroke-width: 1.8; stroke-linejoin: round; }
svg.plot .dashed { stroke-dasharray: 6 4; }
svg.plot .threshold { stroke: var(--threshold); stroke-width: 1.5; stroke-dasharray: 4 3; }
svg.plot .threshold-label { fill: var(--threshold); }
svg.plot .bar-value, svg.plot .bar-label { font-size: 12px; }
${Array.from({ length: 8 }, (_, i) => `svg.plot .series.c${i} { stroke: var(--c${i}); } svg.plot .bar.c${i}, .swatch.c${i} { fill: var(--c${i}); background: var(--c${i}); }`).join('\n')}
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 6px 0 0; padding: 0; font-size: 12px; }
.swatch { display: inline-block; width: 18px; height: 4px; margin-right: 6px; vertical-align: middle; border-radius: 2px; }
.swatch.dashed { background-image: linear-gradient(90deg, transparent 50%, var(--panel) 50%); background-size: 8px 4px; }
.swatch.threshold { background: repeating-linear-gradient(90deg, var(--threshold) 0 5px, transparent 5px 8px); }
table.summary { border-collapse: collapse; width: 100%; font-size: 13px; }
table.summary th, table.summary td { padding: 5px 8px; border-bottom: 1px solid var(--grid); }
table.summary th { text-align: left; color: var(--muted); font-weight: 600; }
table.summary td.num, table.summary th.num { text-align: right; font-variant-numeric: tabular-nums; }
p.empty { color: var(--muted); font-style: italic; }
`;
