// Issue 13 item 15: cost and quality of a routing mask in the reference's operation order, bit for bit,
// on a held-out set whose scores are not dyadic (the shared fixture's are, so any order matches there).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { numpySum, operatingPoint, PAPER_COSTS } from '../../src/automix/costs.js';

interface Heldout {
  readonly cases: { n: number; slm: number[]; llm: number[]; masks: { route: string; avg_performance: number; avg_cost: number }[] }[];
  readonly sums: { x: number[]; sum: number }[];
}
const heldout = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/automix/heldout.json'), 'utf8')) as Heldout;

describe('AutoMix arithmetic in the reference order', () => {
  it("NumPy's pairwise summation, exactly", () => {
    for (const { x, sum } of heldout.sums) expect(numpySum(x)).toBe(sum);
    // Where it matters: a left-to-right sum differs for some of these.
    expect(heldout.sums.some(({ x, sum }) => x.reduce((a, b) => a + b, 0) !== sum)).toBe(true);
  });

  it('every operating point of the held-out set: cost and quality bit for bit', () => {
    let costOrderMatters = 0;
    for (const c of heldout.cases) {
      const rows = { slm: Float64Array.from(c.slm), llm: Float64Array.from(c.llm) };
      for (const m of c.masks) {
        const route = [...m.route].map((ch) => ch === '1');
        const p = operatingPoint(rows, route, PAPER_COSTS);
        expect(p.cost).toBe(m.avg_cost);
        expect(p.performance).toBe(m.avg_performance);
        const r = route.filter(Boolean).length;
        if (1 + (r / c.n) * 50 + 1 !== m.avg_cost) costOrderMatters++;
      }
    }
    // The old order, 1 + (R/N)·50 + 1, is off in the last bit for some of them.
    expect(costOrderMatters).toBeGreaterThan(0);
  });
});
