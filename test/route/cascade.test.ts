import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedder } from '../../src/embed/factory.js';
import type { Embedder } from '../../src/embed/types.js';
import { UserInputError } from '../../src/errors/index.js';
import { ModelRegistry } from '../../src/llm/registry.js';
import { startFakeServer, type FakeServer } from '../../src/llm/testing/fake-server.js';
import type { SmoothieCascadeRouter } from '../../src/route/smoothie-cascade-router.js';
import { evaluateCascade } from '../../src/route/evaluate-cascade.js';
import { thresholdForRate } from '../../src/route/escalating-router.js';
import { createRouter, loadRouter } from '../../src/route/router.js';

/**
 * Deterministic small/large models: the small one knows items with an even number (and then answers
 * the same way every time), guesses otherwise (a different guess per sample); its self-verification
 * is right 3 times in 4. The large one always knows.
 */
function answer(model: string, prompt: string, index: number, seed?: number): string {
  if (prompt.includes('AI Generated Answer:')) {
    const answered = prompt.split('AI Generated Answer: ').at(-1)!.split('\n')[0];
    const right = answered.startsWith('colour') === (index % 4 !== 0);
    return ` It follows from the context.\n\nVerification Decision: The AI generated answer is ${right ? 'Correct' : 'Incorrect'}.`;
  }
  const n = Number(/item (\d+)/.exec(prompt)?.[1]);
  if (model === 'large' || n % 2 === 0) return `colour ${n}`;
  return `guess ${['apple', 'river', 'seven', 'blue', 'stone', 'cloud'][(index + (seed ?? 0) + n) % 6]} ${n * 7 + index}`;
}

describe('cascade and smoothie-cascade routers against local small/large models', () => {
  let server: FakeServer;
  let registry: ModelRegistry;
  let embedder: Embedder;
  let dir: string;
  const requests = Array.from({ length: 24 }, (_, n) => ({ input: `What colour is item ${n}?`, context: `Item ${n} is colour ${n}.` }));
  beforeAll(async () => {
    server = await startFakeServer({ answer });
    registry = ModelRegistry.fromObject({ models: { small: { base_url: server.baseUrl, model: 'small' }, large: { base_url: server.baseUrl, model: 'large' } } });
    embedder = await createEmbedder('hash');
    dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-cascade-'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cascade: answers with the SLM when it verifies itself, escalates otherwise; costs follow', async () => {
    const router = await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large', k: 4 }, { registry });
    const kept = await router.route(requests[2]);
    expect(kept).toMatchObject({ strategy: 'cascade', output: 'colour 2', model: 'small', escalated: false, confidence: 0.75, cost: 2, calls: 2 });
    const escalated = await router.route(requests[3]);
    expect(escalated).toMatchObject({ output: 'colour 3', model: 'large', escalated: true, confidence: 0.25, cost: 52, calls: 3 });
    expect(escalated.slmAnswer).toMatch(/^guess /);
  });

  it('smoothie-cascade: the samples agree when the SLM knows; disagreement escalates, with no verifier call', async () => {
    const router = await createRouter({ strategy: 'smoothie-cascade', slm: 'small', llm: 'large', samples: 5, embedder: 'hash', threshold: 0.6 }, { registry, embedder });
    const before = server.received.length;
    const kept = await router.route(requests[4]);
    expect(kept).toMatchObject({ output: 'colour 4', model: 'small', escalated: false, confidence: 1, cost: 1, calls: 1 });
    const escalated = await router.route(requests[5]);
    expect(escalated).toMatchObject({ output: 'colour 5', escalated: true, cost: 51 });
    expect(escalated.confidence).toBeLessThan(0.6);
    expect(server.received.slice(before).filter((r) => r.prompt.includes('AI Generated Answer:'))).toHaveLength(0);
  });

  it('calibrate() hits a target escalation rate (or cost per query) on unlabelled requests and persists it', async () => {
    const router = await createRouter({ strategy: 'smoothie-cascade', slm: 'small', llm: 'large', samples: 5, embedder: 'hash' }, { registry, embedder });
    const cal = await router.calibrate(requests, { escalationRate: 0.5 });
    expect(cal.escalation_rate).toBe(0.5);
    expect(cal.cost_per_query).toBe(1 + 0.5 * 50);
    const results = await Promise.all(requests.map((r) => router.route(r)));
    expect(results.filter((r) => r.escalated).map((r) => Number(/(\d+)/.exec(r.output)?.[1]) % 2)).toEqual(new Array(12).fill(1));
    const file = path.join(dir, 'cascade.json');
    await router.save(file);
    const loaded = (await loadRouter(file, { registry, embedder })) as SmoothieCascadeRouter;
    // calibrate() returns the fitted threshold and keeps it on the router; the config is not written into.
    expect(cal.threshold).toBe(router.threshold);
    expect(router.config.threshold).toBe(0.5);
    expect(router.config.calibration).toBeUndefined();
    expect(loaded.threshold).toBe(cal.threshold);
    expect(loaded.calibration).toEqual(router.calibration);
    expect(loaded.config).toEqual({ ...router.config, threshold: cal.threshold, calibration: router.calibration });
    expect((await loaded.route(requests[7])).escalated).toBe(true);

    const cascade = await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large', k: 4 }, { registry });
    const byCost = await cascade.calibrate(requests, { costPerQuery: 2 + 0.25 * 50 });
    expect(byCost.escalation_rate).toBeLessThanOrEqual(0.25);
    await expect(cascade.calibrate(requests, { costPerQuery: 1 })).rejects.toSatisfy((e: unknown) => UserInputError.isUserInputError(e) && e.field === 'target');
  });

  it('compares both escalation signals on the same labelled requests (ΔIBC, cost)', async () => {
    const labelled = requests.map((request, n) => ({ request, reference: `colour ${n}` }));
    const verify = await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large', k: 4 }, { registry });
    const agree = await createRouter({ strategy: 'smoothie-cascade', slm: 'small', llm: 'large', samples: 5, embedder: 'hash', threshold: 0.6 }, { registry, embedder });
    const a = await evaluateCascade(verify, labelled);
    const b = await evaluateCascade(agree, labelled);
    // Both escalate exactly the questions the SLM gets wrong here: oracle quality; the agreement signal is cheaper (no verifier).
    expect(a.quality).toBe(1);
    expect(b.quality).toBe(1);
    expect(a.escalationRate).toBe(0.5);
    expect(b.cost).toBeLessThan(a.cost);
    expect(b.lift).toBeGreaterThan(a.lift);
    expect(a.lift).toBeGreaterThan(0.5);
  });

  it('thresholdForRate and bad configs', async () => {
    expect(thresholdForRate([0.1, 0.2, 0.2, 0.9], 0.5)).toBe(0.1);
    expect(thresholdForRate([0.1, 0.2, 0.3, 0.9], 0.5)).toBe(0.2);
    expect(thresholdForRate([0.4, 0.5], 0)).toBe(0.2);
    expect(thresholdForRate([0.4, 0.5], 1)).toBe(1);
    await expect(createRouter({ strategy: 'cascade', slm: 'small', llm: 'large' })).rejects.toSatisfy((e: unknown) => UserInputError.isUserInputError(e) && e.field === 'registry');
    await expect(createRouter({ strategy: 'cascade', slm: 'tiny', llm: 'large' }, { registry })).rejects.toThrow(/unknown model 'tiny'/);
  });
});
