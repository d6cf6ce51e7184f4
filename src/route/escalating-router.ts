/**
 * What the two escalating strategies share (`cascade`, `smoothie-cascade`): the small model (SLM)
 * answers and a strategy-specific `assess` says how confident that answer is; at or below the
 * router's threshold, the large model (LLM) answers instead. `calibrate()` fits the threshold for a
 * target escalation rate or cost per query from unlabelled requests, as RouteLLM calibrates its
 * routers, and keeps it on the router (the config is never written into); `save` persists it.
 */
import { UserInputError } from '../errors/index.js';
import type { Calibration, CascadeConfig, SmoothieCascadeConfig } from './config.js';
import type { CascadeResult } from './results.js';
import type { Router } from './router-interface.js';
import { writeRouterFile, type ModelCaller, type RouteRequest } from './request.js';

export type { CascadeResult } from './results.js';

/**
 * What `calibrate()` aims at: a share of escalated requests, or a mean cost per query (in the config's cost units).
 *
 * @example
 * ```ts
 * const target: CalibrationTarget = { escalationRate: 0.3 }; // or { costPerQuery: 20 }
 * const { threshold } = await router.calibrate(unlabelled, target);
 * ```
 */
export type CalibrationTarget = { readonly escalationRate: number } | { readonly costPerQuery: number };

/**
 * What `calibrate()` fitted: the threshold, and what it achieves on the calibration requests.
 *
 * @example
 * ```ts
 * const result: CalibrationResult = await router.calibrate(unlabelled, { costPerQuery: 20 });
 * console.log(result.threshold, result.escalation_rate, result.cost_per_query);
 * ```
 */
export type CalibrationResult = Calibration & { readonly threshold: number };

/** The SLM's answer, the confidence in it, and the calls it took. */
export interface Assessment {
  readonly answer: string;
  readonly confidence: number;
  readonly calls: number;
}

/**
 * The largest threshold t whose escalation share (confidence ≤ t) stays within the target rate: a
 * confidence of the data, or half the lowest one when nothing may escalate.
 */
export function thresholdForRate(confidences: readonly number[], rate: number): number {
  const sorted = [...confidences].sort((a, b) => a - b);
  const allowed = Math.floor(rate * sorted.length + 1e-9);
  if (allowed >= sorted.length) return 1;
  const limit = sorted[allowed];
  const below = sorted.findLastIndex((x) => x < limit);
  return below >= 0 ? sorted[below] : limit / 2;
}

/**
 * assess → confidence → threshold: the base of both escalating routers.
 *
 * @example
 * ```ts
 * const router = await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large' }, { registry });
 * const { threshold } = await router.calibrate(unlabelled, { escalationRate: 0.3 });
 * const { output, escalated } = await router.route({ input, context });
 * ```
 */
export abstract class EscalatingRouter<Config extends CascadeConfig | SmoothieCascadeConfig = CascadeConfig | SmoothieCascadeConfig> implements Router<CascadeResult> {
  readonly strategy: Config['strategy'];
  /** Escalate when the confidence is ≤ this: the config's, until `calibrate()` fits another. */
  threshold: number;
  /** What the last `calibrate()` (or the loaded file) chose, for the record. */
  calibration: Calibration | undefined;

  constructor(
    readonly config: Config,
    protected readonly callModel: ModelCaller,
  ) {
    this.strategy = config.strategy;
    this.threshold = config.threshold;
    this.calibration = config.calibration;
  }

  /** The SLM's answer and the confidence in it, with the calls it took. */
  abstract assess(request: RouteRequest): Promise<Assessment>;

  /** Cost of verifying the SLM's answer, in the config's units (0 when the strategy calls no verifier). */
  protected get verifierCost(): number {
    return 0;
  }

  /** Whether a confidence escalates under the current rule. */
  escalates(confidence: number): boolean {
    return confidence <= this.threshold;
  }

  async route(request: RouteRequest): Promise<CascadeResult> {
    const c = this.config;
    const { answer, confidence, calls } = await this.assess(request);
    const base = { strategy: c.strategy, confidence, slmAnswer: answer };
    if (!this.escalates(confidence)) return { ...base, output: answer, model: c.slm, escalated: false, cost: c.costs.slm + this.verifierCost, calls };
    const [output = ''] = await this.callLlm(request);
    return { ...base, output, model: c.llm, escalated: true, cost: c.costs.slm + this.verifierCost + c.costs.llm, calls: calls + 1 };
  }

  /** The large model's answer. */
  callLlm(request: RouteRequest): Promise<string[]> {
    return this.callModel(this.config.llm, request.input, { temperature: 0, max_tokens: this.config.max_tokens });
  }

  /** Called when calibration replaces the escalation rule by the threshold. */
  protected onCalibrated(): void {}

  /**
   * Fits the threshold on unlabelled requests so that about the target share escalates (or the
   * expected cost per query meets the target), keeps it on the router and returns it.
   */
  async calibrate(requests: readonly RouteRequest[], target: CalibrationTarget): Promise<CalibrationResult> {
    if (requests.length === 0) throw new UserInputError('calibration needs at least one request', { field: 'requests' });
    const c = this.config;
    const fixed = c.costs.slm + this.verifierCost;
    const rate = 'escalationRate' in target ? target.escalationRate : (target.costPerQuery - fixed) / c.costs.llm;
    if (!(rate >= 0 && rate <= 1)) {
      throw new UserInputError('escalationRate' in target ? `escalation rate must be in [0, 1], got ${rate}` : `cost per query ${target.costPerQuery} is outside [${fixed}, ${fixed + c.costs.llm}]`, {
        field: 'target',
      });
    }
    const confidences = await Promise.all(requests.map(async (r) => (await this.assess(r)).confidence));
    const threshold = thresholdForRate(confidences, rate);
    const achieved = confidences.filter((p) => p <= threshold).length / confidences.length;
    const calibration: Calibration = {
      target: 'escalationRate' in target ? { escalation_rate: target.escalationRate } : { cost_per_query: target.costPerQuery },
      samples: requests.length,
      escalation_rate: achieved,
      cost_per_query: fixed + achieved * c.costs.llm,
    };
    this.threshold = threshold;
    this.calibration = calibration;
    this.onCalibrated();
    return { ...calibration, threshold };
  }

  /** The config as saved: the router's threshold and calibration in place of the config's. */
  protected savedConfig(): Config {
    return { ...this.config, threshold: this.threshold, calibration: this.calibration };
  }

  async save(file: string): Promise<void> {
    await writeRouterFile(file, { config: this.savedConfig() });
  }

  async dispose(): Promise<void> {}
}
