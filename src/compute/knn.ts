/**
 * k-nearest-neighbour search between a reference set R (nr × d) and queries Q (nq × d).
 *
 * `exact`: the Gram matrix Q·Rᵀ runs in float32, in blockRows × blockRows blocks (bounded memory),
 * on ONNX Runtime when onnxruntime-node is installed (the product and a TopK per block run natively
 * on every core; JavaScript merges k + 4 candidates per row and block), else on the active tfjs
 * backend (wasm SIMD by default, the GPU with tensorflow-gpu), where JavaScript scans every entry
 * and, when queries and references are the same rows, only blocks on and above the diagonal are
 * computed, each also serving, transposed, the rows below it. Float32 dot products carry an
 * error of at most γ_d·‖q‖·‖r‖ (γ_d = d·u/(1−d·u)), so every reference whose approximate squared
 * distance lies within 2·bound of the k-th approximate one is re-measured exactly in float64 and
 * the k smallest exact distances win (ties: lower index); when the (k+1)-th lies beyond that reach
 * the set is already certain. The neighbour sets equal a float64 brute-force search (what
 * scikit-learn computes for the reference); distances are exact where re-measured, otherwise
 * float32-accurate (near-zero ones, such as a sample's distance to itself, are measured exactly).
 *
 * `hnsw`: hnswlib-node's HNSW graph: approximate, for reference sets too large for O(nq·nr·d); from
 * 20,000 rows one graph per core over shards of the references, built and searched in worker threads.
 */
import os from 'node:os';
import { hnswWorkersAvailable, shardedHnsw, writeNearestFirst } from './hnsw-shards.js';
import type { NdArray } from './ndarray.js';
import { createBackend, type Backend } from './backend.js';
import { InvalidParameterError } from '../errors/index.js';
import { createOnnxSession, defaultIntraOpThreads, loadOnnxRuntime, OnnxGraphBuilder, OnnxType, type OrtModule, type OrtSession } from './onnx.js';
import { DEFAULT_SEED } from './rng.js';

/** What computes the exact search's Gram blocks. */
export const GRAM_ENGINES = ['auto', 'onnx', 'tfjs'] as const;
export type GramEngine = (typeof GRAM_ENGINES)[number];

export const KNN_METHODS = ['exact', 'hnsw', 'auto'] as const;
export type KnnMethod = (typeof KNN_METHODS)[number];
export const DISTANCE_METRICS = ['euclidean', 'cosine'] as const;
export type DistanceMetric = (typeof DISTANCE_METRICS)[number];

/**
 * Above this many reference rows `auto` switches from exact to HNSW. Measured by `npm run bench`
 * (results/bench/knn.json, 2 cores, d=384, k=20, queries = references): exact 0.13 s / 1.9 s / 7.1 s
 * at n = 2,000 / 10,000 / 20,000 against HNSW 0.39 s / 2.2 s / 5.5 s (recall 1.0): they break even
 * near 15,000, and exact grows as n² beyond. Up to 20,000 exactness costs at most 1.3×.
 */
export const AUTO_HNSW_THRESHOLD = 20_000;

/**
 * HNSW parameters. Shards of up to `SPARSE_SHARD_ROWS` rows default to a sparser graph and a
 * shorter search list: every query is searched in all shards, so at equal parameters the merged
 * result has higher recall than one graph. Measured at 100,000 rows, d=384, k=20, 2 shards (recall@20
 * on 500 queries against the exact search): M=16/ef=64 0.9998 in 32.6 s, M=12/ef=40 0.9966 in
 * 27.4 s; one graph with M=16/ef=64: 0.995 at 30,000 rows. Larger shards keep 16/64: at 1,000,000
 * rows in 2 shards, 12/40 reached recall 0.957 only.
 */
export interface HnswOptions {
  /** Graph degree. @default 16 (12 in shards of up to 100,000 rows) */
  readonly M?: number;
  /** Candidate list size while building. @default 100 */
  readonly efConstruction?: number;
  /** Candidate list size while searching (raised to k when smaller). @default 64 (40 in shards of up to 100,000 rows) */
  readonly efSearch?: number;
}

