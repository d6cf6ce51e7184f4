/**
 * The reference store of a `select` router: past inputs' embeddings and, per input, the m × m squared
 * distances between its candidates' embeddings (all Smoothie needs of them, m² numbers instead of m·d).
 * A request's neighbourhood is found among the stored inputs, exactly by a scan while the store is small
 * and by an HNSW graph (hnswlib-node) once it is large; the store grows online with `add`.
 *
 * On disk (`save(prefix)`): `<prefix>.inputs.arrow` (n × d float32), `<prefix>.pairwise.arrow`
 * (n × m × m float64) and, once built, `<prefix>.hnsw` (hnswlib's index file).
 */
import { existsSync } from 'node:fs';
import hnswlib from 'hnswlib-node';
import { ndarray } from '../compute/ndarray.js';
import { readArrowMatrix, writeArrowMatrix } from '../data/arrow.js';
import { UserInputError } from '../errors/index.js';
import { candidateDistances } from '../smoothie/weights.js';
import { DEFAULT_SEED } from '../compute/rng.js';

/** Below this many rows a linear scan is exact and about as fast as the graph. */
export const DEFAULT_EXACT_BELOW = 4096;
const HNSW_M = 16;
const HNSW_EF_CONSTRUCTION = 100;
const HNSW_EF_SEARCH = 64;
const GROW = 2;

export interface ReferenceStoreOptions {
  /** Input-embedding dimension. */
  readonly dim: number;
  /** Number of voters (candidates per input). */
  readonly voters: number;
  /** Use the HNSW graph from this many rows on. @default 4096 */
  readonly exactBelow?: number;
  /** HNSW level seed. @default 42 */
  readonly seed?: number;
}

export interface StoreSample {
  /** The input's embedding (d). */
  readonly input: Float32Array;
  /** The m candidates' embeddings, row-major (m × d'). */
  readonly candidates: Float32Array;
}

export interface StoreFiles {
  readonly inputs: string;
  readonly pairwise: string;
  readonly hnsw: string;
}

export const storeFiles = (prefix: string): StoreFiles => ({ inputs: `${prefix}.inputs.arrow`, pairwise: `${prefix}.pairwise.arrow`, hnsw: `${prefix}.hnsw` });

export class ReferenceStore {
  readonly dim: number;
  readonly voters: number;
  private readonly exactBelow: number;
  private readonly seed: number;
  private inputs: Float32Array;
  private pairwise: Float64Array;
  private count = 0;
  private index: hnswlib.HierarchicalNSW | undefined;

  constructor(options: ReferenceStoreOptions) {
    this.dim = options.dim;
    this.voters = options.voters;
    this.exactBelow = options.exactBelow ?? DEFAULT_EXACT_BELOW;
    this.seed = options.seed ?? DEFAULT_SEED;
    this.inputs = new Float32Array(64 * this.dim);
    this.pairwise = new Float64Array(64 * this.voters * this.voters);
  }

  get size(): number {
    return this.count;
  }

  /** Whether neighbours come from the HNSW graph (approximate) rather than a scan (exact). */
  get approximate(): boolean {
    return this.index !== undefined;
  }

  /** The stored m × m distances of row i (a view). */
  distancesOf(i: number): Float64Array {
    const mm = this.voters * this.voters;
    return this.pairwise.subarray(i * mm, (i + 1) * mm);
  }

  /** Appends samples (their candidates reduced to m × m distances). */
  add(samples: readonly StoreSample[]): void {
    const mm = this.voters * this.voters;
    this.reserve(this.count + samples.length);
    for (const s of samples) {
      if (s.input.length !== this.dim) throw new UserInputError(`input embedding has ${s.input.length} values, the store ${this.dim}`, { field: 'input' });
      this.inputs.set(s.input, this.count * this.dim);
      this.pairwise.set(candidateDistances(s.candidates, this.voters), this.count * mm);
      this.index?.addPoint(Array.from(s.input), this.count);
      this.count++;
    }
    if (!this.index && this.count >= this.exactBelow) this.buildIndex();
  }

  /** Appends rows whose m × m distances are already computed (a shared store's rows read back). */
  addDistances(rows: readonly { readonly input: Float32Array; readonly distances: Float64Array }[]): void {
    const mm = this.voters * this.voters;
    this.reserve(this.count + rows.length);
    for (const r of rows) {
      if (r.input.length !== this.dim || r.distances.length !== mm) throw new UserInputError(`a stored row has ${r.input.length} input values and ${r.distances.length} distances, the store ${this.dim} and ${mm}`, { field: 'input' });
      this.inputs.set(r.input, this.count * this.dim);
      this.pairwise.set(r.distances, this.count * mm);
      this.index?.addPoint(Array.from(r.input), this.count);
      this.count++;
    }
    if (!this.index && this.count >= this.exactBelow) this.buildIndex();
  }

