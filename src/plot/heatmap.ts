/**
 * An SVG heatmap on the shared plotting layer (rows × columns of values in [0, 1] with a label per cell),
 * for voter × input-type views of Smoothie's weights and choices.
 */
import { SvgWriter, textWidth } from './svg.js';

export interface HeatmapInput {
  readonly title: string;
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  /** values[r][c] in [0, 1]; null is drawn grey (undefined). */
  readonly values: readonly (readonly (number | null)[])[];
  /** Text inside each cell. @default the value with 2 decimals */
  readonly labels?: readonly (readonly string[])[];
  readonly caption?: string;
}

/** White → dark blue. */
function colour(v: number): string {
  const t = Math.min(1, Math.max(0, v));
  const mix = (a: number, b: number): number => Math.round(a + (b - a) * t);
  return `rgb(${mix(247, 8)},${mix(251, 48)},${mix(255, 107)})`;
}

export function heatmapSvg(h: HeatmapInput): string {
  const cellW = 110;
  const cellH = 30;
  const left = 12 + Math.ceil(Math.max(40, ...h.rows.map((r) => textWidth(r)))) + 8;
  const top = 64;
  const width = Math.ceil(Math.max(left + cellW * h.columns.length + 20, 24 + textWidth(h.title, 14, true) + left, textWidth(h.caption ?? '') + 24));
  const height = top + cellH * h.rows.length + (h.caption ? 44 : 20);
  const svg = new SvgWriter();
  svg.text(left, 22, h.title, { size: 14, bold: true });
  h.columns.forEach((c, j) => svg.text(left + j * cellW + cellW / 2, top - 10, c, { anchor: 'middle' }));
  h.rows.forEach((r, i) => {
    const y = top + i * cellH;
    svg.text(left - 8, y + cellH / 2 + 4, r, { anchor: 'end' });
    h.columns.forEach((_, j) => {
      const v = h.values[i][j];
      const x = left + j * cellW;
      const label = h.labels?.[i][j] ?? (v === null ? 'n/a' : v.toFixed(2));
      svg.rect(x, y, cellW - 2, cellH - 2, v === null ? '#ccc' : colour(v));
      svg.text(x + cellW / 2, y + cellH / 2 + 4, label, { anchor: 'middle', fill: v !== null && v > 0.55 ? 'white' : 'black' });
    });
  });
  if (h.caption) svg.text(12, height - 16, h.caption, { fill: '#555' });
  return svg.render(width, height);
}
