/** Sharded HNSW runs worker threads from the build: these tests import dist/ (npm test builds first). */
import { describe, expect, it } from 'vitest';
import { kNearest } from '../../dist/compute/knn.js';
import { ndarray } from '../../dist/compute/ndarray.js';
import { Rng } from '../../src/compute/rng.js';

function clustered(n: number, d: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const centres = Array.from({ length: 20 }, () => Float32Array.from({ length: d }, () => rng.normal()));
  return Float32Array.from({ length: n * d }, (_, i) => centres[Math.floor(i / d) % 20][i % d] + 0.3 * rng.normal());
}

describe('HNSW on worker threads (one shard per worker)', () => {
  const n = 3000;
  const d = 32;
  const k = 10;
  const X = ndarray(clustered(n, d, 1), [n, d]);

  it('finds nearly all exact neighbours, each sample first, deterministically', async () => {
    const exact = await kNearest(X, X, { k, method: 'exact' });
    const sharded = await kNearest(X, X, { k, method: 'hnsw', workers: 3 });
    const again = await kNearest(X, X, { k, method: 'hnsw', workers: 3 });
    expect(Array.from(again.indices)).toEqual(Array.from(sharded.indices));
    let hits = 0;
    for (let q = 0; q < n; q++) {
      const truth = new Set(exact.indices.subarray(q * k, (q + 1) * k));
      for (const j of sharded.indices.subarray(q * k, (q + 1) * k)) if (truth.has(j)) hits++;
      expect(sharded.indices[q * k]).toBe(q);
      // Nearest first.
      for (let t = 1; t < k; t++) expect(sharded.distances[q * k + t]).toBeGreaterThanOrEqual(sharded.distances[q * k + t - 1]);
    }
    expect(hits / (n * k)).toBeGreaterThan(0.98);
  });

  it('answers separate queries against the shards, and more workers than rows still work', async () => {
    const Q = ndarray(clustered(50, d, 2), [50, d]);
    const exact = await kNearest(X, Q, { k, method: 'exact' });
    const sharded = await kNearest(X, Q, { k, method: 'hnsw', workers: 2 });
    let hits = 0;
    for (let q = 0; q < 50; q++) {
      const truth = new Set(exact.indices.subarray(q * k, (q + 1) * k));
      for (const j of sharded.indices.subarray(q * k, (q + 1) * k)) if (truth.has(j)) hits++;
    }
    expect(hits / (50 * k)).toBeGreaterThan(0.95);
    const tiny = ndarray(clustered(5, d, 3), [5, d]);
    const nb = await kNearest(tiny, tiny, { k: 3, method: 'hnsw', workers: 8 });
    for (let q = 0; q < 5; q++) expect(nb.indices[q * 3]).toBe(q);
  });
});
