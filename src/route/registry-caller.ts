/** How routers call registry models: one Endpoint per model (its limits and retries), shared by requests. */
import type { ModelRegistry } from '../llm/registry.js';
import type { ModelCaller } from './request.js';

/** Calls registry models with their endpoint's limits and retries (one Endpoint per model, shared by requests). */
export function registryCaller(registry: ModelRegistry, signal?: AbortSignal): ModelCaller {
  // The LLM client (openai) loads on the first call, not when a router module is imported.
  let pool: Promise<ReturnType<typeof import('../llm/endpoint.js').endpointPool>> | undefined;
  let requests = 0;
  return async (model, input, params) => {
    pool ??= import('../llm/endpoint.js').then(({ endpointPool }) => endpointPool((name) => registry.resolve(name)));
    const label = `router request ${++requests}`;
    const r = await (await pool)(model).complete({ prompt: input, params, label }, { signal });
    return r.texts;
  };
}
