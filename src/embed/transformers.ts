/**
 * The `transformers:<model>` embedder: a sentence-embedding model run by `@huggingface/transformers`
 * (ONNX Runtime through onnxruntime-node): mean of the token vectors over the attention mask, L2
 * normalised, as the library's `feature-extraction` pipeline with `pooling: 'mean', normalize: true`.
 *
 * `<model>` is a local folder when such a directory exists (relative to the cwd, or under
 * `localModelPath`), else a Hugging Face hub id (e.g. `Xenova/all-mpnet-base-v2`) looked up in the
 * library's cache (`cacheDir`) and, unless `allowRemote` is false, downloaded. A folder holds
 * `config.json`, `tokenizer.json`, `tokenizer_config.json` and `onnx/model<suffix>.onnx`, the suffix
 * naming the dtype: '' for fp32, `_fp16`, `_quantized` for q8, `_int8`, `_uint8`, `_q4`, `_q4f16`, ...
 * (plus `onnx/model<suffix>.onnx_data` when config.json's `transformers.js_config` asks for
 * external data).
 *
 * Identity, for the embedding cache: a folder's id is `transformers:<folder basename>` (stable when
 * the folder moves) and its version carries a SHA-256 of the files the pipeline loads, so other
 * weights under the same name never share cached vectors; a hub model's id is
 * `transformers:<hub id>` and its version names the hub revision (`main`).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DataType, FeatureExtractionPipeline } from '@huggingface/transformers';
import { ndarray, type NdArray } from '../compute/ndarray.js';
import { onnxErrorReason } from '../compute/onnx.js';
import { UserInputError } from '../errors/index.js';
import { planBatches } from './batches.js';
import type { EmbedOptions, Embedder } from './types.js';

type TransformersLib = typeof import('@huggingface/transformers');
/** The fields of transformers.js' Tensor we read. */
interface TransformersTensor {
  readonly type: string;
  readonly dims: number[];
  readonly data: ArrayLike<number | bigint>;
}
let lib: TransformersLib | undefined;
// Bound by loadLibrary() before any use below.
let env: TransformersLib['env'];
let ModelFileNotFoundError: TransformersLib['ModelFileNotFoundError'];
let ModelRegistry: TransformersLib['ModelRegistry'];
let pipeline: TransformersLib['pipeline'];

/** `@huggingface/transformers` is an optional peer dependency, loaded when a model is first asked for. */
async function loadLibrary(): Promise<TransformersLib> {
  if (lib !== undefined) return lib;
  try {
    lib = await import('@huggingface/transformers');
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes('@huggingface/transformers')) {
      throw new UserInputError('the transformers: embedder needs @huggingface/transformers, which is not installed: npm install @huggingface/transformers');
    }
    throw error;
  }
  ({ env, ModelFileNotFoundError, ModelRegistry, pipeline } = lib);
  return lib;
}

export const DEFAULT_TRANSFORMERS_BATCH_SIZE = 32;
const TASK = 'feature-extraction';
const HUB_REVISION = 'main';

export interface TransformersEmbedderOptions {
  /**
   * `cuda` uses onnxruntime-node's CUDA provider (Linux x64, CUDA 12, installed separately);
   * `webgpu` its built-in WebGPU provider (Vulkan on Linux: a GPU with no CUDA libraries). @default 'cpu'
   */
  readonly device?: 'cpu' | 'cuda' | 'webgpu';
  /** Texts per forward pass. @default 32 */
  readonly batchSize?: number;
  /**
   * Tokens read per text; longer texts are truncated, as sentence-transformers does.
   * @default `max_seq_length` of the folder's sentence_bert_config.json (sentence-transformers'
   * own limit, e.g. 384 for all-mpnet-base-v2), else the tokenizer's `model_max_length`
   */
  readonly maxLength?: number;
  /** Weights variant (`fp32`, `fp16`, `q8`, ...); the library's default (fp32 on cpu) when unset. */
  readonly dtype?: string;
  /** Folder searched for `<localModelPath>/<model>` before the hub cache. */
  readonly localModelPath?: string;
  /** Where downloaded hub models are cached. @default the library's (`env.cacheDir`) */
  readonly cacheDir?: string;
  /**
   * Download hub models that are not cached; false never touches the network. An unreachable hub
   * fails fast when DNS or the connection fails, else after undici's 10 s connect timeout.
   * @default true
   */
  readonly allowRemote?: boolean;
}

