/**
 * The meta-verifier families (spec §3): each proposes candidate parameters from the training rows and
 * routes a row (true = escalate to the LLM) from its verifier confidence p. Candidates come in the
 * reference's order (POMDPSimple's replays CPython's set order), and fitting keeps the first candidate
 * of maximal train lift, so exact ties resolve as the reference's.
 */
import { categorize, type Category, type CategoryThresholds } from './categories.js';
import { pythonSetOrder } from './python-set.js';

export interface TrainRows {
  readonly confidence: Float64Array;
  readonly slm: Float64Array;
  readonly llm: Float64Array;
  /** Reference categories (POMDPSimple). */
  readonly categories: readonly Category[];
  /** Rows escalated whatever the rule says (the reference's FixedAnswerRouting). */
  readonly forced?: ArrayLike<boolean>;
}

export type Policy = readonly number[];
export type FamilyName = 'Threshold' | 'DoubleThreshold' | 'TripleThreshold' | 'SelfConsistency' | 'POMDPSimple' | 'GreedyPOMDP' | 'BayesPOMDP';
export type Param = number | readonly number[];

export interface Family {
  readonly name: FamilyName;
  candidates(train: TrainRows, bins: number): Param[];
  route(p: number, param: Param, bins: number): boolean;
}

const grid = (bins: number): number[] => Array.from({ length: bins + 1 }, (_, i) => i / bins);

/** The reference's nearest-bin lookup: c_i − g/2 ≤ p < c_i + g/2. */
export function nearestBin(p: number, bins: number): number {
  return Math.min(bins, Math.floor(p * bins + 0.5));
}

const policyRoute = (p: number, param: Param, bins: number): boolean => (param as Policy)[nearestBin(p, bins)] === 1;

/** The policies routing the first k bins of `order` (all bins, best first), for k = from … all. */
const nestedPolicies = (order: readonly number[], from: number): Policy[] =>
  Array.from({ length: order.length + 1 - from }, (_, j) => {
    const policy = new Array<number>(order.length).fill(0);
    for (const bin of order.slice(0, from + j)) policy[bin] = 1;
    return policy;
  });

export const Threshold: Family = {
  name: 'Threshold',
  candidates: (_train, bins) => grid(bins),
  route: (p, t) => p <= (t as number),
};

export const DoubleThreshold: Family = {
  name: 'DoubleThreshold',
  candidates: (_train, bins) => {
    const out: number[][] = [];
    for (let i = 0; i < bins; i++) for (let j = i + 1; j < bins; j++) out.push([i / bins, j / bins]);
    return out;
  },
  route: (p, param) => {
    const [lo, hi] = param as number[];
    return lo <= p && p <= hi;
  },
};

export const TripleThreshold: Family = {
  name: 'TripleThreshold',
  candidates: (_train, bins) => {
    const out: number[][] = [];
    for (let i = 0; i < bins; i++) for (let j = i + 1; j < bins; j++) for (let k = j + 1; k < bins; k++) out.push([i / bins, j / bins, k / bins]);
    return out;
  },
  route: (p, param) => {
    const [t0, t1, t2] = param as number[];
    return p <= t0 || (t1 <= p && p <= t2);
  },
};

export const SelfConsistency: Family = {
  name: 'SelfConsistency',
  candidates: () => [0.5],
  route: (p, t) => p <= (t as number),
};

/**
 * POMDPSimple: per bin the shares of NEEDY/GOOD/HOPELESS train rows (rows strictly inside the bin),
 * and for every reward level r = 0…4999 the policy that maximises the expected reward per bin; the
 * distinct policies are the candidates, in the order of the reference's `list(set(...))`.
 */
export const POMDPSimple: Family = {
  name: 'POMDPSimple',
  candidates: (train, bins) => {
    const g = 1 / bins;
    const obs = grid(bins).map((c) => {
      let n = 0;
      let good = 0;
      let h = 0;
      let total = 0;
      train.confidence.forEach((p, i) => {
        if (Math.abs(p - c) < g / 2) {
          total++;
          const cat = train.categories[i];
          if (cat === 'NEEDY') n++;
          else if (cat === 'GOOD') good++;
          else if (cat === 'HOPELESS') h++;
        }
      });
      return total === 0 ? [0, 0, 0] : [n / total, good / total, h / total];
    });
    const policies = Array.from({ length: 5000 }, (_, r) =>
      obs.map(([n, good, h]) => {
        const keep = n * -r + good * 0 + h * (-r - 1);
        const route = n * -100 + good * -100 + h * (-r - 100);
        return route > keep ? 1 : 0;
      }),
    );
    return pythonSetOrder(policies);
  },
  route: policyRoute,
};

/** scipy.ndimage.gaussian_filter1d (mode 'reflect', truncate 4). */
export function gaussianFilter1d(x: readonly number[], sigma: number): number[] {
  const radius = Math.floor(4 * sigma + 0.5);
  const weights = Array.from({ length: 2 * radius + 1 }, (_, k) => Math.exp(-0.5 * ((k - radius) / sigma) ** 2));
  const total = weights.reduce((a, b) => a + b, 0);
  const n = x.length;
  const at = (i: number): number => {
    while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - i - 1;
    return x[i];
  };
  return x.map((_, i) => weights.reduce((s, w, k) => s + (w / total) * at(i + k - radius), 0));
}

