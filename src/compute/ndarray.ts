/**
 * A dense, row-major (C order) array: the one in-memory shape of embeddings and weights.
 *
 * @example
 * ```ts
 * const data: FloatArray = new Float32Array([1, 2, 3, 4]);
 * const X = ndarray(data, [2, 2]);
 * ```
 */
export type FloatArray = Float32Array | Float64Array;

/**
 * A shaped, row-major float array: `data` holds the values, `shape` their dimensions.
 *
 * @example
 * ```ts
 * const W: NdArray<Float64Array> = { data: new Float64Array([0.2, 0.8, 0.5, 0.5]), shape: [2, 2] }; // or ndarray(data, shape)
 * const row1 = W.data.subarray(W.shape[1], 2 * W.shape[1]);
 * ```
 */
export interface NdArray<T extends FloatArray = FloatArray> {
  readonly data: T;
  readonly shape: readonly number[];
}

/**
 * A typed array with a shape (row-major), what the library's arrays are; the shape must match the length.
 *
 * @example
 * ```ts
 * const X = ndarray(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
 * await writeNpy('X.npy', X);
 * ```
 */
export function ndarray<T extends FloatArray>(data: T, shape: readonly number[]): NdArray<T> {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) {
    throw new Error(`ndarray: shape [${shape.join(', ')}] needs ${size} values, got ${data.length}`);
  }
  return { data, shape: [...shape] };
}

/** Index of the first non-finite value, or -1. */
export function firstNonFinite(data: FloatArray): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}