// `satisfies` makes the build fail when the library's dtype list changes; an unknown dtype would
// otherwise silently fall back to fp32.
const DTYPES = {
  auto: true,
  fp32: true,
  fp16: true,
  q8: true,
  int8: true,
  uint8: true,
  q4: true,
  bnb4: true,
  q4f16: true,
  q2: true,
  q2f16: true,
  q1: true,
  q1f16: true,
} as const satisfies Record<DataType, true>;

const isDtype = (value: string): value is DataType => Object.hasOwn(DTYPES, value);

/**
 * Hub ids are `name` or `owner/name` without `..` or `--` (the library's rule); anything else that
 * is not an existing folder is a bad path.
 */
const HUB_ID = /^([\w.-]+\/)?[\w.-]{1,96}$/;
const isHubId = (model: string): boolean => HUB_ID.test(model) && !/\.\.|--/.test(model);

type Source = { readonly kind: 'folder'; readonly dir: string; readonly name: string } | { readonly kind: 'hub'; readonly id: string };

async function isDirectory(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

async function resolveSource(model: string, localModelPath: string | undefined): Promise<Source> {
  const asPath = path.resolve(model);
  if (await isDirectory(asPath)) return { kind: 'folder', dir: asPath, name: path.basename(asPath) };
  const hub = isHubId(model);
  if (hub && localModelPath !== undefined) {
    const dir = path.resolve(localModelPath, model);
    if (await isDirectory(dir)) return { kind: 'folder', dir, name: model };
  }
  if (!hub) throw new UserInputError(`cannot load transformers model '${model}': no such folder ${asPath}`);
  return { kind: 'hub', id: model };
}

// `env` is process-wide and the library reads `allowRemoteModels` and `cacheDir` in helpers that
// ignore per-call options (its pipeline-file listing does), so loads set them one at a time.
let envLock: Promise<unknown> = Promise.resolve();

function withEnv<T>(settings: { allowRemoteModels: boolean; cacheDir?: string }, fn: () => Promise<T>): Promise<T> {
  const run = envLock.then(async () => {
    const saved = { allowRemoteModels: env.allowRemoteModels, cacheDir: env.cacheDir };
    env.allowRemoteModels = settings.allowRemoteModels;
    if (settings.cacheDir !== undefined) env.cacheDir = settings.cacheDir;
    try {
      return await fn();
    } finally {
      Object.assign(env, saved);
    }
  });
  envLock = run.catch(() => undefined);
  return run;
}

/** SHA-256 over the names and bytes of the files the pipeline loads from `dir`. */
async function folderFingerprint(dir: string, files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...new Set(files)].sort()) {
    const full = path.join(dir, file);
    // Optional files (generation_config.json and the like) may be listed without existing.
    if (!(await stat(full).catch(() => undefined))?.isFile()) continue;
    hash.update(`${file}\0`);
    for await (const chunk of createReadStream(full)) hash.update(chunk as Buffer);
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error))
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim() ?? 'unknown error';

/** undici rejects with `TypeError('fetch failed')` (cause ENOTFOUND, ECONNREFUSED, a connect timeout...). */
const isNetworkFailure = (error: unknown): boolean => error instanceof TypeError && error.message === 'fetch failed';

