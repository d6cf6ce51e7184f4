/**
 * `createRouter(config)` / `loadRouter(file)`: one function per request for applications.
 *
 *   const router = await createRouter({ strategy: 'select', voters: ['a', 'b', 'c'], k: 20 });
 *   await router.add([{ input, candidates: [textA, textB, textC] }, ...]);   // the reference store
 *   const r = await router.route({ input, candidates });                   // → { output, model, weights, … }
 *   await router.save('router.json');                                      // + router.inputs.arrow, …
 *
 *   const cascade = await createRouter({ strategy: 'cascade', slm: 'llama-13b', llm: 'llama-70b' }, { registry });
 *   await cascade.calibrate(unlabelled, { escalationRate: 0.3 });
 *   const { output, escalated, confidence, cost } = await cascade.route({ input, context });
 *
 * Strategies: `select` (Smoothie), `cascade` (AutoMix), `smoothie-cascade` (Smoothie agreement as the
 * escalation signal). Models are called through the model registry (`models.yaml`).
 */
import path from 'node:path';
import { loadVerificationTemplate } from '../automix/verify.js';
import { readJsonFile } from '../data/json.js';
import { parseWith } from '../data/validate.js';
import { createEmbedder, type CreateEmbedderOptions } from '../embed/factory.js';
import type { Embedder } from '../embed/types.js';
import { UserInputError } from '../errors/index.js';
import { endpointPool } from '../llm/endpoint.js';
import type { ModelRegistry } from '../llm/registry.js';
import { RouterConfigSchema, RouterFileSchema, type RouterConfig, type RouterConfigInput } from './config.js';
import { CascadeRouter, type CascadeResult } from './cascade-router.js';
import { LanceStore } from './lance-store.js';
import { ReferenceStore } from './reference-store.js';
import type { SampleStore } from './store.js';
import { SelectRouter, type SelectResult } from './select-router.js';
import type { ModelCaller } from './request.js';

export type Router = SelectRouter | CascadeRouter;
export type RouteResult = SelectResult | CascadeResult;

export interface RouterOptions {
  /** An embedder to use instead of creating the configured one (it must have the same id). */
  readonly embedder?: Embedder;
  /** Passed to `createEmbedder` when the router creates its embedder. */
  readonly embedderOptions?: CreateEmbedderOptions;
  /** Endpoints of the models a strategy calls (required by the cascades, optional for `select`). */
  readonly registry?: ModelRegistry;
  readonly signal?: AbortSignal;
  /**
   * Where a `select` router's reference store lives when several processes share it: a LanceDB
   * database (folder or object-storage URI). Overrides the router file's store. @default in memory
   */
  readonly store?: StoreLocation;
}

/** A shared (LanceDB) reference store: see `LanceStore`. */
export interface StoreLocation {
  /** A folder or an object-storage URI (s3://…, passed to LanceDB; untested here). */
  readonly uri: string;
  /** @default 'reference_store' */
  readonly table?: string;
  /** Rows other processes add become visible within this many ms. @default 1000 */
  readonly refreshMs?: number;
  /** Passed to LanceDB (object-storage credentials…). @default {} */
  readonly storageOptions?: Readonly<Record<string, string>>;
  /** Called when a background refresh fails. @default ignored */
  readonly onRefreshError?: (error: Error) => void;
}

/** Calls registry models with their endpoint's limits and retries (one Endpoint per model, shared by requests). */
export function registryCaller(registry: ModelRegistry, signal?: AbortSignal): ModelCaller {
  const endpoint = endpointPool((name) => registry.resolve(name));
  let requests = 0;
  return async (model, input, params) => {
    const r = await endpoint(model).complete({ prompt: input, params, label: `router request ${++requests}` }, { signal });
    return r.texts;
  };
}

function requireRegistry(config: RouterConfig, options: RouterOptions): ModelRegistry {
  if (!options.registry) throw new UserInputError(`the ${config.strategy} strategy calls models: pass a model registry (models.yaml)`, { field: 'registry' });
  for (const model of config.strategy === 'select' ? [] : [config.slm, config.llm]) options.registry.resolve(model);
  return options.registry;
}

