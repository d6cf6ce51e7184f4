/** A reproduced table: our numbers beside the published ones, per cell, with the difference. */
import type { PaperColumn, PaperRow, PaperSource, PublishedTable } from './published.js';

export interface OurCell {
  readonly value: number;
  /** Spread over trials or seeds (population std), where the method has several. */
  readonly std?: number;
}

/** Our scores of the reference's own method files against its stored scores.json. */
export interface ParityCheck {
  /** The method folder (relative to the data folder). */
  readonly folder: string;
  /** Entries compared (voters and method files present in both). */
  readonly compared: number;
  readonly maxAbsDiff: number;
  /** The entry with the largest difference. */
  readonly where: string;
}

export interface PaperFigure {
  /** File-name suffix: `<table>-<name>.svg`. */
  readonly name: string;
  readonly title: string;
  readonly svg: string;
}

export interface PaperTableResult {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly source?: PaperSource;
  readonly rows: readonly PaperRow[];
  readonly columns: readonly PaperColumn[];
  readonly ours: Readonly<Record<string, Readonly<Record<string, OurCell>>>>;
  readonly published?: PublishedTable;
  readonly parity: readonly ParityCheck[];
  readonly notes: readonly string[];
  readonly figures: readonly PaperFigure[];
  /** Embedder(s) used for our Smoothie rows. */
  readonly embedder?: string;
  readonly seconds: number;
}

export interface ComparedCell {
  readonly row: string;
  readonly column: string;
  readonly ours: number | null;
  readonly oursStd: number | null;
  readonly published: number | null;
  readonly publishedStd: number | null;
  /** ours − published, where both exist. */
  readonly diff: number | null;
}

export function compareCells(r: PaperTableResult): ComparedCell[] {
  const out: ComparedCell[] = [];
  for (const row of r.rows) {
    for (const column of r.columns) {
      const o = r.ours[row.key]?.[column.key];
      const p = r.published?.values[row.key]?.[column.key];
      out.push({
        row: row.key,
        column: column.key,
        ours: o?.value ?? null,
        oursStd: o?.std ?? null,
        published: p?.value ?? null,
        publishedStd: p?.std ?? null,
        diff: o !== undefined && p !== undefined ? o.value - p.value : null,
      });
    }
  }
  return out;
}

/** The largest |ours − published| over the table, or null when no cell has both. */
export function maxAbsDifference(r: PaperTableResult): number | null {
  const diffs = compareCells(r).flatMap((c) => (c.diff === null ? [] : [Math.abs(c.diff)]));
  return diffs.length === 0 ? null : Math.max(...diffs);
}

/** Builder for `ours`: set(row, column, value[, std]). */
export class CellGrid {
  readonly cells: Record<string, Record<string, OurCell>> = {};
  set(row: string, column: string, value: number, std?: number): void {
    (this.cells[row] ??= {})[column] = std === undefined ? { value } : { value, std };
  }
}
