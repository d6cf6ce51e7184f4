/**
 * Point markers and the legend that explains them: each entry shows the same mark the chart draws
 * (a line, a dashed line, a dot, a ring for a chosen point, a diamond for the oracle, a swatch for a bar).
 */
import { textWidth, type SvgWriter } from './svg.js';

export type MarkerKind = 'line' | 'dashed' | 'dot' | 'ring' | 'diamond' | 'swatch';

export interface LegendEntry {
  readonly label: string;
  readonly colour: string;
  readonly marker: MarkerKind;
}

const SYMBOL_W = 20;
const ROW_H = 18;

/** Draws one marker centred on (cx, cy); `ringRadius` sets a ring's size (to nest rings on one point). */
export function drawMarker(svg: SvgWriter, kind: MarkerKind, cx: number, cy: number, colour: string, className?: string, ringRadius = 6): void {
  const cls = className ? ` class="${className}"` : '';
  switch (kind) {
    case 'line':
      svg.line(cx - SYMBOL_W / 2, cy, cx + SYMBOL_W / 2, cy, colour, `stroke-width="2"${cls}`);
      break;
    case 'dashed':
      svg.line(cx - SYMBOL_W / 2, cy, cx + SYMBOL_W / 2, cy, colour, `stroke-width="1.5" stroke-dasharray="5 3"${cls}`);
      break;
    case 'dot':
      svg.circle(cx, cy, 2.5, `fill="${colour}"${cls}`);
      break;
    case 'ring':
      // A white halo under the ring keeps it visible on top of other series' points and lines.
      svg.circle(cx, cy, ringRadius, `fill="none" stroke="white" stroke-width="4.5"${cls}`);
      svg.circle(cx, cy, ringRadius, `fill="none" stroke="${colour}" stroke-width="2.2"${cls}`);
      break;
    case 'diamond':
      svg.path(`M${(cx - 6).toFixed(1)} ${cy.toFixed(1)}l6 -7l6 7l-6 7z`, `fill="${colour}" stroke="white" stroke-width="1"${cls}`);
      break;
    case 'swatch':
      svg.rect(cx - 6, cy - 6, 12, 12, colour, cls.trim());
      break;
  }
}

/** Width of a one-column legend, px. */
export const legendColumnWidth = (entries: readonly LegendEntry[]): number => SYMBOL_W + 6 + Math.max(0, ...entries.map((e) => textWidth(e.label)));

/** Draws a one-column legend with its top-left at (x, y); returns its height. */
export function drawLegendColumn(svg: SvgWriter, entries: readonly LegendEntry[], x: number, y: number): number {
  svg.raw('<g class="legend">');
  entries.forEach((e, i) => {
    const cy = y + ROW_H / 2 + i * ROW_H;
    drawMarker(svg, e.marker, x + SYMBOL_W / 2, cy, e.colour);
    svg.text(x + SYMBOL_W + 6, cy + 4, e.label, { className: 'legend-label' });
  });
  svg.raw('</g>');
  return entries.length * ROW_H;
}

/** Draws a legend in rows no wider than `maxWidth`, top-left at (x, y); returns its height. */
export function drawLegendRows(svg: SvgWriter, entries: readonly LegendEntry[], x: number, y: number, maxWidth: number): number {
  svg.raw('<g class="legend">');
  let lx = x;
  let row = 0;
  for (const e of entries) {
    const w = SYMBOL_W + 6 + textWidth(e.label) + 18;
    if (lx > x && lx + w - 18 > x + maxWidth) {
      lx = x;
      row++;
    }
    const cy = y + ROW_H / 2 + row * ROW_H;
    drawMarker(svg, e.marker, lx + SYMBOL_W / 2, cy, e.colour);
    svg.text(lx + SYMBOL_W + 6, cy + 4, e.label, { className: 'legend-label' });
    lx += w;
  }
  svg.raw('</g>');
  return entries.length === 0 ? 0 : (row + 1) * ROW_H;
}
