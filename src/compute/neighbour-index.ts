/**
 * The one neighbour index: rows of dimension d, searched exactly by a scan while the index holds fewer
 * than `exactBelow` rows and by an HNSW graph (hnswlib-node) from then on; rows are appended with
 * `add` (the graph grows with them), and `save`/`load` write and read the rows (Arrow) and the graph
 * (hnswlib's file).
 *
 * Single queries (`search`, `searchInto`) run here: the exact scan measures every row in float64
 * (ties to the lower row), the graph search reuses one query buffer and sets hnswlib's `ef` only when
 * it changes, so a request allocates nothing but its result. Batches (`searchBatch`, `searchSelf`)
 * go to `kNearest`'s engines when no graph is built (ONNX Runtime / tfjs Gram blocks with float64
 * re-ranking in the exact regime, HNSW sharded over worker threads above it), else through the graph.
 * The exact regime of both gives the neighbour sets of a float64 brute-force search, ties to the
 * lower row, in the same order.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type hnswlib from 'hnswlib-node';
import { UserInputError } from '../errors/index.js';
import { AUTO_HNSW_THRESHOLD, kNearest, type DistanceMetric, type GramEngine, type HnswOptions, type KnnMethod, type Neighbours } from './knn.js';
import type { Backend } from './backend.js';
import { ndarray, type NdArray } from './ndarray.js';

/** hnswlib-node (a native addon), loaded when a graph is first built or read rather than when the library is imported. */
let hnswAddon: typeof hnswlib | undefined;
const hnsw = (): typeof hnswlib => (hnswAddon ??= createRequire(import.meta.url)('hnswlib-node') as typeof hnswlib);

/** Graph parameters of an index's own HNSW graph (the batch engines keep their own defaults). */
const GRAPH_M = 16;
const GRAPH_EF_CONSTRUCTION = 100;
const GRAPH_EF_SEARCH = 64;
/** Capacity growth factor of the row store and the graph. */
const GROW = 2;

export type RowType = 'float32' | 'float64';

export interface NeighbourIndexOptions {
  /** Row dimension. */
  readonly dim: number;
  /** @default 'euclidean' (`cosine` searches the L2-normalised rows) */
  readonly metric?: DistanceMetric;
  /** Search the HNSW graph from this many rows on; below, scan exactly. @default 4096 */
  readonly exactBelow?: number;
  /** Element type of the stored rows. @default 'float32' */
  readonly rowType?: RowType;
  /** Seeds the HNSW level generator. @default 42 */
  readonly seed?: number;
  /** Parameters of the index's own graph and of the sharded batch search. @default M 16, efConstruction 100, efSearch 64 for the own graph; `kNearest`'s for batches */
  readonly hnsw?: HnswOptions;
}

