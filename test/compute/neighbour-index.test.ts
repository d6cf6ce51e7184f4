import { mkdtempSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kNearest } from '../../src/compute/knn.js';
import { exactBelowFor, NeighbourIndex } from '../../src/compute/neighbour-index.js';
import { ndarray } from '../../src/compute/ndarray.js';
import { Rng } from '../../src/compute/rng.js';

function randomMatrix(n: number, d: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * d }, () => rng.normal());
}

const rowsOf = (x: Float32Array, d: number): Float32Array[] => Array.from({ length: x.length / d }, (_, i) => x.subarray(i * d, (i + 1) * d));

describe('NeighbourIndex', () => {
  it('exact regime: single searches give the batch engine’s neighbour sets, in order, ties to the lower row', async () => {
    const d = 12;
    const R = randomMatrix(400, d, 1);
    R.copyWithin(5 * d, 9 * d, 10 * d); // rows 5, 9 and 40 are equal
    R.copyWithin(40 * d, 9 * d, 10 * d);
    const Q = randomMatrix(60, d, 2);
    Q.set(R.subarray(9 * d, 10 * d), 0);
    for (const metric of ['euclidean', 'cosine'] as const) {
      const index = new NeighbourIndex({ dim: d, metric, exactBelow: Number.POSITIVE_INFINITY });
      index.add(rowsOf(R, d).slice(0, 150));
      index.add(rowsOf(R, d).slice(150));
      const batch = await kNearest(ndarray(R, [400, d]), ndarray(Q, [60, d]), { k: 9, metric, method: 'exact' });
      const viaIndex = await index.searchBatch(ndarray(Q, [60, d]), 9);
      expect(Array.from(viaIndex.indices)).toEqual(Array.from(batch.indices));
      for (let q = 0; q < 60; q++) {
        const one = index.search(Q.subarray(q * d, (q + 1) * d), 9);
        expect(Array.from(one.indices)).toEqual(Array.from(batch.indices.subarray(q * 9, (q + 1) * 9)));
        for (let t = 0; t < 9; t++) expect(one.distances[t]).toBeCloseTo(batch.distances[q * 9 + t], 5);
      }
      expect(Array.from(index.search(Q.subarray(0, d), 3).indices)).toEqual([5, 9, 40]);
      expect(index.approximate).toBe(false);
    }
  });

  it('searchSelf puts each row first, as kNearest on the same array; k is capped at the size for single queries', async () => {
    const d = 8;
    const X = ndarray(randomMatrix(200, d, 3), [200, d]);
    const index = NeighbourIndex.fromMatrix(X, { exactBelow: exactBelowFor('auto') });
    const self = await index.searchSelf(5);
    const direct = await kNearest(X, X, { k: 5, method: 'auto' });
    expect(Array.from(self.indices)).toEqual(Array.from(direct.indices));
    for (let s = 0; s < 200; s++) expect(self.indices[s * 5]).toBe(s);
    expect(index.search(X.data.subarray(0, d), 1000).indices.length).toBe(200);
    expect(new NeighbourIndex({ dim: d }).search(new Float32Array(d), 3).indices.length).toBe(0);
  });

  it('HNSW regime: the graph is built on crossing exactBelow, grows with add, and finds the exact neighbours', () => {
    const d = 16;
    const X = randomMatrix(1500, d, 4);
    const index = new NeighbourIndex({ dim: d, exactBelow: 1000 });
    const exact = new NeighbourIndex({ dim: d, exactBelow: Number.POSITIVE_INFINITY });
    index.add(rowsOf(X, d).slice(0, 999));
    expect(index.approximate).toBe(false);
    index.add(rowsOf(X, d).slice(999, 1200));
    expect(index.approximate).toBe(true);
    for (let i = 1200; i < 1500; i += 7) index.add(rowsOf(X, d).slice(i, Math.min(i + 7, 1500)));
    exact.add(rowsOf(X, d));
    expect(index.size).toBe(1500);
    const Q = randomMatrix(100, d, 5);
    let hits = 0;
    for (let q = 0; q < 100; q++) {
      const query = Q.subarray(q * d, (q + 1) * d);
      const got = index.search(query, 10);
      const want = new Set(exact.search(query, 10).indices);
      for (const i of got.indices) if (want.has(i)) hits++;
      for (let t = 1; t < 10; t++) expect(got.distances[t]).toBeGreaterThanOrEqual(got.distances[t - 1]);
    }
    expect(hits / 1000).toBeGreaterThan(0.95);
  });

  it('save → load gives the same answers, with and without the graph file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'neighbour-index-'));
    const d = 8;
    const X = randomMatrix(700, d, 6);
    const index = new NeighbourIndex({ dim: d, exactBelow: 600 });
    index.add(rowsOf(X, d));
    const files = await index.save({ rows: path.join(dir, 'x.arrow'), graph: path.join(dir, 'x.hnsw') });
    expect(existsSync(files.graph)).toBe(true);
    const loaded = await NeighbourIndex.load(files, { dim: d, exactBelow: 600 });
    const Q = randomMatrix(20, d, 7);
    for (let q = 0; q < 20; q++) {
      const query = Q.subarray(q * d, (q + 1) * d);
      expect(Array.from(loaded.search(query, 6).indices)).toEqual(Array.from(index.search(query, 6).indices));
    }
    loaded.add(rowsOf(randomMatrix(3, d, 8), d));
    expect(loaded.size).toBe(703);
    // A saved graph is used whatever exactBelow the index is loaded with.
    expect((await NeighbourIndex.load(files, { dim: d, exactBelow: 10_000 })).approximate).toBe(true);
    const small = new NeighbourIndex({ dim: d });
    small.add(rowsOf(X, d).slice(0, 10));
    const smallFiles = await small.save({ rows: path.join(dir, 's.arrow'), graph: path.join(dir, 's.hnsw') });
    expect(existsSync(smallFiles.graph)).toBe(false);
    const again = await NeighbourIndex.load(smallFiles, { dim: d });
    expect(Array.from(again.search(X.subarray(0, d), 4).indices)).toEqual(Array.from(small.search(X.subarray(0, d), 4).indices));
    await expect(NeighbourIndex.load(smallFiles, { dim: d + 1 })).rejects.toThrow(/shape \[n, 9\]/);
  });

  it('bad input: a row or query of the wrong length is a one-line error', () => {
    const index = new NeighbourIndex({ dim: 4 });
    expect(() => index.add([new Float32Array(3)])).toThrow(/3 values, the index 4/);
    index.add([new Float32Array(4)]);
    expect(() => index.search(new Float32Array(5), 1)).toThrow(/5 values, the index 4/);
  });
});
