/**
 * Labelled scores of selections, pure: no files. A selection is given as the texts it chose (what a
 * method file holds, and what `chosenGenerations` makes of a `Selection`): one generation per row, or
 * one per trial and row. Every row is scored with its own metric against its reference; a score is
 * the plain mean over rows (trial methods: the mean of the per-trial means, with their population
 * standard deviation), and per task the same over the task's rows.
 */
import { standardDeviation } from 'simple-statistics';
import { UserInputError } from '../errors/index.js';
import { meanScore, scoreSample, type Metric, type Reference } from '../metrics/registry.js';

/** A selection as the texts it chose. `file` (where it came from) locates scoring errors. */
export type ChosenTexts =
  | { readonly name: string; readonly kind: 'selection'; readonly generations: readonly string[]; readonly file?: string }
  | { readonly name: string; readonly kind: 'trials'; readonly generations: readonly (readonly string[])[]; readonly file?: string };

export interface SelectionScore {
  readonly name: string;
  readonly kind: 'selection' | 'trials';
  /** Mean over all rows (trials: mean of the per-trial means). */
  readonly mean: number;
  /** Per task (same averaging), keyed by task name, in first-appearance order. */
  readonly perTask: Readonly<Record<string, number>>;
  /** Single selections: per-row scores in row order. */
  readonly sampleScores?: readonly number[];
  /** Trials: each trial's mean over rows. */
  readonly trialMeans?: readonly number[];
  /** Trials: population standard deviation (ddof 0, as np.std) of the trial means. */
  readonly std?: number;
}

export interface EvaluateSelectionsOptions {
  /** Per row: its task, for the per-task means. @default every row under its metric's name */
  readonly tasks?: readonly string[];
}

/** Population standard deviation (ddof 0, as np.std); NaN for no values, as np.std gives. */
export function populationStd(values: readonly number[]): number {
  return values.length === 0 ? NaN : standardDeviation([...values]);
}

/** Mean of `scores` over each task's rows, keyed by task in first-appearance order. */
export function perTaskMeans(scores: readonly number[], taskOf: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of new Set(taskOf)) out[t] = meanScore(scores.filter((_, i) => taskOf[i] === t));
  return out;
}

/**
 * Scores each selection against `references` with `metrics` (both per row, in row order). A selection
 * of another length than the rows, or a reference its metric cannot read, is a UserInputError
 * naming the selection's file and row.
 */
export function evaluateSelections(selections: readonly ChosenTexts[], references: readonly Reference[], metrics: readonly Metric[], options: EvaluateSelectionsOptions = {}): SelectionScore[] {
  const n = references.length;
  if (metrics.length !== n) throw new RangeError(`evaluateSelections: ${metrics.length} metrics for ${n} references`);
  const taskOf = options.tasks ?? metrics.map((m) => m.name);
  if (taskOf.length !== n) throw new RangeError(`evaluateSelections: ${taskOf.length} tasks for ${n} references`);
  const tasks = [...new Set(taskOf)];
  const score = (generations: readonly string[], file: string | undefined, what: string): number[] => {
    if (generations.length !== n) throw new UserInputError(`${what} has ${generations.length} generations but the dataset has ${n} rows`, { file });
    return generations.map((g, i) => {
      try {
        return scoreSample(metrics[i].name, g, references[i]);
      } catch (e) {
        if (UserInputError.isUserInputError(e)) throw new UserInputError(e.message, { file, row: i, rowLabel: 'row', field: 'reference' });
        throw e;
      }
    });
  };
  return selections.map((sel): SelectionScore => {
    if (sel.kind === 'selection') {
      const sampleScores = score(sel.generations, sel.file, sel.name);
      return { name: sel.name, kind: 'selection', mean: meanScore(sampleScores), perTask: perTaskMeans(sampleScores, taskOf), sampleScores };
    }
    const trialScores = sel.generations.map((g, t) => score(g, sel.file, `trial ${t} of ${sel.name}`));
    const trialMeans = trialScores.map(meanScore);
    const trialPerTask = trialScores.map((ts) => perTaskMeans(ts, taskOf));
    const perTask: Record<string, number> = {};
    for (const t of tasks) perTask[t] = meanScore(trialPerTask.map((pt) => pt[t]));
    return { name: sel.name, kind: 'trials', mean: meanScore(trialMeans), perTask, trialMeans, std: populationStd(trialMeans) };
  });
}
