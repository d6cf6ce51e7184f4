/** Row categories of the reference (spec §3.5), used by POMDPSimple. */
export const CATEGORIES = ['NEEDY', 'GOOD', 'HOPELESS', 'UNDEFINED'] as const;
export type Category = (typeof CATEGORIES)[number];

/** pandas `Series.quantile(q)` (linear interpolation). */
export function linearQuantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export interface CategoryThresholds {
  readonly slmP10: number;
  readonly llmP10: number;
}

/** 10th percentiles of both scores, over the rows given (the reference uses the whole file). */
export function categoryThresholds(slm: ArrayLike<number>, llm: ArrayLike<number>): CategoryThresholds {
  return { slmP10: linearQuantile(slm, 0.1), llmP10: linearQuantile(llm, 0.1) };
}

export function categorize(slm: number, llm: number, t: CategoryThresholds): Category {
  if (slm < llm) return 'NEEDY';
  if (slm === llm && slm !== 0) return 'GOOD';
  if (slm <= t.slmP10 && llm <= t.llmP10) return 'HOPELESS';
  return 'UNDEFINED';
}
