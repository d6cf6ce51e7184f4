/**
 * `smoothie automix evaluate` as a function: the paper protocol (spec §4). Per dataset, the test rows
 * are the `val` split; for each seed the training rows are pandas' `sample(train_size,
 * random_state=seed)` of the `train` split (recorded, so any run can be replayed); each meta-verifier
 * is fitted on them and applied to the test rows. Reported per dataset × method: ΔIBC (mean, std, min,
 * max over seeds), quality, cost and escalation rate; plus always-SLM, always-LLM, a seeded random mix,
 * the per-row oracle and every method's cost–quality curve (its candidates' test points).
 */
import { pandasSamplePositions } from '../compute/numpy-random.js';
import { Rng, DEFAULT_SEED } from '../compute/rng.js';
import { UserInputError, InvalidParameterError } from '../errors/index.js';
import type { AutomixRow } from './data.js';
import { categoryThresholds } from './categories.js';
import { PAPER_COSTS, baselineOf, operatingPoint, validateCosts, type Costs, type LiftVariant, type ScoredRows } from './costs.js';
import type { FamilyName, Param } from './methods.js';
import { META_VERIFIERS, MetaVerifier, trainRowsOf, type MetaVerifierName } from './meta-verifier.js';
import { populationStd } from '../evaluate/score-methods.js';
import { meanScore } from '../metrics/registry.js';

export const PAPER_METHODS: readonly MetaVerifierName[] = ['POMDP', 'Threshold', 'SelfConsistency'];
/** The paper escalates qasper answers that look like "unanswerable" whatever the verifier says (FixedAnswerRouting). */
const FIXED_ANSWER = { dataset: 'qasper', methods: ['POMDP', 'Threshold'] as readonly string[], elems: "unanswerable'." };

/**
 * What `evaluateAutomix` evaluates: methods, seeds, splits, costs and datasets.
 *
 * @example
 * ```ts
 * const options: AutomixEvaluateOptions = { methods: ['POMDP', 'Threshold'], seeds: 10, trainSize: 1000 };
 * const evaluation = evaluateAutomix(rows, options);
 * ```
 */
export interface AutomixEvaluateOptions {
  /** @default every family: the paper's POMDP, Threshold, SelfConsistency, the other reference methods, and our BayesPOMDP */
  readonly methods?: readonly MetaVerifierName[];
  /** Seeds 0 … seeds−1. @default 10 */
  readonly seeds?: number;
  /** @default 1000 */
  readonly trainSize?: number;
  /** @default 8 */
  readonly bins?: number;
  readonly costs?: Costs;
  readonly variant?: LiftVariant;
  /** @default 'train' / 'val' (the paper's test split) */
  readonly trainSplit?: string;
  readonly testSplit?: string;
  /** Only these datasets. @default every dataset in the rows */
  readonly datasets?: readonly string[];
  /** Category percentiles over the whole file (the reference) or the training sample. @default 'file' */
  readonly categoryScope?: 'file' | 'train';
  /** Seed of the random-mix baseline. @default 42 */
  readonly seed?: number;
  /** The rows' file, named in errors about its splits and datasets. */
  readonly source?: string;
}

export interface Stats {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
}

export interface SeedOutcome {
  readonly seed: number;
  readonly family: FamilyName;
  readonly param: Param;
  readonly trainLift: number;
  readonly lift: number;
  readonly performance: number;
  readonly cost: number;
  readonly escalationRate: number;
  /** Per test row (in `testIds` order): '1' = routed to the LLM, as the reference's `route_to_llm`. */
  readonly routing: string;
}

export interface CurvePoint {
  readonly cost: number;
  readonly performance: number;
}

export interface MethodResult {
  readonly lift: Stats;
  readonly performance: number;
  readonly cost: number;
  readonly escalationRate: number;
  readonly seeds: readonly SeedOutcome[];
  /** Test operating points of the seed-0 fit's candidates, by cost. */
  readonly curve: readonly CurvePoint[];
}

export interface PointResult {
  readonly performance: number;
  readonly cost: number;
  readonly escalationRate: number;
  /** null where the lift is undefined (no cost beyond the SLM). */
  readonly lift: number | null;
}

/** The reference's "POMDP" (a rule search) against our BayesPOMDP, fitted on the same training rows of each seed. */
export interface PomdpComparison {
  /** BayesPOMDP's test ΔIBC minus POMDP's, per seed. */
  readonly liftDifference: Stats;
  readonly bayesBetter: number;
  readonly referenceBetter: number;
  readonly ties: number;
}

