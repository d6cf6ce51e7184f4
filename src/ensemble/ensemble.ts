/**
 * Layered inference-time ensembles (Archon-style): `Ensemble.fromConfig(json).generate(messages)` runs
 * each layer's components in parallel on the previous layer's candidates and returns the answer with a
 * trace of every layer: components, calls, cost, candidates, failures. When the last layer leaves several
 * candidates, the answer is one of them drawn at random as Archon does, seeded (`seed` and the query),
 * and `choice` records which.
 *
 *   const ensemble = Ensemble.fromConfig(archonConfig, { registry });
 *   const { answer, trace, cost } = await ensemble.generate([{ role: 'user', content: 'How do I make a cake?' }]);
 */
import { readJsonFile } from '../data/json.js';
import { createEmbedder, type CreateEmbedderOptions } from '../embed/factory.js';
import type { Embedder } from '../embed/types.js';
import { endpointPool, LlmCallError, type ChatMessage } from '../llm/endpoint.js';
import { ModelRegistry, type ResolvedModel } from '../llm/registry.js';
import { BUILTIN_RUNNERS, type Candidate, type ComponentContext, type ComponentRunner } from './components.js';
import { BUILTIN_COMPONENT_TYPES, parseArchitecture, STATE_ONLY_TYPES, type Architecture, type Component } from './config.js';
import { Rng, DEFAULT_SEED } from '../compute/rng.js';
import { createHash } from 'node:crypto';
import { providerEntry } from './providers.js';
import { loadTemplateFile, shippedPath, type PromptTemplate } from '../data/templates.js';
import { UserInputError } from '../errors/index.js';

/**
 * What building an `Ensemble` takes besides its architecture: models, custom components, seed.
 *
 * @example
 * ```ts
 * const options: EnsembleOptions = { registry: await loadModelRegistry('models.yaml'), seed: 7 };
 * const ensemble = await Ensemble.fromFile('moa.json', options);
 * ```
 */
export interface EnsembleOptions {
  /** Models by name (`models.yaml`); components naming other models use their `model_type`'s endpoint. */
  readonly registry?: ModelRegistry;
  /** Custom component types: type → runner. */
  readonly components?: Readonly<Record<string, ComponentRunner>>;
  readonly embedderOptions?: CreateEmbedderOptions;
  /** Names the source in validation errors. */
  readonly file?: string;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Seeds the choice among several candidates left by the last layer (Archon picks one at random):
   * with the query, it fixes the pick, so a rerun answers the same. @default 42
   */
  readonly seed?: number;
}

/** How the answer was chosen from the last layer's candidates. */
export interface FinalChoice {
  /** Index of the answer among `candidates`. */
  readonly index: number;
  readonly of: number;
  /** `only` (one candidate), or `random` (several: uniform, seeded by `seed` and the query, as Archon's random.choice). */
  readonly rule: 'only' | 'random';
  readonly seed: number;
}

export interface ComponentTrace {
  readonly index: number;
  readonly type: string;
  readonly model?: string;
  readonly calls: number;
  /** As the servers reported them. */
  readonly tokens: { readonly prompt: number; readonly completion: number };
  readonly cost: number;
  readonly candidatesIn: number;
  readonly candidatesOut: number;
  /** Calls that failed after their retries (the component then contributes nothing). */
  readonly errors: readonly string[];
  readonly seconds: number;
}

export interface LayerTrace {
  readonly layer: number;
  readonly components: readonly ComponentTrace[];
  readonly candidates: readonly Candidate[];
  readonly stopped: boolean;
}

/**
 * What `Ensemble.generate` returns: the answer, the candidates it came from, and the per-layer trace, calls and cost.
 *
 * @example
 * ```ts
 * const result: EnsembleResult = await ensemble.generate('How do I make a cake?');
 * console.log(result.answer, result.calls, result.cost, result.trace.length);
 * ```
 */
export interface EnsembleResult {
  readonly answer: string;
  readonly candidates: readonly Candidate[];
  readonly choice: FinalChoice;
  readonly trace: readonly LayerTrace[];
  readonly calls: number;
  readonly tokens: { readonly prompt: number; readonly completion: number };
  /** Σ calls × the model's `cost` in models.yaml (0 where none is set). */
  readonly cost: number;
  /** The state the components left. */
  readonly state: Readonly<Record<string, unknown>>;
}

/**
 * A layered inference-time ensemble (Archon-compatible architectures, Mixture-of-Agents, Smoothie and AutoMix components).
 *
 * @example
 * ```ts
 * const registry = await loadModelRegistry('models.yaml');
 * const ensemble = await Ensemble.fromFile('moa.json', { registry });
 * const { answer, cost } = await ensemble.generate('How do I make a cake?');
 * ```
 */
export class Ensemble {
  /** Registry models by name; the others through their model_type's endpoint. */
  private readonly endpoint = endpointPool((model) => this.resolve(model));
  private readonly embedders = new Map<string, Promise<Embedder>>();
  private readonly templates = new Map<string, Promise<PromptTemplate>>();
  private readonly providers: ModelRegistry;

  private constructor(
    readonly architecture: Architecture,
    private readonly options: EnsembleOptions,
  ) {
    const entries: Record<string, ReturnType<typeof providerEntry>> = {};
    architecture.layers.forEach((layer, l) =>
      layer.forEach((c, i) => {
        if (c.model !== undefined && !options.registry?.has(c.model)) entries[c.model] = providerEntry(c.model, c.model_type, `layer ${l}, component ${i}`);
      }),
    );
    this.providers = ModelRegistry.fromObject({ models: entries }, { env: options.env, source: 'model_type endpoints' });
  }

