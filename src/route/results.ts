/** What routing a request returns, per strategy: a `select` choice, or a cascade's keep-or-escalate. */

/**
 * What a `select` router answers: the chosen candidate, its voter and the Smoothie weights.
 *
 * @example
 * ```ts
 * const router = await createRouter({ strategy: 'select', voters: ['llama', 'mistral', 'gemma'], k: 1, embedder: 'hash' });
 * const result: SelectResult = await router.route({ input: 'What is 2+2?', candidates: ['4', 'four', '5'] });
 * console.log(result.model, result.weights);
 * ```
 */
export interface SelectResult {
  readonly strategy: 'select';
  /** The chosen candidate, unchanged. */
  readonly output: string;
  /** The voter (model) that wrote it. */
  readonly model: string;
  readonly index: number;
  /** Smoothie weights of the voters (sum 1; NaN where undefined, as the reference). */
  readonly weights: number[];
  /** Stored inputs in the neighbourhood (≤ k − 1). */
  readonly neighbours: number;
  readonly escalated: false;
  /** Calls made for this request: one per voter when the candidates were generated, else 0. */
  readonly calls: number;
}

/**
 * What an escalating router (`cascade`, `smoothie-cascade`) answers: the kept or escalated answer, its confidence and cost.
 *
 * @example
 * ```ts
 * const router = await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large' }, { registry });
 * const result: CascadeResult = await router.route({ input: 'Who wrote it?', context });
 * console.log(result.escalated ? 'LLM' : 'SLM', result.confidence, result.cost);
 * ```
 */
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

/**
 * The answer of any strategy; `strategy` tells which.
 *
 * @example
 * ```ts
 * const result: RouteResult = await router.route({ input: 'What is 2+2?' });
 * if (result.strategy === 'select') console.log(result.model, result.weights);
 * else console.log(result.escalated, result.confidence, result.cost);
 * ```
 */
export type RouteResult = SelectResult | CascadeResult;
