/**
 * `smoothie pick-random | pick-longest | labeled-oracle | labeled-knn`: the baselines (spec §2.5,
 * §3). Each writes `<results-dir>/<dataset>/<group or model>/<method>_test.json`. The command only
 * loads, calls the library (`src/baselines/`) and writes; one seeded Rng per invocation is shared
 * by the model groups in order, as the reference's single `np.random.seed`.
 */
import path from 'node:path';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { labeledKnn, labeledOracle, pickLongest, pickLongestFile, pickRandom, trialSelectionFile } from '../../baselines/index.js';
import { createBackend, type Backend } from '../../compute/backend.js';
import { Rng } from '../../compute/rng.js';
import { loadDatasetConfig } from '../../data/config.js';
import { datasetSplitPath, methodDir, type VoterMode } from '../../data/paths.js';
import { changedSettings, trialChoices, writeSelectionFile, writeTrialSelectionFile } from '../../data/selection.js';
import { loadSplitData } from '../../data/split.js';
import { existsSync } from 'node:fs';
import type { Embedder } from '../../embed/types.js';
import {
  datasetOptions,
  embedderFromArgs,
  EMBEDDER_DEFAULTS,
  embedderOptions,
  taskMetricOption,
  outputOptions,
  runDirs,
  voterModes,
  type DatasetArgs,
  type EmbedderArgs,
  type OutputArgs,
} from '../options.js';
import { printMethodRuns } from '../report.js';

export const BASELINE_METHODS = ['pick_random', 'pick_longest', 'labeled_oracle', 'labeled_knn'] as const;
export type BaselineMethod = (typeof BASELINE_METHODS)[number];

export type BaselineArgs = DatasetArgs &
  OutputArgs &
  Partial<EmbedderArgs> & {
    readonly seed: number;
    readonly trials?: number;
    readonly 'label-train-sample-size'?: number;
    readonly k?: number;
    readonly 'task-metric'?: string;
    readonly redo: boolean;
  };

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



/** The embedder flags a caller did set (yargs fills them all; library callers may leave some out). */
function definedOnly(args: Partial<EmbedderArgs>): Partial<EmbedderArgs> {
  return Object.fromEntries(Object.entries(args).filter(([key, value]) => value !== undefined && key in EMBEDDER_DEFAULTS));
}

function share(selected: readonly (readonly number[])[], m: number): number[] {
  const counts = new Array<number>(m).fill(0);
  let total = 0;
  for (const trial of selected) for (const v of trial) {
    counts[v]++;
    total++;
  }
  return counts.map((c) => (total === 0 ? 0 : c / total));
}

/**
 * Runs one baseline for every voter mode the flags name and writes its files (skipping existing
 * ones unless `redo`). `embedder`/`backend` are for labeled_knn; created from the flags when absent.
 */
