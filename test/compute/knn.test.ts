import { describe, expect, it } from 'vitest';
import { kNearest } from '../../src/compute/knn.js';
import { ndarray } from '../../src/compute/ndarray.js';
import { Rng } from '../../src/compute/rng.js';

function randomMatrix(n: number, d: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * d }, () => rng.normal());
}

/** Float64 brute force with (distance, index) order: the definition the exact search must meet. */
function bruteForce(R: Float32Array, Q: Float32Array, d: number, k: number): number[][] {
  const nr = R.length / d;
  const out: number[][] = [];
  for (let q = 0; q < Q.length / d; q++) {
    const dist = Array.from({ length: nr }, (_, j) => {
      let s = 0;
      for (let x = 0; x < d; x++) s += (Q[q * d + x] - R[j * d + x]) ** 2;
      return [s, j] as const;
    });
    dist.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    out.push(dist.slice(0, k).map(([, j]) => j));
  }
  return out;
}

describe.each(['onnx', 'tfjs'] as const)('exact kNN (%s engine)', (engine) => {
  it('equals float64 brute force, including duplicate rows and ties', async () => {
    const d = 16;
    const R = randomMatrix(300, d, 1);
    R.copyWithin(5 * d, 9 * d, 10 * d); // row 5 = row 9
    R.copyWithin(40 * d, 9 * d, 10 * d); // row 40 = row 9
    const Q = randomMatrix(50, d, 2);
    Q.set(R.subarray(9 * d, 10 * d), 0); // query 0 sits on the triplicate
    const nb = await kNearest(ndarray(R, [300, d]), ndarray(Q, [50, d]), { k: 7, method: 'exact', blockRows: 64, engine });
    const expected = bruteForce(R, Q, d, 7);
    for (let q = 0; q < 50; q++) expect(Array.from(nb.indices.subarray(q * 7, q * 7 + 7))).toEqual(expected[q]);
    expect(Array.from(nb.indices.subarray(0, 3))).toEqual([5, 9, 40]);
    expect(nb.distances[0]).toBe(0);
  });

  it('symmetric blocked search (queries = references, mirrored blocks) equals brute force', async () => {
    const d = 12;
    const X = randomMatrix(301, d, 5);
    X.copyWithin(100 * d, 7 * d, 8 * d); // a duplicate across blocks
    const same = ndarray(X, [301, d]); // the same object twice: the symmetric path
    const nb = await kNearest(same, same, { k: 9, method: 'exact', blockRows: 64, engine });
    const expected = bruteForce(X, X, d, 9);
    for (let q = 0; q < 301; q++) expect([q, Array.from(nb.indices.subarray(q * 9, q * 9 + 9))]).toEqual([q, expected[q]]);
    expect(nb.distances[7 * 9 + 1]).toBe(0);
  });

  it('includes each sample as its own nearest neighbour at test time', async () => {
    const X = ndarray(randomMatrix(200, 32, 3), [200, 32]);
    const nb = await kNearest(X, X, { k: 5, method: 'exact', engine });
    for (let s = 0; s < 200; s++) expect(nb.indices[s * 5]).toBe(s);
  });

  it('cosine ranks by angle', async () => {
    const R = ndarray(new Float32Array([1, 0, 10, 1, 0, 3]), [3, 2]);
    const Q = ndarray(new Float32Array([5, 0]), [1, 2]);
    const nb = await kNearest(R, Q, { k: 3, metric: 'cosine', method: 'exact', engine });
    expect(Array.from(nb.indices)).toEqual([0, 1, 2]);
  });

  it('rejects k outside [1, n]', async () => {
    const X = ndarray(randomMatrix(4, 2, 1), [4, 2]);
    await expect(kNearest(X, X, { k: 5, engine })).rejects.toThrow("option 'k': must be an integer in [1, 4], got 5");
  });

  it('finds the float64 neighbour sets on sentence-embedding-like data with near ties', async () => {
    // Points on a few tight clusters: many distances agree to float32 rounding, which the
    // re-ranking must resolve exactly.
    const d = 64;
    const n = 700;
    const rng = new Rng(9);
    const centres = Array.from({ length: 5 }, () => Float32Array.from({ length: d }, () => rng.normal()));
    const X = new Float32Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X[i * d + j] = centres[i % 5][j] + 1e-3 * rng.normal();
    const same = ndarray(X, [n, d]);
    const nb = await kNearest(same, same, { k: 20, method: 'exact', blockRows: 256, engine });
    const expected = bruteForce(X, X, d, 20);
    let mismatches = 0;
    for (let q = 0; q < n; q++) if (JSON.stringify(Array.from(nb.indices.subarray(q * 20, q * 20 + 20))) !== JSON.stringify(expected[q])) mismatches++;
    expect(mismatches).toBe(0);
  });
});

describe('HNSW kNN', () => {
  it('finds nearly all exact neighbours', async () => {
    const X = ndarray(randomMatrix(2000, 32, 4), [2000, 32]);
    const exact = await kNearest(X, X, { k: 10, method: 'exact' });
    const approx = await kNearest(X, X, { k: 10, method: 'hnsw', hnsw: { efSearch: 100 } });
    let hits = 0;
    for (let q = 0; q < 2000; q++) {
      const truth = new Set(exact.indices.subarray(q * 10, q * 10 + 10));
      for (const j of approx.indices.subarray(q * 10, q * 10 + 10)) if (truth.has(j)) hits++;
    }
    expect(hits / 20000).toBeGreaterThan(0.95);
    expect(approx.method).toBe('hnsw');
  });
});
