/**
 * Layered-ensemble orchestration against the local fake server: time per layer beyond the model calls
 * (the same number of bare `fetch` calls timed in the same run is the baseline), and `ensemble bench`
 * throughput at --parallel 1, 8, 32.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runEnsembleBench } from '../ensemble/benchmarks.js';
import { Ensemble } from '../ensemble/ensemble.js';
import { ModelRegistry } from '../llm/registry.js';
import { startFakeServer } from '../llm/testing/fake-server.js';

const ARCHITECTURE = {
  name: 'bench',
  layers: [[{ type: 'generator', model: 'm', samples: 5 }], [{ type: 'critic', model: 'm' }], [{ type: 'ranker', model: 'm', top_k: 3 }], [{ type: 'fuser', model: 'm' }]],
};

export async function benchEnsemble(): Promise<Record<string, unknown>> {
  const server = await startFakeServer();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'smoothie-bench-ensemble-'));
  try {
    const registry = ModelRegistry.fromObject({ models: { m: { base_url: server.baseUrl, model: 'm', max_concurrency: 64 } } });
    const ensemble = Ensemble.fromConfig(ARCHITECTURE, { registry });
    const runs = 200;
    for (let i = 0; i < 20; i++) await ensemble.generate(`warm-up ${i}`);
    let t = performance.now();
    let calls = 0;
    for (let i = 0; i < runs; i++) calls += (await ensemble.generate(`question ${i}`)).calls;
    const ensembleSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    for (let i = 0; i < calls; i++) {
      const r = await fetch(`${server.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: `raw ${i}` }], n: 1 }),
      });
      await r.json();
    }
    const rawSeconds = (performance.now() - t) / 1000;
    const layers = ARCHITECTURE.layers.length;
    const overheadMs = ((ensembleSeconds - rawSeconds) / (runs * layers)) * 1000;
    console.log(
      `ensemble (4 layers, ${calls / runs} calls each): ${((ensembleSeconds / runs) * 1000).toFixed(2)} ms per query vs ${((rawSeconds / runs) * 1000).toFixed(2)} ms of bare calls: ${overheadMs.toFixed(3)} ms orchestration per layer`,
    );

    const input = path.join(dir, 'q.jsonl');
    await writeFile(input, Array.from({ length: 200 }, (_, i) => JSON.stringify({ question: `What is ${i} + ${i}?`, answer: `#### ${2 * i}` })).join('\n'));
    const throughput: Record<string, unknown>[] = [];
    for (const parallel of [1, 8, 32]) {
      const out = path.join(dir, `a${parallel}.jsonl`);
      const started = performance.now();
      await runEnsembleBench(ensemble, { benchmark: 'gsm8k', input, out, parallel });
      const seconds = (performance.now() - started) / 1000;
      throughput.push({ parallel, questions: 200, questions_per_second: 200 / seconds });
      console.log(`ensemble bench --parallel ${parallel}: ${(200 / seconds).toFixed(0)} questions/s (4 calls each)`);
    }
    return {
      architecture: ARCHITECTURE,
      queries: runs,
      ms_per_query: (ensembleSeconds / runs) * 1000,
      bare_calls_ms_per_query: (rawSeconds / runs) * 1000,
      orchestration_ms_per_layer: overheadMs,
      bench_throughput: throughput,
      note: 'fake models answer at once in the same process; the baseline is the same number of bare sequential fetches; the overhead includes the SDK, prompt rendering and parsing',
    };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
