/**
 * A label-free length baseline: per sample, the candidate with the most whitespace-separated words
 * (of its cleaned text when the dataset cleans generations); ties go to the lower voter index.
 * Deterministic; no randomness.
 */
import type { CandidateTable } from '../data/candidates.js';
import { cleanGeneration } from '../data/clean.js';
import type { SelectionFile } from '../data/schemas.js';
import { selectionFile, selectionOf, type Selection } from '../data/selection.js';

/**
 * The pick-longest baseline's options.
 *
 * @example
 * ```ts
 * const options: PickLongestOptions = { clean: false };
 * const { selected } = pickLongest(table, options);
 * ```
 */
export interface PickLongestOptions {
  /** Apply `cleanGeneration` (first line, special tokens removed) before counting. @default true */
  readonly clean?: boolean;
}

/** Number of whitespace-separated words. */
export function wordCount(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/u).length;
}

/**
 * selected[s]: the voter whose generation for sample s has the most words (first on ties).
 *
 * @example
 * ```ts
 * const { selected } = pickLongest(table); // one voter index per sample
 * ```
 */
export function pickLongest(table: CandidateTable, options: PickLongestOptions = {}): Selection {
  const clean = options.clean ?? true;
  const selected = table.texts.map((row) => {
    let best = 0;
    let bestLen = -1;
    row.forEach((text, v) => {
      const len = wordCount(clean ? cleanGeneration(text) : text);
      if (len > bestLen) {
        best = v;
        bestLen = len;
      }
    });
    return best;
  });
  return selectionOf(selected, table.voters.length);
}

/** `pick_longest_test.json`: the selected raw generation per sample, with voters and meta. */
export function pickLongestFile(table: CandidateTable, selected: readonly number[], meta: Record<string, unknown> = {}): SelectionFile {
  return selectionFile(selectionOf(selected, table.voters.length), table, { method: 'pick_longest', ...meta });
}
