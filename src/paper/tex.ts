/**
 * LaTeX tables in and out. `parseTexTable` reads the numeric rows of a `tabular` as the papers'
 * scripts write them (cells wrapped in \small{…}, \textbf{…}, \underline{…}); `latexTable` writes
 * ours with booktabs rules.
 */

/** Removes one level of `\cmd{…}` wrappers (repeatedly) and stray braces. */
function unwrap(cell: string): string {
  let s = cell;
  for (let i = 0; i < 10; i++) {
    const next = s.replace(/\\(?:small|textbf|underline|textsc|textit|emph)\s*\{([^{}]*)\}/g, '$1');
    if (next === s) break;
    s = next;
  }
  return s.replace(/[{}]/g, '').trim();
}

export interface TexRow {
  /** The row's label cells joined with a space (e.g. "\random" or "\nameglobal-train"). */
  readonly label: string;
  /** The numeric cells in order. */
  readonly values: readonly number[];
}

/** The rows of a LaTeX table that hold numbers, in order. */
export function parseTexTable(text: string): TexRow[] {
  const body = text.replace(/\r/g, '');
  const start = body.indexOf('\\begin{tabular}');
  const end = body.indexOf('\\end{tabular}');
  const inner = start >= 0 && end > start ? body.slice(start, end) : body;
  const rows: TexRow[] = [];
  for (const rawLine of inner.split('\\\\')) {
    const line = rawLine
      .replace(/\\(?:toprule|midrule|bottomrule|hline)/g, '')
      .replace(/\\cmidrule(?:\([^)]*\))?\{[^}]*\}/g, '')
      .replace(/\\multirow\{[^}]*\}\{[^}]*\}\{[^}]*\}/g, '');
    if (!line.includes('&')) continue;
    const cells = line.split('&').map(unwrap);
    const values: number[] = [];
    const labels: string[] = [];
    for (const c of cells) {
      if (/^-?\d+(?:\.\d+)?$/.test(c)) values.push(Number(c));
      else if (c !== '' && values.length === 0) labels.push(c.replace(/\s+/g, ' '));
    }
    if (values.length > 0) rows.push({ label: labels.join(' '), values });
  }
  return rows;
}

const escapeTex = (s: string): string =>
  s
    .replace(/\\/g, '\\textbackslash{}')
    .replace(/([&%$#_{}])/g, '\\$1')
    .replace(/~/g, '\\textasciitilde{}')
    .replace(/\^/g, '\\textasciicircum{}')
    .replace(/Δ/g, '$\\Delta$')
    .replace(/−/g, '$-$')
    .replace(/±/g, '$\\pm$')
    .replace(/×/g, '$\\times$');

/** A booktabs table: header row, then one row per entry; cells are written as given (escaped). */
export function latexTable(options: { caption: string; label: string; header: readonly string[]; rows: readonly (readonly string[])[] }): string {
  const spec = `l${'r'.repeat(Math.max(0, options.header.length - 1))}`;
  const line = (cells: readonly string[]): string => `${cells.map(escapeTex).join(' & ')} \\\\`;
  return [
    '\\begin{table}[t]',
    '\\centering',
    '\\small',
    `\\begin{tabular}{${spec}}`,
    '\\toprule',
    line(options.header),
    '\\midrule',
    ...options.rows.map(line),
    '\\bottomrule',
    '\\end{tabular}',
    `\\caption{${escapeTex(options.caption)}}`,
    `\\label{${options.label}}`,
    '\\end{table}',
    '',
  ].join('\n');
}
