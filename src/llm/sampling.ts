/** What a call asks of a model: chat messages and sampling parameters (the registry's defaults use the same schema). */
import { z } from 'zod';

export type ChatMessage = { readonly role: 'system' | 'user' | 'assistant'; readonly content: string };

/** Sampling parameters of a call, and of a model's defaults in models.yaml. */
export const SamplingParamsSchema = z
  .strictObject({
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().positive().optional(),
    top_p: z.number().gt(0).max(1).optional(),
    /** Choices per call. @default 1 */
    n: z.number().int().positive().optional(),
    stop: z.array(z.string()).readonly().optional(),
    seed: z.number().int().optional(),
  })
  .readonly();
export type SamplingParams = z.infer<typeof SamplingParamsSchema>;
