/**
 * The baselines as a library call (what `smoothie pick-random | pick-longest | labeled-oracle |
 * labeled-knn` runs): for each voter mode, load the test split (and the train split for the
 * labelled ones), select, and write `<resultsDir>/<dataset>/<group or model>/<method>_test.json`,
 * skipping a file whose recorded settings match unless `redo`. One seeded Rng per call is shared by
 * the voter modes in order, as the reference's single `np.random.seed`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Backend } from '../compute/backend.js';
import { DEFAULT_SEED, Rng } from '../compute/rng.js';
import type { DatasetConfig } from '../data/config.js';
import { datasetSplitPath, methodDir, type RunDirs, type VoterMode } from '../data/paths.js';
import { changedSettings, trialChoices, writeSelectionFile, writeTrialSelectionFile } from '../data/selection.js';
import { loadSplitData } from '../data/split.js';
import type { Embedder } from '../embed/types.js';
import { InvalidParameterError } from '../errors/index.js';
import { labeledKnn, labeledOracle } from './labeled.js';
import { pickLongest, pickLongestFile } from './pick-longest.js';
import { pickRandom, trialSelectionFile } from './pick-random.js';

export const BASELINE_METHODS = ['pick_random', 'pick_longest', 'labeled_oracle', 'labeled_knn'] as const;
export type BaselineMethod = (typeof BASELINE_METHODS)[number];

export interface RunBaselinesOptions {
  readonly config: DatasetConfig;
  /** Voter modes, run in this order (they share one Rng). */
  readonly modes: readonly VoterMode[];
  readonly dirs: RunDirs;
  /** @default DEFAULT_SEED */
  readonly seed?: number;
  /** Independent trials (pick_random and the labelled baselines). @default 10 */
  readonly trials?: number;
  /** Labelled train rows drawn per trial (labelled baselines). @default 50 */
  readonly sampleSize?: number;
  /** Labelled neighbours per test sample (labeled_knn). @default 20 */
  readonly k?: number;
  /** A metric for every row instead of each row's task metric (labelled baselines). @default undefined */
  readonly taskMetric?: string;
  /** Overwrite existing files even when their recorded settings match. @default false */
  readonly redo?: boolean;
  /** Embeds the texts; required for labeled_knn (the caller owns and disposes it). */
  readonly embedder?: Embedder;
  /** Backend of labeled_knn's neighbour search. @default the embedder's choice */
  readonly backend?: Backend;
}

export interface BaselineRunResult {
  readonly method: BaselineMethod;
  readonly mode: VoterMode;
  readonly outputFile: string;
  readonly skipped: boolean;
  readonly n?: number;
  readonly voters?: readonly string[];
  /** Share of test samples routed to each voter, over all trials. */
  readonly selectionShare?: number[];
  /** The file existed with other settings and was rewritten: what changed (`k 20 → 10`). */
  readonly replaced?: string;
  readonly warnings: readonly string[];
}

function share(selected: readonly (readonly number[])[], m: number): number[] {
  const counts = new Array<number>(m).fill(0);
  let total = 0;
  for (const trial of selected)
    for (const v of trial) {
      counts[v]++;
      total++;
    }
  return counts.map((c) => (total === 0 ? 0 : c / total));
}

/** Runs one baseline for every voter mode and writes its files (see the module). */
export async function runBaselines(method: BaselineMethod, options: RunBaselinesOptions): Promise<BaselineRunResult[]> {
  const { config, dirs } = options;
  const seed = options.seed ?? DEFAULT_SEED;
  const rng = new Rng(seed);
  const trials = options.trials ?? 10;
  const sampleSize = options.sampleSize ?? 50;
  const k = options.k ?? 20;
  const taskMetric = options.taskMetric;
  const { backend } = options;
  // labeled_knn's embedder (defined exactly for labeled_knn).
  const embedder = method === 'labeled_knn' ? options.embedder : undefined;
  if (method === 'labeled_knn' && !embedder) throw new InvalidParameterError('embedder', 'labeled_knn needs an embedder');
  const results: BaselineRunResult[] = [];
  for (const mode of options.modes) {
    const outputFile = path.join(methodDir(dirs, config, mode), `${method}_test.json`);
    const settings: Record<string, unknown> =
      method === 'pick_longest'
        ? { clean_generations: config.cleanGenerations }
        : method === 'pick_random'
          ? { seed, trials }
          : { seed, trials, label_train_sample_size: sampleSize, task_metric: taskMetric ?? null };
    if (embedder) {
      settings.k = k;
      settings.embedder = { id: embedder.id, version: embedder.version };
    }
    let replaced: string | undefined;
    if (!options.redo && existsSync(outputFile)) {
      replaced = await changedSettings(outputFile, settings);
      if (replaced === undefined) {
        results.push({ method, mode, outputFile, skipped: true, warnings: [] });
        continue;
      }
    }
    const test = await loadSplitData(config, mode, dirs, 'test');
    const { table } = test;
    const m = table.voters.length;
    let selected: number[][];
    if (method === 'pick_random') {
      selected = trialChoices(pickRandom(table, { trials, rng }));
      await writeTrialSelectionFile(outputFile, trialSelectionFile(table, selected, { method, seed, trials }));
    } else if (method === 'pick_longest') {
      const picks = Array.from(pickLongest(table, { clean: config.cleanGenerations }).selected);
      selected = [picks];
      await writeSelectionFile(outputFile, pickLongestFile(table, picks, { clean_generations: config.cleanGenerations }));
    } else {
      const trainData = await loadSplitData(config, mode, dirs, 'train');
      const train = { ...trainData, file: datasetSplitPath(dirs, config, 'train') };
      const labeledMeta = { method, seed, trials, label_train_sample_size: sampleSize, task_metric: taskMetric ?? null };
      if (!embedder) {
        const r = labeledOracle(train, table, { trials, sampleSize, rng, metric: taskMetric });
        selected = trialChoices(r);
        await writeTrialSelectionFile(
          outputFile,
          trialSelectionFile(table, selected, {
            ...labeledMeta,
            best_voter_per_trial: r.bestVoterPerTrial,
            train_mean_scores: r.trainMeanScores,
          }),
        );
      } else {
        const r = await labeledKnn(train, test, { trials, sampleSize, k, rng, embedder, backend, metric: taskMetric });
        selected = trialChoices(r);
        await writeTrialSelectionFile(
          outputFile,
          trialSelectionFile(table, selected, {
            ...labeledMeta,
            k,
            k_per_trial: r.kPerTrial,
            embedder: { id: embedder.id, version: embedder.version },
            note: 'routes by the k nearest drawn train rows; the reference computed but ignored the neighbours',
          }),
        );
      }
    }
    results.push({ method, mode, outputFile, skipped: false, n: table.texts.length, voters: table.voters, selectionShare: share(selected, m), replaced, warnings: test.warnings });
  }
  return results;
}
