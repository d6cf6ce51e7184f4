/** Scoring an escalating router on labelled requests, on AutoMix's IBC scale. */
import { baselineOf, operatingPoint } from '../automix/costs.js';
import { tokenF1 } from '../automix/scoring.js';
import type { EscalatingRouter } from './escalating-router.js';
import type { RouteRequest } from './request.js';

/**
 * A request with its reference answer, for `evaluateCascade`.
 *
 * @example
 * ```ts
 * const labelled: LabelledRequest[] = [{ request: { input: 'Capital of France?', context }, reference: 'Paris' }];
 * const { lift } = await evaluateCascade(router, labelled);
 * ```
 */
export interface LabelledRequest {
  readonly request: RouteRequest;
  readonly reference: string;
}

/**
 * What `evaluateCascade` returns: the router's quality, cost and escalation rate, and its ΔIBC lift.
 *
 * @example
 * ```ts
 * const evaluation: CascadeEvaluation = await evaluateCascade(router, labelled);
 * console.log(evaluation.lift, evaluation.quality, evaluation.escalationRate);
 * ```
 */
export interface CascadeEvaluation {
  readonly requests: number;
  /** ΔIBC of the router's decisions (AutoMix's metric; the verifier cost counts for `cascade` only). */
  readonly lift: number;
  readonly quality: number;
  readonly cost: number;
  readonly escalationRate: number;
  readonly slmQuality: number;
  readonly llmQuality: number;
}

/**
 * Scores a cascade on labelled requests: both models' answers are scored (token F1 by default) so the
 * router's escalations can be put on AutoMix's IBC scale, the same way for both cascades.
 *
 * @example
 * ```ts
 * const router = await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large' }, { registry });
 * const { lift, quality, cost, escalationRate } = await evaluateCascade(router, [{ request: { input, context }, reference: 'Paris' }]);
 * ```
 */
export async function evaluateCascade(router: EscalatingRouter, labelled: readonly LabelledRequest[], score: (answer: string, reference: string) => number = tokenF1): Promise<CascadeEvaluation> {
  const c = router.config;
  const rows = await Promise.all(
    labelled.map(async ({ request, reference }) => {
      const { answer, confidence } = await router.assess(request);
      const [llmAnswer = ''] = await router.callLlm(request);
      return { slm: score(answer, reference), llm: score(llmAnswer, reference), escalate: router.escalates(confidence) };
    }),
  );
  const scores = { slm: Float64Array.from(rows, (r) => r.slm), llm: Float64Array.from(rows, (r) => r.llm) };
  const costs = { ...c.costs, verifier: c.strategy === 'cascade' ? c.costs.verifier : 0 };
  const point = operatingPoint(
    scores,
    rows.map((r) => r.escalate),
    costs,
    { verifier: c.strategy === 'cascade' },
  );
  const base = baselineOf(scores, costs);
  return { requests: rows.length, lift: point.lift, quality: point.performance, cost: point.cost, escalationRate: point.routed / rows.length, slmQuality: base.slmPerf, llmQuality: base.llmPerf };
}