export interface DatasetResult {
  readonly dataset: string;
  readonly nTrain: number;
  readonly nTest: number;
  readonly slmPerf: number;
  readonly llmPerf: number;
  readonly slope: number;
  readonly methods: Readonly<Record<string, MethodResult>>;
  /** Present when both POMDP and BayesPOMDP are evaluated. */
  readonly pomdpComparison?: PomdpComparison;
  readonly baselines: { readonly alwaysSlm: PointResult; readonly alwaysLlm: PointResult; readonly randomMix: PointResult & { readonly liftStats: Stats }; readonly oracle: PointResult };
  /** Training row ids per seed, in sampling order: replays any run exactly. */
  readonly trainIds: Readonly<Record<string, readonly string[]>>;
  /** Test rows' ids in order: the positions of every seed's `routing`. */
  readonly testIds: readonly string[];
}

/**
 * What `evaluateAutomix` returns: the options used, and per dataset every method's lift and the baselines.
 *
 * @example
 * ```ts
 * const evaluation: AutomixEvaluation = evaluateAutomix(rows, { seeds: 3 });
 * for (const d of evaluation.datasets) console.log(d.dataset, d.methods.POMDP?.lift.mean);
 * ```
 */
export interface AutomixEvaluation {
  readonly options: Required<Omit<AutomixEvaluateOptions, 'datasets' | 'source'>>;
  readonly datasets: readonly DatasetResult[];
}

export function stats(values: readonly number[]): Stats {
  return { mean: meanScore(values), std: populationStd(values), min: Math.min(...values), max: Math.max(...values) };
}

function comparePomdps(methods: Readonly<Record<string, MethodResult>>): PomdpComparison | undefined {
  const reference = methods.POMDP;
  const bayes = methods.BayesPOMDP;
  if (reference === undefined || bayes === undefined) return undefined;
  const differences = bayes.seeds.map((s, i) => s.lift - reference.seeds[i].lift);
  return {
    liftDifference: stats(differences),
    bayesBetter: differences.filter((d) => d > 0).length,
    referenceBetter: differences.filter((d) => d < 0).length,
    ties: differences.filter((d) => d === 0).length,
  };
}

const scored = (rows: readonly AutomixRow[]): ScoredRows => ({ slm: Float64Array.from(rows, (r) => r.slmScore), llm: Float64Array.from(rows, (r) => r.llmScore) });

function forcedFor(rows: readonly AutomixRow[], dataset: string, method: string): boolean[] | undefined {
  if (dataset !== FIXED_ANSWER.dataset || !FIXED_ANSWER.methods.includes(method)) return undefined;
  return rows.map((r) => FIXED_ANSWER.elems.includes(r.slmAnswer));
}

/** A method's operating points, cheapest first. */
const byCost = (points: CurvePoint[]): CurvePoint[] => points.sort((a, b) => a.cost - b.cost || a.performance - b.performance);

/**
 * The AutoMix paper's protocol: each meta-verifier fitted on train rows, ΔIBC on the rest, over seeds.
 *
 * @example
 * ```ts
 * const { rows } = await loadAutomixData('automix.jsonl');
 * const evaluation = evaluateAutomix(rows, { methods: ['POMDP', 'Threshold'], seeds: 10 });
 * ```
 */
