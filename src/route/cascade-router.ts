/**
 * Escalation per request. `cascade` is AutoMix: the small model (SLM) answers, verifies its own answer
 * k times against the context, and the verifier confidence decides (a calibrated threshold, or a fitted
 * meta-verifier) whether the large model (LLM) answers instead. `smoothie-cascade` (ours) samples the
 * SLM several times instead, keeps the answer Smoothie weights highest, and escalates when the samples
 * disagree: their agreement (mean pairwise cosine similarity of the answers' embeddings) is a
 * verifier-free confidence. `calibrate()` sets the threshold for a target escalation rate or cost per
 * query from unlabelled requests, as RouteLLM calibrates its routers.
 */
import type { PromptTemplate } from '../data/templates.js';
import type { Embedder } from '../embed/types.js';
import { UserInputError } from '../errors/index.js';
import { baselineOf, operatingPoint } from '../automix/costs.js';
import { FittedMetaVerifier } from '../automix/meta-verifier.js';
import { tokenF1 } from '../automix/scoring.js';
import { renderVerificationPrompt, VERIFICATION_SAMPLING, verifierConfidence } from '../automix/verify.js';
import { candidateDistances, numpyArgmax, weightsFromDistances } from '../smoothie/weights.js';
import type { Calibration, CascadeConfig, SmoothieCascadeConfig } from './config.js';
import { inputText, writeRouterFile, type ModelCaller, type RouteRequest } from './request.js';

export interface CascadeResult {
  readonly strategy: 'cascade' | 'smoothie-cascade';
  readonly output: string;
  /** The model that answered. */
  readonly model: string;
  readonly escalated: boolean;
  /** Verifier confidence (cascade) or sample agreement (smoothie-cascade), in [0, 1]. */
  readonly confidence: number;
  /** In the config's cost units: SLM + verification (cascade) + LLM when escalated. */
  readonly cost: number;
  readonly calls: number;
  /** The small model's answer, kept or not. */
  readonly slmAnswer: string;
}

export type CalibrationTarget = { readonly escalationRate: number } | { readonly costPerQuery: number };

/** Mean pairwise cosine similarity of the rows of an m × d matrix, clipped to [0, 1]. */
export function meanCosine(vectors: Float32Array, m: number): number {
  const d = vectors.length / m;
  const norm = (a: number): number => Math.sqrt(vectors.subarray(a * d, (a + 1) * d).reduce((s, x) => s + x * x, 0)) || 1;
  const norms = Array.from({ length: m }, (_, a) => norm(a));
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      let dot = 0;
      for (let x = 0; x < d; x++) dot += vectors[a * d + x] * vectors[b * d + x];
      sum += dot / (norms[a] * norms[b]);
      pairs++;
    }
  }
  return Math.min(1, Math.max(0, sum / pairs));
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

export class CascadeRouter {
  readonly strategy: 'cascade' | 'smoothie-cascade';
  private metaVerifier?: FittedMetaVerifier;

  constructor(
    readonly config: CascadeConfig | SmoothieCascadeConfig,
    private readonly callModel: ModelCaller,
    /** cascade: the verification prompt; smoothie-cascade: the embedder of the samples. */
    private readonly verification?: PromptTemplate,
    private readonly embedder?: Embedder,
  ) {
    this.strategy = config.strategy;
    if (config.strategy === 'cascade' && config.meta_verifier) this.metaVerifier = FittedMetaVerifier.fromJSON(config.meta_verifier);
  }

  /** The SLM's answer and the confidence in it, with the calls it took. */
  async assess(request: RouteRequest): Promise<{ answer: string; confidence: number; calls: number }> {
    const c = this.config;
    if (c.strategy === 'cascade') {
      const [answer = ''] = await this.callModel(c.slm, request.input, { temperature: 0, max_tokens: c.max_tokens });
      const prompt = renderVerificationPrompt(this.verification!, { context: request.context ?? '', question: inputText(request.input), answer });
      const verdicts = await this.callModel(c.slm, prompt, { ...VERIFICATION_SAMPLING, stop: [...VERIFICATION_SAMPLING.stop], n: c.k });
      return { answer, confidence: verifierConfidence(verdicts).p, calls: 2 };
    }
    const samples = await this.callModel(c.slm, request.input, { temperature: c.temperature, max_tokens: c.max_tokens, n: c.samples });
    if (samples.length < 2) throw new UserInputError(`model '${c.slm}' returned ${samples.length} of ${c.samples} samples (does the server support n?)`, { field: 'samples' });
    const { data } = await this.embedder!.embed(samples);
    const m = samples.length;
    const weights = weightsFromDistances(candidateDistances(data, m), m, true);
    return { answer: samples[numpyArgmax(weights)], confidence: meanCosine(data, m), calls: 1 };
  }

  /** Whether a confidence escalates under the current rule. */
  escalates(confidence: number): boolean {
    return this.metaVerifier ? this.metaVerifier.route([confidence])[0] : confidence <= this.config.threshold;
  }

  private get verifierCost(): number {
    return this.config.strategy === 'cascade' ? this.config.costs.verifier : 0;
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

  /**
   * Sets the threshold from unlabelled requests so that about the target share escalates (or the
   * expected cost per query meets the target); a fitted meta-verifier is replaced by the threshold rule.
   */
  async calibrate(requests: readonly RouteRequest[], target: CalibrationTarget): Promise<Calibration> {
    if (requests.length === 0) throw new UserInputError('calibration needs at least one request', { field: 'requests' });
    const c = this.config;
    const fixed = c.costs.slm + this.verifierCost;
    const rate = 'escalationRate' in target ? target.escalationRate : (target.costPerQuery - fixed) / c.costs.llm;
    if (!(rate >= 0 && rate <= 1)) {
      throw new UserInputError(
        'escalationRate' in target ? `escalation rate must be in [0, 1], got ${rate}` : `cost per query ${target.costPerQuery} is outside [${fixed}, ${fixed + c.costs.llm}]`,
        { field: 'target' },
      );
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
    Object.assign(this.config, { threshold, calibration, ...(c.strategy === 'cascade' ? { meta_verifier: undefined } : {}) });
    this.metaVerifier = undefined;
    return calibration;
  }

  async save(file: string): Promise<void> {
    await writeRouterFile(file, { config: this.config });
  }

  async dispose(): Promise<void> {
    await this.embedder?.dispose?.();
  }
}

export interface LabelledRequest {
  readonly request: RouteRequest;
  readonly reference: string;
}

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
 */
export async function evaluateCascade(
  router: CascadeRouter,
  labelled: readonly LabelledRequest[],
  score: (answer: string, reference: string) => number = tokenF1,
): Promise<CascadeEvaluation> {
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
  const point = operatingPoint(scores, rows.map((r) => r.escalate), costs, { verifier: c.strategy === 'cascade' });
  const base = baselineOf(scores, costs);
  return { requests: rows.length, lift: point.lift, quality: point.performance, cost: point.cost, escalationRate: point.routed / rows.length, slmQuality: base.slmPerf, llmQuality: base.llmPerf };
}
