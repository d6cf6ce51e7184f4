/** Smoothie on embeddings computed elsewhere: X.npy / G.npy in, W.npy (+ selected indices) out. */
import type { Backend } from '../compute/backend.js';
import { resolveKnnMethod } from '../compute/knn.js';
import { writeArrowTable, writeArrowMatrix } from '../data/arrow.js';
import { writeNpy } from '../data/npy.js';
import { UserInputError, InvalidParameterError } from '../errors/index.js';
import { loadPrecomputedEmbeddings } from '../embed/samples.js';
import { parseSmoothieOptions, Smoothie, type SmoothieOptions } from './estimator.js';
import { voterCountWarnings } from './weights.js';

/** The files, and Smoothie's hyperparameters (`SmoothieOptions`, declared once by its schema). */
export interface WeightsFromFilesOptions extends SmoothieOptions {
  readonly inputs?: string;
  readonly generations: string;
  readonly out: string;
  readonly backend?: Backend;
}

export interface WeightsFromFilesResult {
  readonly weightsFile: string;
  readonly selectedFile: string;
  readonly n: number;
  readonly m: number;
  readonly knn?: 'exact' | 'hnsw';
  readonly fitSeconds: number;
  readonly warnings: readonly string[];
}

export async function computeWeightsFromFiles(o: WeightsFromFilesOptions): Promise<WeightsFromFilesResult> {
  const { inputs, generations } = await loadPrecomputedEmbeddings(o.inputs, o.generations);
  const [n, m] = generations.shape;
  if (m < 2) throw new UserInputError(`Smoothie needs at least 2 voters, got ${m}`, { file: o.generations });
  const params = parseSmoothieOptions({ type: o.type, k: o.k, robust: o.robust, knn: o.knn, metric: o.metric, seed: o.seed }, n);
  if (params.type === 'sample_dependent' && (params.k as number) > 1 && !inputs) {
    throw new InvalidParameterError('inputEmbeddings', 'sample_dependent with k > 1 needs input embeddings');
  }
  const fitted = await new Smoothie(params).fit({ generations, inputs }, { backend: o.backend });
  // Weights first, selections second: a reader that finds the selections also finds the weights.
  const arrow = o.out.endsWith('.arrow');
  const selectedFile = o.out.replace(/\.(npy|arrow)$/, arrow ? '.selected.arrow' : '.selected.npy');
  if (arrow) {
    await writeArrowMatrix(o.out, fitted.weights, { type: o.type, k: String(o.k ?? '') });
    await writeArrowTable(selectedFile, { selected: fitted.selected });
  } else {
    await writeNpy(o.out, fitted.weights, '<f8');
    await writeNpy(selectedFile, { data: BigInt64Array.from(fitted.selected, (v) => BigInt(v)), shape: [n] }, '<i8');
  }
  return {
    weightsFile: o.out,
    selectedFile,
    n,
    m,
    knn: o.type === 'sample_dependent' && (o.k as number) > 1 ? resolveKnnMethod(o.knn ?? 'auto', n) : undefined,
    fitSeconds: fitted.timings.knnSeconds + fitted.timings.weightSeconds,
    warnings: voterCountWarnings(m),
  };
}
