/**
 * The strategy table: every routing strategy, what its config looks like, what it needs and how it
 * opens. `createRouter`, `loadRouter` and `smoothie serve --help` read it; it is frozen. A strategy's
 * router module loads when a router of it is opened, not when this table is imported.
 */
import type { z } from 'zod';
import type { CreateEmbedderOptions } from '../embed/factory.js';
import type { Embedder } from '../embed/types.js';
import { UserInputError } from '../errors/index.js';
import type { ModelRegistry } from '../llm/registry.js';
import { CascadeConfigSchema, SelectConfigSchema, SmoothieCascadeConfigSchema, type RouterConfig } from './config.js';
import { registryCaller } from './registry-caller.js';
import type { Router } from './router-interface.js';
import type { SampleStore } from './store.js';
import type { LanceStore } from './lance-store.js';

/**
 * What opening a router takes besides its config (`createRouter`, `loadRouter`, `route`).
 *
 * @example
 * ```ts
 * const options: RouterOptions = { registry: await loadModelRegistry('models.yaml'), embedderOptions: { cacheDir: '.cache' } };
 * const router = await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large' }, options);
 * ```
 */
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

/**
 * One row of the strategy table.
 *
 * @example
 * ```ts
 * const cascade: RouterStrategy<Extract<RouterConfig, { strategy: 'cascade' }>> = ROUTER_STRATEGIES.cascade;
 * if (cascade.callsModels) console.log(`${cascade.name} needs a model registry (${cascade.source})`);
 * ```
 */
export interface RouterStrategy<Config extends RouterConfig = RouterConfig> {
  readonly name: Config['strategy'];
  /** One line for `--help` and the README. */
  readonly summary: string;
  /** Where it comes from: a paper, or ours (unpublished). */
  readonly source: 'Smoothie (Guha et al., 2024)' | 'AutoMix (Aggarwal et al., 2024)' | 'ours (experimental)';
  /** The config schema (zod); `RouterConfigSchema` is their union. */
  readonly schema: z.ZodType<Config>;
  /** Whether it calls models (then `createRouter` needs a registry). */
  readonly callsModels: boolean;
  /** Whether it embeds text (then it takes the config's `embedder`). */
  readonly embeds: boolean;
  /** A router for a validated config; `store`: the loaded reference store (`select`). */
  open(config: Config, options: RouterOptions, store?: SampleStore): Promise<Router>;
}

async function embedderFor(spec: string, options: RouterOptions): Promise<Embedder> {
  if (options.embedder) return options.embedder;
  const { createEmbedder } = await import('../embed/factory.js');
  return createEmbedder(spec, options.embedderOptions);
}

function requireRegistry(config: Extract<RouterConfig, { slm: string }>, options: RouterOptions): ModelRegistry {
  if (!options.registry) throw new UserInputError(`the ${config.strategy} strategy calls models: pass a model registry (models.yaml)`, { field: 'registry' });
  for (const model of [config.slm, config.llm]) options.registry.resolve(model);
  return options.registry;
}

/** Opens the LanceDB store a `select` router shares with other processes (the package loads here, not at import). */
export async function openLanceStore(config: ConfigOf<'select'>, embedder: Embedder, location: StoreLocation): Promise<LanceStore> {
  const { LanceStore } = await import('./lance-store.js');
  return LanceStore.open({ ...location, voters: config.voters.length, embedder: { id: embedder.id, version: embedder.version }, exactBelow: config.exact_below });
}

type ConfigOf<S extends RouterConfig['strategy']> = Extract<RouterConfig, { strategy: S }>;

const select = Object.freeze<RouterStrategy<ConfigOf<'select'>>>({
  name: 'select',
  summary: "Smoothie among the request's candidates, weights from its nearest stored requests (label-free)",
  source: 'Smoothie (Guha et al., 2024)',
  schema: SelectConfigSchema,
  callsModels: false,
  embeds: true,
  async open(config, options, store) {
    const embedder = await embedderFor(config.embedder, options);
    const { SelectRouter } = await import('./select-router.js');
    const shared = options.store && !store ? await openLanceStore(config, embedder, options.store) : undefined;
    return new SelectRouter(config, embedder, store ?? shared, options.registry ? registryCaller(options.registry, options.signal) : undefined);
  },
});

const cascade = Object.freeze<RouterStrategy<ConfigOf<'cascade'>>>({
  name: 'cascade',
  summary: 'the small model answers and verifies itself; low verifier confidence escalates to the large model',
  source: 'AutoMix (Aggarwal et al., 2024)',
  schema: CascadeConfigSchema,
  callsModels: true,
  embeds: false,
  async open(config, options) {
    const caller = registryCaller(requireRegistry(config, options), options.signal);
    const [{ CascadeRouter }, { loadVerificationTemplate }] = await Promise.all([import('./cascade-router.js'), import('../automix/verify.js')]);
    return new CascadeRouter(config, caller, await loadVerificationTemplate(config.verification_template));
  },
});

const smoothieCascade = Object.freeze<RouterStrategy<ConfigOf<'smoothie-cascade'>>>({
  name: 'smoothie-cascade',
  summary: "the small model answers several times; Smoothie keeps the best sample, the samples' disagreement escalates (no verifier call)",
  source: 'ours (experimental)',
  schema: SmoothieCascadeConfigSchema,
  callsModels: true,
  embeds: true,
  async open(config, options) {
    const caller = registryCaller(requireRegistry(config, options), options.signal);
    const embedder = await embedderFor(config.embedder, options);
    const { SmoothieCascadeRouter } = await import('./smoothie-cascade-router.js');
    return new SmoothieCascadeRouter(config, caller, embedder);
  },
});

/**
 * Every routing strategy by name (frozen).
 *
 * @example
 * ```ts
 * for (const s of Object.values(ROUTER_STRATEGIES)) console.log(`${s.name}: ${s.summary} [${s.source}]`);
 * ROUTER_STRATEGIES.select.schema.parse({ strategy: 'select', voters: ['a', 'b'] });
 * ```
 */
export const ROUTER_STRATEGIES: Readonly<{ [S in RouterConfig['strategy']]: RouterStrategy<ConfigOf<S>> }> = Object.freeze({
  select,
  cascade,
  'smoothie-cascade': smoothieCascade,
});

/**
 * A routing strategy's name: a key of `ROUTER_STRATEGIES`.
 *
 * @example
 * ```ts
 * const name: StrategyName = 'select';
 * console.log(ROUTER_STRATEGIES[name].summary);
 * ```
 */
export type StrategyName = RouterConfig['strategy'];

/** The strategies' names, in table order. */
export const STRATEGY_NAMES: readonly StrategyName[] = Object.freeze(Object.keys(ROUTER_STRATEGIES) as StrategyName[]);

/** Opens a router for a validated config through the table. */
export function openRouter(config: RouterConfig, options: RouterOptions, store?: SampleStore): Promise<Router> {
  if (options.store && config.strategy !== 'select') throw new UserInputError(`a ${config.strategy} router has no reference store: --store / store is for select routers`, { field: 'store' });
  const strategy = ROUTER_STRATEGIES[config.strategy] as RouterStrategy;
  return strategy.open(config, options, store);
}
