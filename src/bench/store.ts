/**
 * `npm run bench store`: the select router's reference store in LanceDB against the in-memory store,
 * measured in the same run on the same synthetic samples: routing latency (p50/p99) without and with
 * learning, what a LanceDB vector search per request would cost instead of the local copy, add
 * throughput, and how long a row one process adds takes to become visible to another.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Rng } from '../compute/rng.js';
import { createEmbedder } from '../embed/factory.js';
import { DEFAULT_REFRESH_MS, LanceStore, LANCEDB_VERSION, loadLance } from '../route/lance-store.js';
import type { StoreSample } from '../route/reference-store.js';
import { createRouter } from '../route/router.js';
import type { SelectRouter } from '../route/select-router.js';

const D = 64;
const M = 3;
const ROWS = 2000;
const QUERIES = 400;
const VISIBILITY_TRIALS = 5;

function samples(n: number, seed: number): StoreSample[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => ({ input: Float32Array.from({ length: D }, () => rng.normal()), candidates: Float32Array.from({ length: M * D }, () => rng.normal()) }));
}

function percentiles(ms: number[]): { p50_ms: number; p99_ms: number; mean_ms: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { p50_ms: round(at(0.5)), p99_ms: round(at(0.99)), mean_ms: round(ms.reduce((a, b) => a + b, 0) / ms.length) };
}

async function timeEach(queries: readonly StoreSample[], f: (q: StoreSample) => unknown): Promise<number[]> {
  const ms: number[] = [];
  for (const q of queries) {
    const t = performance.now();
    await f(q);
    ms.push(performance.now() - t);
  }
  return ms;
}

const CANDIDATES = ['a', 'b', 'c'];

/** Milliseconds from an acknowledged add in this process to its row showing in another process's copy. */
async function visibilityDelays(dir: string): Promise<number[]> {
  const uri = path.join(dir, 'visibility');
  const writer = await LanceStore.open({ uri, voters: M, embedder: { id: 'bench', version: '1' }, refreshMs: 0 });
  await writer.add(samples(1, 99));
  const child = path.join(dir, 'watch.mjs');
  const lance = pathToFileURL(path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'route', 'lance-store.js')).href;
  await writeFile(
    child,
    `import { LanceStore } from ${JSON.stringify(lance)};
const store = await LanceStore.open({ uri: ${JSON.stringify(uri)}, voters: ${M}, embedder: { id: 'bench', version: '1' } });
process.stdout.write('ready ' + store.size + '\\n');
let seen = store.size;
setInterval(() => { if (store.size > seen) { seen = store.size; process.stdout.write('seen ' + seen + ' ' + Date.now() + '\\n'); } }, 1);
`,
  );
  const proc = spawn(process.execPath, [child], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let buffer = '';
  const waiters: ((line: string) => void)[] = [];
  proc.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const l of parts) (waiters.shift() ?? ((x: string) => lines.push(x)))(l);
  });
  const next = (): Promise<string> => (lines.length > 0 ? Promise.resolve(lines.shift()!) : new Promise((resolve) => waiters.push(resolve)));
  await next();
  const delays: number[] = [];
  for (let t = 0; t < VISIBILITY_TRIALS; t++) {
    await writer.add(samples(1, 100 + t));
    const acked = Date.now();
    const seenAt = Number((await next()).split(' ')[2]);
    delays.push(seenAt - acked);
  }
  proc.kill('SIGKILL');
  await writer.close();
  return delays;
}

