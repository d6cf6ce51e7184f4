/** Human-readable summaries printed by the CLI. */
import type { VoterMode } from '../data/paths.js';
import type { SmoothieRunResult } from '../smoothie/run.js';

const pct = (x: number): string => `${(100 * x).toFixed(0)}%`;
const num = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(3));

/** One method file a baseline or label-free selector command wrote (or skipped). */
export interface MethodRunSummary {
  readonly method: string;
  readonly outputFile: string;
  readonly skipped: boolean;
  readonly replaced?: string;
  readonly n?: number;
  readonly voters?: readonly string[];
  readonly selectionShare?: number[];
  /** Named before the file in the text summary when given. */
  readonly mode?: VoterMode;
  readonly warnings?: readonly string[];
}

/** The summary of the method files a command wrote: JSON with --json, else one text line each (stderr warnings). */
export function printMethodRuns(results: readonly MethodRunSummary[], args: { readonly json: boolean; readonly quiet: boolean }): void {
  if (args.json) {
    const out = results.map((r) => ({
      method: r.method,
      output_file: r.outputFile,
      skipped: r.skipped,
      n: r.n ?? null,
      voters: r.voters ?? null,
      selection_share: r.selectionShare ?? null,
      replaced: r.replaced ?? null,
      ...(r.warnings === undefined ? {} : { warnings: r.warnings }),
    }));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  for (const r of results) for (const w of r.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
  if (args.quiet) return;
  for (const r of results) {
    const who = r.mode === undefined ? '' : `${r.mode.kind === 'multi-model' ? `model group ${r.mode.group}` : `model ${r.mode.model} (prompts)`}: `;
    if (r.skipped) {
      process.stdout.write(`${who}${r.outputFile} exists, skipped (--redo to overwrite)\n`);
      continue;
    }
    const shares = (r.voters ?? []).map((v, i) => `${v} ${pct(r.selectionShare?.[i] ?? 0)}`).join(', ');
    const why = r.replaced === undefined ? '' : ` (it existed with other settings: ${r.replaced})`;
    process.stdout.write(`${who}wrote ${r.outputFile}${why}\n  ${r.n} samples; selected: ${shares}\n`);
  }
}

export function printRunSummary(r: SmoothieRunResult, mode: VoterMode): void {
  const out = process.stdout;
  const who = mode.kind === 'multi-model' ? `model group ${mode.group}` : `model ${mode.model} (prompts)`;
  for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
  if (r.skipped) {
    out.write(`${who}: ${r.outputFile} exists, skipped (--redo to overwrite)\n`);
    return;
  }
  out.write(
    `${who}: wrote ${r.outputFile}${r.replaced === undefined ? '' : ` (it existed with other settings: ${r.replaced})`}\n  ${r.n} samples, ${r.voters.length} voters; embedder ${r.embedder.id}; ` +
      `knn ${r.knn ?? 'none'}${r.compute ? ` on ${r.compute}` : ''}; fit ${r.fitSeconds.toFixed(3)} s, embedding ${r.embedSeconds.toFixed(1)} s\n`,
  );
  const s = r.summary;
  if (!s) return;
  const groups = s.byGroup ? Object.entries(s.byGroup.groups) : [];
  const width = Math.max(5, ...s.voters.map((v) => v.length));
  const header = ['voter'.padEnd(width), 'mean weight', 'selected', ...groups.map(([g, { n }]) => `${g} (${n})`)];
  out.write(`  ${header.join('  ')}\n`);
  s.voters.forEach((v, i) => {
    const cells = [
      v.padEnd(width),
      num(s.meanWeights[i]).padStart(11),
      pct(s.selectionShare[i]).padStart(8),
      ...groups.map(([g, grp]) => pct(grp.selectionShare[i]).padStart(g.length + String(grp.n).length + 3)),
    ];
    out.write(`  ${cells.join('  ')}\n`);
  });
  const best = s.selectionShare.indexOf(Math.max(...s.selectionShare));
  out.write(`  most selected overall: ${s.voters[best]}`);
  if (s.byGroup) {
    const perGroup = groups.map(([g, grp]) => `${g} → ${s.voters[grp.selectionShare.indexOf(Math.max(...grp.selectionShare))]}`);
    out.write(`; per ${s.byGroup.field}: ${perGroup.join(', ')}`);
  }
  out.write('\n');
  if (r.plotFile) out.write(`  plot: ${r.plotFile}\n`);
  if (s.undefinedRows > 0) out.write(`  ${s.undefinedRows} samples had undefined (NaN/inf) weights and went to the first such voter, as the reference does\n`);
}
