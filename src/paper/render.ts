/** A reproduced table as Markdown, LaTeX, JSON and the printed text; written atomically. */
import path from 'node:path';
import { writeFileAtomic } from '../data/atomic.js';
import type { PublishedTable } from './published.js';
import { latexTable } from './tex.js';
import { compareCells, maxAbsDifference, type ComparedCell, type PaperTableResult } from './result.js';

const f1 = (x: number | null): string => (x === null || !Number.isFinite(x) ? '–' : x.toFixed(1));
const signed = (x: number | null): string => (x === null || !Number.isFinite(x) ? '' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}`);
const withStd = (v: number | null, s: number | null): string => (v === null ? '–' : s === null ? f1(v) : `${f1(v)} ± ${f1(s)}`);

/** "ours / published (Δ)" in one cell. */
function cellText(c: ComparedCell | undefined): string {
  if (!c) return '';
  const ours = withStd(c.ours, c.oursStd);
  if (c.published === null) return ours;
  return `${ours} / ${withStd(c.published, c.publishedStd)} (${c.diff === null ? 'n/a' : signed(c.diff)})`;
}

function grid(r: PaperTableResult): { header: string[]; rows: string[][] } {
  const cells = compareCells(r);
  const at = new Map(cells.map((c) => [`${c.row}\u0000${c.column}`, c]));
  return {
    header: ['method', ...r.columns.map((c) => c.label)],
    rows: r.rows.map((row) => [row.label, ...r.columns.map((col) => cellText(at.get(`${row.key}\u0000${col.key}`)))]),
  };
}

function sourceLine(r: PaperTableResult): string {
  const s = r.published?.source ?? r.source;
  return s ? `Published: ${s.repository} @ ${s.commit}, ${s.path} (${s.licence}${s.note ? `; ${s.note}` : ''})` : 'Published: no table in the paper (figure only); ours alone.';
}

export function paperMarkdown(r: PaperTableResult): string {
  const { header, rows } = grid(r);
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const max = maxAbsDifference(r);
  const lines = [
    `## ${r.title}`,
    '',
    `Cells: ours / published (ours − published), ${r.unit}.${r.embedder ? ` Embedder: \`${r.embedder}\`.` : ''}`,
    '',
    `| ${header.map(esc).join(' | ')} |`,
    `|${header.map((_, j) => (j === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((row) => `| ${row.map(esc).join(' | ')} |`),
    '',
    sourceLine(r),
  ];
  if (max !== null) lines.push('', `Largest |ours − published|: ${max.toFixed(2)}.`);
  if (r.parity.length > 0) {
    lines.push('', "Metric parity (our `evaluate` on the reference's own method files vs its stored scores.json):", '');
    for (const p of r.parity) lines.push(`- \`${p.folder}\`: ${p.compared} entries, largest difference ${p.maxAbsDiff.toExponential(2)} (${p.where})`);
  }
  if (r.notes.length > 0) lines.push('', ...r.notes.map((n) => `- ${n}`));
  for (const fig of r.figures) lines.push('', `![${fig.title}](${r.id}-${fig.name}.svg)`);
  lines.push('', `Computed in ${r.seconds.toFixed(1)} s.`, '');
  return lines.join('\n');
}

export function paperLatex(r: PaperTableResult): string {
  const { header, rows } = grid(r);
  return latexTable({ caption: `${r.title}. Cells: ours / published (ours − published). ${sourceLine(r)}`, label: `tab:repro-${r.id}`, header, rows });
}

export function paperJson(r: PaperTableResult): Record<string, unknown> {
  return {
    id: r.id,
    title: r.title,
    unit: r.unit,
    source: r.published?.source ?? r.source ?? null,
    embedder: r.embedder ?? null,
    seconds: r.seconds,
    rows: r.rows,
    columns: r.columns,
    cells: compareCells(r),
    max_abs_difference: maxAbsDifference(r),
    parity: r.parity,
    notes: r.notes,
    figures: r.figures.map((f) => `${r.id}-${f.name}.svg`),
  };
}

/** The terminal table: fixed-width columns of "ours / published (Δ)". */
export function paperText(r: PaperTableResult): string {
  const { header, rows } = grid(r);
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j].length)));
  const line = (c: readonly string[]): string =>
    c
      .map((s, j) => (j === 0 ? s.padEnd(widths[j]) : s.padStart(widths[j])))
      .join('  ')
      .trimEnd();
  const out = [r.title, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), sourceLine(r)];
  const max = maxAbsDifference(r);
  if (max !== null) out.push(`largest |ours − published|: ${max.toFixed(2)}`);
  for (const p of r.parity) out.push(`metric parity ${p.folder}: ${p.compared} entries, largest difference ${p.maxAbsDiff.toExponential(2)} (${p.where})`);
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join('\n');
}

export interface WrittenPaperFiles {
  readonly markdown: string;
  readonly latex: string;
  readonly json: string;
  readonly figures: readonly string[];
}

export async function writePaperOutputs(r: PaperTableResult, outDir: string): Promise<WrittenPaperFiles> {
  const base = path.join(outDir, r.id);
  const files = { markdown: `${base}.md`, latex: `${base}.tex`, json: `${base}.json` };
  await writeFileAtomic(files.markdown, paperMarkdown(r));
  await writeFileAtomic(files.latex, paperLatex(r));
  await writeFileAtomic(files.json, `${JSON.stringify(paperJson(r), null, 2)}\n`);
  const figures: string[] = [];
  for (const fig of r.figures) {
    const file = `${base}-${fig.name}.svg`;
    await writeFileAtomic(file, fig.svg);
    figures.push(file);
  }
  return { ...files, figures };
}

/** A published table alone, as Markdown (rows × columns as the paper prints them, with its source). */
export function publishedMarkdown(t: PublishedTable): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const header = ['method', ...t.columns.map((c) => c.label)];
  const rows = t.rows.map((r) => [
    r.label,
    ...t.columns.map((c) => {
      const v = t.values[r.key]?.[c.key];
      return v === undefined ? '' : v.std === undefined ? f1(v.value) : `${f1(v.value)} ± ${f1(v.std)}`;
    }),
  ]);
  return [
    `**${t.title}** (${t.unit})`,
    '',
    `| ${header.map(esc).join(' | ')} |`,
    `|${header.map((_, j) => (j === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
    '',
    `Source: ${t.source.repository} @ ${t.source.commit}, \`${t.source.path}\` (${t.source.licence})${t.source.note ? `; ${t.source.note}` : ''}.`,
    '',
  ].join('\n');
}
