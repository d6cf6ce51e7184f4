/**
 * Linear axes (d3-scale for the scale, round "nice" ticks and their format) with as many ticks as
 * fit without their labels touching, drawn with gridlines onto an {@link SvgWriter}.
 */
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { FONT_SIZE, textWidth, type SvgWriter } from './svg.js';

export interface Tick {
  readonly value: number;
  /** Position in px along the axis. */
  readonly at: number;
  readonly label: string;
}

export interface LinearAxis {
  readonly scale: ScaleLinear<number, number>;
  readonly ticks: readonly Tick[];
}

export interface AxisOptions {
  /** 'x': labels side by side, so their widths must fit; 'y': labels stacked, so their line height must. */
  readonly orientation: 'x' | 'y';
  /** Extend the domain to round tick values. @default true */
  readonly nice?: boolean;
  /** The most ticks to try. @default 10 */
  readonly maxTicks?: number;
  /** Free space between neighbouring labels, px. @default 10 */
  readonly gap?: number;
  /** @default 12 */
  readonly fontSize?: number;
}

/**
 * A linear scale from `domain` onto `range` (px) and its ticks: the most (up to `maxTicks`) whose
 * labels, d3's format for the tick step, do not overlap.
 */
export function linearAxis(domain: readonly [number, number], range: readonly [number, number], options: AxisOptions): LinearAxis {
  const { orientation, nice = true, maxTicks = 10, gap = 10, fontSize = FONT_SIZE } = options;
  const [d0, d1] = domain[0] === domain[1] ? [domain[0] - 0.5, domain[1] + 0.5] : domain;
  let fallback: LinearAxis | undefined;
  for (let count = maxTicks; count >= 2; count--) {
    const scale = scaleLinear().domain([d0, d1]).range([range[0], range[1]]);
    if (nice) scale.nice(count);
    const format = scale.tickFormat(count);
    const ticks = scale.ticks(count).map((value) => ({ value, at: scale(value), label: format(value) }));
    fallback = { scale, ticks };
    const fits = ticks.every((t, i) => {
      if (i === 0) return true;
      const spacing = Math.abs(t.at - ticks[i - 1].at);
      const needed = orientation === 'x' ? (textWidth(t.label, fontSize) + textWidth(ticks[i - 1].label, fontSize)) / 2 + gap : fontSize * 1.25;
      return spacing >= needed;
    });
    if (fits) return fallback;
  }
  return fallback as LinearAxis;
}

/** Widest tick label, px (to size the margin of a y axis). */
export const widestTick = (axis: LinearAxis, fontSize: number = FONT_SIZE): number => Math.max(0, ...axis.ticks.map((t) => textWidth(t.label, fontSize)));

/** Gridlines across the plot and tick labels below it (x; above it with `labelsAbove`) or left of it (y). */
export function drawAxis(
  svg: SvgWriter,
  axis: LinearAxis,
  orientation: 'x' | 'y',
  plot: { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number },
  options: { readonly grid?: string; readonly labelsAbove?: boolean } = {},
): void {
  const grid = options.grid ?? '#e2e8f0';
  for (const t of axis.ticks) {
    if (orientation === 'x') {
      svg.line(t.at, plot.y0, t.at, plot.y1, grid);
      svg.text(t.at, options.labelsAbove ? plot.y0 - 6 : plot.y1 + 15, t.label, { anchor: 'middle', fill: '#555', className: 'tick-x' });
    } else {
      svg.line(plot.x0, t.at, plot.x1, t.at, grid);
      svg.text(plot.x0 - 6, t.at + 4, t.label, { anchor: 'end', fill: '#555', className: 'tick-y' });
    }
  }
}
