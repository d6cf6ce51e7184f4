/**
 * The figures the reference's paper scripts draw, as SVG: the relative frequency of the per-sample
 * rank of the voter Smoothie-Local picks (routing_results.py), and score against neighbourhood size
 * n0 (ablations.py), on the shared plotting layer (src/plot/).
 */
import { linearAxis, widestTick } from '../plot/axes.js';
import { drawLegendColumn, legendColumnWidth, type LegendEntry } from '../plot/legend.js';
import { escapeXml, SERIES_COLOURS, SvgWriter, textWidth } from '../plot/svg.js';

const fmt = (x: number): string => (Math.round(x * 100) / 100).toString();

/** Bars of `values` (one per label) on a 0…yMax axis. */
export function barChartSvg(options: { title: string; xLabel: string; yLabel: string; labels: readonly string[]; values: readonly number[]; yMax?: number }): string {
  const yMax = options.yMax ?? Math.max(1e-9, ...options.values) * 1.1;
  const yMin = Math.min(0, ...options.values) * 1.1;
  const top = 36;
  const ph = 216;
  const y = linearAxis([yMin, yMax], [top + ph, top], { orientation: 'y', nice: false, maxTicks: 6 });
  const left = 24 + widestTick(y) + 8;
  const n = options.values.length;
  const slot = Math.max(40, ...options.labels.map((l) => textWidth(l) + 8));
  const pw = Math.max(348, slot * n);
  const W = Math.ceil(Math.max(left + pw + 16, textWidth(options.title, 14, true) + 24));
  const H = top + ph + 48;
  const Y = (v: number): number => y.scale(v);
  const svg = new SvgWriter();
  svg.text(W / 2, 20, options.title, { anchor: 'middle', size: 14, bold: true });
  for (const t of y.ticks) {
    svg.line(left, t.at, left + pw, t.at, '#ddd', 'stroke-dasharray="4 3"');
    svg.text(left - 6, t.at + 4, t.label, { anchor: 'end', className: 'tick-y' });
  }
  const step = pw / Math.max(1, n);
  options.values.forEach((v, i) => {
    const x = left + i * step + step * 0.15;
    svg.raw(
      `<rect x="${fmt(x)}" y="${fmt(Y(Math.max(v, 0)))}" width="${fmt(step * 0.7)}" height="${fmt(Math.abs(Y(0) - Y(v)))}" fill="#add8e6" stroke="black" stroke-width="2"><title>${escapeXml(`${options.labels[i]}: ${fmt(v)}`)}</title></rect>`,
    );
    svg.text(x + step * 0.35, top + ph + 16, options.labels[i], { anchor: 'middle' });
    svg.text(x + step * 0.35, Y(v) - 4, fmt(v), { anchor: 'middle', size: 10 });
  });
  svg.line(left, top, left, top + ph, 'black', 'stroke-width="2"');
  svg.line(left, Y(0), left + pw, Y(0), 'black', 'stroke-width="2"');
  svg.text(left + pw / 2, H - 10, options.xLabel, { anchor: 'middle', bold: true });
  svg.text(16, top + ph / 2, options.yLabel, { anchor: 'middle', bold: true, vertical: true });
  return svg.render(W, H);
}