/** What a batch search may be told about its engines (see `KnnOptions`). */
export interface BatchSearchOptions {
  /** @default 'auto' */
  readonly engine?: GramEngine;
  /** tfjs backend of the exact engine's `tfjs` path. @default the `auto` backend */
  readonly backend?: Backend;
  /** Worker threads of the sharded HNSW search. @default one per core from 20,000 rows */
  readonly workers?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Files of a saved index. */
export interface NeighbourIndexFiles {
  /** The rows, an Arrow matrix (n × d). */
  readonly rows: string;
  /** hnswlib's graph file, written when the graph is built. */
  readonly graph: string;
}

/** The `exactBelow` that makes an index answer as `kNearest` with `method` does. */
export function exactBelowFor(method: KnnMethod): number {
  if (method === 'exact') return Number.POSITIVE_INFINITY;
  if (method === 'hnsw') return 0;
  return AUTO_HNSW_THRESHOLD + 1;
}

function newRows(type: RowType, length: number): Float32Array | Float64Array {
  return type === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

export class NeighbourIndex {
  readonly dim: number;
  readonly metric: DistanceMetric;
  readonly exactBelow: number;
  readonly rowType: RowType;
  private readonly seed: number;
  private readonly hnsw: HnswOptions;
  private rows: Float32Array | Float64Array;
  private count = 0;
  /** The rows as given to `fromMatrix` while no row was added: batches pass it on as it is. */
  private matrix: NdArray | undefined;
  /** 1/‖row‖ per row for `cosine` (0 for a zero row), as `kNearest` normalises. */
  private inverseNorms: Float64Array = new Float64Array(0);
  private graph: hnswlib.HierarchicalNSW | undefined;
  private graphEf = 0;
  /** hnswlib takes plain arrays: one, reused by every query and insertion. */
  private readonly buffer: number[];
  // Scratch of one exact scan: the k best so far, sorted.
  private bestIdx = new Int32Array(0);
  private bestDist = new Float64Array(0);

  constructor(options: NeighbourIndexOptions) {
    if (!Number.isInteger(options.dim) || options.dim < 1) throw new RangeError(`NeighbourIndex: dim must be a positive integer, got ${options.dim}`);
    this.dim = options.dim;
    this.metric = options.metric ?? 'euclidean';
    this.exactBelow = options.exactBelow ?? 4096;
    this.rowType = options.rowType ?? 'float32';
    this.seed = options.seed ?? 42;
    this.hnsw = options.hnsw ?? {};
    this.rows = newRows(this.rowType, 64 * this.dim);
    this.buffer = new Array<number>(this.dim).fill(0);
  }

  /** An index over the rows of an n × d matrix, kept as it is (no copy until a row is added). */
  static fromMatrix(matrix: NdArray, options: Omit<NeighbourIndexOptions, 'dim' | 'rowType'> = {}): NeighbourIndex {
    if (matrix.shape.length !== 2) throw new Error(`NeighbourIndex: rows must be 2-d (n × d), got [${matrix.shape.join(', ')}]`);
    const [n, d] = matrix.shape;
    const index = new NeighbourIndex({ ...options, dim: d, rowType: matrix.data instanceof Float32Array ? 'float32' : 'float64' });
    index.rows = matrix.data instanceof Float32Array || matrix.data instanceof Float64Array ? matrix.data : Float64Array.from(matrix.data);
    index.count = n;
    index.matrix = matrix;
    if (index.metric === 'cosine') index.computeInverseNorms(0, n);
    return index;
  }

  get size(): number {
    return this.count;
  }

  /** Whether searches use the HNSW graph (approximate) rather than an exact scan: from `exactBelow` rows, or once a saved graph was loaded. */
  get approximate(): boolean {
    return this.graph !== undefined || this.count >= this.exactBelow;
  }

  /** Row i (a view). */
  row(i: number): Float32Array | Float64Array {
    return this.rows.subarray(i * this.dim, (i + 1) * this.dim);
  }

  /** The stored rows as an n × d matrix (a view). */
  asMatrix(): NdArray {
    return this.matrix ?? ndarray(this.rows.subarray(0, this.count * this.dim), [this.count, this.dim]);
  }

  /** Appends rows (each of `dim` values); from `exactBelow` rows on they enter the graph too. */
  add(rows: readonly ArrayLike<number>[]): void {
    for (const r of rows) if (r.length !== this.dim) throw new UserInputError(`a row has ${r.length} values, the index ${this.dim}`, { field: 'input' });
    const start = this.count;
    this.reserve(start + rows.length);
    rows.forEach((r, j) => this.rows.set(r, (start + j) * this.dim));
    this.count += rows.length;
    if (this.metric === 'cosine') this.computeInverseNorms(start, this.count);
    if (this.graph) for (let i = start; i < this.count; i++) this.graph.addPoint(this.graphRow(i), i);
    else if (this.approximate) this.buildGraph();
  }

  /** Row indices of the k stored rows nearest to `query`, nearest first (k capped at the size). */
  search(query: ArrayLike<number>, k: number): { indices: Int32Array; distances: Float64Array } {
    const kk = Math.max(0, Math.min(k, this.count));
    const indices = new Int32Array(kk);
    const distances = new Float64Array(kk);
    this.searchInto(query, kk, indices, distances);
    return { indices, distances };
  }

  /**
   * `search` into caller-owned arrays: the first `k` entries receive the neighbours and their
   * distances (Euclidean; of the normalised rows for `cosine`), nearest first; returns how many
   * were written (k capped at the size).
   */
  searchInto(query: ArrayLike<number>, k: number, indices: Int32Array, distances: Float64Array): number {
    if (query.length !== this.dim) throw new UserInputError(`the query has ${query.length} values, the index ${this.dim}`, { field: 'input' });
    const kk = Math.max(0, Math.min(k, this.count));
    if (kk === 0) return 0;
    if (!this.approximate) {
      this.scan(query, kk, indices, distances);
      return kk;
    }
    this.graph ?? this.buildGraph();
    return this.graphSearch(query, kk, indices, distances);
  }

  /**
   * The k nearest stored rows of every query row, nearest first. Without a built graph this is
   * `kNearest` on the stored rows (exact below `exactBelow`, sharded HNSW above); with one, the graph.
   */
  async searchBatch(queries: NdArray, k: number, options: BatchSearchOptions = {}): Promise<Neighbours> {
    return this.batch(queries, k, options);
  }

  /** Every stored row's k nearest stored rows (itself first, as in the reference's test-time neighbourhoods). */
  async searchSelf(k: number, options: BatchSearchOptions = {}): Promise<Neighbours> {
    return this.batch(this.asMatrix(), k, options, true);
  }

  private async batch(queries: NdArray, k: number, options: BatchSearchOptions, self = false): Promise<Neighbours> {
    if (!this.graph) {
      const reference = this.asMatrix();
      return kNearest(reference, self ? reference : queries, {
        k,
        metric: this.metric,
        method: this.approximate ? 'hnsw' : 'exact',
        seed: this.seed,
        hnsw: this.hnsw,
        engine: options.engine,
        backend: options.backend,
        workers: options.workers,
        onProgress: options.onProgress,
      });
    }
    if (queries.shape.length !== 2 || queries.shape[1] !== this.dim) throw new Error(`NeighbourIndex: queries must be n × ${this.dim}, got [${queries.shape.join(', ')}]`);
    if (!Number.isInteger(k) || k < 1 || k > this.count) throw new Error(`NeighbourIndex: k must be an integer in [1, ${this.count}], got ${k}`);
    const nq = queries.shape[0];
    const indices = new Int32Array(nq * k);
    const distances = new Float64Array(nq * k);
    const d = this.dim;
    for (let q = 0; q < nq; q++) {
      this.graphSearch(queries.data.subarray(q * d, (q + 1) * d) as ArrayLike<number>, k, indices.subarray(q * k, (q + 1) * k), distances.subarray(q * k, (q + 1) * k));
      options.onProgress?.(q + 1, nq);
    }
    return { k, indices, distances, method: 'hnsw', compute: 'hnswlib' };
  }

  private computeInverseNorms(from: number, to: number): void {
    if (this.inverseNorms.length < to) {
      const grown = new Float64Array(Math.max(to, this.rows.length / this.dim));
      grown.set(this.inverseNorms.subarray(0, from));
      this.inverseNorms = grown;
    }
    const d = this.dim;
    for (let i = from; i < to; i++) {
      let s = 0;
      for (let j = i * d, e = j + d; j < e; j++) s += this.rows[j] * this.rows[j];
      this.inverseNorms[i] = s > 0 ? 1 / Math.sqrt(s) : 0;
    }
  }

  private queryInverseNorm(query: ArrayLike<number>): number {
    if (this.metric !== 'cosine') return 1;
    let s = 0;
    for (let j = 0; j < this.dim; j++) s += query[j] * query[j];
    return s > 0 ? 1 / Math.sqrt(s) : 0;
  }

  /** Exact float64 scan keeping the k best sorted (ties: the lower row stays first). */
  private scan(query: ArrayLike<number>, k: number, indices: Int32Array, distances: Float64Array): void {
    if (this.bestIdx.length < k) {
      this.bestIdx = new Int32Array(k);
      this.bestDist = new Float64Array(k);
    }
    const best = this.bestIdx;
    const dist = this.bestDist;
    const d = this.dim;
    const x = this.rows;
    const cosine = this.metric === 'cosine';
    const qInv = this.queryInverseNorm(query);
    let size = 0;
    for (let i = 0; i < this.count; i++) {
      let sum = 0;
      const o = i * d;
      if (cosine) {
        const rInv = this.inverseNorms[i];
        for (let j = 0; j < d; j++) {
          const t = x[o + j] * rInv - query[j] * qInv;
          sum += t * t;
        }
      } else {
        for (let j = 0; j < d; j++) {
          const t = x[o + j] - query[j];
          sum += t * t;
        }
      }
      if (size === k && !(sum < dist[k - 1])) continue;
      let at = size < k ? size++ : k - 1;
      while (at > 0 && dist[at - 1] > sum) {
        dist[at] = dist[at - 1];
        best[at] = best[at - 1];
        at--;
      }
      dist[at] = sum;
      best[at] = i;
    }
    for (let t = 0; t < k; t++) {
      indices[t] = best[t];
      distances[t] = Math.sqrt(dist[t]);
    }
  }

  /** The graph's search, sorted nearest first (ties to the lower row): hnswlib returns no set order. Returns how many it found. */
  private graphSearch(query: ArrayLike<number>, k: number, indices: Int32Array, distances: Float64Array): number {
    const graph = this.graph as hnswlib.HierarchicalNSW;
    const ef = Math.max(k, this.hnsw.efSearch ?? GRAPH_EF_SEARCH);
    if (ef !== this.graphEf) {
      graph.setEf(ef);
      this.graphEf = ef;
    }
    const buffer = this.buffer;
    const inv = this.queryInverseNorm(query);
    for (let j = 0; j < this.dim; j++) buffer[j] = query[j] * inv;
    const res = graph.searchKnn(buffer, k);
    const n = res.neighbors.length;
    for (let t = 0; t < n; t++) {
      const label = res.neighbors[t];
      const sq = res.distances[t];
      let at = t;
      while (at > 0 && (distances[at - 1] > sq || (distances[at - 1] === sq && indices[at - 1] > label))) {
        distances[at] = distances[at - 1];
        indices[at] = indices[at - 1];
        at--;
      }
      distances[at] = sq;
      indices[at] = label;
    }
    for (let t = 0; t < n; t++) distances[t] = Math.sqrt(Math.max(0, distances[t]));
    return n;
  }

  /** Row i as the graph stores it (normalised for `cosine`), in the shared buffer. */
  private graphRow(i: number): number[] {
    const inv = this.metric === 'cosine' ? this.inverseNorms[i] : 1;
    const o = i * this.dim;
    for (let j = 0; j < this.dim; j++) this.buffer[j] = this.rows[o + j] * inv;
    return this.buffer;
  }

  private capacity(): number {
    return this.rows.length / this.dim;
  }

  private reserve(rows: number): void {
    if (this.matrix === undefined && rows <= this.capacity()) return;
    // A matrix given to fromMatrix is the caller's: the first add copies it.
    const capacity = Math.max(rows, Math.ceil(this.capacity() * GROW), 64);
    const grown = newRows(this.rowType, capacity * this.dim);
    grown.set(this.rows.subarray(0, this.count * this.dim));
    this.rows = grown;
    this.matrix = undefined;
    this.graph?.resizeIndex(capacity);
  }

  private buildGraph(): void {
    const graph = new (hnsw().HierarchicalNSW)('l2', this.dim);
    graph.initIndex(Math.max(this.capacity(), this.count, 1), this.hnsw.M ?? GRAPH_M, this.hnsw.efConstruction ?? GRAPH_EF_CONSTRUCTION, this.seed);
    for (let i = 0; i < this.count; i++) graph.addPoint(this.graphRow(i), i);
    this.graph = graph;
    this.graphEf = 0;
  }

  /** Writes the rows and, in the HNSW regime, the graph. */
  async save(files: NeighbourIndexFiles): Promise<NeighbourIndexFiles> {
    const { writeArrowMatrix } = await import('../data/arrow.js');
    await writeArrowMatrix(files.rows, ndarray(this.rows.slice(0, this.count * this.dim), [this.count, this.dim]));
    if (this.approximate) {
      this.graph ?? this.buildGraph();
      await (this.graph as hnswlib.HierarchicalNSW).writeIndex(files.graph);
    }
    return files;
  }

  /**
   * An index over rows read elsewhere (checked by the caller) with the graph saved beside them when
   * `graphFile` exists (its row count is checked), else built when the rows reach `exactBelow`.
   */
  static async withRows(matrix: NdArray, graphFile: string | undefined, options: Omit<NeighbourIndexOptions, 'dim' | 'rowType'> = {}): Promise<NeighbourIndex> {
    const index = NeighbourIndex.fromMatrix(matrix, options);
    if (graphFile !== undefined && existsSync(graphFile)) {
      const graph = new (hnsw().HierarchicalNSW)('l2', index.dim);
      await graph.readIndex(graphFile);
      if (graph.getCurrentCount() !== index.count) throw new UserInputError(`HNSW index holds ${graph.getCurrentCount()} rows but the store ${index.count}`, { file: graphFile });
      graph.resizeIndex(Math.max(index.capacity(), 1));
      index.graph = graph;
    } else if (index.approximate) index.buildGraph();
    return index;
  }

  /** Loads what `save` wrote. */
  static async load(files: NeighbourIndexFiles, options: Omit<NeighbourIndexOptions, 'rowType'>): Promise<NeighbourIndex> {
    const { readArrowMatrix } = await import('../data/arrow.js');
    const { array } = await readArrowMatrix(files.rows);
    if (array.shape.length !== 2 || array.shape[1] !== options.dim || !(array.data instanceof Float32Array || array.data instanceof Float64Array)) {
      throw new UserInputError(`expected float rows of shape [n, ${options.dim}], got ${array.data.constructor.name} ${JSON.stringify(array.shape)}`, { file: files.rows });
    }
    return NeighbourIndex.withRows(array, files.graph, options);
  }
}