  /** Row indices of the k stored inputs nearest to `query` (Euclidean), nearest first. */
  nearest(query: Float32Array, k: number): number[] {
    const kk = Math.min(k, this.count);
    if (kk === 0) return [];
    if (this.index) {
      this.index.setEf(Math.max(kk, HNSW_EF_SEARCH));
      const r = this.index.searchKnn(Array.from(query), kk);
      return r.neighbors.map((_, i) => i).sort((a, b) => r.distances[a] - r.distances[b] || r.neighbors[a] - r.neighbors[b]).map((i) => r.neighbors[i]);
    }
    return this.scan(query, kk);
  }

  private scan(query: Float32Array, k: number): number[] {
    const d = this.dim;
    // Keep the k best in a small sorted array: k is tiny next to n.
    const best: { i: number; dist: number }[] = [];
    for (let i = 0; i < this.count; i++) {
      let sum = 0;
      const o = i * d;
      for (let x = 0; x < d; x++) {
        const t = this.inputs[o + x] - query[x];
        sum += t * t;
      }
      let at: number;
      if (best.length < k) {
        best.push({ i, dist: sum });
        at = best.length - 1;
      } else if (sum < best[k - 1].dist) {
        at = k - 1;
        best[at] = { i, dist: sum };
      } else continue;
      // Bubble into place; equal distances keep the lower row first.
      while (at > 0 && best[at - 1].dist > best[at].dist) {
        [best[at - 1], best[at]] = [best[at], best[at - 1]];
        at--;
      }
    }
    return best.map((b) => b.i);
  }

  private reserve(rows: number): void {
    if (rows * this.dim <= this.inputs.length) return;
    const capacity = Math.max(rows, Math.ceil((this.inputs.length / this.dim) * GROW));
    const inputs = new Float32Array(capacity * this.dim);
    inputs.set(this.inputs.subarray(0, this.count * this.dim));
    const pairwise = new Float64Array(capacity * this.voters * this.voters);
    pairwise.set(this.pairwise.subarray(0, this.count * this.voters * this.voters));
    this.inputs = inputs;
    this.pairwise = pairwise;
    this.index?.resizeIndex(capacity);
  }

  private buildIndex(): void {
    const capacity = this.inputs.length / this.dim;
    const index = new hnswlib.HierarchicalNSW('l2', this.dim);
    index.initIndex(capacity, HNSW_M, HNSW_EF_CONSTRUCTION, this.seed);
    for (let i = 0; i < this.count; i++) index.addPoint(Array.from(this.inputs.subarray(i * this.dim, (i + 1) * this.dim)), i);
    this.index = index;
  }

  async save(prefix: string): Promise<StoreFiles> {
    const files = storeFiles(prefix);
    await writeArrowMatrix(files.inputs, ndarray(this.inputs.slice(0, this.count * this.dim), [this.count, this.dim]));
    await writeArrowMatrix(files.pairwise, ndarray(this.pairwise.slice(0, this.count * this.voters * this.voters), [this.count, this.voters, this.voters]));
    if (this.index) await this.index.writeIndex(files.hnsw);
    return files;
  }

  /** Loads what `save` wrote; shapes, counts and the index are checked against each other. */
  static async load(prefix: string, options: ReferenceStoreOptions): Promise<ReferenceStore> {
    const files = storeFiles(prefix);
    const { array: inputs } = await readArrowMatrix(files.inputs);
    const { array: pairwise } = await readArrowMatrix(files.pairwise);
    const [n, d] = inputs.shape;
    if (inputs.shape.length !== 2 || d !== options.dim || !(inputs.data instanceof Float32Array)) {
      throw new UserInputError(`expected float32 inputs of shape [n, ${options.dim}], got ${inputs.data.constructor.name} ${JSON.stringify(inputs.shape)}`, { file: files.inputs });
    }
    const m = options.voters;
    if (pairwise.shape.length !== 3 || pairwise.shape[0] !== n || pairwise.shape[1] !== m || pairwise.shape[2] !== m || !(pairwise.data instanceof Float64Array)) {
      throw new UserInputError(`expected float64 distances of shape [${n}, ${m}, ${m}], got ${JSON.stringify(pairwise.shape)}`, { file: files.pairwise });
    }
    const store = new ReferenceStore(options);
    store.reserve(n);
    store.inputs.set(inputs.data);
    store.pairwise.set(pairwise.data);
    store.count = n;
    if (existsSync(files.hnsw)) {
      const index = new hnswlib.HierarchicalNSW('l2', options.dim);
      await index.readIndex(files.hnsw);
      if (index.getCurrentCount() !== n) throw new UserInputError(`HNSW index holds ${index.getCurrentCount()} rows but the store ${n}`, { file: files.hnsw });
      index.resizeIndex(store.inputs.length / options.dim);
      store.index = index;
    } else if (n >= store.exactBelow) {
      store.buildIndex();
    }
    return store;
  }
}