export function evaluateAutomix(rows: readonly AutomixRow[], options: AutomixEvaluateOptions = {}): AutomixEvaluation {
  const o = {
    methods: options.methods ?? [...META_VERIFIERS],
    seeds: options.seeds ?? 10,
    trainSize: options.trainSize ?? 1000,
    bins: options.bins ?? 8,
    costs: validateCosts(options.costs ?? PAPER_COSTS),
    variant: options.variant ?? 'reference',
    trainSplit: options.trainSplit ?? 'train',
    testSplit: options.testSplit ?? 'val',
    categoryScope: options.categoryScope ?? 'file',
    seed: options.seed ?? DEFAULT_SEED,
  } satisfies AutomixEvaluation['options'];
  if (!Number.isInteger(o.seeds) || o.seeds < 1) throw new InvalidParameterError('seeds', `must be a positive integer, got ${o.seeds}`);
  if (!Number.isInteger(o.trainSize) || o.trainSize < 1) throw new InvalidParameterError('trainSize', `must be a positive integer, got ${o.trainSize}`);
  const fileThresholds = categoryThresholds(
    rows.map((r) => r.slmScore),
    rows.map((r) => r.llmScore),
  );
  const present = [...new Set(rows.map((r) => r.dataset))];
  const datasets = options.datasets ?? present;
  for (const d of datasets) if (!present.includes(d)) throw new InvalidParameterError('datasets', `unknown dataset '${d}' (in the file: ${present.join(', ')})`, { file: options.source });
  const rng = new Rng(o.seed);
  const results = datasets.map((dataset): DatasetResult => {
    const train = rows.filter((r) => r.dataset === dataset && r.split === o.trainSplit);
    const test = rows.filter((r) => r.dataset === dataset && r.split === o.testSplit);
    if (train.length === 0) throw new UserInputError(`dataset '${dataset}' has no '${o.trainSplit}' rows to fit on`, { file: options.source, field: 'split' });
    if (test.length === 0) throw new UserInputError(`dataset '${dataset}' has no '${o.testSplit}' rows to test on`, { file: options.source, field: 'split' });
    const testScores = scored(test);
    const base = baselineOf(testScores, o.costs, o.variant);
    const confidence = test.map((r) => r.confidence);
    const samples = Array.from({ length: o.seeds }, (_, seed) => pandasSamplePositions(train.length, Math.min(o.trainSize, train.length), seed).map((i) => train[i]));
    const point = (mask: ArrayLike<boolean>, verifier = true) => operatingPoint(testScores, mask, o.costs, { variant: o.variant, baseline: base, verifier });
    const methods: Record<string, MethodResult> = {};
    for (const method of o.methods) {
      const testForced = forcedFor(test, dataset, method);
      let curve: CurvePoint[] = [];
      const seeds = samples.map((sample, seed): SeedOutcome => {
        const thresholds =
          o.categoryScope === 'file'
            ? fileThresholds
            : categoryThresholds(
                sample.map((r) => r.slmScore),
                sample.map((r) => r.llmScore),
              );
        const fitted = new MetaVerifier({ method, bins: o.bins, costs: o.costs, variant: o.variant }).fit(trainRowsOf(sample, { thresholds, forced: forcedFor(sample, dataset, method) }));
        if (seed === 0)
          curve = byCost(
            fitted
              .candidateMasks(confidence, testForced)
              .map(({ mask }) => point(mask))
              .map((p) => ({ cost: p.cost, performance: p.performance })),
          );
        const mask = fitted.route(confidence, testForced);
        const p = point(mask);
        const routing = Array.from(mask, (r) => (r ? '1' : '0')).join('');
        return {
          seed,
          family: fitted.family,
          param: fitted.param,
          trainLift: fitted.trainLift,
          lift: p.lift,
          performance: p.performance,
          cost: p.cost,
          escalationRate: p.routed / test.length,
          routing,
        };
      });
      const avg = (f: (s: SeedOutcome) => number): number => seeds.reduce((a, s) => a + f(s), 0) / seeds.length;
      methods[method] = { lift: stats(seeds.map((s) => s.lift)), performance: avg((s) => s.performance), cost: avg((s) => s.cost), escalationRate: avg((s) => s.escalationRate), seeds, curve };
    }
    const none = new Array<boolean>(test.length).fill(false);
    const all = new Array<boolean>(test.length).fill(true);
    const slmOnly = point(none, false);
    const llmOnly = point(all, false);
    const oracle = point(test.map((r) => r.llmScore > r.slmScore));
    const randomLifts = samples.map(() => {
      const mask = test.map(() => rng.next() < 0.5);
      return point(mask, false);
    });
    const toPoint = (p: ReturnType<typeof point>, lift: number | null = p.lift): PointResult => ({ performance: p.performance, cost: p.cost, escalationRate: p.routed / test.length, lift });
    return {
      dataset,
      nTrain: train.length,
      nTest: test.length,
      slmPerf: base.slmPerf,
      llmPerf: base.llmPerf,
      slope: base.slope,
      methods,
      pomdpComparison: comparePomdps(methods),
      baselines: {
        alwaysSlm: toPoint(slmOnly, null),
        // The LLM alone never calls the SLM: its cost is the LLM's, on the line by definition.
        alwaysLlm: { performance: llmOnly.performance, cost: o.costs.llm, escalationRate: 1, lift: 0 },
        randomMix: { ...toPoint(randomLifts[0], stats(randomLifts.map((p) => p.lift)).mean), liftStats: stats(randomLifts.map((p) => p.lift)) },
        oracle: toPoint(oracle),
      },
      trainIds: Object.fromEntries(samples.map((s, seed) => [String(seed), s.map((r) => r.id)])),
      testIds: test.map((r) => r.id),
    };
  });
  return { options: o, datasets: results };
}