function loadError(model: string, source: Source, device: string, allowRemote: boolean, error: unknown): UserInputError {
  if (UserInputError.isUserInputError(error)) return error;
  const prefix = `cannot load transformers model '${model}'`;
  if (error instanceof ModelFileNotFoundError) {
    if (source.kind === 'folder') {
      const missing = /"([^"]+)"/.exec(error.message)?.[1];
      const what = missing === undefined ? firstLine(error) : `no file ${path.relative(source.dir, missing)}`;
      return new UserInputError(`${prefix}: folder ${source.dir} has ${what}`);
    }
    if (error.status !== null) {
      return new UserInputError(`${prefix}: not found on the model hub (HTTP ${error.status}; misspelt id, or a private model without HF_TOKEN?)`);
    }
    return new UserInputError(
      `${prefix}: not found locally (cache ${env.cacheDir ?? 'disabled'})${allowRemote ? '' : ' and remote loading is disabled'}. ` + 'Download it once with network access or pass a local folder.',
    );
  }
  if (isNetworkFailure(error)) {
    return new UserInputError(`${prefix}: not found locally and the model hub is unreachable (offline?). ` + 'Download it once with network access or pass a local folder.');
  }
  if (device === 'webgpu') {
    return new UserInputError(`${prefix} on device webgpu: ${onnxErrorReason(error)} (needs a GPU with Vulkan drivers on Linux)`);
  }
  if (device === 'cuda') {
    return new UserInputError(
      `${prefix} on device cuda: ${firstLine(error)} (onnxruntime-node's CUDA provider needs Linux x64, CUDA 12, ` +
        'cuDNN 9 and its provider files: ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install)',
    );
  }
  return new UserInputError(`${prefix}: ${firstLine(error)}`);
}

/** `max_seq_length` from a sentence-transformers folder's sentence_bert_config.json, if any. */
async function sentenceTransformersMaxLength(dir: string): Promise<number | undefined> {
  try {
    const config = JSON.parse(await readFile(path.join(dir, 'sentence_bert_config.json'), 'utf8')) as { max_seq_length?: unknown };
    return typeof config.max_seq_length === 'number' && config.max_seq_length > 0 ? config.max_seq_length : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserInputError(`cannot read max_seq_length: ${firstLine(error)}`, { file: path.join(dir, 'sentence_bert_config.json') });
  }
}

