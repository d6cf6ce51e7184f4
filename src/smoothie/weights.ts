/**
 * The Smoothie quality estimate for one block of samples (spec §1.2), on precomputed distances.
 *
 * `P[s]` is the m×m matrix of squared Euclidean distances between the voters' embeddings of sample
 * s. A block's D(a, c) is the mean of P[s](a, c) over the block's samples; voter i's error estimate
 * is diff_i = mean over pairs j<l (both ≠ i) of ½(D(i,j) + D(i,l) − D(j,l)), and its weight is
 * (1/diff_i) / Σ_j (1/diff_j). Everything is IEEE-exact like NumPy: diff = 0 gives ±Infinity,
 * Infinity/Infinity gives NaN, m = 2 gives NaN everywhere, negative sums flip signs.
 */
import { ndarray, type NdArray } from '../compute/ndarray.js';

/**
 * P: n × m × m squared distances between the voters of every sample. Each entry is computed once
 * from (a, c) and mirrored, so D(a,c) = D(c,a) bit for bit and duplicate voters give exact zeros.
 */
export function pairwiseSquaredDistances(generations: NdArray): Float64Array {
  const [n, m, d] = generations.shape;
  const g = generations.data;
  const out = new Float64Array(n * m * m);
  for (let s = 0; s < n; s++) {
    const base = s * m * d;
    const pBase = s * m * m;
    for (let a = 0; a < m; a++) {
      for (let c = a + 1; c < m; c++) {
        let sum = 0;
        const oa = base + a * d;
        const oc = base + c * d;
        for (let x = 0; x < d; x++) {
          const t = g[oa + x] - g[oc + x];
          sum += t * t;
        }
        out[pBase + a * m + c] = sum;
        out[pBase + c * m + a] = sum;
      }
    }
  }
  return out;
}

/** m × m squared distances between one sample's m candidate embeddings (row-major, m × d). */
export function candidateDistances(candidates: Float32Array, m: number): Float64Array {
  if (candidates.length % m !== 0) throw new Error(`candidateDistances: ${candidates.length} values are not ${m} equal rows`);
  return pairwiseSquaredDistances(ndarray(candidates, [1, m, candidates.length / m]));
}

/** Mean of P over the given sample rows into `out` (m × m). */
export function blockMean(P: Float64Array, m: number, rows: ArrayLike<number>, out: Float64Array): void {
  const mm = m * m;
  out.fill(0);
  for (let r = 0; r < rows.length; r++) {
    const base = rows[r] * mm;
    for (let t = 0; t < mm; t++) out[t] += P[base + t];
  }
  const b = rows.length;
  for (let t = 0; t < mm; t++) out[t] /= b;
}

/** diff_i for every voter from a block's mean distances D (m × m), by the triplet definition. */
export function errorEstimates(D: Float64Array, m: number, out: Float64Array): void {
  for (let i = 0; i < m; i++) {
    let sum = 0;
    let count = 0;
    for (let j = 0; j < m; j++) {
      if (j === i) continue;
      for (let l = j + 1; l < m; l++) {
        if (l === i) continue;
        sum += 0.5 * (D[i * m + j] + D[i * m + l] - D[j * m + l]);
        count++;
      }
    }
    out[i] = sum / count; // count = 0 (m = 2) → NaN, as NumPy's mean of an empty list
  }
}

/**
 * Normalised weights from error estimates into `out[offset … offset+m)`. `robust` replaces
 * non-positive or undefined estimates by a tiny positive one (the voter then dominates, matching
 * the medoid) and gives equal weights when no voter has a defined estimate.
 */
export function weightsFromErrors(diff: Float64Array, m: number, robust: boolean, out: Float64Array, offset: number): void {
  if (robust) {
    let maxPositive = 0;
    for (let i = 0; i < m; i++) if (diff[i] > maxPositive) maxPositive = diff[i];
    if (maxPositive === 0) {
      for (let i = 0; i < m; i++) out[offset + i] = 1 / m;
      return;
    }
    const eps = maxPositive * 1e-12;
    let total = 0;
    for (let i = 0; i < m; i++) total += 1 / (diff[i] > eps ? diff[i] : eps);
    for (let i = 0; i < m; i++) out[offset + i] = 1 / (diff[i] > eps ? diff[i] : eps) / total;
    return;
  }
  let total = 0;
  for (let i = 0; i < m; i++) total += 1 / diff[i];
  for (let i = 0; i < m; i++) out[offset + i] = 1 / diff[i] / total;
}

/** The voters' weights for one block's mean distances D (m × m): error estimates, then normalised inverses. */
export function weightsFromDistances(D: Float64Array, m: number, robust: boolean): Float64Array {
  const diff = new Float64Array(m);
  const weights = new Float64Array(m);
  errorEstimates(D, m, diff);
  weightsFromErrors(diff, m, robust, weights, 0);
  return weights;
}

/** NumPy's argmax of one row: the first NaN if any, else the first maximum. */
export function numpyArgmax(values: ArrayLike<number>, offset = 0, length = values.length - offset): number {
  let best = 0;
  let bestValue = values[offset];
  if (Number.isNaN(bestValue)) return 0;
  for (let i = 1; i < length; i++) {
    const v = values[offset + i];
    if (Number.isNaN(v)) return i;
    if (v > bestValue) {
      best = i;
      bestValue = v;
    }
  }
  return best;
}

/** Row-wise NumPy argmax of an n × m weight matrix. */
export function selectVoters(weights: Float64Array, n: number, m: number): Int32Array {
  const out = new Int32Array(n);
  for (let s = 0; s < n; s++) out[s] = numpyArgmax(weights, s * m, m);
  return out;
}

/** Warnings about weights that are undefined by construction. */
export function voterCountWarnings(m: number): string[] {
  return m === 2 ? ['with 2 voters every Smoothie weight is undefined (NaN: no pair of other voters to compare); voter 0 is always selected'] : [];
}
