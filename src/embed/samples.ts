/**
 * Embedding a dataset's inputs (X: n × d) and its candidate table (G: n × m × d), or loading
 * precomputed .npy / Arrow files instead, with the checks every consumer relies on (shapes,
 * finiteness), and writing them for reuse.
 */
import path from 'node:path';
import { firstNonFinite, ndarray, type NdArray } from '../compute/ndarray.js';
import { readArrowMatrix, writeArrowMatrix } from '../data/arrow.js';
import type { CandidateTable } from '../data/candidates.js';
import { cleanGeneration } from '../data/clean.js';
import { writeJsonFile } from '../data/json.js';
import { readNpy, toFloatNdArray, writeNpy } from '../data/npy.js';
import type { SplitData } from '../data/split.js';
import { UserInputError } from '../errors/index.js';
import type { EmbedOptions, Embedder } from './types.js';

/** Row-major flattening of the table (cleaned when asked), embedded and reshaped to (n, m, d). */
export async function embedCandidates(embedder: Embedder, table: CandidateTable, options: EmbedOptions & { readonly clean: boolean }): Promise<NdArray<Float32Array>> {
  const texts = table.texts.flatMap((row) => (options.clean ? row.map(cleanGeneration) : [...row]));
  const flat = await embedder.embed(texts, options);
  const d = flat.shape[1];
  return ndarray(flat.data, [table.texts.length, table.voters.length, d]);
}

/** Throws a one-line error naming the file and sample if any value is NaN or infinite. */
export function assertFinite(array: NdArray, file: string): void {
  const bad = firstNonFinite(array.data);
  if (bad === -1) return;
  const perRow = array.shape.slice(1).reduce((a, b) => a * b, 1);
  throw new UserInputError(`embedding contains ${array.data[bad]} (non-finite values are not allowed)`, {
    file,
    row: Math.floor(bad / perRow),
    rowLabel: 'row',
  });
}

/** A precomputed embedding matrix from `.npy` or Arrow IPC (`.arrow`, as `smoothie embed` writes). */
async function readEmbeddingFile(file: string): Promise<NdArray> {
  if (/\.(arrow|feather|ipc)$/i.test(file)) return (await readArrowMatrix(file)).array;
  return toFloatNdArray(await readNpy(file), file);
}

/** Loads precomputed X (n × d) and G (n × m × d) and checks them against each other and the data. */
export async function loadPrecomputedEmbeddings(
  inputsFile: string | undefined,
  generationsFile: string,
  expected: { readonly n?: number; readonly m?: number } = {},
): Promise<{ inputs?: NdArray; generations: NdArray }> {
  const generations = await readEmbeddingFile(generationsFile);
  if (generations.shape.length !== 3) {
    throw new UserInputError(`expected shape (n, m, d), got (${generations.shape.join(', ')})`, { file: generationsFile });
  }
  const [n, m] = generations.shape;
  if (expected.n !== undefined && n !== expected.n) {
    throw new UserInputError(`has ${n} samples but the dataset has ${expected.n} rows`, { file: generationsFile });
  }
  if (expected.m !== undefined && m !== expected.m) {
    throw new UserInputError(`has ${m} voters but ${expected.m} were given`, { file: generationsFile });
  }
  assertFinite(generations, generationsFile);
  if (inputsFile === undefined) return { generations };
  const inputs = await readEmbeddingFile(inputsFile);
  if (inputs.shape.length !== 2) {
    throw new UserInputError(`expected shape (n, d), got (${inputs.shape.join(', ')})`, { file: inputsFile });
  }
  if (inputs.shape[0] !== n) {
    throw new UserInputError(`has ${inputs.shape[0]} rows but ${generationsFile} has ${n} samples (shape mismatch between X and G)`, {
      file: inputsFile,
    });
  }
  assertFinite(inputs, inputsFile);
  return { inputs, generations };
}

/** Embeds a split's inputs and (cleaned, if asked) candidates, reporting progress per stage. */
export async function embedSplit(
  data: SplitData,
  embedder: Embedder,
  options: { readonly clean: boolean; readonly stage: string; readonly onProgress?: (e: { stage: string; done: number; total: number; cached?: number }) => void },
): Promise<{ inputs: NdArray<Float32Array>; generations: NdArray<Float32Array> }> {
  const progress = (what: string) => (done: number, total: number, cached?: number) => options.onProgress?.({ stage: `${options.stage} ${what}`, done, total, cached });
  const inputs = await embedder.embed(
    data.rows.map((r) => r.embedding_input),
    { onProgress: progress('inputs') },
  );
  assertFinite(inputs, `${embedder.id} embeddings of the inputs`);
  const generations = await embedCandidates(embedder, data.table, { clean: options.clean, onProgress: progress('generations') });
  assertFinite(generations, `${embedder.id} embeddings of the generations`);
  return { inputs, generations };
}

export type EmbeddingFormat = 'npy' | 'arrow';

/**
 * Writes X and G of one split as `<split>_inputs.<ext>` / `<split>_generations.<ext>` named after
 * the embedder, with a `<split>_meta.json` recording the embedder, its version and the voters.
 */
export async function writeSplitEmbeddings(
  dir: string,
  split: string,
  emb: { readonly inputs: NdArray; readonly generations: NdArray },
  meta: { readonly embedder: { id: string; version: string }; readonly voters: readonly string[]; readonly clean: boolean; readonly format: EmbeddingFormat },
): Promise<{ inputs: string; generations: string }> {
  const stem = path.join(dir, `${meta.embedder.id.replace(/[\\/:]+/g, '-')}_${split}`);
  const ext = meta.format === 'npy' ? 'npy' : 'arrow';
  const files = { inputs: `${stem}_inputs.${ext}`, generations: `${stem}_generations.${ext}` };
  const record = { embedder_id: meta.embedder.id, embedder_version: meta.embedder.version, voters: JSON.stringify(meta.voters), clean: String(meta.clean) };
  for (const [key, array] of [
    ['inputs', emb.inputs],
    ['generations', emb.generations],
  ] as const) {
    if (meta.format === 'npy') await writeNpy(files[key], array);
    else await writeArrowMatrix(files[key], array, record);
  }
  await writeJsonFile(`${stem}_meta.json`, { ...record, voters: meta.voters, clean: meta.clean, files }, { indent: 2 });
  return files;
}