export async function benchStore(): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'smoothie-bench-store-'));
  try {
    const embedder = await createEmbedder('hash:64');
    const stored = samples(ROWS, 1);
    const queries = samples(QUERIES, 2);
    const config = { strategy: 'select' as const, voters: CANDIDATES, k: 20 };
    const memory = (await createRouter(config, { embedder })) as SelectRouter;
    const lance = (await createRouter(config, { embedder, store: { uri: path.join(dir, 'route'), refreshMs: 0 } })) as SelectRouter;
    await memory.addEmbedded(stored);
    let t = performance.now();
    await lance.addEmbedded(stored);
    const bulkSeconds = (performance.now() - t) / 1000;
    // Warm both, then alternate the two in the same loop so machine noise hits both alike.
    for (const q of queries.slice(0, 20)) {
      memory.routeEmbedded(q, CANDIDATES);
      lance.routeEmbedded(q, CANDIDATES);
    }
    const memoryMs = await timeEach(queries, (q) => memory.routeEmbedded(q, CANDIDATES));
    const lanceMs = await timeEach(queries, (q) => lance.routeEmbedded(q, CANDIDATES));

    // The alternative: a LanceDB (flat, exact) vector search per request instead of the local copy.
    const { lancedb } = await loadLance();
    const db = await lancedb.connect(path.join(dir, 'route'));
    const table = await db.openTable('reference_store');
    const searchMs = await timeEach(queries.slice(0, 100), (q) => table.vectorSearch(Array.from(q.input)).column('input').distanceType('l2').limit(19).select(['id', '_distance']).toArray());
    db.close();

    // learn: true — the sample is committed (LanceDB) or appended (memory) before the answer.
    const memoryLearn = (await createRouter({ ...config, learn: true }, { embedder })) as SelectRouter;
    const lanceLearn = (await createRouter({ ...config, learn: true }, { embedder, store: { uri: path.join(dir, 'learn'), refreshMs: 0 } })) as SelectRouter;
    await memoryLearn.addEmbedded(stored);
    await lanceLearn.addEmbedded(stored);
    const learnQueries = queries.slice(0, 100);
    const memoryLearnMs = await timeEach(learnQueries, (q) => memoryLearn.routeEmbedded(q, CANDIDATES));
    const lanceLearnMs = await timeEach(learnQueries, async (q) => {
      lanceLearn.routeEmbedded(q, CANDIDATES);
      await lanceLearn.flush();
    });
    const addsPerSecond = learnQueries.length / (lanceLearnMs.reduce((a, b) => a + b, 0) / 1000);
    t = performance.now();
    const batches = samples(1000, 3);
    for (let i = 0; i < batches.length; i += 100) await (lanceLearn.addEmbedded(batches.slice(i, i + 100)) as Promise<void>);
    const batchRowsPerSecond = batches.length / ((performance.now() - t) / 1000);
    await lance.dispose();
    await lanceLearn.dispose();

    const delays = await visibilityDelays(dir);
    const result = {
      lancedb: LANCEDB_VERSION,
      rows: ROWS,
      dim: D,
      voters: M,
      k: 20,
      queries: QUERIES,
      route_memory: percentiles(memoryMs),
      route_lance_local_copy: percentiles(lanceMs),
      route_lance_vs_memory_p50: Math.round((percentiles(lanceMs).p50_ms / percentiles(memoryMs).p50_ms) * 100) / 100,
      lancedb_vector_search_per_request: percentiles(searchMs),
      learn_memory: percentiles(memoryLearnMs),
      learn_lance_committed: percentiles(lanceLearnMs),
      lance_single_row_adds_per_s: Math.round(addsPerSecond),
      lance_rows_per_s_batches_of_100: Math.round(batchRowsPerSecond),
      lance_bulk_add_rows_per_s: Math.round(ROWS / bulkSeconds),
      refresh_ms: DEFAULT_REFRESH_MS,
      visibility_delay_ms: { trials: delays, max: Math.max(...delays), mean: Math.round(delays.reduce((a, b) => a + b, 0) / delays.length) },
    };
    console.log(
      [
        `store: ${ROWS} rows, d=${D}, m=${M}, k=20, LanceDB ${LANCEDB_VERSION}`,
        `  routeEmbedded, in-memory store:           p50 ${result.route_memory.p50_ms} ms, p99 ${result.route_memory.p99_ms} ms`,
        `  routeEmbedded, Lance store (local copy):  p50 ${result.route_lance_local_copy.p50_ms} ms, p99 ${result.route_lance_local_copy.p99_ms} ms (×${result.route_lance_vs_memory_p50} of in-memory p50)`,
        `  a LanceDB vector search per request:      p50 ${result.lancedb_vector_search_per_request.p50_ms} ms, p99 ${result.lancedb_vector_search_per_request.p99_ms} ms`,
        `  learn, in-memory append:                  p50 ${result.learn_memory.p50_ms} ms, p99 ${result.learn_memory.p99_ms} ms`,
        `  learn, Lance commit before the answer:    p50 ${result.learn_lance_committed.p50_ms} ms, p99 ${result.learn_lance_committed.p99_ms} ms (${result.lance_single_row_adds_per_s} single-row adds/s; ${result.lance_rows_per_s_batches_of_100} rows/s in batches of 100)`,
        `  visibility in another process (refresh ${DEFAULT_REFRESH_MS} ms): mean ${result.visibility_delay_ms.mean} ms, max ${result.visibility_delay_ms.max} ms`,
      ].join('\n'),
    );
    return { note: 'same synthetic samples for both stores, measured in one run; learn rows are committed one per request', results: result };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
