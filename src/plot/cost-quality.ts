/**
 * Cost–quality chart (SVG): per dataset, each method's operating points (its candidates on the test
 * split) as a curve, the chosen points, the SLM→LLM line, and the oracle.
 */
import { escapeXml, SERIES_COLOURS } from './svg.js';

export interface CostQualityPanel {
  readonly title: string;
  /** The two models alone: the straight line between them is the baseline (AutoMix). */
  readonly slm?: { readonly cost: number; readonly performance: number };
  readonly llm?: { readonly cost: number; readonly performance: number };
  readonly series: readonly { readonly name: string; readonly curve: readonly { cost: number; performance: number }[]; readonly chosen: { cost: number; performance: number } }[];
  readonly oracle?: { readonly cost: number; readonly performance: number };
}

/** Points no cheaper point beats: the method's cost–quality frontier. */
export function paretoFront(points: readonly { cost: number; performance: number }[]): { cost: number; performance: number }[] {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || b.performance - a.performance);
  const front: { cost: number; performance: number }[] = [];
  for (const q of sorted) if (front.length === 0 || q.performance > front[front.length - 1].performance) front.push(q);
  return front;
}

const W = 560;
const H = 300;
const M = { left: 56, right: 170, top: 34, bottom: 40 };

function panel(p: CostQualityPanel, y0: number): string[] {
  const points = [...(p.slm && p.llm ? [p.slm, p.llm] : []), ...(p.oracle ? [p.oracle] : []), ...p.series.flatMap((s) => [...s.curve, s.chosen])];
  const xMax = Math.ceil((Math.max(...points.map((q) => q.cost)) * 1.02) / 10) * 10;
  const yMin = Math.min(...points.map((q) => q.performance));
  const yMax = Math.max(...points.map((q) => q.performance));
  const pad = (yMax - yMin) * 0.08 || 0.05;
  const lo = yMin - pad;
  const hi = yMax + pad;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (c: number): number => M.left + (pw * c) / xMax;
  const y = (v: number): number => y0 + M.top + ph - (ph * (v - lo)) / (hi - lo);
  const out = [`<text x="12" y="${y0 + 20}" font-size="14" font-weight="bold">${escapeXml(p.title)}</text>`];
  for (let i = 0; i <= 4; i++) {
    const c = (xMax * i) / 4;
    const v = lo + ((hi - lo) * i) / 4;
    out.push(`<line x1="${x(c).toFixed(1)}" y1="${y(lo).toFixed(1)}" x2="${x(c).toFixed(1)}" y2="${y(hi).toFixed(1)}" stroke="#eef2f7"/>`);
    out.push(`<text x="${x(c).toFixed(1)}" y="${(y(lo) + 14).toFixed(1)}" text-anchor="middle" fill="#555">${c.toFixed(0)}</text>`);
    out.push(`<line x1="${M.left}" y1="${y(v).toFixed(1)}" x2="${M.left + pw}" y2="${y(v).toFixed(1)}" stroke="#eef2f7"/>`);
    out.push(`<text x="${M.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#555">${v.toFixed(3)}</text>`);
  }
  out.push(`<text x="${M.left + pw / 2}" y="${(y(lo) + 30).toFixed(1)}" text-anchor="middle">cost per query</text>`);
  out.push(`<text x="14" y="${((y(lo) + y(hi)) / 2).toFixed(1)}" transform="rotate(-90 14 ${((y(lo) + y(hi)) / 2).toFixed(1)})" text-anchor="middle">quality</text>`);
  const legend: [string, string, boolean][] = [];
  if (p.slm && p.llm) {
    out.push(`<line x1="${x(p.slm.cost).toFixed(1)}" y1="${y(p.slm.performance).toFixed(1)}" x2="${x(p.llm.cost).toFixed(1)}" y2="${y(p.llm.performance).toFixed(1)}" stroke="#888" stroke-dasharray="5 4"/>`);
    legend.push(['SLM → LLM line', '#888', true]);
  }
  p.series.forEach((s, i) => {
    const colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
    const d = paretoFront(s.curve).map((q, j) => `${j === 0 ? 'M' : 'L'}${x(q.cost).toFixed(1)} ${y(q.performance).toFixed(1)}`).join('');
    if (d) out.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.2" opacity="0.7"/>`);
    for (const q of s.curve) out.push(`<circle cx="${x(q.cost).toFixed(1)}" cy="${y(q.performance).toFixed(1)}" r="2" fill="${colour}" opacity="0.6"/>`);
    out.push(`<circle cx="${x(s.chosen.cost).toFixed(1)}" cy="${y(s.chosen.performance).toFixed(1)}" r="5.5" fill="none" stroke="${colour}" stroke-width="2.2"/>`);
    legend.push([s.name, colour, false]);
  });
  if (p.oracle) {
    out.push(`<path d="M${x(p.oracle.cost) - 5} ${y(p.oracle.performance)}l5 -6l5 6l-5 6z" fill="#000"/>`);
    legend.push(['oracle', '#000', false]);
  }
  legend.forEach(([name, colour, dashed], i) => {
    const ly = y0 + M.top + 6 + i * 18;
    const lx = M.left + pw + 16;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 18}" y2="${ly}" stroke="${colour}" stroke-width="2"${dashed ? ' stroke-dasharray="5 4"' : ''}/>`);
    out.push(`<text x="${lx + 24}" y="${ly + 4}">${escapeXml(name)}</text>`);
  });
  return out;
}

export function costQualitySvg(panels: readonly CostQualityPanel[], caption = "lines: each method's frontier over its candidates; circles: the point it chose (seed 0 fit)"): string {
  const height = panels.length * H + 30;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...panels.flatMap((p, i) => panel(p, i * H)),
    `<text x="12" y="${height - 10}" fill="#555">${escapeXml(caption)}</text>`,
    '</svg>',
  ];
  return `${out.join('\n')}\n`;
}
