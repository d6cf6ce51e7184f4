/**
 * `createRouter(config)` / `loadRouter(file)` / `route(request, { router })`: one function per request for applications.
 *
 *   const router = await createRouter({ strategy: 'select', voters: ['a', 'b', 'c'], k: 20 });
 *   await router.add([{ input, candidates: [textA, textB, textC] }, ...]);   // the reference store
 *   const r = await router.route({ input, candidates });                   // → { output, model, weights, … }
 *   await router.save('router.json');                                      // + router.inputs.arrow, …
 *
 *   const cascade = await createRouter({ strategy: 'cascade', slm: 'llama-13b', llm: 'llama-70b' }, { registry });
 *   const { threshold } = await cascade.calibrate(unlabelled, { escalationRate: 0.3 });
 *   const { output, escalated, confidence, cost } = await cascade.route({ input, context });
 *
 * Strategies (the table `ROUTER_STRATEGIES`): `select` (Smoothie), `cascade` (AutoMix), `smoothie-cascade`
 * (Smoothie agreement as the escalation signal, ours). Models are called through the model registry (`models.yaml`).
 */
import path from 'node:path';
import { readJsonFile } from '../data/json.js';
import { parseWith } from '../data/validate.js';
import { UserInputError } from '../errors/index.js';
import { RouterConfigSchema, RouterFileSchema, type RouterConfigInput } from './config.js';
import type { CascadeRouter } from './cascade-router.js';
import type { RouteRequest } from './request.js';
import type { RouteResult, Router } from './router-interface.js';
import { hasUriScheme } from './store.js';
import type { SelectRouter } from './select-router.js';
import type { SmoothieCascadeRouter } from './smoothie-cascade-router.js';
import { openLanceStore, openRouter, type RouterOptions, type StoreLocation } from './strategies.js';

export { registryCaller } from './registry-caller.js';
export type { Router, RouteResult } from './router-interface.js';
export type { RouterOptions, StoreLocation } from './strategies.js';

/** The routers the strategy table opens, for code that narrows on `strategy` (`'select'` → `SelectRouter`, …). */
export type AnyRouter = SelectRouter | CascadeRouter | SmoothieCascadeRouter;

/**
 * A new router from a config (validated, defaults filled in); `select` starts with an empty store.
 *
 * @example
 * ```ts
 * const router = await createRouter({ strategy: 'select', voters: ['llama', 'mistral', 'gemma'], embedder: 'hash' });
 * await router.add([{ input: 'What is 2+2?', candidates: ['4', 'four', '5'] }]);
 * const { output, model } = await router.route({ input: 'What is 3+3?', candidates: ['6', 'six', '7'] });
 * ```
 */
export async function createRouter(config: Extract<RouterConfigInput, { strategy: 'select' }>, options?: RouterOptions): Promise<SelectRouter>;
export async function createRouter(config: Extract<RouterConfigInput, { strategy: 'cascade' }>, options?: RouterOptions): Promise<CascadeRouter>;
export async function createRouter(config: Extract<RouterConfigInput, { strategy: 'smoothie-cascade' }>, options?: RouterOptions): Promise<SmoothieCascadeRouter>;
export async function createRouter(config: RouterConfigInput, options?: RouterOptions): Promise<Router>;
export async function createRouter(config: RouterConfigInput, options: RouterOptions = {}): Promise<Router> {
  return openRouter(parseWith(RouterConfigSchema, config, { file: 'router config' }), options);
}

/**
 * A router saved by `save`: format, embedder and store shapes are checked.
 *
 * @example
 * ```ts
 * await router.save('router.json');
 * const again = await loadRouter('router.json', { registry: await loadModelRegistry('models.yaml') });
 * ```
 */
