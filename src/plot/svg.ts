/**
 * The SVG writer every chart uses: elements as strings, and the estimated extent of every text so
 * the canvas always holds all of it (no clipped labels). There is no DOM in Node, so text is
 * measured from a width table (Helvetica's metrics, widened to cover DejaVu Sans, the usual
 * fallback): an estimate that errs on the wide side.
 */

export const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Distinguishable series colours (Okabe–Ito, less yellow and black: yellow is unreadable on white, black is the oracle's). */
export const SERIES_COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#8c564b', '#7f7f7f'] as const;

/** The font every chart declares; {@link textWidth} is calibrated for it and its usual fallback. */
export const FONT_FAMILY = 'Helvetica, Arial, sans-serif';
/** Font size of ordinary chart text (px). */
export const FONT_SIZE = 12;

// Helvetica advance widths (1/1000 em) for ' ' (32) to '~' (126).
// prettier-ignore
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611,
  778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833,
  556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
/** DejaVu Sans (the fallback where Helvetica and Arial are absent) runs about 12 % wider than Helvetica. */
const FALLBACK_WIDENING = 1.14;
const BOLD_WIDENING = 1.1;
/** Anything outside ASCII (→, ±, –, accents): a wide letter. */
const OTHER_WIDTH = 720;

/** Estimated width in px of `text` at `size` px (on the wide side, so a label laid out by it is not clipped). */
export function textWidth(text: string, size: number = FONT_SIZE, bold = false): number {
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    units += code >= 32 && code <= 126 ? HELVETICA[code - 32] : OTHER_WIDTH;
  }
  return (units / 1000) * size * FALLBACK_WIDENING * (bold ? BOLD_WIDENING : 1);
}

/** An axis-aligned box in px. */
export interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export type Anchor = 'start' | 'middle' | 'end';

export interface TextStyle {
  /** @default 12 */
  readonly size?: number;
  /** @default 'start' */
  readonly anchor?: Anchor;
  /** @default false */
  readonly bold?: boolean;
  /** @default black (inherited) */
  readonly fill?: string;
  /** Rotated -90° about (x, y), reading upwards (a y axis title). @default false */
  readonly vertical?: boolean;
  /** A class attribute, for tests and styling. */
  readonly className?: string;
}

/** The box a text covers, with (x, y) its anchor point on the baseline (ascent 0.8 em, descent 0.25 em). */
export function textBox(x: number, y: number, text: string, style: TextStyle = {}): Box {
  const size = style.size ?? FONT_SIZE;
  const w = textWidth(text, size, style.bold);
  const anchor = style.anchor ?? 'start';
  const along0 = anchor === 'start' ? 0 : anchor === 'middle' ? -w / 2 : -w;
  if (style.vertical) return { x0: x - 0.8 * size, x1: x + 0.25 * size, y0: y - along0 - w, y1: y - along0 };
  return { x0: x + along0, x1: x + along0 + w, y0: y - 0.8 * size, y1: y + 0.25 * size };
}

export const boxesOverlap = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** Greedy word wrap of `text` into lines no wider than `maxWidth` px (a single over-long word keeps its own line). */
export function wrapText(text: string, maxWidth: number, size: number = FONT_SIZE, bold = false): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const next = line === '' ? word : `${line} ${word}`;
    if (line !== '' && textWidth(next, size, bold) > maxWidth) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line !== '') lines.push(line);
  return lines;
}

const n = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/**
 * Collects SVG elements; {@link SvgWriter.render} sizes the canvas to hold the requested size and
 * every text drawn (so a label the layout underestimated grows the picture instead of being cut).
 */
export class SvgWriter {
  private readonly parts: string[] = [];
  private readonly texts: Box[] = [];

  /** Raw markup (already escaped). */
  raw(markup: string): this {
    this.parts.push(markup);
    return this;
  }

  text(x: number, y: number, text: string, style: TextStyle = {}): this {
    const attrs = [`x="${n(x)}"`, `y="${n(y)}"`];
    if (style.anchor && style.anchor !== 'start') attrs.push(`text-anchor="${style.anchor}"`);
    if (style.size !== undefined && style.size !== FONT_SIZE) attrs.push(`font-size="${style.size}"`);
    if (style.bold) attrs.push('font-weight="bold"');
    if (style.fill) attrs.push(`fill="${style.fill}"`);
    if (style.vertical) attrs.push(`transform="rotate(-90 ${n(x)} ${n(y)})"`);
    if (style.className) attrs.push(`class="${style.className}"`);
    this.parts.push(`<text ${attrs.join(' ')}>${escapeXml(text)}</text>`);
    this.texts.push(textBox(x, y, text, style));
    return this;
  }

  line(x1: number, y1: number, x2: number, y2: number, stroke: string, extra = ''): this {
    return this.raw(`<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="${stroke}"${extra ? ` ${extra}` : ''}/>`);
  }

  rect(x: number, y: number, width: number, height: number, fill: string, extra = ''): this {
    return this.raw(`<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" fill="${fill}"${extra ? ` ${extra}` : ''}/>`);
  }

  circle(cx: number, cy: number, r: number, attrs: string): this {
    return this.raw(`<circle cx="${n(cx)}" cy="${n(cy)}" r="${r}" ${attrs}/>`);
  }

  path(d: string, attrs: string): this {
    return this.raw(`<path d="${d}" ${attrs}/>`);
  }

  /** The extent of every text drawn so far. */
  textBoxes(): readonly Box[] {
    return this.texts;
  }

  /** The document: at least `width` × `height`, grown to hold every text with a 4 px margin. */
  render(width: number, height: number): string {
    const w = Math.ceil(Math.max(width, ...this.texts.map((b) => b.x1 + 4)));
    const h = Math.ceil(Math.max(height, ...this.texts.map((b) => b.y1 + 4)));
    return `${[
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="${FONT_FAMILY}" font-size="${FONT_SIZE}">`,
      `<rect width="100%" height="100%" fill="white"/>`,
      ...this.parts,
      '</svg>',
    ].join('\n')}\n`;
  }
}