export interface KnnOptions {
  readonly k: number;
  /** @default 'euclidean' (the reference's metric) */
  readonly metric?: DistanceMetric;
  /** @default 'auto' */
  readonly method?: KnnMethod;
  /**
   * Engine of the exact Gram products: `onnx` is onnxruntime-node's matrix product on every core
   * (~8× tfjs-wasm on 2 cores), `tfjs` the tfjs `backend`; `auto` takes onnx when onnxruntime-node
   * loads, unless the tfjs backend is tensorflow-gpu. Neighbour sets are identical either way (the
   * float64 re-ranking makes them exact). @default 'auto'
   */
  readonly engine?: GramEngine;
  /** tfjs backend for the exact Gram products on the tfjs engine. @default the `auto` backend */
  readonly backend?: Backend;
  /** Seeds HNSW's level generator. @default 42 */
  readonly seed?: number;
  readonly hnsw?: HnswOptions;
  /**
   * Worker threads for HNSW: the references are split into one shard per worker, each indexed and
   * searched in parallel, and the shards' nearest merged. @default one per core from
   * `HNSW_SHARD_MIN_ROWS` reference rows up (when the build's worker file is present), else 1
   */
  readonly workers?: number;
  /** Rows per Gram block: a block holds blockRows² float32 values. @default 1024 on onnx, 512 on tfjs */
  readonly blockRows?: number;
  /** Called as work completes (Gram blocks, or HNSW insertions + searches). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Neighbours of each query, nearest first: row q occupies [q·k, (q+1)·k). */
export interface Neighbours {
  readonly k: number;
  readonly indices: Int32Array;
  /** Euclidean distances (of the L2-normalised vectors for `cosine`). */
  readonly distances: Float64Array;
  readonly method: 'exact' | 'hnsw';
  /** What computed them: `onnxruntime` or `tfjs-<backend>` (exact), `hnswlib` (HNSW). */
  readonly compute?: string;
}

function rowsOf(a: NdArray, what: string): { n: number; d: number } {
  if (a.shape.length !== 2) throw new InvalidParameterError(what, `must be 2-d (n × d), got [${a.shape.join(', ')}]`);
  return { n: a.shape[0], d: a.shape[1] };
}

function toFloat64(a: NdArray, normalise: boolean): Float64Array {
  const out = Float64Array.from(a.data);
  if (normalise) {
    const d = a.shape[1];
    for (let off = 0; off < out.length; off += d) {
      let s = 0;
      for (let j = 0; j < d; j++) s += out[off + j] * out[off + j];
      const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (let j = 0; j < d; j++) out[off + j] *= inv;
    }
  }
  return out;
}

function squaredNorms(x: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = i * d, e = j + d; j < e; j++) s += x[j] * x[j];
    out[i] = s;
  }
  return out;
}

function exactSquaredDistance(x: Float64Array, xi: number, y: Float64Array, yi: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = x[xi + j] - y[yi + j];
    s += t * t;
  }
  return s;
}

/**
 * The `keep` smallest (value, index) pairs of each of n rows, sorted, ties to the lower index.
 * One flat store for all rows, because a row's candidates arrive from several Gram blocks.
 */
class CandidateLists {
  readonly values: Float64Array;
  readonly indices: Int32Array;
  readonly sizes: Int32Array;
  /** Largest kept value per row (+Infinity until full): the fast rejection test. */
  readonly worst: Float64Array;

  constructor(
    n: number,
    readonly keep: number,
  ) {
    this.values = new Float64Array(n * keep);
    this.indices = new Int32Array(n * keep);
    this.sizes = new Int32Array(n);
    this.worst = new Float64Array(n).fill(Infinity);
  }

  push(row: number, value: number, index: number): void {
    const keep = this.keep;
    const base = row * keep;
    const size = this.sizes[row];
    if (size === keep) {
      const w = this.values[base + keep - 1];
      if (value > w || (value === w && index > this.indices[base + keep - 1])) return;
    }
    let i = size < keep ? size : keep - 1;
    if (size < keep) this.sizes[row] = size + 1;
    while (i > 0) {
      const pv = this.values[base + i - 1];
      if (pv < value || (pv === value && this.indices[base + i - 1] < index)) break;
      this.values[base + i] = pv;
      this.indices[base + i] = this.indices[base + i - 1];
      i--;
    }
    this.values[base + i] = value;
    this.indices[base + i] = index;
    if (this.sizes[row] === keep) this.worst[row] = this.values[base + keep - 1];
  }
}

interface Block {
  readonly start: number;
  readonly rows: number;
}

