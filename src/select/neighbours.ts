/** Input neighbourhoods for the local selectors: each sample's k nearest inputs (cosine), itself first. */
import type { Backend } from '../compute/backend.js';
import { exactBelowFor, NeighbourIndex } from '../compute/neighbour-index.js';
import type { NdArray } from '../compute/ndarray.js';
import { DEFAULT_SEED } from '../compute/rng.js';

export interface Neighbourhoods {
  readonly indices: Int32Array;
  readonly k: number;
}

/**
 * Row s: sample s, then its k − 1 nearest other inputs by cosine distance (k capped at n). The
 * sample is put first even when a duplicate input ties with it, so k = 1 is always the sample alone.
 */
export async function inputNeighbourhoods(inputs: NdArray, k: number, options: { backend?: Backend; seed?: number } = {}): Promise<Neighbourhoods> {
  const n = inputs.shape[0];
  const kk = Math.max(1, Math.min(k, n));
  if (kk === 1) return { indices: Int32Array.from({ length: n }, (_, s) => s), k: 1 };
  const found = await NeighbourIndex.fromMatrix(inputs, { metric: 'cosine', exactBelow: exactBelowFor('auto'), seed: options.seed ?? DEFAULT_SEED }).searchSelf(kk, { backend: options.backend });
  const indices = new Int32Array(n * kk);
  for (let s = 0; s < n; s++) {
    const row = Array.from(found.indices.subarray(s * found.k, (s + 1) * found.k)).filter((q) => q !== s);
    indices[s * kk] = s;
    for (let r = 1; r < kk; r++) indices[s * kk + r] = row[r - 1] ?? s;
  }
  return { indices, k: kk };
}
