/**
 * Client throughput against the local fake server: our runner (keep-alive HTTP client, queue, retries, cache
 * appends) vs bare `fetch` calls at the same concurrency, in the same run. The difference per call
 * is the client's overhead.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GenerationCache } from '../llm/call-cache.js';
import { ModelRegistry } from '../llm/registry.js';
import { runGenerationCalls } from '../llm/run-calls.js';
import { startFakeServer } from '../llm/testing/fake-server.js';

const CALLS = 2000;
/** Calls each side makes before the timed runs, so neither pays the JIT's and the sockets' warm-up. */
const WARM_UP_CALLS = 200;

async function rawFetch(baseUrl: string, concurrency: number, prompts: readonly string[]): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < prompts.length) {
        const prompt = prompts[next++];
        const r = await fetch(`${baseUrl}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
          body: JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: prompt }], temperature: 0 }),
        });
        await r.json();
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

export async function benchLlm(): Promise<Record<string, unknown>> {
  const server = await startFakeServer({ lifetimeMs: 600_000 });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'smoothie-bench-llm-'));
  const rows: Record<string, unknown>[] = [];
  const runOurs = async (concurrency: number, prompts: readonly string[], cacheFile: string): Promise<number> => {
    const registry = ModelRegistry.fromObject({ models: { bench: { base_url: server.baseUrl, model: 'bench', max_concurrency: concurrency } } });
    const cache = await GenerationCache.open(cacheFile);
    const started = performance.now();
    await runGenerationCalls(
      prompts.map((prompt, i) => ({ model: 'bench', prompt, params: { temperature: 0 }, sampleIndex: 0, label: `call ${i}` })),
      { registry, cache },
    );
    const seconds = (performance.now() - started) / 1000;
    await cache.close();
    return seconds;
  };
  try {
    const warmUp = Array.from({ length: WARM_UP_CALLS }, (_, i) => `warm-up prompt ${i}`);
    await rawFetch(server.baseUrl, 8, warmUp);
    await runOurs(8, warmUp, path.join(dir, 'warm-up.jsonl'));
    for (const concurrency of [1, 8, 64]) {
      const prompts = Array.from({ length: CALLS }, (_, i) => `bench prompt ${concurrency}-${i}`);
      const baseline = await rawFetch(
        server.baseUrl,
        concurrency,
        prompts.map((p) => `raw ${p}`),
      );
      const ours = await runOurs(concurrency, prompts, path.join(dir, `c${concurrency}.jsonl`));
      const row = {
        concurrency,
        calls: CALLS,
        requests_per_second: CALLS / ours,
        raw_fetch_requests_per_second: CALLS / baseline,
        overhead_ms_per_call: ((ours - baseline) / CALLS) * 1000,
        slowdown_vs_raw_fetch: ours / baseline,
      };
      rows.push(row);
      console.log(
        `LLM client, concurrency ${concurrency}: ${row.requests_per_second.toFixed(0)} req/s (raw fetch ${row.raw_fetch_requests_per_second.toFixed(0)} req/s), overhead ${row.overhead_ms_per_call.toFixed(2)} ms per call`,
      );
    }
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
  return {
    server: 'local fake OpenAI-compatible server on 127.0.0.1, no latency',
    note: 'overhead per call = (ours − raw fetch) wall time / calls: the client work (HTTP client, queue, cache append) each call adds; the server runs in the same process',
    results: rows,
  };
}
