/**
 * HNSW on every core: the reference rows are cut into one contiguous shard per worker thread, each
 * worker builds an hnswlib index of its shard (hnswlib-node inserts on one thread) and answers every
 * query within it, and the shards' k nearest are merged per query. Building W smaller graphs in
 * parallel takes about 1/W of the time of one graph, and a query's true neighbours are each in
 * some shard, where a smaller graph finds them at least as reliably.
 *
 * The vectors travel once, in SharedArrayBuffers; results come back the same way.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Copies an hnswlib search result into row `q` of `labels` and `values` (k per row), nearest first,
 * ties to the lower label: hnswlib returns its results in no guaranteed order. `value` maps a
 * squared L2 distance to what is stored.
 */
export function writeNearestFirst(
  res: { readonly neighbors: readonly number[]; readonly distances: readonly number[] },
  q: number,
  k: number,
  labels: Int32Array,
  values: Float32Array | Float64Array,
  value: (squared: number) => number = (v) => v,
): void {
  const order = res.neighbors.map((_, i) => i).sort((a, b) => res.distances[a] - res.distances[b] || res.neighbors[a] - res.neighbors[b]);
  for (let t = 0; t < k; t++) {
    labels[q * k + t] = res.neighbors[order[t]];
    values[q * k + t] = value(res.distances[order[t]]);
  }
}

/** The worker entry, next to this file in the build (dist/compute/hnsw-worker.js). */
const WORKER_URL = new URL('./hnsw-worker.js', import.meta.url);

/** Whether the built worker file exists (it does not when this module runs from TypeScript sources). */
export function hnswWorkersAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

export interface HnswShardJob {
  readonly reference: SharedArrayBuffer;
  readonly queries: SharedArrayBuffer;
  readonly nr: number;
  readonly nq: number;
  readonly d: number;
  readonly k: number;
  readonly start: number;
  readonly end: number;
  readonly M: number;
  readonly efConstruction: number;
  readonly efSearch: number;
  readonly seed: number;
  /** [nq × k] labels (global row indices) and squared distances of this shard's nearest. */
  readonly labels: SharedArrayBuffer;
  readonly distances: SharedArrayBuffer;
  /** Int32 counter of insertions + searches done, for progress. */
  readonly progress: SharedArrayBuffer;
}

export interface ShardedHnswInput {
  /** Row-major float32 reference vectors (already normalised for cosine). */
  readonly reference: Float32Array;
  /** Row-major float32 queries; the same array as `reference` for test-time neighbourhoods. */
  readonly queries: Float32Array;
  readonly d: number;
  readonly k: number;
  readonly M: number;
  readonly efConstruction: number;
  readonly efSearch: number;
  readonly seed: number;
  readonly workers: number;
  readonly onProgress?: (done: number, total: number) => void;
}

function shared(data: Float32Array): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(data.byteLength);
  new Float32Array(sab).set(data);
  return sab;
}

/** Per query, the k nearest (label, squared distance) over all shards: nearest first, ties to the lower label. */
export async function shardedHnsw(input: ShardedHnswInput): Promise<{ labels: Int32Array; squared: Float64Array }> {
  const { d, k, workers } = input;
  const nr = input.reference.length / d;
  const nq = input.queries.length / d;
  const reference = shared(input.reference);
  const queries = input.queries === input.reference ? reference : shared(input.queries);
  const shards = Array.from({ length: workers }, (_, w) => ({ start: Math.floor((w * nr) / workers), end: Math.floor(((w + 1) * nr) / workers) })).filter((s) => s.end > s.start);
  const jobs = shards.map((s, w): HnswShardJob => {
    const kk = Math.min(k, s.end - s.start);
    return {
      reference,
      queries,
      nr,
      nq,
      d,
      k: kk,
      start: s.start,
      end: s.end,
      M: input.M,
      efConstruction: input.efConstruction,
      efSearch: Math.max(kk, input.efSearch),
      seed: input.seed + w,
      labels: new SharedArrayBuffer(nq * kk * 4),
      distances: new SharedArrayBuffer(nq * kk * 4),
      progress: new SharedArrayBuffer(4),
    };
  });
  const total = jobs.reduce((sum, j) => sum + (j.end - j.start) + nq, 0);
  const counters = jobs.map((j) => new Int32Array(j.progress));
  const timer = input.onProgress
    ? setInterval(
        () =>
          input.onProgress?.(
            counters.reduce((sum, c) => sum + Atomics.load(c, 0), 0),
            total,
          ),
        500,
      )
    : undefined;
  try {
    await Promise.all(
      jobs.map(
        (job) =>
          new Promise<void>((resolve, reject) => {
            const worker = new Worker(WORKER_URL, { workerData: job });
            worker.once('error', reject);
            worker.once('message', (m: { error?: string }) => (m.error ? reject(new Error(m.error)) : resolve()));
            worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`HNSW worker exited with ${code}`))));
          }),
      ),
    );
  } finally {
    if (timer) clearInterval(timer);
  }
  input.onProgress?.(total, total);

  // Merge: per query, the k best of the shards' lists (each sorted nearest first).
  const labels = new Int32Array(nq * k);
  const squared = new Float64Array(nq * k);
  const views = jobs.map((j) => ({ k: j.k, labels: new Int32Array(j.labels), distances: new Float32Array(j.distances) }));
  const heads = new Int32Array(views.length);
  for (let q = 0; q < nq; q++) {
    heads.fill(0);
    for (let t = 0; t < k; t++) {
      let best = -1;
      for (let s = 0; s < views.length; s++) {
        const v = views[s];
        if (heads[s] >= v.k) continue;
        if (best === -1) {
          best = s;
          continue;
        }
        const a = v.distances[q * v.k + heads[s]];
        const b = views[best].distances[q * views[best].k + heads[best]];
        if (a < b || (a === b && v.labels[q * v.k + heads[s]] < views[best].labels[q * views[best].k + heads[best]])) best = s;
      }
      const v = views[best];
      labels[q * k + t] = v.labels[q * v.k + heads[best]];
      squared[q * k + t] = v.distances[q * v.k + heads[best]];
      heads[best]++;
    }
  }
  return { labels, squared };
}