export async function runBaselines(
  method: BaselineMethod,
  args: BaselineArgs,
  injected: { embedder?: Embedder; backend?: Backend } = {},
): Promise<BaselineRunResult[]> {
  const config = await loadDatasetConfig(args['dataset-config']);
  const modes = voterModes(args, config);
  const dirs = runDirs(args);
  const rng = new Rng(args.seed);
  const trials = args.trials ?? 10;
  const sampleSize = args['label-train-sample-size'] ?? 50;
  const results: BaselineRunResult[] = [];
  let backend = injected.backend;
  let embedder = injected.embedder;
  const ownsEmbedder = embedder === undefined;
  try {
    for (const mode of modes) {
      const outputFile = path.join(methodDir(dirs, config, mode), `${method}_test.json`);
      const settings: Record<string, unknown> =
        method === 'pick_longest'
          ? { clean_generations: config.cleanGenerations }
          : method === 'pick_random'
            ? { seed: args.seed, trials }
            : { seed: args.seed, trials, label_train_sample_size: sampleSize, task_metric: args['task-metric'] ?? null };
      if (method === 'labeled_knn') {
        if (!embedder) {
          backend ??= await createBackend(args.backend ?? EMBEDDER_DEFAULTS.backend);
          embedder = await embedderFromArgs({ ...EMBEDDER_DEFAULTS, ...definedOnly(args) }, backend);
        }
        settings.k = args.k ?? 20;
        settings.embedder = { id: embedder.id, version: embedder.version };
      }
      let replaced: string | undefined;
      if (!args.redo && existsSync(outputFile)) {
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
        await writeTrialSelectionFile(outputFile, trialSelectionFile(table, selected, { method, seed: args.seed, trials }));
      } else if (method === 'pick_longest') {
        const picks = Array.from(pickLongest(table, { clean: config.cleanGenerations }).selected);
        selected = [picks];
        await writeSelectionFile(outputFile, pickLongestFile(table, picks, { clean_generations: config.cleanGenerations }));
      } else {
        const trainData = await loadSplitData(config, mode, dirs, 'train');
        const train = { ...trainData, file: datasetSplitPath(dirs, config, 'train') };
        const labeledMeta = { method, seed: args.seed, trials, label_train_sample_size: sampleSize, task_metric: args['task-metric'] ?? null };
        if (method === 'labeled_oracle') {
          const r = labeledOracle(train, table, { trials, sampleSize, rng, metric: args['task-metric'] });
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
          if (!embedder) throw new Error('unreachable: the labeled_knn embedder is created above');
          const k = args.k ?? 20;
          const r = await labeledKnn(train, test, { trials, sampleSize, k, rng, embedder, backend, metric: args['task-metric'] });
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
      results.push({
        method,
        mode,
        outputFile,
        skipped: false,
        n: table.texts.length,
        voters: table.voters,
        selectionShare: share(selected, m),
        replaced,
        warnings: test.warnings,
      });
    }
  } finally {
    if (ownsEmbedder) await embedder?.dispose?.();
  }
  return results;
}


type CommandArgs = ArgumentsCamelCase<BaselineArgs>;

function common<T>(y: Argv<T>) {
  return outputOptions(datasetOptions(y))
    .option('seed', { type: 'number', default: 42, describe: 'Seed for every random choice' })
    .option('redo', { type: 'boolean', default: false, describe: 'Overwrite existing outputs' });
}

function trialOption<T>(y: Argv<T>) {
  return y.option('trials', { type: 'number', default: 10, describe: 'Independent trials (the file holds one selection per trial)' });
}

function labeledOptions<T>(y: Argv<T>) {
  return taskMetricOption(trialOption(y)).option('label-train-sample-size', {
    type: 'number',
    default: 50,
    describe: 'Labelled train rows drawn (with replacement) per trial',
  });
}

function command(
  name: string,
  method: BaselineMethod,
  describe: string,
  builder: (y: Argv) => Argv<unknown>,
): CommandModule<object, CommandArgs> {
  return {
    command: name,
    describe,
    builder: builder as unknown as CommandModule<object, CommandArgs>['builder'],
    handler: async (args) => printMethodRuns(await runBaselines(method, args), args),
  };
}

export const pickRandomCommand = command('pick-random', 'pick_random', 'Baseline: a uniformly random voter per sample (seeded trials)', (y) =>
  trialOption(common(y)),
);

export const pickLongestCommand = command('pick-longest', 'pick_longest', 'Baseline: the candidate with the most words (label-free)', (y) => common(y));

export const labeledOracleCommand = command(
  'labeled-oracle',
  'labeled_oracle',
  'Baseline (Best-on-Val): the voter best on a labelled train sample gets every test sample',
  (y) => labeledOptions(common(y)),
);

export const labeledKnnCommand = command(
  'labeled-knn',
  'labeled_knn',
  "Baseline: each test sample goes to the voter best on its k nearest labelled train rows",
  (y) =>
    embedderOptions(labeledOptions(common(y))).option('k', {
      type: 'number',
      default: 20,
      describe: 'Labelled neighbours per test sample (capped at the distinct drawn rows)',
    }),
);
