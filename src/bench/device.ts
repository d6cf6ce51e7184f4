/**
 * Benchmarks for a machine lent with a GPU (and many cores), where only a minimal install travels:
 * Node, onnxruntime-node, hnswlib-node, zod and the built files. It imports nothing else (no tfjs),
 * so `use` runs its ONNX graph over synthetic weights of the real shapes (same arithmetic and
 * speed as the real model; the real small constants — scales, ε, timing — are kept) on the real
 * tokenizer and real long texts.
 *
 *   node dist/bench/device.js --spec use-spec.json --vocab vocab.json --texts texts.json
 *        [--gpu] [--python bench/reference_smoothie_local.py] [--million] > result.json
 *
 * Run it once pinned to 2 cores (`taskset -c 0,1`) for figures comparable with the 2-core CI
 * machine, and once on every core with --gpu (WebGPU provider through Vulkan) and --million.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { kNearest } from '../compute/knn.js';
import { ndarray } from '../compute/ndarray.js';
import { createOnnxSession, loadOnnxRuntime, type OnnxDevice, type OrtModule } from '../compute/onnx.js';
import { Rng } from '../compute/rng.js';
import { readNpy, writeNpy } from '../data/npy.js';
import { planBatches } from '../embed/batches.js';
import { buildUseOnnxModel, useOnnxFeeds, type UseWeights } from '../embed/use/onnx-model.js';
import { UseTokenizer, type UseVocabEntry } from '../embed/use/tokenizer.js';
import { Smoothie } from '../smoothie/estimator.js';
import { syntheticEmbeddings } from './synthetic.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
};
const flag = (name: string): boolean => process.argv.includes(name);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

interface WeightSpec {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32';
  readonly values?: number[];
}

function syntheticWeights(specs: readonly WeightSpec[]): UseWeights {
  const rng = new Rng(21);
  const weights = new Map<string, { data: Float32Array | Int32Array; shape: readonly number[] }>();
  for (const s of specs) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    if (s.values) weights.set(s.name, { data: s.dtype === 'int32' ? Int32Array.from(s.values) : Float32Array.from(s.values), shape: s.shape });
    else weights.set(s.name, { data: Float32Array.from({ length: size }, () => 0.05 * rng.normal()), shape: s.shape });
  }
  return weights;
}

async function embedAll(ort: OrtModule, model: Uint8Array, device: OnnxDevice, threads: number, tokens: number[][]): Promise<{ seconds: number; out: Float32Array }> {
  const session = await createOnnxSession(ort, model, threads, device);
  const run = async (batch: number[][]): Promise<Float32Array> => {
    const res = await session.run(useOnnxFeeds(ort, batch));
    return res.embedding.data as Float32Array;
  };
  const texts = tokens.map((t) => 'x'.repeat(t.length));
  const batches = planBatches(texts, 32);
  await run(tokens.slice(0, 32)); // warm-up (shader compilation, allocations)
  const out = new Float32Array(tokens.length * 512);
  const t = performance.now();
  for (const b of batches) {
    const r = await run(b.map((i) => tokens[i]));
    b.forEach((i, j) => out.set(r.subarray(j * 512, (j + 1) * 512), i * 512));
  }
  const seconds = (performance.now() - t) / 1000;
  await session.release();
  return { seconds, out };
}

async function main(): Promise<void> {
  const result: Record<string, unknown> = {
    machine: { cpu: os.cpus()[0]?.model, cores_visible: os.availableParallelism(), memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  };
  const ort = await loadOnnxRuntime();
  if (!ort) throw new Error('onnxruntime-node is not installed');
  const cores = os.availableParallelism();

  // HNSW parameters at 100,000 rows on the visible cores: time and recall@20 on 500 sampled queries.
  if (flag('--sweep')) {
    const n = 100_000,
      d = 384,
      k = 20,
      sample = 500;
    const { X } = syntheticEmbeddings(n, 1, d, 3);
    const exact = await kNearest(X, ndarray(X.data.subarray(0, sample * d), [sample, d]), { k, method: 'exact', engine: 'onnx' });
    const rows: Record<string, unknown>[] = [];
    for (const [M, efConstruction, efSearch] of JSON.parse(arg('--sweep')!) as [number, number, number][]) {
      const t = performance.now();
      const nb = await kNearest(X, X, { k, method: 'hnsw', workers: cores, hnsw: { M, efConstruction, efSearch } });
      const seconds = (performance.now() - t) / 1000;
      let hits = 0;
      for (let q = 0; q < sample; q++) {
        const truth = new Set(exact.indices.subarray(q * k, (q + 1) * k));
        for (const j of nb.indices.subarray(q * k, (q + 1) * k)) if (truth.has(j)) hits++;
      }
      const row = { M, efConstruction, efSearch, workers: cores, knn_seconds: seconds, recall: hits / (sample * k) };
      log(JSON.stringify(row));
      rows.push(row);
    }
    process.stdout.write(`${JSON.stringify({ machine: result.machine, hnsw_sweep_100k: rows }, null, 2)}\n`);
    return;
  }

  // use: the ONNX graph on long texts.
  const specs = JSON.parse(await readFile(arg('--spec')!, 'utf8')) as WeightSpec[];
  const tokenizer = UseTokenizer.fromVocab(JSON.parse(await readFile(arg('--vocab')!, 'utf8')) as UseVocabEntry[]);
  const texts = (JSON.parse(await readFile(arg('--texts')!, 'utf8')) as string[]).slice(0, Number(arg('--count') ?? 640));
  const tokens = texts.map((t) => tokenizer.encode(t));
  const model = buildUseOnnxModel(syntheticWeights(specs));
  const cpu = await embedAll(ort, model, 'cpu', cores, tokens);
  const useRows: Record<string, unknown>[] = [{ device: `cpu, ${cores} threads`, texts: texts.length, texts_per_second: texts.length / cpu.seconds }];
  log(`use onnx cpu ×${cores}: ${(texts.length / cpu.seconds).toFixed(1)} texts/s`);
  if (flag('--gpu')) {
    try {
      const gpu = await embedAll(ort, model, 'webgpu', cores, tokens);
      let diff = 0;
      for (let i = 0; i < gpu.out.length; i++) diff = Math.max(diff, Math.abs(gpu.out[i] - cpu.out[i]));
      useRows.push({ device: 'webgpu', texts: texts.length, texts_per_second: texts.length / gpu.seconds, max_abs_diff_vs_cpu: diff });
      log(`use onnx webgpu: ${(texts.length / gpu.seconds).toFixed(1)} texts/s, max |Δ| vs cpu ${diff.toExponential(1)}`);
    } catch (e) {
      useRows.push({ device: 'webgpu', error: (e as Error).message.split('\n')[0] });
      log(`use onnx webgpu failed: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  result.use_long_texts = useRows;

  // Smoothie-Local n=2000 vs the reference Python loop.
  if (!flag('--gpu-only')) {
    const n = 2000,
      m = 5,
      d = 384,
      k = 20;
    const { X, G } = syntheticEmbeddings(n, m, d, 1);
    const est = new Smoothie({ type: 'sample_dependent', k, knn: 'exact' });
    await est.fit({ generations: G, inputs: X });
    let best = Infinity;
    let fitted = await est.fit({ generations: G, inputs: X });
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      fitted = await est.fit({ generations: G, inputs: X });
      best = Math.min(best, (performance.now() - t) / 1000);
    }
    const row: Record<string, unknown> = { n, m, d, k, fit_seconds: best, knn_seconds: fitted.timings.knnSeconds };
    const script = arg('--python');
    if (script) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'ref-'));
      try {
        await writeNpy(path.join(dir, 'X.npy'), X, '<f4');
        await writeNpy(path.join(dir, 'G.npy'), G, '<f4');
        const { stdout } = await promisify(execFile)('python3', [script, path.join(dir, 'X.npy'), path.join(dir, 'G.npy'), String(k), path.join(dir, 'W.npy')]);
        const timing = JSON.parse(stdout) as { seconds: number; knn: string };
        const w = (await readNpy(path.join(dir, 'W.npy'))).data as Float64Array;
        let diff = 0;
        for (let i = 0; i < w.length; i++) diff = Math.max(diff, Math.abs(w[i] - fitted.weights.data[i]));
        Object.assign(row, { reference_python_seconds: timing.seconds, reference_knn: timing.knn, speedup: timing.seconds / best, max_abs_weight_diff: diff });
      } catch (e) {
        row.reference_python = `failed: ${(e as Error).message.split('\n')[0]}`;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    log(`smoothie local n=2000: ${best.toFixed(3)} s${row.speedup ? `, reference Python ${(row.reference_python_seconds as number).toFixed(2)} s → ${(row.speedup as number).toFixed(1)}×` : ''}`);
    result.smoothie_local_2000 = row;
  }

  // Exact kNN: CPU vs GPU.
  {
    const rows: Record<string, unknown>[] = [];
    for (const n of [2000, 20000]) {
      const { X } = syntheticEmbeddings(n, 1, 384, 2);
      const t = performance.now();
      const _c = await kNearest(X, X, { k: 20, method: 'exact', engine: 'onnx' });
      const row: Record<string, unknown> = { n, cpu_seconds: (performance.now() - t) / 1000 };
      log(`exact kNN n=${n}: ${JSON.stringify(row)}`);
      rows.push(row);
    }
    result.exact_knn = rows;
  }

  // Smoothie-Local at 100,000 rows (HNSW): one graph vs one shard per core.
  if (!flag('--gpu-only')) {
    const n = 100_000;
    const { X, G } = syntheticEmbeddings(n, 5, 384, 3);
    const row: Record<string, unknown> = { n };
    for (const workers of flag('--no-single') ? [cores] : [...new Set([1, cores])]) {
      const t = performance.now();
      const f = await new Smoothie({ type: 'sample_dependent', k: 20, knn: 'hnsw' }).fit({ generations: G, inputs: X }, { workers });
      row[`fit_seconds_${workers}_workers`] = (performance.now() - t) / 1000;
      row[`knn_seconds_${workers}_workers`] = f.timings.knnSeconds;
      log(`smoothie local n=100k, ${workers} HNSW workers: ${row[`fit_seconds_${workers}_workers`]} s`);
    }
    result.smoothie_local_100k = row;
  }

  if (flag('--million')) {
    const n = 1_000_000,
      d = 384,
      k = 20,
      queries = 10_000;
    const { X } = syntheticEmbeddings(n + queries, 1, d, 12);
    const reference = ndarray(X.data.subarray(0, n * d), [n, d]);
    const query = ndarray(X.data.subarray(n * d), [queries, d]);
    let peak = process.memoryUsage.rss();
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
    let built = 0;
    const t = performance.now();
    const nb = await kNearest(reference, query, {
      k,
      method: 'hnsw',
      workers: cores,
      onProgress: (done) => {
        if (!built && done >= n) built = performance.now();
      },
    });
    const end = performance.now();
    clearInterval(timer);
    const sample = 200;
    const exact = await kNearest(reference, ndarray(query.data.subarray(0, sample * d), [sample, d]), { k, method: 'exact', engine: 'onnx' });
    let hits = 0;
    for (let q = 0; q < sample; q++) {
      const truth = new Set(exact.indices.subarray(q * k, (q + 1) * k));
      for (const j of nb.indices.subarray(q * k, (q + 1) * k)) if (truth.has(j)) hits++;
    }
    result.hnsw_1m = {
      rows: n,
      workers: cores,
      build_seconds: built ? (built - t) / 1000 : undefined,
      query_ms_each: built ? (end - built) / queries : undefined,
      total_seconds: (end - t) / 1000,
      peak_rss_gib: peak / 2 ** 30,
      recall_on_200: hits / (sample * k),
    };
    log(`hnsw 1M: ${JSON.stringify(result.hnsw_1m)}`);
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