function blocksOf(n: number, size: number): Block[] {
  const out: Block[] = [];
  for (let start = 0; start < n; start += size) out.push({ start, rows: Math.min(size, n - start) });
  return out;
}

// CPU only: measured on an H200 (results/bench/device-h200.json), onnxruntime-node's WebGPU
// provider returned other neighbour sets than the float32 error bound allows, and more slowly.
let onnxNearest: Promise<OrtSession> | undefined;

/**
 * One ONNX Runtime session, shared by every search of the process, that returns for each query row
 * of a block its `keep` smallest values of ‖r‖² − 2·q·r over a reference block (ascending; ties to
 * the lower index, as ONNX TopK specifies): the Gram product and the selection run natively on
 * every core, and JavaScript only merges `keep` candidates per row and block.
 */
function onnxNearestSession(ort: OrtModule): Promise<OrtSession> {
  onnxNearest ??= (async () => {
    const g = new OnnxGraphBuilder('nearest');
    const q = g.input('q', OnnxType.float, ['rows', 'd']);
    const rT = g.input('rT', OnnxType.float, ['d', 'cols']);
    const rNorm = g.input('r_norm', OnnxType.float, ['cols']);
    const keep = g.input('keep', OnnxType.int64, [1]);
    const dots = g.node('MatMul', [q, rT]);
    const partial = g.node('Sub', [rNorm, g.node('Mul', [dots, g.scalar('two', 2)])]);
    const [values, indices] = g.nodeN('TopK', [partial, keep], 2, { axis: 1, largest: 0, sorted: 1 });
    g.rename(values, 'values');
    g.rename(indices, 'indices');
    g.output('values', OnnxType.float, ['rows', 'keep']);
    g.output('indices', OnnxType.int64, ['rows', 'keep']);
    return createOnnxSession(ort, g.toBytes(), defaultIntraOpThreads());
  })();
  return onnxNearest;
}

/** The engine the options ask for: onnxruntime-node when it loads (unless `tfjs`), else the tfjs backend. */
async function resolveEngine(engine: GramEngine, backend: Backend | undefined): Promise<{ ort: OrtModule } | { backend: Backend }> {
  if (engine !== 'tfjs' && !(engine === 'auto' && backend?.name === 'tensorflow-gpu')) {
    const ort = await loadOnnxRuntime();
    if (ort) return { ort };
    if (engine === 'onnx') throw new InvalidParameterError('engine', "engine 'onnx' needs onnxruntime-node, which is not installed (npm install onnxruntime-node)");
  }
  return { backend: backend ?? (await createBackend('auto')) };
}

/** Float64 copies, norms and the float32 error terms one exact search needs. */
interface ExactProblem {
  readonly nr: number;
  readonly nq: number;
  readonly d: number;
  readonly k: number;
  readonly symmetric: boolean;
  readonly r64: Float64Array;
  readonly q64: Float64Array;
  readonly rNorm: Float64Array;
  readonly qNorm: Float64Array;
  readonly maxRNorm: number;
  /** Candidates kept per query: a few beyond k let the float64 re-ranking see what rounding could misplace. */
  readonly keep: number;
}

function exactProblem(ref: NdArray, qry: NdArray, k: number, normalise: boolean): ExactProblem {
  const { n: nr, d } = rowsOf(ref, 'reference');
  const { n: nq } = rowsOf(qry, 'queries');
  const symmetric = ref === qry;
  const r64 = toFloat64(ref, normalise);
  const q64 = symmetric ? r64 : toFloat64(qry, normalise);
  const rNorm = squaredNorms(r64, nr, d);
  const qNorm = symmetric ? rNorm : squaredNorms(q64, nq, d);
  let maxRNorm = 0;
  for (let j = 0; j < nr; j++) maxRNorm = Math.max(maxRNorm, Math.sqrt(rNorm[j]));
  return { nr, nq, d, k, symmetric, r64, q64, rNorm, qNorm, maxRNorm, keep: k + Math.min(nr - k, 4) };
}

/** Rows [start, start + rows) of x as float32, row-major (rows × d) or transposed (d × rows). */
function blockOf(x: Float64Array, b: Block, d: number, transpose: boolean): Float32Array {
  const out = new Float32Array(b.rows * d);
  for (let i = 0; i < b.rows; i++) {
    for (let j = 0; j < d; j++) out[transpose ? j * b.rows + i : i * d + j] = x[(b.start + i) * d + j];
  }
  return out;
}

