/**
 * The `hash` embedder: scikit-learn's
 * `HashingVectorizer(n_features=N, alternate_sign=False, norm="l2")`, bit for bit up to the final
 * float32 cast. No weights, deterministic, fast; a bag-of-words baseline rather than a semantic
 * embedding.
 *
 * Tokens follow sklearn's default analyzer: `str.lower()`, then the matches of `(?u)\b\w\w+\b`.
 * Python's Unicode `\w` is `str.isalnum()` or `_`: general categories L* (letters) and N* (Nd, Nl,
 * No), which is `[\p{L}\p{N}_]` here. Combining marks (Mn, Mc) are not word characters in Python,
 * so a decomposed "cafe\u0301" gives the token "cafe", as in sklearn. Checked against CPython 3.11
 * (Unicode 14) over every code point: the sets agree except for characters assigned after
 * Unicode 14, which Node's newer ICU knows and an older Python does not; `toLowerCase` and
 * `str.lower` agree likewise (final sigma and dotted İ included).
 */
import { ndarray, type NdArray } from '../compute/ndarray.js';
import { UserInputError } from '../errors/index.js';
import type { EmbedOptions, Embedder } from './types.js';

export const DEFAULT_HASH_FEATURES = 1024;
const VERSION = 'sklearn-HashingVectorizer-compatible/1';

/**
 * `\b\w\w+\b` finds exactly the maximal runs of word characters that are at least two code points
 * long (the `u` flag makes `{2,}` count code points, as Python does).
 */
const TOKEN = /[\p{L}\p{N}_]{2,}/gu;

/** sklearn's default analyzer: lowercase, then the word-character runs of two or more. */
export function hashTokens(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

/**
 * MurmurHash3 x86 32-bit, as sklearn's `murmurhash3_32(..., positive=False)`: a signed int32, of the
 * first `length` bytes (a scratch buffer's prefix hashes without a view object per token).
 */
export function murmurhash3_32(bytes: Uint8Array, seed = 0, length = bytes.length): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const n = length;
  const blocksEnd = n & ~3;
  let h = seed | 0;
  for (let i = 0; i < blocksEnd; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, c2);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = n & 3;
  if (rest > 0) {
    let k = 0;
    if (rest === 3) k ^= bytes[blocksEnd + 2] << 16;
    if (rest >= 2) k ^= bytes[blocksEnd + 1] << 8;
    k ^= bytes[blocksEnd];
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, c2);
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * sklearn's feature index: `abs(h) % n_features`. For h = -2^31 it special-cases the int32
 * overflow to 2^31 mod n, which is what `Math.abs` on a double gives anyway.
 */
export function featureIndex(hash: number, nFeatures: number): number {
  return Math.abs(hash) % nFeatures;
}

export interface HashEmbedderOptions {
  /** Vector length (sklearn's `n_features`). @default 1024 */
  readonly nFeatures?: number;
}

export function createHashEmbedder(options: HashEmbedderOptions = {}): Embedder {
  const nFeatures = options.nFeatures ?? DEFAULT_HASH_FEATURES;
  if (!Number.isInteger(nFeatures) || nFeatures < 1 || nFeatures > 0x7fffffff) {
    throw new UserInputError(`must be an integer between 1 and 2147483647, got ${nFeatures}`, {
      field: 'nFeatures',
    });
  }
  const encoder = new TextEncoder();
  // UTF-8 scratch for one token; grown when a longer token turns up.
  let scratch = new Uint8Array(256);
  const counts = new Float64Array(nFeatures);
  const touched: number[] = [];

  return {
    id: `hash-${nFeatures}`,
    version: VERSION,
    dim: nFeatures,
    async embed(texts: readonly string[], embedOptions: EmbedOptions = {}): Promise<NdArray<Float32Array>> {
      const out = new Float32Array(texts.length * nFeatures);
      for (let row = 0; row < texts.length; row++) {
        for (const token of hashTokens(texts[row])) {
          if (scratch.length < token.length * 3) scratch = new Uint8Array(token.length * 3);
          const { written } = encoder.encodeInto(token, scratch);
          const index = featureIndex(murmurhash3_32(scratch, 0, written), nFeatures);
          if (counts[index] === 0) touched.push(index);
          counts[index] += 1;
        }
        // sklearn normalises in float64 and a document without tokens stays all zeros.
        let sumSquares = 0;
        for (const i of touched) sumSquares += counts[i] * counts[i];
        const norm = Math.sqrt(sumSquares);
        const base = row * nFeatures;
        for (const i of touched) {
          out[base + i] = counts[i] / norm;
          counts[i] = 0;
        }
        touched.length = 0;
      }
      embedOptions.onProgress?.(texts.length, texts.length);
      return ndarray(out, [texts.length, nFeatures]);
    },
  };
}
