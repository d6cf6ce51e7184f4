/**
 * Meta-verifiers in the estimator shape: hyperparameters in the constructor, `fit(train)` scores every
 * candidate of the method's families on the training rows and keeps the first of maximal IBC lift,
 * `route(confidences)` applies it and `decide(rows)` gives each row's Escalation. The fitted state is
 * plain JSON.
 *
 *   const fitted = new MetaVerifier({ method: 'POMDP' }).fit(trainRows);
 *   const escalations = fitted.decide(testRows);
 */
import { z } from 'zod';
import { UserInputError, InvalidParameterError } from '../errors/index.js';
import { CostsSchema, PAPER_COSTS, LIFT_VARIANTS, baselineOf, operatingPoint, validateCosts, type Costs, type LiftVariant } from './costs.js';
import { categoryThresholds, type CategoryThresholds } from './categories.js';
import type { AutomixRow } from './data.js';
import { FAMILIES, POMDP_UNION, categoriesOf, type FamilyName, type Param, type TrainRows } from './methods.js';

export const META_VERIFIERS = ['POMDP', 'Threshold', 'DoubleThreshold', 'TripleThreshold', 'SelfConsistency', 'POMDPSimple', 'GreedyPOMDP', 'BayesPOMDP'] as const;
/**
 * A meta-verifier method (AutoMix's POMDP and thresholds, self-consistency, our BayesPOMDP).
 *
 * @example
 * ```ts
 * const method: MetaVerifierName = 'Threshold';
 * const fitted = new MetaVerifier({ method }).fit(rows);
 * ```
 */
export type MetaVerifierName = (typeof META_VERIFIERS)[number];

const familiesOf = (method: MetaVerifierName): readonly FamilyName[] => (method === 'POMDP' ? POMDP_UNION : [method]);

export interface MetaVerifierParams {
  readonly method: MetaVerifierName;
  /** Confidence bins. @default 8 */
  readonly bins?: number;
  /** @default the paper's (1, 50, verifier 1) */
  readonly costs?: Costs;
  /** @default 'reference' */
  readonly variant?: LiftVariant;
}

/** One sample's AutoMix outcome. */
export interface Escalation {
  readonly id: string;
  readonly slmAnswer: string;
  readonly confidence: number;
  /** true = the LLM answers. */
  readonly escalate: boolean;
  /** SLM + verifier, plus the LLM when escalated. */
  readonly cost: number;
}

/**
 * The columns a fit reads. Categories (POMDPSimple) use `thresholds`, by default the 10th percentiles
 * of these rows (the reference takes them over the whole file; pass those to match it).
 */
export function trainRowsOf(rows: readonly AutomixRow[], options: { readonly thresholds?: CategoryThresholds; readonly forced?: ArrayLike<boolean> } = {}): TrainRows {
  const slm = Float64Array.from(rows, (r) => r.slmScore);
  const llm = Float64Array.from(rows, (r) => r.llmScore);
  const thresholds = options.thresholds ?? categoryThresholds(slm, llm);
  return { confidence: Float64Array.from(rows, (r) => r.confidence), slm, llm, categories: categoriesOf(slm, llm, thresholds), forced: options.forced };
}

const isTrainRows = (x: TrainRows | readonly AutomixRow[]): x is TrainRows => !Array.isArray(x);

export interface Candidate {
  readonly family: FamilyName;
  readonly param: Param;
  readonly lift: number;
  readonly performance: number;
  readonly cost: number;
  readonly routed: number;
}

const ParamSchema = z.union([z.number(), z.array(z.number())]);
export const FittedMetaVerifierSchema = z.strictObject({
  method: z.enum(META_VERIFIERS),
  bins: z.number().int().positive(),
  costs: CostsSchema,
  variant: z.enum(LIFT_VARIANTS),
  family: z.string(),
  param: ParamSchema,
  train_lift: z.number(),
});
export type FittedMetaVerifierJson = z.infer<typeof FittedMetaVerifierSchema>;

/**
 * A fitted meta-verifier: `route(confidences)` says which requests go to the large model; `toJSON`/`fromJSON` keep it.
 *
 * @example
 * ```ts
 * const fitted = new MetaVerifier({ method: 'Threshold' }).fit(trainRows);
 * const again = FittedMetaVerifier.fromJSON(fitted.toJSON());
 * again.route([0.1, 0.9]);
 * ```
 */
export class FittedMetaVerifier {
  constructor(
    readonly method: MetaVerifierName,
    readonly bins: number,
    readonly costs: Costs,
    readonly variant: LiftVariant,
    readonly family: FamilyName,
    readonly param: Param,
    readonly trainLift: number,
    /** Every candidate's training point, in candidate order (empty after fromJSON). */
    readonly candidates: readonly Candidate[] = [],
  ) {}