export async function loadRouter(file: string, options: RouterOptions = {}): Promise<Router> {
  const saved = parseWith(RouterFileSchema, await readJsonFile(file), { file });
  if (saved.config.strategy === 'select' && (options.store || (saved.store && 'kind' in saved.store))) {
    const location: StoreLocation = options.store ?? (saved.store && 'kind' in saved.store ? { uri: storeUri(file, saved.store.uri), table: saved.store.table } : { uri: '' });
    const embedder = options.embedder ?? (await (await import('../embed/factory.js')).createEmbedder(saved.config.embedder, options.embedderOptions));
    const store = await openLanceStore(saved.config, embedder, location);
    if (store.size === 0 && saved.store && 'prefix' in saved.store && saved.store.size > 0) {
      await store.close();
      throw new UserInputError(`the router's ${saved.store.size} stored rows are not in the LanceDB store ${location.uri} yet: smoothie router migrate-store ${file} --to ${location.uri}`, {
        file,
        field: 'store',
      });
    }
    return openRouter(saved.config, { ...options, embedder }, store);
  }
  if (saved.config.strategy !== 'select' || !saved.store || !('prefix' in saved.store) || !saved.embedder) return openRouter(saved.config, options);
  const embedder = options.embedder ?? (await (await import('../embed/factory.js')).createEmbedder(saved.config.embedder, options.embedderOptions));
  if (embedder.id !== saved.embedder.id || embedder.version !== saved.embedder.version) {
    throw new UserInputError(`the store was embedded with ${saved.embedder.id} ${saved.embedder.version}, this router has ${embedder.id} ${embedder.version}: re-add the samples`, {
      file,
      field: 'embedder',
    });
  }
  const { ReferenceStore } = await import('./reference-store.js');
  const store = await ReferenceStore.load(path.join(path.dirname(file), saved.store.prefix), {
    dim: saved.embedder.dim,
    voters: saved.config.voters.length,
    exactBelow: saved.config.exact_below,
  });
  if (store.size !== saved.store.size) throw new UserInputError(`the store holds ${store.size} rows, the router file says ${saved.store.size}`, { file, field: 'store.size' });
  return openRouter(saved.config, { ...options, embedder }, store);
}

/**
 * `route()`'s options: which router, and what `createRouter`/`loadRouter` take.
 *
 * @example
 * ```ts
 * const options: RouteOptions = { router: 'router.json', registry: await loadModelRegistry('models.yaml') };
 * const { output, model } = await route({ input: 'What is 2+2?' }, options);
 * ```
 */
export interface RouteOptions extends RouterOptions {
  /** A config (`createRouter`), a router file (`loadRouter`), or an open router (left open). */
  readonly router: RouterConfigInput | string | Router;
}

function isRouter(value: RouteOptions['router']): value is Router {
  return typeof value === 'object' && value !== null && typeof (value as Partial<Router>).route === 'function';
}

/**
 * One request, one call: opens the router (from a config or a router file), routes the request and
 * disposes of the router. Pass an open router to keep it (and its store) across calls.
 *
 * @example
 * ```ts
 * const { output, model } = await route(
 *   { input: 'What is 2+2?', candidates: ['4', 'four', '5'] },
 *   { router: { strategy: 'select', voters: ['llama', 'mistral', 'gemma'], k: 1, embedder: 'hash' } },
 * );
 * ```
 */
export async function route(request: RouteRequest, options: RouteOptions): Promise<RouteResult> {
  const { router: spec, ...routerOptions } = options;
  if (isRouter(spec)) return spec.route(request);
  const router = typeof spec === 'string' ? await loadRouter(spec, routerOptions) : await createRouter(spec, routerOptions);
  try {
    return await router.route(request);
  } finally {
    await router.dispose();
  }
}

/** A router file's store URI: a relative folder is relative to the file; URIs with a scheme are kept. */
export function storeUri(routerFile: string, uri: string): string {
  return hasUriScheme(uri) || path.isAbsolute(uri) ? uri : path.join(path.dirname(routerFile), uri);
}
