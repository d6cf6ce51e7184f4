/**
 * Costs and the incremental-benefit-per-cost metric (spec §4). A routing mask's operating point is
 * (avg_perf, avg_cost) with avg_cost = ((N − R)·c_slm + R·(c_llm + c_slm))/N + c_verifier (the reference's order). IBC = (avg_perf −
 * slm_perf) / (avg_cost − c_slm), and the lift (ΔIBC) compares it with the SLM→LLM line's slope
 * (llm_perf − slm_perf) / (c_llm − c_slm), all on the same rows.
 *
 * `reference` keeps the reference's asymmetry: the method pays the verifier, the line's LLM end does not
 * (routing everything scores −c_v/(c_llm + c_v)). `verifier-neutral` (ours) measures what routing buys
 * once verification is paid: IBC over the escalation cost only, (avg_perf − slm_perf) / (share · c_llm),
 * against slope (llm_perf − slm_perf) / c_llm, so routing everything (or a random share) scores 0.
 */
import { z } from 'zod';
import { InvalidParameterError } from '../errors/index.js';

const cost = z.number({ error: 'cost must be a positive number' }).refine((v) => Number.isFinite(v) && v > 0, { error: 'cost must be a positive number' });

/** What a query costs: the small model's answer, the large model's, one verification. One schema for every costs object (router configs, fitted meta-verifiers). */
export const CostsSchema = z.strictObject({ slm: cost, llm: cost, verifier: cost });
export type Costs = Readonly<z.infer<typeof CostsSchema>>;

/** The paper's costs: SLM 1, LLM 50, a verification 1. */
export const PAPER_COSTS: Costs = { slm: 1, llm: 50, verifier: 1 };

export const LIFT_VARIANTS = ['reference', 'verifier-neutral'] as const;
export type LiftVariant = (typeof LIFT_VARIANTS)[number];

/** Costs the lift can use: each positive (`CostsSchema`), the LLM dearer than the SLM. @throws InvalidParameterError naming the cost */
export function validateCosts(costs: Costs): Costs {
  for (const [name, value] of Object.entries(costs)) {
    if (!cost.safeParse(value).success) throw new InvalidParameterError(name, `cost must be a positive number, got ${value}`);
  }
  if (costs.llm <= costs.slm) throw new InvalidParameterError('costs', `the LLM must cost more than the SLM (got ${costs.slm}, ${costs.llm})`);
  return costs;
}

/** Per-row scores of the two models on some split. */
export interface ScoredRows {
  readonly slm: Float64Array;
  readonly llm: Float64Array;
}

export interface OperatingPoint {
  readonly performance: number;
  readonly cost: number;
  readonly routed: number;
  /** IBC of the point (its slope from the SLM). */
  readonly ibc: number;
  readonly lift: number;
}

export interface Baseline {
  readonly slmPerf: number;
  readonly llmPerf: number;
  readonly slope: number;
}

/**
 * A column mean as pandas computes `Series.mean()` for the reference (bottleneck's `nanmean`, a
 * left-to-right sum, which pandas 1.5 uses when bottleneck is installed, as Debian's pandas pulls in).
 */
const columnMean = (x: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
};

/** NumPy's pairwise summation of float64 (`np.add.reduce` on a contiguous array): its exact grouping. */
export function numpySum(x: ArrayLike<number>, start = 0, n = x.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += x[start + i];
    return res;
  }
  if (n <= 128) {
    const r = [x[start], x[start + 1], x[start + 2], x[start + 3], x[start + 4], x[start + 5], x[start + 6], x[start + 7]];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += x[start + i + j];
    let res = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) res += x[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return numpySum(x, start, n2) + numpySum(x, start + n2, n - n2);
}

export function baselineOf(rows: ScoredRows, costs: Costs, variant: LiftVariant = 'reference'): Baseline {
  const slmPerf = columnMean(rows.slm);
  const llmPerf = columnMean(rows.llm);
  const run = variant === 'reference' ? costs.llm - costs.slm : costs.llm;
  return { slmPerf, llmPerf, slope: (llmPerf - slmPerf) / run };
}

/** The operating point of a routing mask (true = the LLM answers). */
export function operatingPoint(
  rows: ScoredRows,
  route: ArrayLike<boolean>,
  costs: Costs,
  options: { readonly variant?: LiftVariant; readonly baseline?: Baseline; readonly verifier?: boolean } = {},
): OperatingPoint {
  const variant = options.variant ?? 'reference';
  const n = rows.slm.length;
  // The reference's operation order (automix main.py compute_performance_cost): the mean of
  // np.where(routed, llm, slm) by NumPy's pairwise sum; total cost (N − R)·c_s + R·(c_l + c_s), then
  // divided by N, then the verifier added. Any other order differs in the last bit for some N.
  const chosen = new Float64Array(n);
  let routed = 0;
  for (let i = 0; i < n; i++) {
    if (route[i]) {
      chosen[i] = rows.llm[i];
      routed++;
    } else chosen[i] = rows.slm[i];
  }
  const performance = numpySum(chosen) / n;
  const verifier = options.verifier === false ? 0 : costs.verifier;
  const cost = ((n - routed) * costs.slm + routed * (costs.llm + costs.slm)) / n + verifier;
  const base = options.baseline ?? baselineOf(rows, costs, variant);
  const spent = variant === 'reference' ? cost - costs.slm : cost - costs.slm - verifier;
  // Nothing spent beyond the SLM: the SLM's own point, on the line.
  const ibc = spent === 0 ? base.slope : (performance - base.slmPerf) / spent;
  return { performance, cost, routed, ibc, lift: (ibc - base.slope) / base.slope };
}
