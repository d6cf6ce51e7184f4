/**
 * Cost–quality chart (SVG): per dataset, each method's operating points (its candidates on the test
 * split) as a curve, the chosen points, the SLM→LLM line, and the oracle, on the shared plotting layer.
 */
import { line } from 'd3-shape';
import { drawAxis, linearAxis, widestTick, type LinearAxis } from './axes.js';
import { drawLegendColumn, drawMarker, legendColumnWidth, type LegendEntry } from './legend.js';
import { SERIES_COLOURS, SvgWriter, textWidth, wrapText } from './svg.js';

export interface CostQualityPanel {
  readonly title: string;
  /** The two models alone: the straight line between them is the baseline (AutoMix). */
  readonly slm?: { readonly cost: number; readonly performance: number };
  readonly llm?: { readonly cost: number; readonly performance: number };
  readonly series: readonly { readonly name: string; readonly curve: readonly { cost: number; performance: number }[]; readonly chosen: { cost: number; performance: number } }[];
  readonly oracle?: { readonly cost: number; readonly performance: number };
  /** Legend text of the ring on each series' chosen point. @default 'chosen point' */
  readonly chosenLabel?: string;
  /** Legend text of the dots (each series' curve points). @default 'candidate' */
  readonly pointsLabel?: string;
}

/** Points no cheaper point beats: the method's cost–quality frontier. */
export function paretoFront(points: readonly { cost: number; performance: number }[]): { cost: number; performance: number }[] {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || b.performance - a.performance);
  const front: { cost: number; performance: number }[] = [];
  for (const q of sorted) if (front.length === 0 || q.performance > front[front.length - 1].performance) front.push(q);
  return front;
}

const MIN_WIDTH = 560;
const PLOT_W = 340;
const PLOT_H = 226;
const TOP = 34;
const BOTTOM = 44;

interface PanelLayout {
  readonly p: CostQualityPanel;
  readonly x: LinearAxis;
  readonly y: LinearAxis;
  readonly legend: readonly LegendEntry[];
  readonly left: number;
  readonly height: number;
}

function legendOf(p: CostQualityPanel): LegendEntry[] {
  const entries: LegendEntry[] = p.series.map((s, i) => ({ label: s.name, colour: SERIES_COLOURS[i % SERIES_COLOURS.length], marker: 'line' }));
  entries.push({ label: p.pointsLabel ?? 'candidate', colour: '#666', marker: 'dot' }, { label: p.chosenLabel ?? 'chosen point', colour: '#666', marker: 'ring' });
  if (p.slm && p.llm) entries.push({ label: 'SLM → LLM line', colour: '#888', marker: 'dashed' });
  if (p.oracle) entries.push({ label: 'oracle', colour: '#000', marker: 'diamond' });
  return entries;
}

function layout(p: CostQualityPanel): PanelLayout {
  const points = [...(p.slm && p.llm ? [p.slm, p.llm] : []), ...(p.oracle ? [p.oracle] : []), ...p.series.flatMap((s) => [...s.curve, s.chosen])];
  const xMax = Math.max(...points.map((q) => q.cost), 0) * 1.02;
  const yMin = Math.min(...points.map((q) => q.performance));
  const yMax = Math.max(...points.map((q) => q.performance));
  const pad = (yMax - yMin) * 0.06 || 0.05;
  const y = linearAxis([yMin - pad, yMax + pad], [TOP + PLOT_H, TOP], { orientation: 'y', maxTicks: 6 });
  const left = 14 + 10 + widestTick(y) + 8;
  const x = linearAxis([0, xMax || 1], [left, left + PLOT_W], { orientation: 'x', maxTicks: 8 });
  const legend = legendOf(p);
  return { p, x, y, legend, left, height: Math.max(TOP + PLOT_H + BOTTOM, TOP + legend.length * 18 + 12) };
}

function panel(svg: SvgWriter, l: PanelLayout, y0: number): void {
  const { p, left } = l;
  const sx = (c: number): number => l.x.scale(c);
  const sy = (v: number): number => y0 + l.y.scale(v);
  const plot = { x0: left, x1: left + PLOT_W, y0: y0 + TOP, y1: y0 + TOP + PLOT_H };
  svg.text(12, y0 + 20, p.title, { size: 14, bold: true });
  drawAxis(svg, l.x, 'x', plot);
  drawAxis(svg, { scale: l.y.scale, ticks: l.y.ticks.map((t) => ({ ...t, at: t.at + y0 })) }, 'y', plot);
  svg.text((plot.x0 + plot.x1) / 2, plot.y1 + 32, 'cost per query', { anchor: 'middle' });
  svg.text(16, (plot.y0 + plot.y1) / 2, 'quality', { anchor: 'middle', vertical: true });
  if (p.slm && p.llm) svg.line(sx(p.slm.cost), sy(p.slm.performance), sx(p.llm.cost), sy(p.llm.performance), '#888', 'stroke-dasharray="5 4"');
  const path = line<{ cost: number; performance: number }>()
    .x((q) => Number(sx(q.cost).toFixed(1)))
    .y((q) => Number(sy(q.performance).toFixed(1)));
  p.series.forEach((s, i) => {
    const colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
    const front = paretoFront(s.curve);
    if (front.length > 0) svg.path(path(front) ?? '', `fill="none" stroke="${colour}" stroke-width="1.4" opacity="0.8"`);
    for (const q of s.curve) drawMarker(svg, 'dot', sx(q.cost), sy(q.performance), colour);
  });
  if (p.oracle) drawMarker(svg, 'diamond', sx(p.oracle.cost), sy(p.oracle.performance), '#000', 'oracle');
  // Chosen points last, so no other series' line or dot hides them; methods that chose the same
  // point get nested rings (each one wider), so every method's choice stays visible.
  const placed: { x: number; y: number }[] = [];
  p.series.forEach((s, i) => {
    const at = { x: sx(s.chosen.cost), y: sy(s.chosen.performance) };
    const nested = placed.filter((q) => Math.hypot(q.x - at.x, q.y - at.y) < 4).length;
    placed.push(at);
    drawMarker(svg, 'ring', at.x, at.y, SERIES_COLOURS[i % SERIES_COLOURS.length], 'chosen', 6 + 3.5 * nested);
  });
  drawLegendColumn(svg, l.legend, plot.x1 + 18, plot.y0);
}

export function costQualitySvg(panels: readonly CostQualityPanel[], caption = "lines: each method's frontier over its candidates; rings: the point it chose (seed 0 fit)"): string {
  const layouts = panels.map(layout);
  const width = Math.ceil(Math.max(MIN_WIDTH, ...layouts.map((l) => l.left + PLOT_W + 18 + legendColumnWidth(l.legend) + 12), ...panels.map((p) => 24 + textWidth(p.title, 14, true))));
  const svg = new SvgWriter();
  let y0 = 0;
  for (const l of layouts) {
    panel(svg, l, y0);
    y0 += l.height;
  }
  const lines = wrapText(caption, width - 24);
  lines.forEach((t, i) => svg.text(12, y0 + 14 + i * 16, t, { fill: '#555' }));
  return svg.render(width, y0 + 14 + lines.length * 16);
}
