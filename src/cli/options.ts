/** Flag groups shared by several commands, and their translation into library options. */
import os from 'node:os';
import type { Argv } from 'yargs';
import { loadOnnxRuntime } from '../compute/onnx.js';
import { BACKEND_NAMES, type Backend } from '../compute/backend.js';
import { DISTANCE_METRICS, KNN_METHODS, type DistanceMetric, type KnnMethod } from '../compute/knn.js';
import { loadDatasetConfig, type DatasetConfig } from '../data/config.js';
import type { RunDirs, VoterMode } from '../data/paths.js';
import { UserInputError } from '../errors/index.js';
import { createEmbedder } from '../embed/factory.js';
import type { Embedder } from '../embed/types.js';
import { USE_RUNTIMES } from '../embed/use/use-embedder.js';
import { METRICS } from '../metrics/registry.js';
import { DEFAULT_SEED } from '../compute/rng.js';

/**
 * The flags a builder declares, as yargs infers them from its `.option()` calls: commands type their
 * arguments with this instead of hand-written interfaces and casts.
 */
export type InferredArgs<B extends (y: Argv) => Argv<unknown>> = ReturnType<B> extends Argv<infer T> ? T : never;

export function outputOptions<T>(y: Argv<T>) {
  return y
    .option('quiet', { type: 'boolean', default: false, describe: 'No progress or summary on stderr/stdout' })
    .option('json', { type: 'boolean', default: false, describe: 'Print a machine-readable JSON summary on stdout' });
}

export function datasetOptions<T>(y: Argv<T>) {
  return y
    .option('dataset-config', { type: 'string', demandOption: true, describe: 'Dataset config YAML (dataset_configs/<name>.yaml)' })
    .option('model-group', { type: 'string', array: true, describe: "Model group(s) (multi-model); default: the config's model_groups" })
    .option('model', { type: 'string', describe: 'Model whose prompts are the voters (multi-prompt)' })
    .option('multi-model', { type: 'boolean', default: false, describe: 'Voters are the models of a group' })
    .option('multi-prompt', { type: 'boolean', default: false, describe: 'Voters are the prompts of one model' })
    .option('data-dir', { type: 'string', default: 'results/datasets', describe: 'Processed dataset jsonl files' })
    .option('results-dir', { type: 'string', default: 'results', describe: 'Generations and method outputs' });
}

/** Devices of the ONNX embedders. */
const EMBED_DEVICES = ['cpu', 'cuda', 'webgpu'] as const;

/** Defaults of the embedder flags, also used when a library caller leaves them out. */
export const EMBEDDER_DEFAULTS: EmbedderArgs = { embedder: 'use', backend: 'auto', device: 'cpu', 'cache-dir': '.smoothie-cache', cache: true };

export function embedderOptions<T>(y: Argv<T>) {
  return y
    .option('embedder', {
      type: 'string',
      default: EMBEDDER_DEFAULTS.embedder,
      describe: 'Embedder: use | hash[:<n_features>] | glove | transformers:<model id or folder>',
    })
    .option('backend', { type: 'string', default: EMBEDDER_DEFAULTS.backend, choices: BACKEND_NAMES, describe: 'tfjs backend' })
    .option('device', { type: 'string', default: EMBEDDER_DEFAULTS.device, choices: EMBED_DEVICES, describe: 'Device of the ONNX embedders: webgpu (use, transformers:), cuda (transformers:)' })
    .option('runtime', { type: 'string', choices: USE_RUNTIMES, default: 'auto', describe: 'What runs use: onnx (onnxruntime-node, every core), tfjs (--backend), auto (onnx when installed)' })
    .option('workers', { type: 'string', default: 'auto', describe: 'Worker threads for use/transformers: (auto: one per core where the engine uses one core, i.e. use on tfjs)' })
    .option('threads', { type: 'number', describe: 'ONNX Runtime threads per embedder (default: every core, 1 per pool worker)' })
    .option('batch-size', { type: 'number', describe: 'Texts per forward pass (default 32)' })
    .option('dtype', { type: 'string', describe: 'transformers: weights variant (fp32, fp16, q8, ...; default fp32)' })
    .option('max-length', { type: 'number', describe: "transformers: tokens per text (default: sentence_bert_config.json max_seq_length, else the tokenizer's)" })
    .option('cache-dir', { type: 'string', default: EMBEDDER_DEFAULTS['cache-dir'], describe: 'Embedding cache (reruns do not recompute)' })
    .option('cache', { type: 'boolean', default: EMBEDDER_DEFAULTS.cache, describe: 'Read and write the embedding cache (--no-cache to skip)' });
}

/** `--task-metric`: score every row with one metric instead of its task's. */
export function taskMetricOption<T>(y: Argv<T>) {
  return y.option('task-metric', { type: 'string', describe: `Metric for every row instead of each task's (${Object.keys(METRICS).join(', ')})` });
}

