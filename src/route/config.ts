/** The router file's schemas: one config per strategy, and the persisted router (config + store). */
import { z } from 'zod';

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
});

export const RouterConfigSchema = z.discriminatedUnion('strategy', [SelectConfigSchema]);
export type RouterConfig = z.infer<typeof RouterConfigSchema>;
export type RouterConfigInput = z.input<typeof RouterConfigSchema>;
export type SelectConfig = z.infer<typeof SelectConfigSchema>;

export const ROUTER_FORMAT = 'smoothie-router/1';

export const RouterFileSchema = z.strictObject({
  format: z.literal(ROUTER_FORMAT),
  config: RouterConfigSchema,
  /** The embedder that produced the stored vectors; loading with another is an error. */
  embedder: z.strictObject({ id: z.string(), version: z.string(), dim: z.number().int().positive() }).optional(),
  store: z.strictObject({ size: z.number().int().nonnegative(), prefix: z.string() }).optional(),
  created_with: z.string(),
});
export type RouterFile = z.infer<typeof RouterFileSchema>;
