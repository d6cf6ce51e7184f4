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
    const smoothed = gaussianFilter1d(sums.map((s, x) => (counts[x] === 0 ? 0 : s / counts[x])), 2);
    const ascending = smoothed.map((_, i) => i).sort((a, b) => smoothed[a] - smoothed[b] || a - b);
    const order = ascending.reverse();
    return order.map((_, k) => {
      const policy = new Array<number>(bins + 1).fill(0);
      for (const bin of order.slice(0, k + 1)) policy[bin] = 1;
      return policy;
    });
  },
  route: policyRoute,
};

/** Quality classes of the Bayesian POMDP, by the LLM's gain over the SLM on the row. */
const gainClass = (gain: number): number => (gain <= 0 ? 0 : gain <= 0.5 ? 1 : 2);

/**
 * BayesPOMDP (ours; the reference's "POMDP" is a rule search): hidden state = the SLM answer's quality
 * class (LLM gain ≤ 0, ≤ 0.5, > 0.5), observation = the nearest confidence bin, with the prior and the
 * observation model estimated from the training rows (Laplace-smoothed) and each class's mean gain as the
 * reward of escalating. After observing a bin the belief is b(s) ∝ π(s)·O(bin|s); escalating pays off when
 * the expected gain Σ b(s)·gain(s) exceeds λ·c_llm. The decision is one step (answer or escalate), so the
 * belief-space solution is exact; candidates are the policies of every price λ (nested bin sets by
 * expected gain), chosen by train lift like the other families. The policy is stored per bin.
 */
export const BayesPOMDP: Family = {
  name: 'BayesPOMDP',
  candidates: (train, bins) => {
    const classes = 3;
    const prior = new Array<number>(classes).fill(1);
    const obs = Array.from({ length: classes }, () => new Array<number>(bins + 1).fill(1));
    const gainSum = new Array<number>(classes).fill(0);
    const gainCount = new Array<number>(classes).fill(0);
    train.confidence.forEach((p, i) => {
      const gain = train.llm[i] - train.slm[i];
      const s = gainClass(gain);
      prior[s]++;
      obs[s][nearestBin(p, bins)]++;
      gainSum[s] += gain;
      gainCount[s]++;
    });
    const priorTotal = prior.reduce((a, b) => a + b, 0);
    const meanGain = gainSum.map((g, s) => (gainCount[s] === 0 ? 0 : g / gainCount[s]));
    const expected = grid(bins).map((_, bin) => {
      const joint = obs.map((row, s) => (prior[s] / priorTotal) * (row[bin] / row.reduce((a, b) => a + b, 0)));
      const z = joint.reduce((a, b) => a + b, 0);
      return joint.reduce((acc, j, s) => acc + (j / z) * meanGain[s], 0);
    });
    // Every price λ gives the bins whose expected gain exceeds it: nested sets by expected gain.
    const order = expected.map((_, i) => i).sort((a, b) => expected[b] - expected[a] || a - b);
    const out: Policy[] = [new Array<number>(bins + 1).fill(0)];
    order.forEach((_, k) => {
      const policy = new Array<number>(bins + 1).fill(0);
      for (const bin of order.slice(0, k + 1)) policy[bin] = 1;
      out.push(policy);
    });
    return out;
  },
  route: policyRoute,
};

export const FAMILIES: Readonly<Record<FamilyName, Family>> = { Threshold, DoubleThreshold, TripleThreshold, SelfConsistency, POMDPSimple, GreedyPOMDP, BayesPOMDP };

/** The reference's "POMDP": the union of these families, in this order (spec §3.8). */
export const POMDP_UNION: readonly FamilyName[] = ['POMDPSimple', 'GreedyPOMDP', 'DoubleThreshold', 'Threshold'];

export function categoriesOf(slm: ArrayLike<number>, llm: ArrayLike<number>, thresholds: CategoryThresholds): Category[] {
  return Array.from({ length: slm.length }, (_, i) => categorize(slm[i], llm[i], thresholds));
}