  /** true = escalate to the LLM; `forced` rows always escalate. */
  route(confidence: ArrayLike<number>, forced?: ArrayLike<boolean>): boolean[] {
    const family = FAMILIES[this.family];
    return Array.from(confidence, (p, i) => forced?.[i] === true || family.route(p, this.param, this.bins));
  }

  /** Each row's decision and cost; `forced` rows always escalate. */
  decide(rows: readonly Pick<AutomixRow, 'id' | 'slmAnswer' | 'confidence'>[], forced?: ArrayLike<boolean>): Escalation[] {
    const escalate = this.route(
      rows.map((r) => r.confidence),
      forced,
    );
    const base = this.costs.slm + this.costs.verifier;
    return rows.map((r, i) => ({ id: r.id, slmAnswer: r.slmAnswer, confidence: r.confidence, escalate: escalate[i], cost: escalate[i] ? base + this.costs.llm : base }));
  }

  /** The test operating point of every training candidate (the method's cost–quality curve). */
  candidateMasks(confidence: ArrayLike<number>, forced?: ArrayLike<boolean>): { readonly candidate: Candidate; readonly mask: boolean[] }[] {
    return this.candidates.map((candidate) => {
      const family = FAMILIES[candidate.family];
      return { candidate, mask: Array.from(confidence, (p, i) => forced?.[i] === true || family.route(p, candidate.param, this.bins)) };
    });
  }

  toJSON(): FittedMetaVerifierJson {
    return { method: this.method, bins: this.bins, costs: { ...this.costs }, variant: this.variant, family: this.family, param: this.param as number | number[], train_lift: this.trainLift };
  }

  static fromJSON(json: unknown): FittedMetaVerifier {
    const j = FittedMetaVerifierSchema.parse(json);
    if (!Object.hasOwn(FAMILIES, j.family)) throw new UserInputError(`unknown family '${j.family}'`, { field: 'family' });
    return new FittedMetaVerifier(j.method, j.bins, j.costs, j.variant, j.family as FamilyName, j.param, j.train_lift);
  }
}

/**
 * An AutoMix meta-verifier (POMDP, Threshold, SelfConsistency, …): `fit` on rows with both models' scores learns when to escalate.
 *
 * @example
 * ```ts
 * const fitted = new MetaVerifier({ method: 'POMDP' }).fit(trainRows);
 * const escalate = fitted.route([0.25, 0.75]); // one boolean per request: true = ask the large model
 * ```
 */
export class MetaVerifier {
  constructor(readonly params: MetaVerifierParams) {}

  /** Scores every candidate on the training rows; AutoMix rows get their categories from their own percentiles. */
  fit(trainRows: TrainRows | readonly AutomixRow[]): FittedMetaVerifier {
    const train = isTrainRows(trainRows) ? trainRows : trainRowsOf(trainRows);
    const { method } = this.params;
    if (!(META_VERIFIERS as readonly string[]).includes(method)) throw new InvalidParameterError('methods', `unknown meta-verifier '${method}' (valid: ${META_VERIFIERS.join(', ')})`);
    const bins = this.params.bins ?? 8;
    if (!Number.isInteger(bins) || bins < 2) throw new InvalidParameterError('bins', `bins must be an integer ≥ 2, got ${bins}`);
    const costs = validateCosts(this.params.costs ?? PAPER_COSTS);
    const variant = this.params.variant ?? 'reference';
    if (train.confidence.length === 0) throw new UserInputError('the training split is empty', { field: 'split' });
    const rows = { slm: train.slm, llm: train.llm };
    const baseline = baselineOf(rows, costs, variant);
    const candidates: Candidate[] = [];
    for (const name of familiesOf(method)) {
      const family = FAMILIES[name];
      for (const param of family.candidates(train, bins)) {
        const mask = Array.from(train.confidence, (p, i) => train.forced?.[i] === true || family.route(p, param, bins));
        const point = operatingPoint(rows, mask, costs, { variant, baseline });
        candidates.push({ family: name, param, lift: point.lift, performance: point.performance, cost: point.cost, routed: point.routed });
      }
    }
    // The first maximum wins, as the reference's dict of candidates.
    let best = 0;
    candidates.forEach((c, i) => {
      if (c.lift > candidates[best].lift) best = i;
    });
    const chosen = candidates[best];
    return new FittedMetaVerifier(method, bins, costs, variant, chosen.family, chosen.param, chosen.lift, candidates);
  }
}
