/**
 * The reference store of a `select` router: past inputs' embeddings and, per input, the m × m squared
 * distances between its candidates' embeddings (all Smoothie needs of them, m² numbers instead of m·d).
 * A request's neighbourhood is found among the stored inputs, exactly by a scan while the store is small
 * and by an HNSW graph (hnswlib-node) once it is large; the store grows online with `add`.
 *
 * On disk (`save(prefix)`): `<prefix>.inputs.arrow` (n × d float32), `<prefix>.pairwise.arrow`
 * (n × m × m float64) and, once built, `<prefix>.hnsw` (hnswlib's index file).
 */
import { NeighbourIndex } from '../compute/neighbour-index.js';
import { ndarray } from '../compute/ndarray.js';
import { readArrowMatrix, writeArrowMatrix } from '../data/arrow.js';
import { DEFAULT_SEED } from '../compute/rng.js';
import { UserInputError } from '../errors/index.js';
import { candidateDistances } from '../smoothie/weights.js';

/** Below this many rows a linear scan is exact and about as fast as the graph. */
export const DEFAULT_EXACT_BELOW = 4096;
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
  /** The inputs' neighbour index (exact scan, then HNSW graph). */
  private index: NeighbourIndex;
  private pairwise: Float64Array;
  // Neighbour scratch of `nearest`, grown to the largest k asked.
  private found = new Int32Array(0);
  private foundDistances = new Float64Array(0);

  constructor(options: ReferenceStoreOptions, index?: NeighbourIndex) {
    this.dim = options.dim;
    this.voters = options.voters;
    this.index = index ?? new NeighbourIndex({ dim: this.dim, exactBelow: options.exactBelow ?? DEFAULT_EXACT_BELOW, seed: options.seed ?? DEFAULT_SEED });
    this.pairwise = new Float64Array(Math.max(64, this.index.size) * this.voters * this.voters);
  }

  get size(): number {
    return this.index.size;
  }

  /** Whether neighbours come from the HNSW graph (approximate) rather than a scan (exact). */
  get approximate(): boolean {
    return this.index.approximate;
  }

  /** The stored m × m distances of row i (a view). */
  distancesOf(i: number): Float64Array {
    const mm = this.voters * this.voters;
    return this.pairwise.subarray(i * mm, (i + 1) * mm);
  }

  /** Appends samples (their candidates reduced to m × m distances). */
  add(samples: readonly StoreSample[]): void {
    const mm = this.voters * this.voters;
    for (const s of samples) {
      if (s.input.length !== this.dim) throw new UserInputError(`input embedding has ${s.input.length} values, the store ${this.dim}`, { field: 'input' });
    }
    const start = this.size;
    this.reservePairwise(start + samples.length);
    samples.forEach((s, j) => this.pairwise.set(candidateDistances(s.candidates, this.voters), (start + j) * mm));
    this.index.add(samples.map((s) => s.input));
  }

  /** Appends rows whose m × m distances are already computed (a shared store's rows read back). */
  addDistances(rows: readonly { readonly input: Float32Array; readonly distances: Float64Array }[]): void {
    const mm = this.voters * this.voters;
    for (const r of rows) {
      if (r.input.length !== this.dim || r.distances.length !== mm)
        throw new UserInputError(`a stored row has ${r.input.length} input values and ${r.distances.length} distances, the store ${this.dim} and ${mm}`, { field: 'input' });
    }
    const start = this.size;
    this.reservePairwise(start + rows.length);
    rows.forEach((r, j) => this.pairwise.set(r.distances, (start + j) * mm));
    this.index.add(rows.map((r) => r.input));
  }

  /** Row indices of the k stored inputs nearest to `query` (Euclidean), nearest first. */
  nearest(query: Float32Array, k: number): number[] {
    if (this.found.length < k) {
      this.found = new Int32Array(k);
      this.foundDistances = new Float64Array(k);
    }
    const n = this.index.searchInto(query, k, this.found, this.foundDistances);
    const out = new Array<number>(n);
    for (let t = 0; t < n; t++) out[t] = this.found[t];
    return out;
  }

  private reservePairwise(rows: number): void {
    const mm = this.voters * this.voters;
    if (rows * mm <= this.pairwise.length) return;
    const capacity = Math.max(rows, Math.ceil((this.pairwise.length / mm) * GROW));
    const pairwise = new Float64Array(capacity * mm);
    pairwise.set(this.pairwise.subarray(0, this.size * mm));
    this.pairwise = pairwise;
  }

  async save(prefix: string): Promise<StoreFiles> {
    const files = storeFiles(prefix);
    await this.index.save({ rows: files.inputs, graph: files.hnsw });
    await writeArrowMatrix(files.pairwise, ndarray(this.pairwise.slice(0, this.size * this.voters * this.voters), [this.size, this.voters, this.voters]));
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
    const index = await NeighbourIndex.withRows(inputs, files.hnsw, { exactBelow: options.exactBelow ?? DEFAULT_EXACT_BELOW, seed: options.seed ?? DEFAULT_SEED });
    const store = new ReferenceStore(options, index);
    store.pairwise.set(pairwise.data);
    return store;
  }
}