/** Candidates from tfjs Gram blocks, scanned in JavaScript (the upper triangle only when symmetric). */
async function tfjsCandidates(p: ExactProblem, backend: Backend, blockRows: number, onProgress?: (done: number, total: number) => void): Promise<CandidateLists> {
  const { tf } = backend;
  const { d, symmetric, qNorm, rNorm } = p;
  const cand = new CandidateLists(p.nq, p.keep);
  const qBlocks = blocksOf(p.nq, blockRows);
  const rBlocks = symmetric ? qBlocks : blocksOf(p.nr, blockRows);
  /** Offers a rows × cols block of dot products (row-major) to the rows' candidate lists. */
  const scan = (dots: Float32Array, rowsBlock: Block, colsBlock: Block, rowNorm: Float64Array, colNorm: Float64Array): void => {
    const cols = colsBlock.rows;
    for (let r = 0; r < rowsBlock.rows; r++) {
      const q = rowsBlock.start + r;
      const qn = rowNorm[q];
      const base = r * cols;
      let worst = cand.worst[q];
      for (let c = 0; c < cols; c++) {
        const v = qn + colNorm[colsBlock.start + c] - 2 * dots[base + c];
        if (v <= worst) {
          cand.push(q, v, colsBlock.start + c);
          worst = cand.worst[q];
        }
      }
    }
  };
  // Reference blocks transposed to d × rows: tfjs-wasm's plain matmul is ~10× faster than its
  // transposeB variant.
  const rTensors = rBlocks.map((b) => tf.tensor2d(blockOf(p.r64, b, d, true), [d, b.rows]));
  let mirror = new Float32Array(0);
  const totalBlocks = symmetric ? (qBlocks.length * (qBlocks.length + 1)) / 2 : qBlocks.length * rBlocks.length;
  let doneBlocks = 0;
  try {
    for (const [bi, qb] of qBlocks.entries()) {
      const qTensor = tf.tensor2d(blockOf(p.q64, qb, d, false), [qb.rows, d]);
      try {
        for (const [bj, rb] of rBlocks.entries()) {
          // Symmetric: block (bj, bi) below the diagonal is the transpose of (bi, bj), done already.
          if (symmetric && bj < bi) continue;
          const gram = tf.matMul(qTensor, rTensors[bj]);
          const dots = (await gram.data()) as Float32Array;
          gram.dispose();
          scan(dots, qb, rb, qNorm, rNorm);
          if (symmetric && bj > bi) {
            if (mirror.length < dots.length) mirror = new Float32Array(dots.length);
            for (let r = 0; r < qb.rows; r++) for (let c = 0; c < rb.rows; c++) mirror[c * qb.rows + r] = dots[r * rb.rows + c];
            scan(mirror, rb, qb, rNorm, rNorm);
          }
          onProgress?.(++doneBlocks, totalBlocks);
        }
      } finally {
        qTensor.dispose();
      }
    }
  } finally {
    for (const t of rTensors) t.dispose();
  }
  return cand;
}

/** Candidates from ONNX Runtime: per block, the Gram product and a TopK run natively. */
async function onnxCandidates(p: ExactProblem, ort: OrtModule, blockRows: number, onProgress?: (done: number, total: number) => void): Promise<CandidateLists> {
  const session = await onnxNearestSession(ort);
  const { d } = p;
  const cand = new CandidateLists(p.nq, p.keep);
  const qBlocks = blocksOf(p.nq, blockRows);
  const rBlocks = blocksOf(p.nr, blockRows);
  const rights = rBlocks.map((b) => ({
    rT: new ort.Tensor('float32', blockOf(p.r64, b, d, true), [d, b.rows]),
    norm: new ort.Tensor('float32', Float32Array.from(p.rNorm.subarray(b.start, b.start + b.rows)), [b.rows]),
    keep: new ort.Tensor('int64', BigInt64Array.of(BigInt(Math.min(p.keep, b.rows))), [1]),
  }));
  const total = qBlocks.length * rBlocks.length;
  let done = 0;
  for (const qb of qBlocks) {
    const q = new ort.Tensor('float32', blockOf(p.q64, qb, d, false), [qb.rows, d]);
    for (const [bj, rb] of rBlocks.entries()) {
      const { rT, norm, keep } = rights[bj];
      const out = await session.run({ q, rT, r_norm: norm, keep });
      const values = out.values.data as Float32Array;
      const indices = out.indices.data as BigInt64Array;
      const width = values.length / qb.rows;
      for (let r = 0; r < qb.rows; r++) {
        const row = qb.start + r;
        const qn = p.qNorm[row];
        for (let t = 0; t < width; t++) {
          const v = qn + values[r * width + t];
          // Sorted ascending: nothing after a rejected value can enter.
          if (v > cand.worst[row]) break;
          cand.push(row, v, rb.start + Number(indices[r * width + t]));
        }
      }
      onProgress?.(++done, total);
    }
  }
  return cand;
}