/**
 * GreedyPOMDP: mean LLM − SLM gain per floor-binned confidence, smoothed (σ = 2); candidate k routes
 * the k bins of largest smoothed gain (ties: higher bin first), applied by nearest bin as the reference.
 */
export const GreedyPOMDP: Family = {
  name: 'GreedyPOMDP',
  candidates: (train, bins) => {
    const g = 1 / bins;
    const sums = new Array<number>(bins + 1).fill(0);
    const counts = new Array<number>(bins + 1).fill(0);
    train.confidence.forEach((p, i) => {
      const x = Math.min(bins, Math.floor(p / g));
      sums[x] += train.llm[i] - train.slm[i];
      counts[x]++;
    });
    const smoothed = gaussianFilter1d(
      sums.map((s, x) => (counts[x] === 0 ? 0 : s / counts[x])),
      2,
    );
    const ascending = smoothed.map((_, i) => i).sort((a, b) => smoothed[a] - smoothed[b] || a - b);
    return nestedPolicies(ascending.reverse(), 1);
  },
  route: policyRoute,
};

/** Answer quality classes of BayesPOMDP: score ≤ 1/3, ≤ 2/3, above (binary scores use the outer two). */
const QUALITY_CLASSES = 3;
const qualityClass = (score: number): number => (score <= 1 / 3 ? 0 : score <= 2 / 3 ? 1 : 2);

/** Laplace-smoothed (add-one) counts as probabilities. */
const addOneProbabilities = (counts: readonly number[]): number[] => {
  const total = counts.reduce((a, b) => a + b + 1, 0);
  return counts.map((c) => (c + 1) / total);
};

/** Mean score per class, the class midpoint when no row is in it. */
const classMeans = (sums: readonly number[], counts: readonly number[]): number[] => sums.map((s, k) => (counts[k] === 0 ? (k + 0.5) / QUALITY_CLASSES : s / counts[k]));

/**
 * BayesPOMDP (ours; the reference's "POMDP" is a rule search). Hidden state s = the quality class of the
 * SLM's answer; observation o = the confidence bin (nearest); actions: keep the answer, or escalate, which
 * moves to the LLM answer's quality class s′ and pays c_llm. Estimated from the training rows (add-one
 * smoothing): prior π(s), observation model O(o | s), escalation transition T(s′ | s), and rewards = mean
 * score of each class. After observing o the belief is b(s) ∝ π(s)·O(o | s), and at price λ per unit cost
 * V(b) = max(Σ_s b(s)·R_slm(s), Σ_s b(s)·Σ_s′ T(s′ | s)·R_llm(s′) − λ·c_llm). One observation then one
 * decision: the reachable beliefs are the B + 1 posteriors, so this is the exact belief-space solution.
 * Escalate iff the expected gain G(o) exceeds λ·c_llm; over all λ the policies are the nested bin sets by
 * G (the empty one included), candidates chosen by train lift like the other families.
 */
export const BayesPOMDP: Family = {
  name: 'BayesPOMDP',
  candidates: (train, bins) => {
    const K = QUALITY_CLASSES;
    const zeros = (n: number): number[] => new Array<number>(n).fill(0);
    const stateCounts = zeros(K);
    const obsCounts = Array.from({ length: K }, () => zeros(bins + 1));
    const transitionCounts = Array.from({ length: K }, () => zeros(K));
    const slmSum = zeros(K);
    const llmSum = zeros(K);
    const llmCounts = zeros(K);
    train.confidence.forEach((p, i) => {
      const s = qualityClass(train.slm[i]);
      const next = qualityClass(train.llm[i]);
      stateCounts[s]++;
      obsCounts[s][nearestBin(p, bins)]++;
      transitionCounts[s][next]++;
      slmSum[s] += train.slm[i];
      llmSum[next] += train.llm[i];
      llmCounts[next]++;
    });
    const prior = addOneProbabilities(stateCounts);
    const observation = obsCounts.map(addOneProbabilities);
    const transition = transitionCounts.map(addOneProbabilities);
    const keepReward = classMeans(slmSum, stateCounts);
    const llmReward = classMeans(llmSum, llmCounts);
    const gainOf = transition.map((t, s) => t.reduce((acc, ts, next) => acc + ts * llmReward[next], 0) - keepReward[s]);
    const expectedGain = grid(bins).map((_, o) => {
      const joint = prior.map((ps, s) => ps * observation[s][o]);
      const z = joint.reduce((a, b) => a + b, 0);
      return joint.reduce((acc, j, s) => acc + (j / z) * gainOf[s], 0);
    });
    const order = expectedGain.map((_, i) => i).sort((a, b) => expectedGain[b] - expectedGain[a] || a - b);
    return nestedPolicies(order, 0);
  },
  route: policyRoute,
};

export const FAMILIES: Readonly<Record<FamilyName, Family>> = { Threshold, DoubleThreshold, TripleThreshold, SelfConsistency, POMDPSimple, GreedyPOMDP, BayesPOMDP };

/** The reference's "POMDP": the union of these families, in this order (spec §3.8). */
export const POMDP_UNION: readonly FamilyName[] = ['POMDPSimple', 'GreedyPOMDP', 'DoubleThreshold', 'Threshold'];

export function categoriesOf(slm: ArrayLike<number>, llm: ArrayLike<number>, thresholds: CategoryThresholds): Category[] {
  return Array.from({ length: slm.length }, (_, i) => categorize(slm[i], llm[i], thresholds));
}
