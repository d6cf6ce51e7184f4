/**
 * The `cascade` strategy, AutoMix per request: the small model (SLM) answers, verifies its own answer
 * k times against the context, and the verifier confidence decides (the router's threshold, or a
 * fitted meta-verifier) whether the large model (LLM) answers instead.
 */
import type { PromptTemplate } from '../data/templates.js';
import { FittedMetaVerifier } from '../automix/meta-verifier.js';
import { renderVerificationPrompt, VERIFICATION_SAMPLING, verifierConfidence } from '../automix/verify.js';
import type { CascadeConfig } from './config.js';
import { EscalatingRouter, type Assessment } from './escalating-router.js';
import { inputText, type ModelCaller, type RouteRequest } from './request.js';

export { thresholdForRate, EscalatingRouter, type CascadeResult, type CalibrationTarget, type CalibrationResult } from './escalating-router.js';
export { evaluateCascade, type CascadeEvaluation, type LabelledRequest } from './evaluate-cascade.js';
export { SmoothieCascadeRouter, meanCosine } from './smoothie-cascade-router.js';

/**
 * The `cascade` router (AutoMix): self-verification confidence, then the threshold or a fitted meta-verifier.
 *
 * @example
 * ```ts
 * const router = await createRouter({ strategy: 'cascade', slm: 'llama-13b', llm: 'llama-70b', k: 8 }, { registry });
 * const { output, escalated, confidence, cost } = await router.route({ input, context });
 * ```
 */
export class CascadeRouter extends EscalatingRouter<CascadeConfig> {
  private metaVerifier?: FittedMetaVerifier;

  constructor(
    config: CascadeConfig,
    callModel: ModelCaller,
    /** The self-verification prompt. */
    private readonly verification: PromptTemplate,
  ) {
    super(config, callModel);
    if (config.meta_verifier) this.metaVerifier = FittedMetaVerifier.fromJSON(config.meta_verifier);
  }

  async assess(request: RouteRequest): Promise<Assessment> {
    const c = this.config;
    const [answer = ''] = await this.callModel(c.slm, request.input, { temperature: 0, max_tokens: c.max_tokens });
    const prompt = renderVerificationPrompt(this.verification, { context: request.context ?? '', question: inputText(request.input), answer });
    const verdicts = await this.callModel(c.slm, prompt, { ...VERIFICATION_SAMPLING, stop: [...VERIFICATION_SAMPLING.stop], n: c.k });
    return { answer, confidence: verifierConfidence(verdicts).p, calls: 2 };
  }

  protected override get verifierCost(): number {
    return this.config.costs.verifier;
  }

  override escalates(confidence: number): boolean {
    return this.metaVerifier ? this.metaVerifier.route([confidence])[0] : super.escalates(confidence);
  }

  /** A fitted meta-verifier is replaced by the calibrated threshold rule. */
  protected override onCalibrated(): void {
    this.metaVerifier = undefined;
  }

  protected override savedConfig(): CascadeConfig {
    return { ...super.savedConfig(), meta_verifier: this.metaVerifier ? this.config.meta_verifier : undefined };
  }
}
