/** `serveRouter` for the package root: the HTTP server and its metrics (prom-client) load when a router is served, not at import. */
import type { Router } from './router-interface.js';
import type { RouterServer, ServeOptions } from './serve.js';

export type { RouterServer, ServeOptions, RequestLogEntry } from './serve.js';

/**
 * Serves a router as an OpenAI-compatible chat completions endpoint (`POST /v1/chat/completions`,
 * `GET /health`, `GET /metrics`); what `smoothie serve` runs.
 *
 * @example
 * ```ts
 * const server = await serveRouter(await loadRouter('router.json'), { port: 0 });
 * console.log(`${server.url}/v1/chat/completions`);
 * await server.close();
 * ```
 */
export async function serveRouter(router: Router, options: ServeOptions = {}): Promise<RouterServer> {
  const serve = await import('./serve.js');
  return serve.serveRouter(router, options);
}