async function open(config: RouterConfig, options: RouterOptions, store?: SampleStore): Promise<Router> {
  if (options.store && config.strategy !== 'select') throw new UserInputError(`a ${config.strategy} router has no reference store: --store / store is for select routers`, { field: 'store' });
  if (config.strategy === 'select') {
    const embedder = options.embedder ?? (await createEmbedder(config.embedder, options.embedderOptions));
    const shared = options.store && !store ? await openLanceStore(config, embedder, options.store) : undefined;
    return new SelectRouter(config, embedder, store ?? shared, options.registry ? registryCaller(options.registry, options.signal) : undefined);
  }
  const caller = registryCaller(requireRegistry(config, options), options.signal);
  if (config.strategy === 'cascade') return new CascadeRouter(config, caller, await loadVerificationTemplate(config.verification_template));
  const embedder = options.embedder ?? (await createEmbedder(config.embedder, options.embedderOptions));
  return new CascadeRouter(config, caller, undefined, embedder);
}

function openLanceStore(config: Extract<RouterConfig, { strategy: 'select' }>, embedder: Embedder, location: StoreLocation): Promise<LanceStore> {
  return LanceStore.open({ ...location, voters: config.voters.length, embedder: { id: embedder.id, version: embedder.version }, exactBelow: config.exact_below });
}

/** A new router from a config (validated, defaults filled in); `select` starts with an empty store. */
export async function createRouter(config: Extract<RouterConfigInput, { strategy: 'select' }>, options?: RouterOptions): Promise<SelectRouter>;
export async function createRouter(config: Extract<RouterConfigInput, { strategy: 'cascade' | 'smoothie-cascade' }>, options?: RouterOptions): Promise<CascadeRouter>;
export async function createRouter(config: RouterConfigInput, options?: RouterOptions): Promise<Router>;
export async function createRouter(config: RouterConfigInput, options: RouterOptions = {}): Promise<Router> {
  return open(parseWith(RouterConfigSchema, config, { file: 'router config' }), options);
}

/** A router saved by `save`: format, embedder and store shapes are checked. */
export async function loadRouter(file: string, options: RouterOptions = {}): Promise<Router> {
  const saved = parseWith(RouterFileSchema, await readJsonFile(file), { file });
  if (options.store && saved.config.strategy !== 'select') return open(saved.config, options);
  if (saved.config.strategy === 'select' && (options.store || (saved.store && 'kind' in saved.store))) {
    const location: StoreLocation = options.store ?? (saved.store && 'kind' in saved.store ? { uri: storeUri(file, saved.store.uri), table: saved.store.table } : { uri: '' });
    const embedder = options.embedder ?? (await createEmbedder(saved.config.embedder, options.embedderOptions));
    const store = await openLanceStore(saved.config, embedder, location);
    if (store.size === 0 && saved.store && 'prefix' in saved.store && saved.store.size > 0) {
      await store.close();
      throw new UserInputError(`the router's ${saved.store.size} stored rows are not in the LanceDB store ${location.uri} yet: smoothie router migrate-store ${file} --to ${location.uri}`, { file, field: 'store' });
    }
    return open(saved.config, { ...options, embedder }, store);
  }
  if (saved.config.strategy !== 'select' || !saved.store || !('prefix' in saved.store) || !saved.embedder) return open(saved.config, options);
  const embedder = options.embedder ?? (await createEmbedder(saved.config.embedder, options.embedderOptions));
  if (embedder.id !== saved.embedder.id || embedder.version !== saved.embedder.version) {
    throw new UserInputError(`the store was embedded with ${saved.embedder.id} ${saved.embedder.version}, this router has ${embedder.id} ${embedder.version}: re-add the samples`, {
      file,
      field: 'embedder',
    });
  }
  const store = await ReferenceStore.load(path.join(path.dirname(file), saved.store.prefix), {
    dim: saved.embedder.dim,
    voters: saved.config.voters.length,
    exactBelow: saved.config.exact_below,
  });
  if (store.size !== saved.store.size) throw new UserInputError(`the store holds ${store.size} rows, the router file says ${saved.store.size}`, { file, field: 'store.size' });
  return open(saved.config, { ...options, embedder }, store);
}

/** A router file's store URI: a relative folder is relative to the file; URIs with a scheme are kept. */
export function storeUri(routerFile: string, uri: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(uri) || path.isAbsolute(uri) ? uri : path.join(path.dirname(routerFile), uri);
}
