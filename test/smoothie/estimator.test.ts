import { describe, expect, it } from 'vitest';
import { ndarray } from '../../src/compute/ndarray.js';
import { InvalidParameterError, UserInputError } from '../../src/errors/index.js';
import { FittedSmoothie, Smoothie } from '../../src/smoothie/index.js';
import { blockMean, errorEstimates, numpyArgmax, pairwiseSquaredDistances } from '../../src/smoothie/weights.js';
import { syntheticVoters } from './synthetic.js';

// Cluster-dependent quality: voter c is best in cluster c; voter 4 is mediocre everywhere.
const SIGMA = [
  [0.2, 1.0, 1.0, 1.0, 0.6],
  [1.0, 0.2, 1.0, 1.0, 0.6],
  [1.0, 1.0, 0.2, 1.0, 0.6],
  [1.0, 1.0, 1.0, 0.2, 0.6],
];

describe('Smoothie recovers known voter quality', () => {
  const data = syntheticVoters(400, 24, SIGMA, 7);

  it('global weights rank voters by their mean error', async () => {
    const fitted = await new Smoothie({ type: 'sample_independent' }).fit({ generations: data.G });
    const w = Array.from(fitted.globalWeights!);
    // mean sigma² per voter: voters 0-3 = (0.04 + 3)/4 = 0.76, voter 4 = 0.36 → voter 4 best
    expect(fitted.selected.every((v) => v === 4)).toBe(true);
    for (let v = 0; v < 4; v++) expect(w[4]).toBeGreaterThan(w[v]);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('local weights pick the locally best voter', async () => {
    const fitted = await new Smoothie({ type: 'sample_dependent', k: 20, knn: 'exact' }).fit({ generations: data.G, inputs: data.X });
    let agree = 0;
    fitted.selected.forEach((v, s) => (agree += v === data.cluster[s] ? 1 : 0));
    expect(agree / fitted.selected.length).toBeGreaterThan(0.95);
  });

  it('train-time predictions use the train neighbours of each test input', async () => {
    const test = syntheticVoters(80, 24, SIGMA, 7); // same centres (same seed), fresh samples
    const fitted = await new Smoothie({ type: 'sample_dependent', k: 10, knn: 'exact' }).fit({ generations: data.G, inputs: data.X });
    const { selected } = await fitted.predict({ inputs: test.X });
    let agree = 0;
    selected.forEach((v, s) => (agree += v === test.cluster[s] ? 1 : 0));
    expect(agree / selected.length).toBeGreaterThan(0.95);
  });

  it('is deterministic', async () => {
    const a = await new Smoothie({ type: 'sample_dependent', k: 5 }).fit({ generations: data.G, inputs: data.X });
    const b = await new Smoothie({ type: 'sample_dependent', k: 5 }).fit({ generations: data.G, inputs: data.X });
    expect(Array.from(a.weights.data)).toEqual(Array.from(b.weights.data));
    const h1 = await new Smoothie({ type: 'sample_dependent', k: 5, knn: 'hnsw', seed: 3 }).fit({ generations: data.G, inputs: data.X });
    const h2 = await new Smoothie({ type: 'sample_dependent', k: 5, knn: 'hnsw', seed: 3 }).fit({ generations: data.G, inputs: data.X });
    expect(Array.from(h1.weights.data)).toEqual(Array.from(h2.weights.data));
  });
});

describe('Smoothie estimator semantics', () => {
  it('the triplet mean equals the closed form ((m−1)·S_i − T)/((m−1)(m−2))', () => {
    const { G } = syntheticVoters(30, 8, [[0.3, 0.5, 0.9, 1.3, 0.1, 0.7]], 11);
    const m = 6;
    const P = pairwiseSquaredDistances(G);
    const D = new Float64Array(m * m);
    blockMean(
      P,
      m,
      Array.from({ length: 30 }, (_, i) => i),
      D,
    );
    const diff = new Float64Array(m);
    errorEstimates(D, m, diff);
    let T = 0;
    for (let a = 0; a < m; a++) for (let c = a + 1; c < m; c++) T += D[a * m + c];
    for (let i = 0; i < m; i++) {
      let S = 0;
      for (let j = 0; j < m; j++) if (j !== i) S += D[i * m + j];
      expect(diff[i]).toBeCloseTo(((m - 1) * S - T) / ((m - 1) * (m - 2)), 10);
    }
  });

  it('reproduces NumPy argmax: first NaN, else first maximum', () => {
    expect(numpyArgmax([0.1, 0.5, 0.5])).toBe(1);
    expect(numpyArgmax([0.1, NaN, 0.9, NaN])).toBe(1);
    expect(numpyArgmax([NaN, 1])).toBe(0);
    expect(numpyArgmax([-Infinity, -1])).toBe(1);
  });

  it('m = 2 gives NaN weights and voter 0; robust mode gives equal weights', async () => {
    const { G } = syntheticVoters(10, 4, [[0.5, 0.1]], 1);
    const ref = await new Smoothie({ type: 'sample_dependent', k: 1 }).fit({ generations: G });
    expect(Array.from(ref.weights.data).every(Number.isNaN)).toBe(true);
    expect(Array.from(ref.selected).every((v) => v === 0)).toBe(true);
    const robust = await new Smoothie({ type: 'sample_dependent', k: 1, robust: true }).fit({ generations: G });
    expect(Array.from(robust.weights.data)).toEqual(new Array(20).fill(0.5));
  });

  it('identical voters give exact zeros (NaN weights) unless robust', async () => {
    const g = new Float32Array([1, 2, 3, 1, 2, 3, 5, 5, 5]); // n=1, m=3, d=3; voters 0 and 1 identical
    const G = ndarray(g, [1, 3, 3]);
    const ref = await new Smoothie({ type: 'sample_independent' }).fit({ generations: G });
    expect(Number.isNaN(ref.weights.data[0]) && Number.isNaN(ref.weights.data[1])).toBe(true);
    expect(ref.selected[0]).toBe(0);
    const robust = await new Smoothie({ type: 'sample_independent', robust: true }).fit({ generations: G });
    expect(robust.weights.data[2]).toBeLessThan(1e-9);
    expect(robust.selected[0]).toBe(0);
  });

  it('validates hyperparameters in fit, as scikit-learn does', async () => {
    const est = new Smoothie({ type: 'sample_dependent' });
    expect(est.getParams()).toEqual({ type: 'sample_dependent' });
    const { G } = syntheticVoters(4, 3, [[0.1, 0.2, 0.3]], 1);
    const error = await est.fit({ generations: G }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(UserInputError.isUserInputError(error)).toBe(true);
    expect((error as InvalidParameterError).option).toBe('k');
    expect((error as Error).message).toBe("option 'k': k is required for sample_dependent");
  });
});

describe('FittedSmoothie JSON round trip', () => {
  it('restores weights (NaN included) and predictions', async () => {
    const data = syntheticVoters(60, 6, SIGMA, 3);
    const fitted = await new Smoothie({ type: 'sample_dependent', k: 5, knn: 'exact' }).fit({ generations: data.G, inputs: data.X });
    const restored = FittedSmoothie.fromJSON(JSON.parse(JSON.stringify(fitted.toJSON())));
    expect(Array.from(restored.weights.data)).toEqual(Array.from(fitted.weights.data));
    const queries = syntheticVoters(12, 6, SIGMA, 4).X;
    const a = await fitted.predict({ inputs: queries });
    const b = await restored.predict({ inputs: queries });
    expect(Array.from(b.weights.data)).toEqual(Array.from(a.weights.data));

    const m2 = syntheticVoters(4, 3, [[0.1, 0.2]], 5);
    const nanFit = await new Smoothie({ type: 'sample_independent' }).fit({ generations: m2.G });
    const nanBack = FittedSmoothie.fromJSON(JSON.parse(JSON.stringify(nanFit.toJSON())));
    expect(Array.from(nanBack.weights.data).every(Number.isNaN)).toBe(true);
    expect(Array.from(nanBack.globalWeights!).every(Number.isNaN)).toBe(true);
  });

  it('rejects a malformed state', () => {
    expect(() => FittedSmoothie.fromJSON({ format: 'other' })).toThrow();
  });
});
