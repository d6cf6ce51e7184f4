/**
 * `smoothie mbr | vote | coverage | methods`: the label-free selectors beyond Smoothie. Each writes
 * `<results-dir>/<dataset>/<group or model>/<method>_test.json`; the command parses flags, calls
 * `runSelect` (src/select/) and prints.
 */
import type { Argv, CommandModule } from 'yargs';
import { createBackend, type Backend } from '../../compute/backend.js';
import type { Embedder } from '../../embed/types.js';
import { COVERAGE_DEFAULTS } from '../../select/coverage.js';
import { MBR_UTILITIES, SELECTION_SCOPES, type MbrUtility, type SelectionScope } from '../../select/mbr.js';
import { labelFreeMethodCommands } from '../../select/methods.js';
import { needsEmbedder, runSelect, type SelectMethod, type SelectRunResult } from '../../select/run.js';
import { ANSWER_KINDS, type AnswerKind } from '../../select/vote.js';
import { datasetOptions, embedderFromArgs, embedderOptions, outputOptions, datasetRuns, type InferredArgs } from '../options.js';
import { printMethodRuns } from '../report.js';
import { DEFAULT_SEED } from '../../compute/rng.js';

export async function runSelectCommand(method: SelectMethod, args: SelectArgs): Promise<SelectRunResult[]> {
  const runs = await datasetRuns(args);
  const opts = {
    method,
    utility: args.utility,
    scope: args.scope,
    kind: args.kind,
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
    default: 'sample' as SelectionScope,
    choices: SELECTION_SCOPES,
    describe: 'sample: a choice per sample; global: one voter (best mean score) for every sample',
  });
}

/** What every selector takes: the shared flags, and each selector's own (absent where another selector runs). */
type SelectArgs = InferredArgs<typeof common> & Partial<InferredArgs<typeof mbrBuilder> & InferredArgs<typeof voteBuilder> & InferredArgs<typeof coverageBuilder>>;

function command(name: SelectMethod, describe: string, builder: (y: Argv) => Argv<SelectArgs>): CommandModule<object, SelectArgs> {
  return {
    command: name,
    describe,
    builder,
    handler: async (args) => printMethodRuns(await runSelectCommand(name, args), args),
  };
}

function mbrBuilder(y: Argv) {
  return scopeOption(common(y)).option('utility', {
    type: 'string',
    default: 'cosine' as MbrUtility,
    choices: MBR_UTILITIES,
    describe: 'cosine of candidate embeddings, or ROUGE-L F between texts (no embedder)',
  });
}

function voteBuilder(y: Argv) {
  return common(y).option('kind', {
    type: 'string',
    default: 'auto' as AnswerKind,
    choices: ANSWER_KINDS,
    describe: 'Answer normalisation: number (last number), letter (option letter), text (SQuAD-style), auto (per sample)',
  });
}

function coverageBuilder(y: Argv) {
  return scopeOption(common(y))
    .option('lambda', { type: 'number', default: COVERAGE_DEFAULTS.lambda, describe: 'Cost of an unsupported word relative to a supported one' })
    .option('k', { type: 'number', default: COVERAGE_DEFAULTS.k, describe: 'Neighbourhood size (the sample included); 1: per sample, no embedder' });
}

export const mbrCommand = command('mbr', 'Minimum Bayes risk: the candidate most similar to the others (label-free)', mbrBuilder);

export const voteCommand = command('vote', 'Majority vote over normalised short answers, ties broken by MBR (label-free)', voteBuilder);

export const coverageCommand = command(
  'coverage',
  'Ours: supported coverage — words shared with other candidates, minus lambda × unsupported words, averaged over k nearest inputs (label-free)',
  coverageBuilder,
);

function methodsBuilder(y: Argv) {
  return outputOptions(y);
}

export const methodsCommand: CommandModule<object, InferredArgs<typeof methodsBuilder>> = {
  command: 'methods',
  describe: 'List every label-free selection method as a subcommand with flags (append the dataset flags to run one)',
  builder: methodsBuilder,
  handler: (args) => {
    const labelFree = labelFreeMethodCommands();
    if (args.json) process.stdout.write(`${JSON.stringify({ label_free: labelFree }, null, 2)}\n`);
    else if (!args.quiet) process.stdout.write(`${labelFree.map((c) => `smoothie ${c}`).join('\n')}\n`);
  },
};
