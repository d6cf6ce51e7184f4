/** Human-readable summaries printed by the CLI. */
import type { VoterMode } from '../data/paths.js';
import type { SmoothieRunResult } from '../smoothie/run.js';

const pct = (x: number): string => `${(100 * x).toFixed(0)}%`;
const num = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(3));

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
      `knn ${r.knn ?? 'none'} on ${r.compute ?? r.backend ?? 'n/a'}; fit ${r.fitSeconds.toFixed(3)} s, embedding ${r.embedSeconds.toFixed(1)} s\n`,
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
