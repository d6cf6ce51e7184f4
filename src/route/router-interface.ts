/** What every router implements, whatever its strategy: route a request, save itself, free what it holds. */
import type { RouterConfig } from './config.js';
import type { RouteRequest } from './request.js';
import type { RouteResult } from './results.js';

export type { RouteResult } from './results.js';

/**
 * A router: `createRouter` and `loadRouter` return one, `serveRouter` serves one.
 *
 * @example
 * ```ts
 * const router: Router = await loadRouter('router.json');
 * try {
 *   const { output, model } = await router.route({ input: 'What is 2+2?', candidates: ['4', 'four', '5'] });
 * } finally {
 *   await router.dispose();
 * }
 * ```
 */
export interface Router<Result extends RouteResult = RouteResult> {
  /** The strategy's name in the strategy table (`ROUTER_STRATEGIES`). */
  readonly strategy: RouterConfig['strategy'];
  /** The validated config, defaults filled in (never changed by the router). */
  readonly config: RouterConfig;
  /** Answers one request. */
  route(request: RouteRequest): Promise<Result>;
  /** Writes the router file (`loadRouter` reads it) and whatever the strategy keeps beside it. */
  save(file: string): Promise<void>;
  /** Frees the embedder, model pools and workers the router holds. */
  dispose(): Promise<void>;
}
