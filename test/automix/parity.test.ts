import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pandasSamplePositions } from '../../src/compute/numpy-random.js';
import { loadAutomixData, type AutomixRow } from '../../src/automix/data.js';
import { categorize, categoryThresholds } from '../../src/automix/categories.js';
import { PAPER_COSTS, baselineOf, operatingPoint } from '../../src/automix/costs.js';
import { gaussianFilter1d } from '../../src/automix/methods.js';
import { MetaVerifier, trainRowsOf, type MetaVerifierName } from '../../src/automix/meta-verifier.js';
import { fixture } from '../helpers/shared.js';

interface SeedResult {
  best_param: unknown;
  family: string;
  family_param: number | number[];
  train_ibc_lift: number;
  test_ibc_lift: number;
  test_avg_performance: number;
  test_avg_cost: number;
  test_route_to_llm: string;
  candidates: { family: string; family_param: number | number[]; train_ibc_lift: number; train_avg_cost: number; n_routed: number }[];
}
interface Expected {
  test_ids: string[];
  train_ids: Record<string, string[]>;
  train_positions: Record<string, number[]>;
  category_percentiles: { p10_llama13b_f1: number; p10_llama70b_f1: number };
  seeds: Record<string, Record<string, SeedResult>>;
  summary: Record<string, { avg_lift: number; std_lift: number; min_lift: number; max_lift: number; mean_cost: number; mean_perf: number }>;
}

const dir = fixture('automix');
const TOL = 1e-12;

describe.skipIf(!dir.exists)('AutoMix parity with the reference (fixture synthqa, 10 seeds)', () => {
  let expected: Expected;
  let rows: readonly AutomixRow[];
  let train: AutomixRow[];
  let test: AutomixRow[];
  let thresholds: ReturnType<typeof categoryThresholds>;
  beforeAll(async () => {
    expected = JSON.parse(readFileSync(path.join(dir.path, 'expected.json'), 'utf8')) as Expected;
    rows = (await loadAutomixData(path.join(dir.path, 'rows.jsonl'))).rows;
    train = rows.filter((r) => r.split === 'train');
    const byId = new Map(rows.map((r) => [r.id, r]));
    test = expected.test_ids.map((id) => byId.get(id)!);
    thresholds = categoryThresholds(
      rows.map((r) => r.slmScore),
      rows.map((r) => r.llmScore),
    );
  });

  it('categories: whole-file 10th percentiles and every row', () => {
    expect(thresholds.slmP10).toBe(expected.category_percentiles.p10_llama13b_f1);
    expect(thresholds.llmP10).toBe(expected.category_percentiles.p10_llama70b_f1);
    for (const r of rows) expect(categorize(r.slmScore, r.llmScore, thresholds)).toBe(r.category);
  });

  it("training rows per seed are pandas' sample(1000, random_state=seed) = RandomState(seed).permutation(n)[:1000]", () => {
    for (const [seed, positions] of Object.entries(expected.train_positions)) {
      const ours = pandasSamplePositions(train.length, 1000, Number(seed));
      expect(ours).toEqual(positions);
      expect(ours.map((i) => train[i].id)).toEqual(expected.train_ids[seed]);
    }
  });

  it('scipy gaussian_filter1d (σ = 2, reflect) on a unit impulse', () => {
    const out = gaussianFilter1d([1, 0, 0, 0, 0, 0, 0, 0, 0], 2);
    expect(out.map((x) => Number(x.toFixed(4)))).toEqual([0.3755, 0.297, 0.1857, 0.0918, 0.0358, 0.011, 0.0027, 0.0005, 0.0001]);
  });

  for (const method of ['POMDP', 'Threshold', 'DoubleThreshold', 'SelfConsistency', 'POMDPSimple', 'GreedyPOMDP'] as MetaVerifierName[]) {
    it(`${method}: every candidate's train lift, the chosen parameter, the test routing and lift, the summary`, () => {
      const lifts: number[] = [];
      const costs: number[] = [];
      const perfs: number[] = [];
      const testRows = { slm: Float64Array.from(test, (r) => r.slmScore), llm: Float64Array.from(test, (r) => r.llmScore) };
      for (const [seed, ref] of Object.entries(expected.seeds[method])) {
        const byId = new Map(train.map((r) => [r.id, r]));
        const sample = expected.train_ids[seed].map((id) => byId.get(id)!);
        const fitted = new MetaVerifier({ method, bins: 8 }).fit(trainRowsOf(sample, { thresholds }));
        // The reference's candidates in the reference's order (POMDPSimple's replays CPython's set order), same train lifts.
        expect(fitted.candidates.map((c) => `${c.family}:${JSON.stringify(c.param)}`)).toEqual(ref.candidates.map((c) => `${c.family}:${JSON.stringify(c.family_param)}`));
        fitted.candidates.forEach((mine, i) => {
          expect(Math.abs(mine.lift - ref.candidates[i].train_ibc_lift)).toBeLessThanOrEqual(TOL);
          expect(mine.routed).toBe(ref.candidates[i].n_routed);
        });
        expect(Math.abs(fitted.trainLift - ref.train_ibc_lift)).toBeLessThanOrEqual(TOL);
        // Same order, so exact ties resolve the same: the chosen parameter matches on every seed, tied or not.
        expect(fitted.family).toBe(ref.family);
        expect(fitted.param).toEqual(ref.family_param);
        const route = fitted.route(test.map((r) => r.confidence));
        expect(route.map((b) => (b ? '1' : '0')).join('')).toBe(ref.test_route_to_llm);
        const point = operatingPoint(testRows, route, PAPER_COSTS, { baseline: baselineOf(testRows, PAPER_COSTS) });
        expect(Math.abs(point.lift - ref.test_ibc_lift)).toBeLessThanOrEqual(TOL);
        expect(Math.abs(point.cost - ref.test_avg_cost)).toBeLessThanOrEqual(TOL);
        expect(Math.abs(point.performance - ref.test_avg_performance)).toBeLessThanOrEqual(TOL);
        lifts.push(point.lift);
        costs.push(point.cost);
        perfs.push(point.performance);
      }
      expect(lifts).toHaveLength(10);
      const s = expected.summary[method];
      const avg = lifts.reduce((a, b) => a + b, 0) / lifts.length;
      expect(Math.abs(avg - s.avg_lift)).toBeLessThanOrEqual(TOL);
      expect(Math.abs(Math.sqrt(lifts.reduce((a, x) => a + (x - avg) ** 2, 0) / lifts.length) - s.std_lift)).toBeLessThanOrEqual(1e-12);
      expect(Math.min(...lifts)).toBeCloseTo(s.min_lift, 12);
      expect(Math.max(...lifts)).toBeCloseTo(s.max_lift, 12);
      expect(costs.reduce((a, b) => a + b, 0) / 10).toBeCloseTo(s.mean_cost, 10);
      expect(perfs.reduce((a, b) => a + b, 0) / 10).toBeCloseTo(s.mean_perf, 12);
    });
  }
});
