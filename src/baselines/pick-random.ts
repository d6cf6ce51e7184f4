/**
 * The pick-random baseline (spec §3): per trial, per test sample, a voter drawn uniformly. The
 * reference seeds NumPy once and lets every model group share the stream; ours does the same with
 * the seeded `Rng` (statistically equivalent, not bit-identical to NumPy's MT19937).
 */
import type { Rng } from '../compute/rng.js';
import type { CandidateTable } from '../data/candidates.js';
import type { TrialSelectionFile } from '../data/schemas.js';
import { chosenGenerations, selectionOf, trialsFile, type TrialSelections } from '../data/selection.js';
import { InvalidParameterError } from '../errors/index.js';

/**
 * The pick-random baseline's options: trials and the seeded generator they draw from.
 *
 * @example
 * ```ts
 * const options: PickRandomOptions = { trials: 10, rng: new Rng(0) };
 * const { trials } = pickRandom(table, options);
 * ```
 */
export interface PickRandomOptions {
  /** @default 10 */
  readonly trials?: number;
  readonly rng: Rng;
}

function checkTrials(trials: number): void {
  if (!Number.isInteger(trials) || trials < 1) throw new InvalidParameterError('trials', `trials must be a positive integer, got ${trials}`);
}

/**
 * trials[t].selected[s]: the voter drawn for sample s in trial t.
 *
 * @example
 * ```ts
 * const table = await loadMultiModelCandidates(config, 'test');
 * const { trials } = pickRandom(table, { trials: 10, rng: new Rng(0) });
 * ```
 */
export function pickRandom(table: CandidateTable, options: PickRandomOptions): TrialSelections {
  const trials = options.trials ?? 10;
  checkTrials(trials);
  const m = table.voters.length;
  if (m < 1) throw new RangeError('pickRandom: the table has no voters');
  const out: TrialSelections['trials'][number][] = [];
  for (let t = 0; t < trials; t++)
    out.push(
      selectionOf(
        table.texts.map(() => options.rng.int(m)),
        m,
      ),
    );
  return { trials: out };
}

/** The raw text each trial selected: generations[t][s] = texts[s][selected[t][s]]. */
export function trialGenerations(table: CandidateTable, selected: readonly (readonly number[])[]): string[][] {
  return selected.map((trial) => chosenGenerations(selectionOf(trial, table.voters.length), table));
}

/** A trial method's output file: the reference's `{generations}` plus our `selected`, `voters`, `meta`. */
export function trialSelectionFile(table: CandidateTable, selected: readonly (readonly number[])[], meta: { readonly method: string } & Record<string, unknown>): TrialSelectionFile {
  return trialsFile({ trials: selected.map((t) => selectionOf(t, table.voters.length)) }, table, meta);
}