  /** Validates an Archon-style config (a parsed JSON object). */
  static fromConfig(config: unknown, options: EnsembleOptions = {}): Ensemble {
    const knownTypes = [...BUILTIN_COMPONENT_TYPES, ...Object.keys(options.components ?? {})];
    return new Ensemble(parseArchitecture(config, { file: options.file, knownTypes }), options);
  }

  static async fromFile(file: string, options: EnsembleOptions = {}): Promise<Ensemble> {
    return Ensemble.fromConfig(await readJsonFile(file), { ...options, file });
  }

  private resolve(model: string): ResolvedModel {
    return this.options.registry?.has(model) ? this.options.registry.resolve(model) : this.providers.resolve(model);
  }

  private costOf(model: string): number {
    return this.resolve(model).cost ?? 0;
  }

  private async runComponent(c: Component, index: number, layer: number, input: { messages: readonly ChatMessage[]; candidates: readonly Candidate[]; state: Record<string, unknown> }) {
    const started = performance.now();
    let calls = 0;
    let promptTokens = 0;
    let completionTokens = 0;
    const errors: string[] = [];
    const ctx: ComponentContext = {
      call: async (messages, params) => {
        if (c.model === undefined) throw new UserInputError(`component type '${c.type}' called a model but names none`, { field: `layers.${layer}.${index}.model` });
        calls++;
        const r = await this.endpoint(c.model).complete({ prompt: messages, params, label: `layer ${layer}, component ${index} (${c.type})` });
        promptTokens += r.usage?.prompt_tokens ?? 0;
        completionTokens += r.usage?.completion_tokens ?? 0;
        return r.texts;
      },
      embedder: (spec) => {
        let e = this.embedders.get(spec);
        if (!e) {
          e = createEmbedder(spec, this.options.embedderOptions);
          this.embedders.set(spec, e);
        }
        return e;
      },
      template: (name) => {
        let t = this.templates.get(name);
        if (!t) {
          t = loadTemplateFile(shippedPath(`prompt_templates/${name}.txt`));
          this.templates.set(name, t);
        }
        return t;
      },
    };
    const runner = this.options.components?.[c.type] ?? BUILTIN_RUNNERS[c.type];
    let output: { candidates: readonly Candidate[]; stop?: boolean } = { candidates: [] };
    try {
      output = await runner(c, input, ctx);
    } catch (error) {
      if (!(error instanceof LlmCallError)) throw error;
      errors.push(error.message);
    }
    const trace: ComponentTrace = {
      index,
      type: c.type,
      model: c.model,
      calls,
      tokens: { prompt: promptTokens, completion: completionTokens },
      cost: c.model === undefined ? 0 : calls * this.costOf(c.model),
      candidatesIn: input.candidates.length,
      candidatesOut: output.candidates.length,
      errors,
      seconds: (performance.now() - started) / 1000,
    };
    return { output, trace };
  }

  async generate(input: string | readonly ChatMessage[]): Promise<EnsembleResult> {
    const messages: readonly ChatMessage[] = typeof input === 'string' ? [{ role: 'user', content: input }] : input;
    const state: Record<string, unknown> = {};
    let candidates: readonly Candidate[] = [];
    const trace: LayerTrace[] = [];
    for (const [l, layer] of this.architecture.layers.entries()) {
      const results = await Promise.all(layer.map((c, i) => this.runComponent(c, i, l, { messages, candidates, state })));
      const next = results.flatMap((r) => r.output.candidates);
      const stopped = results.some((r) => r.output.stop === true);
      trace.push({ layer: l, components: results.map((r) => r.trace), candidates: next, stopped });
      // A layer of unit-test writers before any generator leaves its tests in the state, no candidates.
      if (next.length === 0 && candidates.length === 0 && layer.every((c) => STATE_ONLY_TYPES.has(c.type)) && results.every((r) => r.trace.errors.length === 0)) continue;
      if (next.length === 0) {
        const errors = results.flatMap((r) => r.trace.errors);
        throw new LlmCallError(`layer ${l} produced no candidates${errors.length ? `: ${errors[0]}` : ''}`);
      }
      candidates = next;
      if (stopped) break;
    }
    const all = trace.flatMap((t) => t.components);
    const seed = this.options.seed ?? DEFAULT_SEED;
    let index = 0;
    if (candidates.length > 1) {
      const query = createHash('sha256').update(JSON.stringify(messages)).digest().readUInt32LE(0);
      index = new Rng((seed ^ query) >>> 0).int(candidates.length);
    }
    return {
      answer: candidates[index].text,
      candidates,
      choice: { index, of: candidates.length, rule: candidates.length > 1 ? 'random' : 'only', seed },
      trace,
      calls: all.reduce((a, c) => a + c.calls, 0),
      tokens: { prompt: all.reduce((a, c) => a + c.tokens.prompt, 0), completion: all.reduce((a, c) => a + c.tokens.completion, 0) },
      cost: all.reduce((a, c) => a + c.cost, 0),
      state,
    };
  }

  async dispose(): Promise<void> {
    for (const e of this.embedders.values()) await (await e).dispose?.();
  }
}
