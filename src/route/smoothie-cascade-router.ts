/**
 * The `smoothie-cascade` strategy (ours, unpublished): the small model answers `samples` times, Smoothie
 * keeps the answer it weights highest, and the samples' agreement (mean pairwise cosine similarity of
 * the answers' embeddings) is a verifier-free confidence: escalate when it is ≤ the threshold.
 */
import type { Embedder } from '../embed/types.js';
import { UserInputError } from '../errors/index.js';
import { candidateDistances, numpyArgmax, weightsFromDistances } from '../smoothie/weights.js';
import type { SmoothieCascadeConfig } from './config.js';
import { EscalatingRouter, type Assessment } from './escalating-router.js';
import type { ModelCaller, RouteRequest } from './request.js';

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

export class SmoothieCascadeRouter extends EscalatingRouter<SmoothieCascadeConfig> {
  constructor(
    config: SmoothieCascadeConfig,
    callModel: ModelCaller,
    /** Embeds the samples. */
    private readonly embedder: Embedder,
  ) {
    super(config, callModel);
  }

  async assess(request: RouteRequest): Promise<Assessment> {
    const c = this.config;
    const samples = await this.callModel(c.slm, request.input, { temperature: c.temperature, max_tokens: c.max_tokens, n: c.samples });
    if (samples.length < 2) throw new UserInputError(`model '${c.slm}' returned ${samples.length} of ${c.samples} samples (does the server support n?)`, { field: 'samples' });
    const { data } = await this.embedder.embed(samples);
    const m = samples.length;
    const weights = weightsFromDistances(candidateDistances(data, m), m, true);
    return { answer: samples[numpyArgmax(weights)], confidence: meanCosine(data, m), calls: 1 };
  }

  override async dispose(): Promise<void> {
    await this.embedder.dispose?.();
  }
}
