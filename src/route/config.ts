/** The router file's schemas: one config per strategy, and the persisted router (config + store). */
import { z } from 'zod';
import { CostsSchema, PAPER_COSTS } from '../automix/costs.js';
import { FittedMetaVerifierSchema } from '../automix/meta-verifier.js';

/** `select`: Smoothie among the request's candidates, weights from the input's neighbourhood in the store. */
export const SelectConfigSchema = z.strictObject({
  strategy: z.literal('select'),
  /** Names of the candidate sources (models or prompts), in candidate order. */
  voters: z.array(z.string().min(1)).min(2),
  /** Embedder spec (`createEmbedder`). */
  embedder: z.string().default('use'),
  /** Neighbourhood size, the request included (k = 1: the request's own candidates only). */
  k: z.number().int().positive().default(20),
  /** Clamp non-positive error estimates (see `Smoothie`). */
  robust: z.boolean().default(false),
  /** Apply the reference's generation cleaning (first line, special tokens) before embedding. */
  clean_generations: z.boolean().default(false),
  /** Add every routed request to the store. */
  learn: z.boolean().default(false),
  /** Exact neighbour scan below this many stored rows, HNSW from there on. */
  exact_below: z.number().int().positive().default(4096),
  /** Tokens per generated candidate (requests without candidates). */
  max_tokens: z.number().int().positive().default(512),
});

/** What calibration chose, for the record. */
const CalibrationSchema = z.strictObject({
  target: z.union([z.strictObject({ escalation_rate: z.number().min(0).max(1) }), z.strictObject({ cost_per_query: z.number().positive() })]),
  samples: z.number().int().positive(),
  escalation_rate: z.number(),
  cost_per_query: z.number(),
});

/** `cascade`: AutoMix per request. The small model answers, verifies itself k times; escalate when the rule says so. */
export const CascadeConfigSchema = z.strictObject({
  strategy: z.literal('cascade'),
  /** Registry names. */
  slm: z.string().min(1),
  llm: z.string().min(1),
  /** Self-verification samples. */
  k: z.number().int().positive().default(8),
  /** Escalate when the verifier confidence is ≤ this (0.5: AutoMix's self-consistency rule); set by calibrate(). */
  threshold: z.number().min(0).max(1).default(0.5),
  /** A fitted meta-verifier (`smoothie automix`); replaces the threshold when given. */
  meta_verifier: FittedMetaVerifierSchema.optional(),
  costs: CostsSchema.default(PAPER_COSTS),
  max_tokens: z.number().int().positive().default(512),
  verification_template: z.string().optional(),
  calibration: CalibrationSchema.optional(),
});

/**
 * `smoothie-cascade` (ours): the small model answers `samples` times; Smoothie picks the answer the
 * samples agree with most, and their agreement is the confidence (no verifier call): escalate when it is ≤ threshold.
 */
export const SmoothieCascadeConfigSchema = z.strictObject({
  strategy: z.literal('smoothie-cascade'),
  slm: z.string().min(1),
  llm: z.string().min(1),
  samples: z.number().int().min(3).default(5),
  temperature: z.number().gt(0).max(2).default(0.8),
  embedder: z.string().default('use'),
  threshold: z.number().min(0).max(1).default(0.5),
  costs: CostsSchema.default(PAPER_COSTS),
  max_tokens: z.number().int().positive().default(512),
  calibration: CalibrationSchema.optional(),
});

/**
 * A router config, one schema per strategy (zod): what `createRouter` validates and router files hold.
 *
 * @example
 * ```ts
 * const config = RouterConfigSchema.parse({ strategy: 'select', voters: ['llama', 'mistral', 'gemma'] });
 * config.k; // 20, the default
 * ```
 */
export const RouterConfigSchema = z.discriminatedUnion('strategy', [SelectConfigSchema, CascadeConfigSchema, SmoothieCascadeConfigSchema]);
/**
 * A validated router config, defaults filled in (`RouterConfigSchema`'s output; `router.config`).
 *
 * @example
 * ```ts
 * const config: RouterConfig = RouterConfigSchema.parse({ strategy: 'cascade', slm: 'small', llm: 'large' });
 * if (config.strategy === 'cascade') console.log(config.threshold); // 0.5, the default
 * ```
 */
export type RouterConfig = z.infer<typeof RouterConfigSchema>;
/**
 * A router config as written (defaults optional): what `createRouter` and `route` take.
 *
 * @example
 * ```ts
 * const config: RouterConfigInput = { strategy: 'select', voters: ['llama', 'mistral', 'gemma'], k: 1, embedder: 'hash' };
 * const router = await createRouter(config);
 * ```
 */
export type RouterConfigInput = z.input<typeof RouterConfigSchema>;
export type SelectConfig = z.infer<typeof SelectConfigSchema>;
export type CascadeConfig = z.infer<typeof CascadeConfigSchema>;
export type SmoothieCascadeConfig = z.infer<typeof SmoothieCascadeConfigSchema>;
export type Calibration = z.infer<typeof CalibrationSchema>;

export const ROUTER_FORMAT = 'smoothie-router/1';

/** The LanceDB store's table layout version (router files and the table's metadata record it). */
export const LANCE_STORE_FORMAT = 'smoothie-store/1';

/** A `select` store in a LanceDB table (see `LanceStore`); `format` is the table layout's version. */
export const LanceStoreRefSchema = z.strictObject({
  kind: z.literal('lance'),
  /** A folder (relative to the router file) or an object-storage URI. */
  uri: z.string().min(1),
  table: z.string().min(1),
  format: z.literal(LANCE_STORE_FORMAT),
});
export type LanceStoreRef = z.infer<typeof LanceStoreRefSchema>;

export const RouterFileSchema = z.strictObject({
  format: z.literal(ROUTER_FORMAT),
  config: RouterConfigSchema,
  /** The embedder that produced the stored vectors; loading with another is an error. */
  embedder: z.strictObject({ id: z.string(), version: z.string(), dim: z.number().int().positive() }).optional(),
  /** The reference store: files beside the router file (`prefix`), or a shared LanceDB table. */
  store: z.union([z.strictObject({ size: z.number().int().nonnegative(), prefix: z.string() }), LanceStoreRefSchema]).optional(),
  created_with: z.string(),
});
export type RouterFile = z.infer<typeof RouterFileSchema>;