/** Lines of y against x (shared x values), one per series, with a legend. */
export function lineChartSvg(options: { title: string; xLabel: string; yLabel: string; xs: readonly number[]; series: readonly { name: string; ys: readonly (number | null)[] }[] }): string {
  const top = 36;
  const ph = 236;
  const pw = 334;
  const all = options.series.flatMap((s) => s.ys.filter((v): v is number => v !== null && Number.isFinite(v)));
  const lo0 = all.length > 0 ? Math.min(...all) : 0;
  const hi0 = all.length > 0 ? Math.max(...all) : 1;
  const pad = (hi0 - lo0) * 0.1 || 1;
  const y = linearAxis([lo0 - pad, hi0 + pad], [top + ph, top], { orientation: 'y', nice: false, maxTicks: 6 });
  const left = 24 + widestTick(y) + 8;
  // n0 spans two orders of magnitude: a log axis keeps k = 1, 5, 10 apart.
  const lx = options.xs.map((x) => Math.log(Math.max(x, 1e-9)));
  const xmin = Math.min(...lx);
  const xmax = Math.max(...lx);
  const X = (i: number): number => left + (xmax > xmin ? (pw * (lx[i] - xmin)) / (xmax - xmin) : pw / 2);
  const legend: LegendEntry[] = options.series.map((s, j) => ({ label: s.name, colour: SERIES_COLOURS[j % SERIES_COLOURS.length], marker: 'swatch' }));
  const W = Math.ceil(Math.max(left + pw + 18 + legendColumnWidth(legend) + 12, textWidth(options.title, 14, true) + 24));
  const H = top + ph + 48;
  const svg = new SvgWriter();
  svg.text((left + pw + left) / 2, 20, options.title, { anchor: 'middle', size: 14, bold: true });
  for (const t of y.ticks) {
    svg.line(left, t.at, left + pw, t.at, '#ddd');
    svg.text(left - 6, t.at + 4, t.label, { anchor: 'end', className: 'tick-y' });
  }
  options.xs.forEach((x, i) => svg.text(X(i), top + ph + 16, String(x), { anchor: 'middle', className: 'tick-x' }));
  options.series.forEach((s, j) => {
    const colour = SERIES_COLOURS[j % SERIES_COLOURS.length];
    const pts = s.ys.flatMap((v, i) => (v === null || !Number.isFinite(v) ? [] : [[X(i), y.scale(v), v] as const]));
    if (pts.length > 1) svg.raw(`<polyline fill="none" stroke="${colour}" stroke-width="3" points="${pts.map(([px, py]) => `${fmt(px)},${fmt(py)}`).join(' ')}"/>`);
    for (const [px, py, v] of pts) svg.raw(`<circle cx="${fmt(px)}" cy="${fmt(py)}" r="4" fill="${colour}"><title>${escapeXml(`${s.name}: ${fmt(v)}`)}</title></circle>`);
  });
  drawLegendColumn(svg, legend, left + pw + 18, top);
  svg.line(left, top, left, top + ph, 'black', 'stroke-width="2"');
  svg.line(left, top + ph, left + pw, top + ph, 'black', 'stroke-width="2"');
  svg.text(left + pw / 2, H - 10, options.xLabel, { anchor: 'middle', bold: true });
  svg.text(16, top + ph / 2, options.yLabel, { anchor: 'middle', bold: true, vertical: true });
  return svg.render(W, H);
}

/**
 * Competition ranks (1 = best; ties share the smallest rank, the next rank skips), as the reference's
 * `compute_ranks`: ranks[v] for scores[v], higher better unless `higherIsBetter` is false.
 */
export function competitionRanks(scores: readonly number[], higherIsBetter = true): number[] {
  return scores.map((s) => 1 + scores.filter((t) => (higherIsBetter ? t > s : t < s)).length);
}

/** Relative frequency of ranks 1…m of the selected voter over samples. */
export function rankFrequencies(voterScores: readonly (readonly number[])[], selected: ArrayLike<number>, higherIsBetter = true): number[] {
  const m = voterScores.length;
  const n = selected.length;
  const counts = new Array<number>(m).fill(0);
  for (let s = 0; s < n; s++) {
    const ranks = competitionRanks(
      voterScores.map((v) => v[s]),
      higherIsBetter,
    );
    counts[ranks[selected[s]] - 1]++;
  }
  return counts.map((c) => c / Math.max(1, n));
}

/** Several SVG figures stacked vertically into one (one image output per notebook cell). */
export function stackSvgs(svgs: readonly string[]): string {
  let y = 0;
  let width = 0;
  const parts: string[] = [];
  for (const s of svgs) {
    const open = /<svg\b[^>]*>/.exec(s);
    if (!open) continue;
    const w = Number(/\bwidth="([\d.]+)"/.exec(open[0])?.[1] ?? 0);
    const h = Number(/\bheight="([\d.]+)"/.exec(open[0])?.[1] ?? 0);
    parts.push(s.replace(/^\s*<svg\b/, `<svg x="0" y="${y}"`).trim());
    y += h;
    width = Math.max(width, w);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}">\n${parts.join('\n')}\n</svg>\n`;
}
