/**
 * `smoothie mbr | vote | coverage | methods`: the label-free selectors beyond Smoothie. Each writes
 * `<results-dir>/<dataset>/<group or model>/<method>_test.json`; the command parses flags, calls
 * `runSelect` (src/select/) and prints.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { createBackend, type Backend } from '../../compute/backend.js';
import type { Embedder } from '../../embed/types.js';
import { COVERAGE_DEFAULTS } from '../../select/coverage.js';
import { MBR_UTILITIES, SELECTION_SCOPES, type MbrUtility, type SelectionScope } from '../../select/mbr.js';
import { labelFreeMethodCommands } from '../../select/methods.js';
import { needsEmbedder, runSelect, type SelectMethod, type SelectRunResult } from '../../select/run.js';
import { ANSWER_KINDS, type AnswerKind } from '../../select/vote.js';
import { datasetOptions, embedderFromArgs, embedderOptions, outputOptions, datasetRuns, type DatasetArgs, type EmbedderArgs, type OutputArgs } from '../options.js';
import { printMethodRuns } from '../report.js';
import { DEFAULT_SEED } from '../../compute/rng.js';

type SelectArgs = DatasetArgs &
  OutputArgs &
  EmbedderArgs & {
    readonly utility?: string;
    readonly scope?: string;
    readonly kind?: string;
    readonly lambda?: number;
    readonly k?: number;
    readonly seed: number;
    readonly redo: boolean;
  };

export async function runSelectCommand(method: SelectMethod, args: SelectArgs): Promise<SelectRunResult[]> {
  const runs = await datasetRuns(args);
  const opts = {
    method,
    utility: args.utility as MbrUtility | undefined,
    scope: args.scope as SelectionScope | undefined,
    kind: args.kind as AnswerKind | undefined,
    lambda: args.lambda,
    k: args.k,
    seed: args.seed,
    redo: args.redo,
    embedderName: args.embedder,
  };
  let backend: Backend | undefined;
  let embedder: Embedder | undefined;
  try {
    if (needsEmbedder(opts)) {
      backend = await createBackend(args.backend);
      embedder = await embedderFromArgs(args, backend);
    }
    return await runs.each((run) => runSelect({ ...opts, ...run, embedder, backend }));
  } finally {
    await embedder?.dispose?.();
  }
}

function common<T>(y: Argv<T>) {
  return embedderOptions(outputOptions(datasetOptions(y)))
    .option('seed', { type: 'number', default: DEFAULT_SEED, describe: 'Seed for every random choice (HNSW levels of the neighbour search)' })
    .option('redo', { type: 'boolean', default: false, describe: 'Overwrite existing outputs' });
}

function scopeOption<T>(y: Argv<T>) {
  return y.option('scope', {
    type: 'string',
    default: 'sample',
    choices: SELECTION_SCOPES as unknown as string[],
    describe: 'sample: a choice per sample; global: one voter (best mean score) for every sample',
  });
}

type CommandArgs = ArgumentsCamelCase<SelectArgs>;

function command(name: SelectMethod, describe: string, builder: (y: Argv) => Argv<unknown>): CommandModule<object, CommandArgs> {
  return {
    command: name,
    describe,
    builder: builder as unknown as CommandModule<object, CommandArgs>['builder'],
    handler: async (args) => printMethodRuns(await runSelectCommand(name, args), args),
  };
}

export const mbrCommand = command('mbr', 'Minimum Bayes risk: the candidate most similar to the others (label-free)', (y) =>
  scopeOption(common(y)).option('utility', {
    type: 'string',
    default: 'cosine',
    choices: MBR_UTILITIES as unknown as string[],
    describe: 'cosine of candidate embeddings, or ROUGE-L F between texts (no embedder)',
  }),
);

export const voteCommand = command('vote', 'Majority vote over normalised short answers, ties broken by MBR (label-free)', (y) =>
  common(y).option('kind', {
    type: 'string',
    default: 'auto',
    choices: ANSWER_KINDS as unknown as string[],
    describe: 'Answer normalisation: number (last number), letter (option letter), text (SQuAD-style), auto (per sample)',
  }),
);

export const coverageCommand = command(
  'coverage',
  'Ours: supported coverage — words shared with other candidates, minus lambda × unsupported words, averaged over k nearest inputs (label-free)',
  (y) =>
    scopeOption(common(y))
      .option('lambda', { type: 'number', default: COVERAGE_DEFAULTS.lambda, describe: 'Cost of an unsupported word relative to a supported one' })
      .option('k', { type: 'number', default: COVERAGE_DEFAULTS.k, describe: 'Neighbourhood size (the sample included); 1: per sample, no embedder' }),
);

export const methodsCommand: CommandModule<object, ArgumentsCamelCase<OutputArgs>> = {
  command: 'methods',
  describe: 'List every label-free selection method as a subcommand with flags (append the dataset flags to run one)',
  builder: (y) => outputOptions(y) as unknown as Argv<ArgumentsCamelCase<OutputArgs>>,
  handler: (args) => {
    const labelFree = labelFreeMethodCommands();
    if (args.json) process.stdout.write(`${JSON.stringify({ label_free: labelFree }, null, 2)}\n`);
    else if (!args.quiet) process.stdout.write(`${labelFree.map((c) => `smoothie ${c}`).join('\n')}\n`);
  },
};