/**
 * The k nearest per query from its candidates (approximate squared distances, ascending): sets
 * the float32 rounding cannot change are final; otherwise the candidates within reach of the k-th
 * (or, with more near-ties than candidates, every row) are re-measured in float64.
 */
function rerank(p: ExactProblem, cand: CandidateLists): Neighbours {
  const { nq, nr, d, k, keep, q64, r64, qNorm, maxRNorm } = p;
  const extra = keep - k;
  const u = 2 ** -24;
  const gamma = (d * u) / (1 - d * u);
  const indices = new Int32Array(nq * k);
  const distances = new Float64Array(nq * k);
  const exact = new CandidateLists(1, k);
  for (let q = 0; q < nq; q++) {
    const base = q * keep;
    const values = cand.values.subarray(base, base + keep);
    const qn = qNorm[q];
    // Anything whose exact distance could beat the k-th neighbour's lies within `limit`: twice the
    // float32 error of one approximate value (Gram rounding γ_d·‖q‖·‖r‖ plus the roundings of
    // the norm terms, each within u·(‖q‖² + ‖r‖²)).
    const slack = 4 * gamma * Math.sqrt(qn) * maxRNorm + 8 * u * (qn + maxRNorm * maxRNorm);
    const limit = values[k - 1] + slack;
    if (extra === 0 || values[k] > limit) {
      // The (k+1)-th is further from the k-th than rounding can move either: the set is certain.
      for (let t = 0; t < k; t++) {
        const j = cand.indices[base + t];
        indices[q * k + t] = j;
        // Near-zero approximations (the sample itself, duplicates) are measured exactly.
        const v = values[t] <= slack ? exactSquaredDistance(q64, q * d, r64, j * d, d) : values[t];
        distances[q * k + t] = Math.sqrt(Math.max(0, v));
      }
      continue;
    }
    exact.sizes[0] = 0;
    exact.worst[0] = Infinity;
    if (values[keep - 1] > limit) {
      for (let t = 0; t < keep && values[t] <= limit; t++) {
        const j = cand.indices[base + t];
        exact.push(0, exactSquaredDistance(q64, q * d, r64, j * d, d), j);
      }
    } else {
      // More near-ties than kept candidates (e.g. many duplicated rows): measure every row.
      for (let j = 0; j < nr; j++) exact.push(0, exactSquaredDistance(q64, q * d, r64, j * d, d), j);
    }
    for (let t = 0; t < k; t++) {
      indices[q * k + t] = exact.indices[t];
      distances[q * k + t] = Math.sqrt(exact.values[t]);
    }
  }
  return { k, indices, distances, method: 'exact' };
}

const HNSW_PROGRESS_EVERY = 2000;

/** Shards of at most this many rows use the sparser defaults (see `HnswOptions`). */
export const SPARSE_SHARD_ROWS = 100_000;

/** From this many reference rows, HNSW runs on one worker thread per core by default. */
export const HNSW_SHARD_MIN_ROWS = 20_000;

function hnswWorkers(requested: number | undefined, nr: number): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 1) throw new InvalidParameterError('workers', `must be a positive integer, got ${requested}`);
    return requested;
  }
  return nr >= HNSW_SHARD_MIN_ROWS && hnswWorkersAvailable() ? Math.max(1, os.availableParallelism()) : 1;
}

/** float32 rows, L2-normalised in float64 first when asked (cosine). */
function toFloat32(a: NdArray, normalise: boolean): Float32Array {
  if (!normalise && a.data instanceof Float32Array) return a.data;
  return Float32Array.from(toFloat64(a, normalise));
}