export function knnOptions<T>(y: Argv<T>) {
  return y
    .option('knn', { type: 'string', default: 'auto' as KnnMethod, choices: KNN_METHODS, describe: 'Neighbour search (auto: HNSW above 20,000 rows)' })
    .option('metric', { type: 'string', default: 'euclidean' as DistanceMetric, choices: DISTANCE_METRICS, describe: 'Input-embedding distance' })
    .option('seed', { type: 'number', default: DEFAULT_SEED, describe: 'Seed for every random choice (HNSW levels)' });
}

export interface OutputArgs {
  readonly quiet: boolean;
  readonly json: boolean;
}

export interface EmbedderArgs {
  readonly embedder: string;
  readonly backend: string;
  readonly device: string;
  readonly 'cache-dir': string;
  readonly cache: boolean;
  readonly runtime?: string;
  readonly workers?: string | number;
  readonly threads?: number;
  readonly 'batch-size'?: number;
  readonly dtype?: string;
  readonly 'max-length'?: number;
}

/**
 * `--workers auto`: a pool of one worker per core where the engine itself uses one core (`use` on
 * the tfjs runtime: tfjs-wasm runs single-threaded in Node); ONNX Runtime already runs every core.
 */
async function resolveWorkers(args: EmbedderArgs): Promise<number> {
  const value = args.workers ?? 'auto';
  if (value !== 'auto') {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new UserInputError(`must be 'auto' or a positive integer, got '${value}'`, { field: '--workers' });
    return n;
  }
  const name = args.embedder.split(':')[0];
  if (name !== 'use') return 1;
  const onnx = args.runtime !== 'tfjs' && (await loadOnnxRuntime()) !== undefined;
  return onnx ? 1 : Math.max(1, os.availableParallelism());
}

/** The embedder the flags ask for, on the given backend, cached unless --no-cache. */
export async function embedderFromArgs(args: EmbedderArgs, backend: Backend): Promise<Embedder> {
  return createEmbedder(args.embedder, {
    backend: backend.name,
    device: args.device as 'cpu' | 'cuda' | 'webgpu',
    cacheDir: args.cache ? args['cache-dir'] : undefined,
    runtime: (args.runtime ?? 'auto') as 'auto' | 'onnx' | 'tfjs',
    workers: await resolveWorkers(args),
    threads: args.threads,
    batchSize: args['batch-size'],
    dtype: args.dtype,
    maxLength: args['max-length'],
  });
}

export interface DatasetArgs {
  readonly 'dataset-config': string;
  readonly 'model-group'?: string[];
  readonly model?: string;
  readonly 'multi-model': boolean;
  readonly 'multi-prompt': boolean;
  readonly 'data-dir': string;
  readonly 'results-dir': string;
}

/** The voter modes to run, as the reference's check_args: exactly one of --multi-model / --multi-prompt. */
export function voterModes(args: DatasetArgs, config: DatasetConfig): VoterMode[] {
  if (args['multi-model'] === args['multi-prompt']) {
    throw new UserInputError('pass exactly one of --multi-model and --multi-prompt', { field: '--multi-model' });
  }
  if (args['multi-prompt']) {
    if (!args.model) throw new UserInputError('--multi-prompt needs --model', { field: '--model' });
    return [{ kind: 'multi-prompt', model: args.model }];
  }
  if (args.model) throw new UserInputError('--model is for --multi-prompt; use --model-group with --multi-model', { field: '--model' });
  const groups = args['model-group'] ?? [...config.modelGroupNames];
  if (groups.length === 0) {
    throw new UserInputError(`no --model-group given and ${config.path} lists no model_groups`, { field: '--model-group' });
  }
  return groups.map((group) => ({ kind: 'multi-model', group }));
}

/** One voter mode of the dataset the flags name: what the library's per-mode calls take. */
export interface VoterModeRun {
  readonly config: DatasetConfig;
  readonly mode: VoterMode;
  readonly dirs: RunDirs;
}

/** The dataset the flags name, checked before anything else loads: its config, folders and voter modes. */
export interface DatasetRuns {
  readonly config: DatasetConfig;
  readonly dirs: RunDirs;
  readonly modes: readonly VoterMode[];
  /** `body` for each voter mode, one after the other; the results in mode order. */
  each<R>(body: (run: VoterModeRun) => Promise<R>): Promise<R[]>;
}

/** The voter-mode loop every dataset command runs: load the config, check the mode flags, then `each`. */
export async function datasetRuns(args: DatasetArgs): Promise<DatasetRuns> {
  const config = await loadDatasetConfig(args['dataset-config']);
  const modes = voterModes(args, config);
  const dirs = runDirs(args);
  return {
    config,
    dirs,
    modes,
    async each<R>(body: (run: VoterModeRun) => Promise<R>): Promise<R[]> {
      const results: R[] = [];
      for (const mode of modes) results.push(await body({ config, mode, dirs }));
      return results;
    },
  };
}

export function runDirs(args: DatasetArgs): RunDirs {
  return { dataDir: args['data-dir'], resultsDir: args['results-dir'] };
}
