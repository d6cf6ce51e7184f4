// LLM judges against local fake judges of known, different reliabilities (the fake OpenAI-compatible server).
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/compute/rng.js';
import { GenerationCache } from '../../src/llm/call-cache.js';
import { ModelRegistry } from '../../src/llm/registry.js';
import { startFakeServer, type FakeServer } from '../../src/llm/testing/fake-server.js';
import { parseScore, parseUscChoice, peerReview, uscSelect, type JudgeSample } from '../../src/select/judges.js';
import { dawidSkene } from '../../src/select/truth-inference.js';

/** A deterministic number in [0, 1) from the judge and the prompt. */
function u(model: string, prompt: string): number {
  return parseInt(createHash('sha256').update(`${model}\u0000${prompt}`).digest('hex').slice(0, 8), 16) / 2 ** 32;
}

/** Candidates carry their true quality as `[q=7]`; each fake judge reads it with its own reliability. */
function answer(model: string, prompt: string): string {
  const qs = [...prompt.matchAll(/\[q=(\d+)\]/g)].map((m) => Number(m[1]));
  if (prompt.includes('Which response agrees most')) {
    const best = qs.indexOf(Math.max(...qs));
    return `Response ${best + 1}`;
  }
  const q = qs[0];
  const r = u(model, prompt);
  if (model === 'sharp') return `Score: ${q}`; // exact
  if (model === 'fair') return `Score: ${Math.min(10, Math.max(1, q + Math.round(4 * r - 2)))}`; // ±2
  return `Score: ${1 + Math.floor(10 * r)}`; // random1, random2: ignore the response
}

let server: FakeServer;
let registry: ModelRegistry;

beforeAll(async () => {
  server = await startFakeServer({ answer });
  const entry = (model: string, cost: number) => ({ base_url: server.baseUrl, model, cost, max_concurrency: 16 });
  registry = ModelRegistry.fromObject({ models: { sharp: entry('sharp', 2), fair: entry('fair', 1), random1: entry('random1', 0.5), random2: entry('random2', 0.5) } });
});
afterAll(async () => server?.close());

function samples(n: number, m: number, seed: number): { data: JudgeSample[]; best: number[] } {
  const rng = new Rng(seed);
  const best: number[] = [];
  const data = Array.from({ length: n }, (_, s) => {
    const qs = rng.shuffled([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).slice(0, m);
    best.push(qs.indexOf(Math.max(...qs)));
    return { instruction: `instruction ${s}`, candidates: qs.map((q, v) => `answer ${s}.${v} [q=${q}]`) };
  });
  return { data, best };
}

describe('LLM judges', () => {
  it('parses choices and scores', () => {
    expect(parseUscChoice('Response 3', 4)).toBe(2);
    expect(parseUscChoice('The most consistent is response #1.', 4)).toBe(0);
    expect(parseUscChoice('Response 9', 4)).toBeUndefined();
    expect(parseUscChoice('none', 4)).toBeUndefined();
    expect(parseScore('Score: 7')).toBe(7);
    expect(parseScore('I give it 10/10')).toBe(10);
    expect(parseScore('Score: 0')).toBeUndefined();
  });

  it('USC picks the candidate the judge names, with costs; a rerun is answered from the cache', async () => {
    const cacheFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'usc-')), 'gen.jsonl');
    const { data, best } = samples(20, 4, 1);
    let cache = await GenerationCache.open(cacheFile);
    const r = await uscSelect(data, 'sharp', { registry, cache });
    await cache.close();
    expect(Array.from(r.selected)).toEqual(best);
    expect(r.parsed.every(Boolean)).toBe(true);
    expect(r.costs).toMatchObject({ calls: 20, cached: 0, cost: 40, newCost: 40 });
    const before = server.received.length;
    cache = await GenerationCache.open(cacheFile);
    const again = await uscSelect(data, 'sharp', { registry, cache });
    await cache.close();
    expect(server.received.length).toBe(before);
    expect(again.costs).toMatchObject({ calls: 20, cached: 20, cost: 40, newCost: 0 });
  });

  it('peer review: truth inference recovers the best candidate more often than the mean, and ranks the judges by reliability', async () => {
    const cache = await GenerationCache.open(path.join(mkdtempSync(path.join(os.tmpdir(), 'peer-')), 'gen.jsonl'));
    const { data, best } = samples(80, 4, 2);
    const judges = ['sharp', 'fair', 'random1', 'random2'];
    const r = await peerReview(data, judges, { registry, cache });
    await cache.close();
    const hit = (sel: Int32Array): number => Array.from(sel).filter((v, s) => v === best[s]).length / best.length;
    expect(r.unparsed).toBe(0);
    expect(r.scores[0][0]).toHaveLength(4);
    expect(r.costs).toMatchObject({ calls: 80 * 4 * 4, cost: 80 * 4 * (2 + 1 + 0.5 + 0.5) });
    expect(hit(r.truth.selected)).toBeGreaterThan(hit(r.mean.selected));
    expect(hit(r.truth.selected)).toBeGreaterThan(0.9);
    expect(r.reliability.sharp).toBeGreaterThan(r.reliability.fair);
    expect(r.reliability.fair).toBeGreaterThan(Math.max(r.reliability.random1, r.reliability.random2));
  });

  it('Dawid–Skene ignores a judge whose reports do not depend on the truth', () => {
    const rng = new Rng(5);
    const truth = Array.from({ length: 300 }, () => rng.int(3));
    const reports = truth.flatMap((z, item) => [
      { item, judge: 0, level: rng.next() < 0.8 ? z : rng.int(3) },
      { item, judge: 1, level: rng.next() < 0.7 ? z : rng.int(3) },
      { item, judge: 2, level: rng.int(3) },
      { item, judge: 3, level: rng.int(3) },
    ]);
    const ds = dawidSkene(reports, { items: 300, judges: 4, levels: 3 });
    const map = (i: number): number => [0, 1, 2].reduce((b, z) => (ds.posterior[i * 3 + z] > ds.posterior[i * 3 + b] ? z : b), 0);
    const acc = truth.filter((z, i) => map(i) === z).length / 300;
    // plurality over the four judges (ties to the lowest level) is what DS must beat
    const plural =
      truth.filter((z, i) => {
        const counts = [0, 0, 0];
        for (const r of reports.slice(4 * i, 4 * i + 4)) counts[r.level]++;
        return counts.indexOf(Math.max(...counts)) === z;
      }).length / 300;
    expect(acc).toBeGreaterThan(plural);
    expect(acc).toBeGreaterThan(0.75);
    expect(ds.reliability[2]).toBeLessThan(0.05);
    expect(ds.reliability[0]).toBeGreaterThan(ds.reliability[1]);
    expect(() => dawidSkene([{ item: 0, judge: 0, level: 5 }], { items: 1, judges: 1, levels: 3 })).toThrow(/out of range/);
  });
});
