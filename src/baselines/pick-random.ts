/**
 * The pick-random baseline (spec §3): per trial, per test sample, a voter drawn uniformly. The
 * reference seeds NumPy once and lets every model group share the stream; ours does the same with
 * the seeded `Rng` (statistically equivalent, not bit-identical to NumPy's MT19937).
 */
import type { Rng } from '../compute/rng.js';
import type { CandidateTable } from '../data/candidates.js';
import type { TrialSelectionFile } from '../data/schemas.js';
import { InvalidParameterError } from '../errors/index.js';

export interface PickRandomOptions {
  /** @default 10 */
  readonly trials?: number;
  readonly rng: Rng;
}

function checkTrials(trials: number): void {
  if (!Number.isInteger(trials) || trials < 1) throw new InvalidParameterError('trials', `trials must be a positive integer, got ${trials}`);
}

/**
 * selected[t][s]: the voter drawn for sample s in trial t.
 *
 * @example
 * ```ts
 * const table = await loadMultiModelCandidates(config, 'test');
 * const trials = pickRandom(table, { trials: 10, rng: new Rng(0) });
 * ```
 */
export function pickRandom(table: CandidateTable, options: PickRandomOptions): number[][] {
  const trials = options.trials ?? 10;
  checkTrials(trials);
  const m = table.voters.length;
  if (m < 1) throw new RangeError('pickRandom: the table has no voters');
  const out: number[][] = [];
  for (let t = 0; t < trials; t++) out.push(table.texts.map(() => options.rng.int(m)));
  return out;
}

/** The raw text each trial selected: generations[t][s] = texts[s][selected[t][s]]. */
export function trialGenerations(table: CandidateTable, selected: readonly (readonly number[])[]): string[][] {
  return selected.map((trial) => trial.map((v, s) => table.texts[s][v]));
}

/** A trial method's output file: the reference's `{generations}` plus our `selected`, `voters`, `meta`. */
export function trialSelectionFile(
  table: CandidateTable,
  selected: readonly (readonly number[])[],
  meta: { readonly method: string } & Record<string, unknown>,
): TrialSelectionFile {
  return {
    generations: trialGenerations(table, selected),
    selected: selected.map((t) => [...t]),
    voters: [...table.voters],
    meta: { ...meta },
  };
}
