import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NumpyRandomState, pandasSamplePositions } from '../../src/compute/numpy-random.js';
import { fixture } from '../helpers/shared.js';

// Values printed by NumPy 1.24 (`numpy.random.RandomState`).
describe('NumpyRandomState equals numpy.random.RandomState', () => {
  it('raw 32-bit outputs (randint(0, 2**32, dtype=uint32))', () => {
    const rs = new NumpyRandomState(123);
    expect(Array.from({ length: 5 }, () => rs.nextUint32())).toEqual([2991312382, 3062119789, 1228959102, 1840268610, 974319580]);
  });

  it('permutation', () => {
    expect(new NumpyRandomState(42).permutation(10)).toEqual([8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
    expect(new NumpyRandomState(0).permutation(3000).slice(0, 20)).toEqual([311, 1025, 1587, 2941, 2980, 2078, 2281, 720, 1537, 2493, 1716, 536, 298, 104, 1649, 2299, 1109, 899, 461, 2590]);
    expect(new NumpyRandomState(7).permutation(100000).slice(-5)).toEqual([53459, 10742, 49689, 58564, 61615]);
    expect(new NumpyRandomState(2 ** 32 - 1).permutation(17)).toEqual([8, 1, 5, 14, 10, 15, 16, 13, 11, 9, 6, 0, 4, 7, 12, 2, 3]);
  });

  it('rejects seeds NumPy rejects', () => {
    expect(() => new NumpyRandomState(-1)).toThrow();
    expect(() => new NumpyRandomState(2 ** 32)).toThrow();
  });

  const automix = fixture('automix', 'expected.json');
  it.skipIf(!automix.exists)("reproduces pandas' sample(1000, random_state=seed) of the AutoMix fixture for seeds 0–9", () => {
    const expected = JSON.parse(readFileSync(automix.path, 'utf8')) as { train_positions: Record<string, number[]> };
    for (const [seed, positions] of Object.entries(expected.train_positions)) {
      expect(pandasSamplePositions(3000, 1000, Number(seed))).toEqual(positions);
    }
  });
});
