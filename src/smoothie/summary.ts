/** What a person wants to see after a run: which voters Smoothie prefers, overall and per input type. */
import type { NdArray } from '../compute/ndarray.js';
import type { DatasetRow } from '../data/schemas.js';
import { heatmapSvg } from '../plot/heatmap.js';

export interface VoterStats {
  readonly n: number;
  /** Mean weight per voter over the samples whose weights are all finite (null: none are). */
  readonly meanWeights: readonly (number | null)[];
  /** Share of samples routed to each voter. */
  readonly selectionShare: readonly number[];
}

export interface SelectionSummary extends VoterStats {
  readonly voters: readonly string[];
  /** Samples whose weight row has a NaN/±Infinity (routed to the first NaN, as NumPy's argmax). */
  readonly undefinedRows: number;
  /** Per value of `field` (a `category` column when the data has one, else `task_name`). */
  readonly byGroup?: {
    readonly field: string;
    readonly groups: Readonly<Record<string, VoterStats>>;
  };
}

function groupField(rows: readonly DatasetRow[]): string | undefined {
  for (const field of ['category', 'task_name']) {
    const values = new Set(rows.map((r) => r[field]));
    if (rows.every((r) => typeof r[field] === 'string') && values.size > 1) return field;
  }
  return undefined;
}

function statsOf(weights: NdArray<Float64Array>, selected: Int32Array, m: number, samples: readonly number[]): VoterStats & { undefinedRows: number } {
  const sums = new Float64Array(m);
  const counts = new Array<number>(m).fill(0);
  let finiteRows = 0;
  for (const s of samples) {
    counts[selected[s]]++;
    const row = weights.data.subarray(s * m, (s + 1) * m);
    if (row.every(Number.isFinite)) {
      finiteRows++;
      row.forEach((w, i) => (sums[i] += w));
    }
  }
  return {
    n: samples.length,
    meanWeights: Array.from(sums, (x) => (finiteRows > 0 ? x / finiteRows : null)),
    selectionShare: counts.map((c) => c / Math.max(1, samples.length)),
    undefinedRows: samples.length - finiteRows,
  };
}

export function summariseSelection(weights: NdArray<Float64Array>, selected: Int32Array, voters: readonly string[], rows: readonly DatasetRow[]): SelectionSummary {
  const m = voters.length;
  const all = statsOf(
    weights,
    selected,
    m,
    Array.from({ length: selected.length }, (_, s) => s),
  );
  const field = groupField(rows);
  let byGroup: SelectionSummary['byGroup'];
  if (field) {
    const members = new Map<string, number[]>();
    rows.forEach((r, s) => {
      const key = String(r[field]);
      members.set(key, [...(members.get(key) ?? []), s]);
    });
    byGroup = {
      field,
      groups: Object.fromEntries(
        [...members]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, samples]) => {
            const { undefinedRows: _, ...stats } = statsOf(weights, selected, m, samples);
            return [key, stats];
          }),
      ),
    };
  }
  return { voters, ...all, byGroup };
}

/** Voter × (all, each group) heatmap of selection shares, annotated with mean weights. */
export function summaryHeatmap(summary: SelectionSummary, title: string): string {
  const columns: [string, VoterStats][] = [['all', summary], ...Object.entries(summary.byGroup?.groups ?? {})];
  const weight = (w: number | null): string => (w === null ? 'w n/a' : `w ${w.toFixed(2)}`);
  return heatmapSvg({
    title,
    rows: summary.voters,
    columns: columns.map(([name, s]) => `${name} (${s.n})`),
    values: summary.voters.map((_, i) => columns.map(([, s]) => s.selectionShare[i])),
    labels: summary.voters.map((_, i) => columns.map(([, s]) => `${Math.round(100 * s.selectionShare[i])}% · ${weight(s.meanWeights[i])}`)),
    caption: `cell: share of samples routed to the voter · its mean Smoothie weight${summary.byGroup ? ` (columns by ${summary.byGroup.field})` : ''}`,
  });
}
