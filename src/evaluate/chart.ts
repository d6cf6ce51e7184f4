/**
 * `scores.svg`: a horizontal bar chart of every method and voter's score (on the shared plotting
 * layer, src/plot/), best first; the oracle and the best single voter are marked, trial methods get a
 * ±1 standard deviation error bar.
 */
import path from 'node:path';
import { writeFileAtomic } from '../data/atomic.js';
import type { EvaluationResult } from './score-methods.js';
import { drawAxis, linearAxis } from '../plot/axes.js';
import { drawLegendRows } from '../plot/legend.js';
import { FONT_SIZE, SvgWriter, textWidth } from '../plot/svg.js';

export const SCORES_CHART_FILE = 'scores.svg';

export interface ChartBar {
  readonly label: string;
  readonly value: number;
  readonly std?: number;
  readonly kind: 'method' | 'smoothie' | 'voter' | 'oracle' | 'best-voter';
}

const FILL: Record<ChartBar['kind'], string> = {
  smoothie: '#2b6cb0',
  method: '#718096',
  voter: '#a0aec0',
  'best-voter': '#dd6b20',
  oracle: '#38a169',
};

/** The bars of the chart, sorted best first (NaN scores last). */
export function chartBars(result: EvaluationResult): ChartBar[] {
  const bars: ChartBar[] = [
    { label: 'oracle (best voter per sample)', value: result.oracle.mean, kind: 'oracle' },
    ...result.voters.map(
      (v): ChartBar => ({
        label: v === result.bestVoter ? `${v.name} (best single voter)` : v.name,
        value: v.mean,
        kind: v === result.bestVoter ? 'best-voter' : 'voter',
      }),
    ),
    ...result.methods.map((m): ChartBar => ({ label: m.name, value: m.mean, std: m.std, kind: m.category === 'smoothie' ? 'smoothie' : 'method' })),
  ];
  const key = (b: ChartBar): number => (Number.isFinite(b.value) ? (result.higherIsBetter ? -b.value : b.value) : Infinity);
  return bars.sort((a, b) => key(a) - key(b));
}

const LEGEND: readonly [ChartBar['kind'], string][] = [
  ['smoothie', 'Smoothie'],
  ['method', 'other method'],
  ['voter', 'voter'],
  ['best-voter', 'best single voter'],
  ['oracle', 'oracle'],
];

const valueText = (b: ChartBar): string => (Number.isFinite(b.value) ? `${b.value.toFixed(3)}${b.std !== undefined ? ` ± ${b.std.toFixed(3)}` : ''}` : 'n/a');

export function scoresChartSvg(result: EvaluationResult, title?: string): string {
  const bars = chartBars(result);
  const heading = title ?? `${path.basename(result.dir)}: ${result.metric} on ${result.n} test samples (${result.higherIsBetter ? 'higher' : 'lower'} is better)`;
  const barH = 22;
  const gap = 6;
  const emphasised = (b: ChartBar): boolean => b.kind === 'oracle' || b.kind === 'best-voter';
  // Measured labels: the longest method name sets the left margin, so none is cut off.
  const left = 12 + Math.ceil(Math.max(40, ...bars.map((b) => textWidth(b.label, FONT_SIZE, emphasised(b))))) + 8;
  const plotW = 420;
  const top = 56;
  const maxValue = Math.max(...bars.map((b) => (Number.isFinite(b.value) ? b.value + (b.std ?? 0) : 0)), 1e-12);
  const axis = linearAxis([0, maxValue <= 1 ? 1 : maxValue], [left, left + plotW], { orientation: 'x', maxTicks: 10 });
  const x = (v: number): number => axis.scale(Math.max(0, v));
  const valueEnd = Math.max(...bars.map((b) => (Number.isFinite(b.value) ? x(b.value + (Number.isFinite(b.std) ? (b.std ?? 0) : 0)) : left) + 6 + textWidth(valueText(b))));
  const width = Math.ceil(Math.max(left + plotW + 16, valueEnd + 12, 24 + textWidth(heading, 14, true)));
  const plotBottom = top + bars.length * (barH + gap);
  const svg = new SvgWriter();
  svg.text(12, 22, heading, { size: 14, bold: true });
  drawAxis(svg, axis, 'x', { x0: left, x1: left + plotW, y0: top - 6, y1: plotBottom }, { labelsAbove: true });
  bars.forEach((b, i) => {
    const y = top + i * (barH + gap);
    const finite = Number.isFinite(b.value);
    svg.text(left - 8, y + barH / 2 + 4, b.label, { anchor: 'end', bold: emphasised(b) });
    if (finite) svg.rect(left, y, x(b.value) - left, barH, FILL[b.kind]);
    let labelX = finite ? x(b.value) + 6 : left + 6;
    if (finite && b.std !== undefined && Number.isFinite(b.std)) {
      const x0 = x(b.value - b.std).toFixed(1);
      const x1 = x(b.value + b.std).toFixed(1);
      const cy = y + barH / 2;
      svg.path(`M${x0} ${cy}H${x1}M${x0} ${cy - 5}V${cy + 5}M${x1} ${cy - 5}V${cy + 5}`, 'stroke="black" stroke-width="1.2" fill="none"');
      labelX = x(b.value + b.std) + 6;
    }
    svg.text(labelX, y + barH / 2 + 4, valueText(b));
  });
  const legendH = drawLegendRows(
    svg,
    LEGEND.map(([kind, label]) => ({ label, colour: FILL[kind], marker: 'swatch' as const })),
    12,
    plotBottom + 8,
    width - 24,
  );
  return svg.render(width, plotBottom + 8 + legendH + 8);
}

/** Writes `scores.svg` into the method folder (atomically) and returns its path. */
export async function writeScoresChart(result: EvaluationResult, dir: string = result.dir): Promise<string> {
  const file = path.join(dir, SCORES_CHART_FILE);
  await writeFileAtomic(file, scoresChartSvg(result));
  return file;
}
