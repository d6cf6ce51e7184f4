import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndarray } from '../../src/compute/ndarray.js';
import { Rng } from '../../src/compute/rng.js';
import { loadDatasetConfig } from '../../src/data/config.js';
import { cleanGeneration } from '../../src/data/clean.js';
import { loadSplitData } from '../../src/data/split.js';
import { createEmbedder } from '../../src/embed/factory.js';
import type { Embedder } from '../../src/embed/types.js';
import { UserInputError } from '../../src/errors/index.js';
import { ReferenceStore } from '../../src/route/reference-store.js';
import { createRouter, loadRouter } from '../../src/route/router.js';
import { SelectRouter } from '../../src/route/select-router.js';
import { Smoothie } from '../../src/smoothie/estimator.js';
import { REPO_ROOT } from '../helpers/shared.js';

function randomSamples(n: number, d: number, m: number, seed: number) {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => ({
    input: Float32Array.from({ length: d }, () => rng.normal()),
    candidates: Float32Array.from({ length: m * d }, () => rng.normal()),
  }));
}

describe('ReferenceStore', () => {
  it('finds the same neighbours by scan as brute force, and by HNSW with high recall once large', () => {
    const d = 16;
    const samples = randomSamples(3000, d, 3, 1);
    const exact = new ReferenceStore({ dim: d, voters: 3, exactBelow: 10_000 });
    const graph = new ReferenceStore({ dim: d, voters: 3, exactBelow: 500 });
    exact.add(samples.slice(0, 1000));
    exact.add(samples.slice(1000));
    graph.add(samples);
    expect(exact.approximate).toBe(false);
    expect(graph.approximate).toBe(true);
    let hits = 0;
    for (const q of randomSamples(50, d, 3, 2)) {
      const brute = samples
        .map((s, i) => ({ i, dist: s.input.reduce((acc, x, j) => acc + (x - q.input[j]) ** 2, 0) }))
        .sort((a, b) => a.dist - b.dist || a.i - b.i)
        .slice(0, 10)
        .map((b) => b.i);
      expect(exact.nearest(q.input, 10)).toEqual(brute);
      const approx = graph.nearest(q.input, 10);
      hits += approx.filter((i) => brute.includes(i)).length;
    }
    expect(hits / 500).toBeGreaterThan(0.95);
  });

  it('saves and loads (with its HNSW file) and keeps growing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-store-'));
    const samples = randomSamples(700, 8, 4, 3);
    const store = new ReferenceStore({ dim: 8, voters: 4, exactBelow: 600 });
    store.add(samples.slice(0, 650));
    await store.save(path.join(dir, 's'));
    expect(existsSync(path.join(dir, 's.hnsw'))).toBe(true);
    const loaded = await ReferenceStore.load(path.join(dir, 's'), { dim: 8, voters: 4, exactBelow: 600 });
    expect(loaded.size).toBe(650);
    expect(Array.from(loaded.distancesOf(649))).toEqual(Array.from(store.distancesOf(649)));
    loaded.add(samples.slice(650));
    expect(loaded.nearest(samples[690].input, 1)).toEqual([690]);
    await expect(ReferenceStore.load(path.join(dir, 's'), { dim: 9, voters: 4 })).rejects.toSatisfy((e: unknown) => UserInputError.isUserInputError(e) && e.message.includes('shape [n, 9]'));
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('createRouter — select', () => {
  let embedder: Embedder;
  let dir: string;
  beforeAll(async () => {
    embedder = await createEmbedder('hash');
    dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-router-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('picks what smoothie run picks for a sample whose neighbours are the stored rows', async () => {
    const config = await loadDatasetConfig(path.join(REPO_ROOT, 'dataset_configs', 'demo.yaml'));
    const dirs = { dataDir: path.join(REPO_ROOT, 'results', 'datasets'), resultsDir: path.join(REPO_ROOT, 'results') };
    const { rows, table } = await loadSplitData(config, { kind: 'multi-model', group: 'demo_ensemble' }, dirs, 'test');
    const n = rows.length;
    const m = table.voters.length;
    const X = await embedder.embed(rows.map((r) => r.embedding_input));
    const G = await embedder.embed(table.texts.flatMap((t) => t.map(cleanGeneration)));
    const k = 8;
    const fitted = await new Smoothie({ type: 'sample_dependent', k, knn: 'exact' }).fit({ inputs: X, generations: ndarray(G.data, [n, m, G.shape[1]]) });
    for (const s of [0, 7, 123, 359]) {
      const router = await createRouter({ strategy: 'select', voters: [...table.voters], k, clean_generations: true }, { embedder });
      await router.add(rows.flatMap((r, i) => (i === s ? [] : [{ input: r.embedding_input, candidates: table.texts[i] }])));
      const r = await router.route({ input: rows[s].embedding_input, candidates: table.texts[s] });
      expect(r.index).toBe(fitted.selected[s]);
      expect(r.model).toBe(table.voters[fitted.selected[s]]);
      expect(r.output).toBe(table.texts[s][r.index]);
      expect(r.neighbours).toBe(k - 1);
      r.weights.forEach((w, v) => expect(w).toBeCloseTo(fitted.weights.data[s * m + v], 12));
    }
  });

  it('k = 1 needs no store; save → load round trip gives identical answers; learn grows the store', async () => {
    const voters = ['a', 'b', 'c'];
    const one = await createRouter({ strategy: 'select', voters, k: 1 }, { embedder });
    const r = await one.route({ input: 'q', candidates: ['the cat sat', 'the cat sat down', 'dogs bark loudly at night'] });
    expect(r.neighbours).toBe(0);
    expect(r.model).not.toBe('c');

    const router = await createRouter({ strategy: 'select', voters, k: 3, learn: true }, { embedder });
    await router.add([
      { input: 'what is two plus two', candidates: ['four', 'four', 'five'] },
      { input: 'what is three plus three', candidates: ['six', 'six', 'seven'] },
    ]);
    const request = { input: 'what is one plus one', candidates: ['two', 'two', 'three'] };
    const before = await router.route(request);
    expect(router.storeSize).toBe(3);
    const file = path.join(dir, 'router.json');
    await router.save(file);
    const loaded = await loadRouter(file, { embedder });
    expect(loaded).toBeInstanceOf(SelectRouter);
    expect((loaded as SelectRouter).storeSize).toBe(3);
    expect(await loaded.route(request)).toEqual(await router.route(request));
    expect(before.model).not.toBe('c');
  });

  it('bad input: wrong candidate count, bad config, another embedder, a store that does not match', async () => {
    const router = await createRouter({ strategy: 'select', voters: ['a', 'b', 'c'] }, { embedder });
    await expect(router.route({ input: 'q', candidates: ['x', 'y'] })).rejects.toSatisfy((e: unknown) => UserInputError.isUserInputError(e) && e.message.includes('2 candidates, the router 3 voters'));
    await expect(createRouter({ strategy: 'select', voters: ['a'] } as never, { embedder })).rejects.toSatisfy((e: unknown) => UserInputError.isUserInputError(e) && /voters/.test(e.message));
    await router.add([{ input: 'q', candidates: ['x', 'y', 'z'] }]);
    const file = path.join(dir, 'r2.json');
    await router.save(file);
    const other = await createEmbedder('hash:64');
    await expect(loadRouter(file, { embedder: other })).rejects.toSatisfy((e: unknown) => UserInputError.isUserInputError(e) && e.field === 'embedder' && e.message.includes('hash-1024'));
    const text = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(file, 'utf8'))) as { store: { size: number } };
    text.store.size = 5;
    writeFileSync(file, JSON.stringify(text));
    await expect(loadRouter(file, { embedder })).rejects.toSatisfy((e: unknown) => UserInputError.isUserInputError(e) && e.field === 'store.size');
  });
});
