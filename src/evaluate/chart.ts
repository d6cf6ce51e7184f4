/**
 * `scores.svg`: a horizontal bar chart of every method and voter's score (hand-written SVG, no
 * dependency), best first; the oracle and the best single voter are marked, trial methods get a
 * ±1 standard deviation error bar.
 */
import path from 'node:path';
import { writeFileAtomic } from '../data/atomic.js';
import type { EvaluationResult } from './score-methods.js';
import { escapeXml } from '../plot/svg.js';

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
    ...result.voters.map((v): ChartBar => ({
      label: v === result.bestVoter ? `${v.name} (best single voter)` : v.name,
      value: v.mean,
      kind: v === result.bestVoter ? 'best-voter' : 'voter',
    })),
    ...result.methods.map((m): ChartBar => ({ label: m.name, value: m.mean, std: m.std, kind: m.category === 'smoothie' ? 'smoothie' : 'method' })),
  ];
  const key = (b: ChartBar): number => (Number.isFinite(b.value) ? (result.higherIsBetter ? -b.value : b.value) : Infinity);
  return bars.sort((a, b) => key(a) - key(b));
}

export function scoresChartSvg(result: EvaluationResult, title?: string): string {
  const bars = chartBars(result);
  const heading = title ?? `${path.basename(result.dir)}: ${result.metric} on ${result.n} test samples (${result.higherIsBetter ? 'higher' : 'lower'} is better)`;
  const barH = 22;
  const gap = 6;
  const left = 16 + Math.ceil(6.6 * Math.max(...bars.map((b) => b.label.length), 8));
  const plotW = 420;
  const top = 56;
  const maxValue = Math.max(...bars.map((b) => (Number.isFinite(b.value) ? b.value + (b.std ?? 0) : 0)), 1e-12);
  const scaleMax = maxValue <= 1 ? 1 : maxValue;
  const x = (v: number): number => left + (plotW * Math.max(0, v)) / scaleMax;
  const width = Math.max(left + plotW + 80, Math.ceil(12 + heading.length * 7.7));
  const height = top + bars.length * (barH + gap) + 40;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="12" y="22" font-size="14" font-weight="bold">${escapeXml(heading)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (scaleMax * i) / 4;
    out.push(`<line x1="${x(v).toFixed(1)}" y1="${top - 6}" x2="${x(v).toFixed(1)}" y2="${height - 34}" stroke="#e2e8f0"/>`);
    out.push(`<text x="${x(v).toFixed(1)}" y="${top - 10}" text-anchor="middle" fill="#555">${v.toFixed(2)}</text>`);
  }
  bars.forEach((b, i) => {
    const y = top + i * (barH + gap);
    const finite = Number.isFinite(b.value);
    out.push(`<text x="${left - 8}" y="${y + barH / 2 + 4}" text-anchor="end"${b.kind === 'oracle' || b.kind === 'best-voter' ? ' font-weight="bold"' : ''}>${escapeXml(b.label)}</text>`);
    if (finite) {
      out.push(`<rect x="${left}" y="${y}" width="${(x(b.value) - left).toFixed(1)}" height="${barH}" fill="${FILL[b.kind]}"/>`);
    }
    let labelX = finite ? x(b.value) + 6 : left + 6;
    if (finite && b.std !== undefined && Number.isFinite(b.std)) {
      const x0 = x(b.value - b.std).toFixed(1);
      const x1 = x(b.value + b.std).toFixed(1);
      const cy = y + barH / 2;
      out.push(`<path d="M${x0} ${cy}H${x1}M${x0} ${cy - 5}V${cy + 5}M${x1} ${cy - 5}V${cy + 5}" stroke="black" stroke-width="1.2" fill="none"/>`);
      labelX = x(b.value + b.std) + 6;
    }
    const text = finite ? `${b.value.toFixed(3)}${b.std !== undefined ? ` ± ${b.std.toFixed(3)}` : ''}` : 'n/a';
    out.push(`<text x="${labelX.toFixed(1)}" y="${y + barH / 2 + 4}">${escapeXml(text)}</text>`);
  });
  const legend: [ChartBar['kind'], string][] = [['smoothie', 'Smoothie'], ['method', 'other method'], ['voter', 'voter'], ['best-voter', 'best single voter'], ['oracle', 'oracle']];
  let lx = 12;
  for (const [kind, name] of legend) {
    out.push(`<rect x="${lx}" y="${height - 24}" width="12" height="12" fill="${FILL[kind]}"/>`);
    out.push(`<text x="${lx + 16}" y="${height - 14}">${escapeXml(name)}</text>`);
    lx += 30 + name.length * 7;
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Writes `scores.svg` into the method folder (atomically) and returns its path. */
export async function writeScoresChart(result: EvaluationResult, dir: string = result.dir): Promise<string> {
  const file = path.join(dir, SCORES_CHART_FILE);
  await writeFileAtomic(file, scoresChartSvg(result));
  return file;
}
