/**
 * The figures the reference's paper scripts draw, as SVG: the relative frequency of the per-sample
 * rank of the voter Smoothie-Local picks (routing_results.py), and score against neighbourhood size
 * n0 (ablations.py).
 */
import { escapeXml, SERIES_COLOURS } from '../plot/svg.js';

const fmt = (x: number): string => (Math.round(x * 100) / 100).toString();

/** Round tick values covering [lo, hi]: steps of 1, 2, 2.5 or 5 × 10^k, about `target` of them. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) return [lo];
  const mag = 10 ** Math.floor(Math.log10((hi - lo) / Math.max(1, target - 1)));
  const count = (step: number): number => Math.floor(hi / step + 1e-9) - Math.ceil(lo / step - 1e-9) + 1;
  const steps = [0.5, 1, 2, 2.5, 5, 10, 20].map((m) => m * mag);
  const step = steps.reduce((best, st) => (Math.abs(count(st) - target) < Math.abs(count(best) - target) ? st : best));
  const out: number[] = [];
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + 1e-9 * step; i++) out.push(Number((i * step).toPrecision(12)) + 0);
  return out;
}

/** Bars of `values` (one per label) on a 0…yMax axis. */
export function barChartSvg(options: { title: string; xLabel: string; yLabel: string; labels: readonly string[]; values: readonly number[]; yMax?: number }): string {
  const W = 420;
  const H = 300;
  const M = { left: 56, right: 16, top: 36, bottom: 48 };
  const yMax = options.yMax ?? Math.max(1e-9, ...options.values) * 1.1;
  const yMin = Math.min(0, ...options.values) * 1.1;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const n = options.values.length;
  const slot = pw / Math.max(1, n);
  const y = (v: number): number => M.top + ph - (ph * (v - yMin)) / (yMax - yMin);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  for (const v of niceTicks(yMin, yMax)) {
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${fmt(y(v))}" y2="${fmt(y(v))}" stroke="#ddd" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${M.left - 6}" y="${fmt(y(v) + 4)}" text-anchor="end">${fmt(v)}</text>`);
  }
  options.values.forEach((v, i) => {
    const x = M.left + i * slot + slot * 0.15;
    out.push(`<rect x="${fmt(x)}" y="${fmt(y(Math.max(v, 0)))}" width="${fmt(slot * 0.7)}" height="${fmt(Math.abs(y(0) - y(v)))}" fill="#add8e6" stroke="black" stroke-width="2"><title>${escapeXml(`${options.labels[i]}: ${fmt(v)}`)}</title></rect>`);
    out.push(`<text x="${fmt(x + slot * 0.35)}" y="${H - M.bottom + 16}" text-anchor="middle">${escapeXml(options.labels[i])}</text>`);
    out.push(`<text x="${fmt(x + slot * 0.35)}" y="${fmt(y(v) - 4)}" text-anchor="middle" font-size="10">${fmt(v)}</text>`);
  });
  out.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + ph}" stroke="black" stroke-width="2"/>`);
  out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${fmt(y(0))}" y2="${fmt(y(0))}" stroke="black" stroke-width="2"/>`);
  out.push(`<text x="${M.left + pw / 2}" y="${H - 10}" text-anchor="middle" font-weight="bold">${escapeXml(options.xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle" font-weight="bold">${escapeXml(options.yLabel)}</text>`);
  out.push('</svg>', '');
  return out.join('\n');
}

/** Lines of y against x (shared x values), one per series, with a legend. */
export function lineChartSvg(options: { title: string; xLabel: string; yLabel: string; xs: readonly number[]; series: readonly { name: string; ys: readonly (number | null)[] }[] }): string {
  const W = 520;
  const H = 320;
  const M = { left: 56, right: 130, top: 36, bottom: 48 };
  const all = options.series.flatMap((s) => s.ys.filter((v): v is number => v !== null && Number.isFinite(v)));
  const lo0 = all.length > 0 ? Math.min(...all) : 0;
  const hi0 = all.length > 0 ? Math.max(...all) : 1;
  const pad = (hi0 - lo0) * 0.1 || 1;
  const lo = lo0 - pad;
  const hi = hi0 + pad;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  // n0 spans two orders of magnitude: a log axis keeps k = 1, 5, 10 apart.
  const lx = options.xs.map((x) => Math.log(Math.max(x, 1e-9)));
  const xmin = Math.min(...lx);
  const xmax = Math.max(...lx);
  const X = (i: number): number => M.left + (xmax > xmin ? (pw * (lx[i] - xmin)) / (xmax - xmin) : pw / 2);
  const Y = (v: number): number => M.top + ph - (ph * (v - lo)) / (hi - lo);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${(W - M.right + M.left) / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  for (const v of niceTicks(lo, hi)) {
    out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${fmt(Y(v))}" y2="${fmt(Y(v))}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 6}" y="${fmt(Y(v) + 4)}" text-anchor="end">${fmt(v)}</text>`);
  }
  options.xs.forEach((x, i) => out.push(`<text x="${fmt(X(i))}" y="${M.top + ph + 16}" text-anchor="middle">${x}</text>`));
  options.series.forEach((s, j) => {
    const colour = SERIES_COLOURS[j % SERIES_COLOURS.length];
    const pts = s.ys.flatMap((v, i) => (v === null || !Number.isFinite(v) ? [] : [[X(i), Y(v), v] as const]));
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${colour}" stroke-width="3" points="${pts.map(([x, y]) => `${fmt(x)},${fmt(y)}`).join(' ')}"/>`);
    for (const [x, y, v] of pts) out.push(`<circle cx="${fmt(x)}" cy="${fmt(y)}" r="4" fill="${colour}"><title>${escapeXml(`${s.name}: ${fmt(v)}`)}</title></circle>`);
    out.push(`<rect x="${W - M.right + 12}" y="${M.top + 18 * j}" width="12" height="12" fill="${colour}"/>`);
    out.push(`<text x="${W - M.right + 30}" y="${M.top + 18 * j + 10}">${escapeXml(s.name)}</text>`);
  });
  out.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + ph}" stroke="black" stroke-width="2"/>`);
  out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${M.top + ph}" y2="${M.top + ph}" stroke="black" stroke-width="2"/>`);
  out.push(`<text x="${M.left + pw / 2}" y="${H - 10}" text-anchor="middle" font-weight="bold">${escapeXml(options.xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle" font-weight="bold">${escapeXml(options.yLabel)}</text>`);
  out.push('</svg>', '');
  return out.join('\n');
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
    const ranks = competitionRanks(voterScores.map((v) => v[s]), higherIsBetter);
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