export async function createTransformersEmbedder(model: string, options: TransformersEmbedderOptions = {}): Promise<Embedder & { readonly maxLength: number | undefined }> {
  const { device = 'cpu', batchSize = DEFAULT_TRANSFORMERS_BATCH_SIZE, dtype } = options;
  if (device !== 'cpu' && device !== 'cuda' && device !== 'webgpu') {
    throw new UserInputError(`must be 'cpu', 'cuda' or 'webgpu', got '${String(device)}'`, { field: 'device' });
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new UserInputError(`must be a positive integer, got ${batchSize}`, { field: 'batchSize' });
  }
  if (dtype !== undefined && !isDtype(dtype)) {
    throw new UserInputError(`must be one of ${Object.keys(DTYPES).join(', ')}; got '${dtype}'`, { field: 'dtype' });
  }
  if (options.maxLength !== undefined && (!Number.isInteger(options.maxLength) || options.maxLength < 1)) {
    throw new UserInputError(`must be a positive integer, got ${options.maxLength}`, { field: 'maxLength' });
  }
  const source = await resolveSource(model, options.localModelPath);
  await loadLibrary();
  // A folder is never fetched; an absolute path is no hub id to the library either.
  const allowRemote = source.kind === 'hub' && (options.allowRemote ?? true);
  const location = source.kind === 'folder' ? source.dir : source.id;
  const cacheDir = options.cacheDir === undefined ? undefined : path.resolve(options.cacheDir);

  const loaded = await withEnv({ allowRemoteModels: allowRemote, cacheDir }, async () => {
    const pipe = (await pipeline(TASK, location, {
      device,
      dtype,
      cache_dir: cacheDir,
      local_files_only: !allowRemote,
    })) as FeatureExtractionPipeline;
    try {
      if (!pipe.tokenizer) throw new UserInputError(`cannot load transformers model '${model}': it has no tokenizer_config.json`);
      const identity =
        source.kind === 'folder' ? `sha256:${await folderFingerprint(source.dir, await ModelRegistry.get_pipeline_files(TASK, location, { device, dtype }))}` : `${source.id}@${HUB_REVISION}`;
      // The output width is learnt from one forward pass: configs name it differently
      // (hidden_size, dim, d_model) and this also proves the session runs.
      const probe = await pipe('dimension probe', { pooling: 'mean', normalize: true });
      return { pipe, identity, dim: probe.dims[probe.dims.length - 1] };
    } catch (error) {
      await pipe.dispose();
      throw error;
    }
  }).catch((error: unknown) => {
    throw loadError(model, source, device, allowRemote, error);
  });

  const { pipe, dim } = loaded;
  // The pipeline truncates at the tokenizer's model_max_length; sentence-transformers truncates at
  // its own max_seq_length, which is what the paper's embeddings used.
  const maxLength = options.maxLength ?? (source.kind === 'folder' ? await sentenceTransformersMaxLength(source.dir) : undefined);
  // model_max_length is a getter on the tokenizer's class: an own property shadows it.
  if (maxLength !== undefined) Object.defineProperty(pipe.tokenizer, 'model_max_length', { value: maxLength, configurable: true });
  const tokenLimit = (pipe.tokenizer as unknown as { model_max_length?: number }).model_max_length;
  // The pipeline's feature extraction (tokenize with padding and truncation, model, mean pooling,
  // L2 norm), with one difference: transformers.js truncates after adding the special tokens, so a
  // long text loses its closing [SEP] / </s>; sentence-transformers (HF tokenizers) keeps it. The
  // closing token of a truncated row is put back, so long texts embed as in sentence-transformers.
  const tokenizer = pipe.tokenizer as unknown as (texts: string | string[], options: object) => Record<string, TransformersTensor>;
  const specials = tokenizer('', { padding: false, truncation: false }).input_ids.data as BigInt64Array;
  const endId = specials.length >= 2 ? specials[specials.length - 1] : undefined;
  const embedBatch = async (batch: string[]): Promise<TransformersTensor> => {
    const inputs = tokenizer(batch, { padding: true, truncation: true });
    const [rows, width] = inputs.input_ids.dims as [number, number];
    if (endId !== undefined && tokenLimit !== undefined && width >= tokenLimit) {
      const ids = inputs.input_ids.data as BigInt64Array;
      const mask = inputs.attention_mask.data as BigInt64Array;
      for (let r = 0; r < rows; r++) {
        const last = r * width + width - 1;
        if (mask[last] === 1n && ids[last] !== endId) ids[last] = endId;
      }
    }
    const outputs = await (pipe.model as unknown as (i: object) => Promise<Record<string, TransformersTensor>>)(inputs);
    const hidden = outputs.last_hidden_state ?? outputs.logits ?? outputs.token_embeddings;
    return (lib!.mean_pooling(hidden as never, inputs.attention_mask as never) as unknown as TransformersTensor & { normalize(p: number, dim: number): TransformersTensor }).normalize(2, -1);
  };
  let disposed = false;
  return {
    id: `transformers:${source.kind === 'folder' ? source.name : source.id}`,
    version: `@huggingface/transformers@${env.version} ${loaded.identity} dtype:${dtype ?? 'default'}${maxLength === undefined ? '' : ` max_length:${maxLength}`}`,
    maxLength: tokenLimit,
    dim,
    async embed(texts: readonly string[], embedOptions: EmbedOptions = {}): Promise<NdArray<Float32Array>> {
      if (disposed) throw new Error(`embedder transformers:${model} is disposed`);
      const out = new Float32Array(texts.length * dim);
      let done = 0;
      for (const rows of planBatches(texts, batchSize)) {
        const batch = rows.map((i) => texts[i]);
        const result = await embedBatch(batch);
        // fp16 outputs arrive as raw half-precision bits on Node 20; the pooling would be garbage.
        if (result.type !== 'float32' || result.dims[0] !== batch.length || result.dims[1] !== dim) {
          throw new UserInputError(`transformers model '${model}' returned ${result.type} [${result.dims.join(', ')}], expected float32 [${batch.length}, ${dim}]`);
        }
        const data = result.data as Float32Array;
        rows.forEach((i, j) => out.set(data.subarray(j * dim, (j + 1) * dim), i * dim));
        done += rows.length;
        embedOptions.onProgress?.(done, texts.length);
      }
      return ndarray(out, [texts.length, dim]);
    },
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      await pipe.dispose();
    },
  };
}
