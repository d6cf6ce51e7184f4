/**
 * `smoothie pick-random | pick-longest | labeled-oracle | labeled-knn`: the baselines (spec §2.5,
 * §3). The command parses the flags, creates labeled-knn's embedder, calls `runBaselines`
 * (`src/baselines/run.ts`) and prints.
 */
import type { Argv, CommandModule } from 'yargs';
import { runBaselines, type BaselineMethod } from '../../baselines/index.js';
import { createBackend, type Backend } from '../../compute/backend.js';
import { DEFAULT_SEED } from '../../compute/rng.js';
import { loadDatasetConfig } from '../../data/config.js';
import type { Embedder } from '../../embed/types.js';
import { datasetOptions, embedderFromArgs, EMBEDDER_DEFAULTS, embedderOptions, taskMetricOption, outputOptions, runDirs, voterModes, type EmbedderArgs, type InferredArgs } from '../options.js';
import { printMethodRuns } from '../report.js';

/** What every baseline takes: the shared flags, and the others' own (absent where a baseline has none). */
export type BaselineArgs = InferredArgs<typeof common> & Partial<InferredArgs<typeof labeledKnnBuilder>>;

/** The embedder flags a caller did set (yargs fills them all; library callers may leave some out). */
function definedOnly(args: Partial<EmbedderArgs>): Partial<EmbedderArgs> {
  return Object.fromEntries(Object.entries(args).filter(([key, value]) => value !== undefined && key in EMBEDDER_DEFAULTS));
}

/** The flags as the library's options; labeled_knn's embedder is created here and disposed by the handler. */
async function handle(method: BaselineMethod, args: BaselineArgs): Promise<void> {
  const config = await loadDatasetConfig(args['dataset-config']);
  const modes = voterModes(args, config);
  let backend: Backend | undefined;
  let embedder: Embedder | undefined;
  if (method === 'labeled_knn') {
    backend = await createBackend(args.backend ?? EMBEDDER_DEFAULTS.backend);
    embedder = await embedderFromArgs({ ...EMBEDDER_DEFAULTS, ...definedOnly(args) }, backend);
  }
  try {
    const results = await runBaselines(method, {
      config,
      modes,
      dirs: runDirs(args),
      seed: args.seed,
      trials: args.trials,
      sampleSize: args['label-train-sample-size'],
      k: args.k,
      taskMetric: args['task-metric'],
      redo: args.redo,
      embedder,
      backend,
    });
    printMethodRuns(results, args);
  } finally {
    await embedder?.dispose?.();
  }
}

function common<T>(y: Argv<T>) {
  return outputOptions(datasetOptions(y))
    .option('seed', { type: 'number', default: DEFAULT_SEED, describe: 'Seed for every random choice' })
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

function command(name: string, method: BaselineMethod, describe: string, builder: (y: Argv) => Argv<BaselineArgs>): CommandModule<object, BaselineArgs> {
  return {
    command: name,
    describe,
    builder,
    handler: (args) => handle(method, args),
  };
}

export const pickRandomCommand = command('pick-random', 'pick_random', 'Baseline: a uniformly random voter per sample (seeded trials)', (y) => trialOption(common(y)));

export const pickLongestCommand = command('pick-longest', 'pick_longest', 'Baseline: the candidate with the most words (label-free)', (y) => common(y));

export const labeledOracleCommand = command('labeled-oracle', 'labeled_oracle', 'Baseline (Best-on-Val): the voter best on a labelled train sample gets every test sample', (y) =>
  labeledOptions(common(y)),
);

function labeledKnnBuilder(y: Argv) {
  return embedderOptions(labeledOptions(common(y))).option('k', {
    type: 'number',
    default: 20,
    describe: 'Labelled neighbours per test sample (capped at the distinct drawn rows)',
  });
}

export const labeledKnnCommand = command('labeled-knn', 'labeled_knn', 'Baseline: each test sample goes to the voter best on its k nearest labelled train rows', labeledKnnBuilder);
