import type { NdArray } from '../compute/ndarray.js';

/**
 * Options of one `Embedder.embed` call.
 *
 * @example
 * ```ts
 * const options: EmbedOptions = { onProgress: (done, total) => console.log(`${done}/${total}`) };
 * const X = await embedder.embed(texts, options);
 * ```
 */
export interface EmbedOptions {
  /**
   * Called after each batch with the number of texts embedded so far; a caching embedder also
   * says how many of them came from its cache.
   */
  readonly onProgress?: (done: number, total: number, cached?: number) => void;
}

/**
 * A text embedder. `embed` returns an (n, dim) float32 matrix, row i embedding texts[i].
 * `id` names the embedder and its settings (it keys the on-disk cache and is recorded in every
 * output); `version` is the version of the weights/package that produced the vectors.
 *
 * @example
 * ```ts
 * const embedder: Embedder = await createEmbedder('hash');
 * const X = await embedder.embed(['What is 2+2?']); // X.shape: [1, embedder.dim]
 * await embedder.dispose?.();
 * ```
 */
export interface Embedder {
  readonly id: string;
  readonly version: string;
  /** Output dimension; embedders that learn it on load report it after the first `embed`. */
  readonly dim: number;
  embed(texts: readonly string[], options?: EmbedOptions): Promise<NdArray<Float32Array>>;
  dispose?(): Promise<void> | void;
}