async function hnswKnn(
  ref: NdArray,
  qry: NdArray,
  k: number,
  normalise: boolean,
  seed: number,
  opts: HnswOptions & { readonly workers?: number },
  onProgress?: (done: number, total: number) => void,
): Promise<Neighbours> {
  const { n: nr, d } = rowsOf(ref, 'reference');
  const { n: nq } = rowsOf(qry, 'queries');
  const workers = Math.min(hnswWorkers(opts.workers, nr), nr);
  if (workers > 1) {
    const sparse = Math.ceil(nr / workers) <= SPARSE_SHARD_ROWS;
    const reference = toFloat32(ref, normalise);
    const { labels, squared } = await shardedHnsw({
      reference,
      queries: ref === qry ? reference : toFloat32(qry, normalise),
      d,
      k,
      M: opts.M ?? (sparse ? 12 : 16),
      efConstruction: opts.efConstruction ?? 100,
      efSearch: opts.efSearch ?? (sparse ? 40 : 64),
      seed,
      workers,
      onProgress,
    });
    return { k, indices: labels, distances: squared.map((v) => Math.sqrt(Math.max(0, v))), method: 'hnsw', compute: 'hnswlib' };
  }
  const r64 = toFloat64(ref, normalise);
  const q64 = ref === qry ? r64 : toFloat64(qry, normalise);
  const { default: hnswlib } = await import('hnswlib-node');
  const index = new hnswlib.HierarchicalNSW('l2', d);
  index.initIndex(nr, opts.M ?? 16, opts.efConstruction ?? 100, seed);
  const total = nr + nq;
  // Yield to the event loop between progress reports so a TTY progress bar can redraw.
  const report = async (done: number): Promise<void> => {
    if (onProgress && (done % HNSW_PROGRESS_EVERY === 0 || done === total)) {
      onProgress(done, total);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  for (let i = 0; i < nr; i++) {
    index.addPoint(Array.from(r64.subarray(i * d, (i + 1) * d)), i);
    await report(i + 1);
  }
  index.setEf(Math.max(k, opts.efSearch ?? 64));
  const indices = new Int32Array(nq * k);
  const distances = new Float64Array(nq * k);
  for (let q = 0; q < nq; q++) {
    const res = index.searchKnn(Array.from(q64.subarray(q * d, (q + 1) * d)), k);
    writeNearestFirst(res, q, k, indices, distances, (squared) => Math.sqrt(Math.max(0, squared)));
    await report(nr + q + 1);
  }
  return { k, indices, distances, method: 'hnsw', compute: 'hnswlib' };
}

/** The method `auto` picks for a reference set of `n` rows. */
export function resolveKnnMethod(method: KnnMethod, n: number): 'exact' | 'hnsw' {
  if (method !== 'auto') return method;
  return n > AUTO_HNSW_THRESHOLD ? 'hnsw' : 'exact';
}

/**
 * The k nearest references of every query. Pass the same array as `reference` and `queries` for
 * test-time neighbourhoods: each sample is then its own nearest neighbour, as in the reference.
 */
export async function kNearest(reference: NdArray, queries: NdArray, options: KnnOptions): Promise<Neighbours> {
  const { n: nr, d } = rowsOf(reference, 'reference');
  const { d: dq } = rowsOf(queries, 'queries');
  if (d !== dq) throw new InvalidParameterError('queries', `reference has d=${d} but queries have d=${dq}`);
  const k = options.k;
  if (!Number.isInteger(k) || k < 1 || k > nr) {
    throw new InvalidParameterError('k', `must be an integer in [1, ${nr}], got ${k}`);
  }
  const normalise = (options.metric ?? 'euclidean') === 'cosine';
  const method = resolveKnnMethod(options.method ?? 'auto', nr);
  if (method === 'hnsw') {
    return hnswKnn(reference, queries, k, normalise, options.seed ?? DEFAULT_SEED, { ...options.hnsw, workers: options.workers }, options.onProgress);
  }
  const engine = await resolveEngine(options.engine ?? 'auto', options.backend);
  const problem = exactProblem(reference, queries, k, normalise);
  const candidates =
    'ort' in engine
      ? await onnxCandidates(problem, engine.ort, options.blockRows ?? 1024, options.onProgress)
      : await tfjsCandidates(problem, engine.backend, options.blockRows ?? 512, options.onProgress);
  return { ...rerank(problem, candidates), compute: 'ort' in engine ? 'onnxruntime' : `tfjs-${engine.backend.name}` };
}
