/**
 * Parity with the reference implementation on ../shared/fixtures/smoothie: weights within 1e-9 of
 * the float64 targets and 2e-6 of the float32 ones, selections and neighbour sets exactly.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy, toFloatNdArray } from '../../src/data/npy.js';
import { parseJsonLenient } from '../../src/data/json.js';
import { Smoothie } from '../../src/smoothie/index.js';
import { kNearest } from '../../src/compute/knn.js';
import { fixture } from '../helpers/shared.js';

const root = fixture('smoothie');
const FOLDERS = ['synthetic', 'synthetic_m3', 'synthetic_m2'];
const CASES = [
  { name: 'independent', type: 'sample_independent' as const, k: undefined },
  { name: 'dependent_k1', type: 'sample_dependent' as const, k: 1 },
  { name: 'dependent_k5', type: 'sample_dependent' as const, k: 5 },
  { name: 'dependent_k20', type: 'sample_dependent' as const, k: 20 },
];

async function floats(file: string): Promise<Float64Array> {
  return Float64Array.from(toFloatNdArray(await readNpy(file), file).data);
}
async function ints(file: string): Promise<number[]> {
  const npy = await readNpy(file);
  return Array.from(npy.data as ArrayLike<number | bigint>, Number);
}

function expectClose(actual: Float64Array, expected: Float64Array, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      expect([i, Number.isNaN(a)]).toEqual([i, Number.isNaN(e)]);
      continue;
    }
    worst = Math.max(worst, Math.abs(a - e));
  }
  expect(worst).toBeLessThanOrEqual(tol);
}

describe.skipIf(!root.exists)('Smoothie reproduces the reference fixtures', () => {
  for (const folder of FOLDERS) {
    const dir = path.join(root.path, folder);
    for (const c of CASES) {
      if (!existsSync(path.join(dir, `weights_${c.name}_f64.npy`))) continue;
      it(`${folder} ${c.name}`, async () => {
        const X = toFloatNdArray(await readNpy(path.join(dir, 'X.npy')), 'X.npy');
        const G = toFloatNdArray(await readNpy(path.join(dir, 'G.npy')), 'G.npy');
        const [n, m] = G.shape;
        const fitted = await new Smoothie({ type: c.type, k: c.k, knn: 'exact' }).fit({ generations: G, inputs: X });
        expectClose(fitted.weights.data, await floats(path.join(dir, `weights_${c.name}_f64.npy`)), 1e-9);
        expectClose(fitted.weights.data, await floats(path.join(dir, `weights_${c.name}.npy`)), 2e-6);
        expect(Array.from(fitted.selected)).toEqual(await ints(path.join(dir, `selected_${c.name}_f64.npy`)));
        expect(Array.from(fitted.selected)).toEqual(await ints(path.join(dir, `selected_${c.name}.npy`)));
        // The reference's own output file: same routed texts (its stub generations are "s<sample>_v<voter>").
        const reference = parseJsonLenient(readFileSync(path.join(dir, `reference_output_${c.name}.json`), 'utf8')) as {
          generations: string[];
          smoothie_weights: number[][];
        };
        expect(reference.generations).toEqual(Array.from(fitted.selected, (v, s) => `s${s}_v${v}`));
        expectClose(fitted.weights.data, Float64Array.from(reference.smoothie_weights.flat()), 2e-6);
        expect(fitted.weights.shape).toEqual([n, m]);
      });
    }
    for (const k of [5, 20]) {
      const file = path.join(dir, `neighbors_k${k}.npy`);
      if (!existsSync(file)) continue;
      it(`${folder} neighbour sets k=${k} equal scikit-learn's`, async () => {
        const X = toFloatNdArray(await readNpy(path.join(dir, 'X.npy')), 'X.npy');
        const expected = await ints(file);
        const expectedDist = await floats(path.join(dir, `neighbor_dist_k${k}.npy`));
        const nb = await kNearest(X, X, { k, method: 'exact' });
        const n = X.shape[0];
        for (let s = 0; s < n; s++) {
          const ours = Array.from(nb.indices.subarray(s * k, (s + 1) * k)).sort((a, b) => a - b);
          const theirs = expected.slice(s * k, (s + 1) * k).sort((a, b) => a - b);
          expect([s, ours]).toEqual([s, theirs]);
          expect(nb.indices[s * k]).toBe(s); // self first
        }
        expectClose(
          nb.distances.map((d, i) => (i % k === 0 ? 0 : d)),
          expectedDist.map((d, i) => (i % k === 0 ? 0 : d)),
          1e-5,
        );
      });
    }
  }
});
