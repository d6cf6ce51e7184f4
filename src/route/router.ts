/**
 * `createRouter(config)` / `loadRouter(file)`: the pieces of the pipeline applied per request.
 *
 *   const router = await createRouter({ strategy: 'select', voters: ['a', 'b', 'c'], k: 20 });
 *   await router.add([{ input, candidates: [textA, textB, textC] }, ...]);   // the reference store
 *   const r = await router.route({ input, candidates });                   // → { output, model, weights, … }
 *   await router.save('router.json');                                      // + router.inputs.arrow, …
 *
 * `select` computes Smoothie weights on the request's candidates plus its k − 1 nearest stored inputs'
 * candidate distances — what `smoothie run --type sample_dependent --k K` computes for a sample whose
 * neighbours are the stored rows.
 */
import path from 'node:path';
import { readJsonFile, writeJsonFile } from '../data/json.js';
import { cleanGeneration } from '../data/clean.js';
import { parseWith } from '../data/validate.js';
import { createEmbedder, type CreateEmbedderOptions } from '../embed/factory.js';
import type { Embedder } from '../embed/types.js';
import { UserInputError } from '../errors/index.js';
import { errorEstimates, numpyArgmax, weightsFromErrors } from '../smoothie/weights.js';
import { ROUTER_FORMAT, RouterConfigSchema, RouterFileSchema, type RouterConfigInput, type SelectConfig } from './config.js';
import { candidateDistances, ReferenceStore, type StoreSample } from './reference-store.js';

const VERSION = '0.1.0';

export interface RouteRequest {
  readonly input: string;
  /** One candidate per voter, in the config's voter order. */
  readonly candidates: readonly string[];
}

export interface RouteResult {
  readonly strategy: 'select';
  /** The chosen candidate, unchanged. */
  readonly output: string;
  /** The voter (model) that wrote it. */
  readonly model: string;
  readonly index: number;
  /** Smoothie weights of the voters (sum 1; NaN where undefined, as the reference). */
  readonly weights: number[];
  /** Stored inputs in the neighbourhood (≤ k − 1). */
  readonly neighbours: number;
  readonly escalated: false;
}

export interface RouterOptions {
  /** An embedder to use instead of creating the configured one (it must have the same id). */
  readonly embedder?: Embedder;
  /** Passed to `createEmbedder` when the router creates its embedder. */
  readonly embedderOptions?: CreateEmbedderOptions;
}

export class Router {
  private constructor(
    readonly config: SelectConfig,
    private readonly embedder: Embedder,
    private store: ReferenceStore | undefined,
  ) {}

  /** @internal use createRouter / loadRouter */
  static async open(config: SelectConfig, embedder: Embedder, store?: ReferenceStore): Promise<Router> {
    return new Router(config, embedder, store);
  }

  get storeSize(): number {
    return this.store?.size ?? 0;
  }

  private checkCandidates(candidates: readonly string[], where: string): void {
    if (candidates.length !== this.config.voters.length) {
      throw new UserInputError(`${where} has ${candidates.length} candidates, the router ${this.config.voters.length} voters (${this.config.voters.join(', ')})`, {
        field: 'candidates',
      });
    }
  }

  /** The store, created on first use with the embeddings' dimension. */
  private storeFor(dim: number): ReferenceStore {
    this.store ??= new ReferenceStore({ dim, voters: this.config.voters.length, exactBelow: this.config.exact_below });
    return this.store;
  }

  private async embedSamples(samples: readonly RouteRequest[]): Promise<StoreSample[]> {
    const m = this.config.voters.length;
    samples.forEach((s, i) => this.checkCandidates(s.candidates, `sample ${i}`));
    const texts = samples.flatMap((s) => [s.input, ...s.candidates.map((c) => (this.config.clean_generations ? cleanGeneration(c) : c))]);
    const { data, shape } = await this.embedder.embed(texts);
    const d = shape[1];
    return samples.map((_, i) => {
      const o = i * (m + 1) * d;
      return { input: data.slice(o, o + d), candidates: data.slice(o + d, o + (m + 1) * d) };
    });
  }

  /** Adds labelled-free past samples (input + every voter's candidate) to the reference store. */
  async add(samples: readonly RouteRequest[]): Promise<void> {
    if (samples.length === 0) return;
    this.addEmbedded(await this.embedSamples(samples));
  }

  /** `add` for embeddings computed elsewhere. */
  addEmbedded(samples: readonly StoreSample[]): void {
    if (samples.length > 0) this.storeFor(samples[0].input.length).add(samples);
  }

  async route(request: RouteRequest): Promise<RouteResult> {
    const [sample] = await this.embedSamples([request]);
    return this.routeEmbedded(sample, request.candidates);
  }

  /** `route` on embeddings computed elsewhere (the input's, and the candidates' m × d, row-major). */
  routeEmbedded(sample: StoreSample, candidates: readonly string[]): RouteResult {
    const m = this.config.voters.length;
    this.checkCandidates(candidates, 'the request');
    const store = this.storeFor(sample.input.length);
    const neighbours = store.nearest(sample.input, this.config.k - 1);
    const D = candidateDistances(sample.candidates, m);
    for (const row of neighbours) {
      const P = store.distancesOf(row);
      for (let t = 0; t < D.length; t++) D[t] += P[t];
    }
    for (let t = 0; t < D.length; t++) D[t] /= neighbours.length + 1;
    const diff = new Float64Array(m);
    errorEstimates(D, m, diff);
    const weights = new Float64Array(m);
    weightsFromErrors(diff, m, this.config.robust, weights, 0);
    const index = numpyArgmax(weights);
    if (this.config.learn) store.add([sample]);
    return { strategy: 'select', output: candidates[index], model: this.config.voters[index], index, weights: Array.from(weights), neighbours: neighbours.length, escalated: false };
  }

  /** Writes `<file>` (JSON) and the store beside it (`<stem>.inputs.arrow`, `<stem>.pairwise.arrow`, `<stem>.hnsw`). */
  async save(file: string): Promise<void> {
    const stem = path.basename(file).replace(/\.json$/i, '');
    if (this.store) await this.store.save(path.join(path.dirname(file), stem));
    await writeJsonFile(
      file,
      {
        format: ROUTER_FORMAT,
        config: this.config,
        embedder: this.store ? { id: this.embedder.id, version: this.embedder.version, dim: this.store.dim } : undefined,
        store: this.store ? { size: this.store.size, prefix: stem } : undefined,
        created_with: `smoothie-router ${VERSION}`,
      },
      { indent: 2 },
    );
  }

  async dispose(): Promise<void> {
    await this.embedder.dispose?.();
  }
}

async function embedderFor(config: SelectConfig, options: RouterOptions): Promise<Embedder> {
  return options.embedder ?? createEmbedder(config.embedder, options.embedderOptions);
}

/** A new router (empty store) from a config; the config is validated with defaults filled in. */
export async function createRouter(config: RouterConfigInput, options: RouterOptions = {}): Promise<Router> {
  const parsed = parseWith(RouterConfigSchema, config, { file: 'router config' });
  return Router.open(parsed, await embedderFor(parsed, options));
}

/** A router saved by `save`: versions, embedder and store shapes are checked. */
export async function loadRouter(file: string, options: RouterOptions = {}): Promise<Router> {
  const saved = parseWith(RouterFileSchema, await readJsonFile(file), { file });
  const embedder = await embedderFor(saved.config, options);
  let store: ReferenceStore | undefined;
  if (saved.store && saved.embedder) {
    if (embedder.id !== saved.embedder.id || embedder.version !== saved.embedder.version) {
      throw new UserInputError(
        `the store was embedded with ${saved.embedder.id} ${saved.embedder.version}, this router has ${embedder.id} ${embedder.version}: re-add the samples`,
        { file, field: 'embedder' },
      );
    }
    store = await ReferenceStore.load(path.join(path.dirname(file), saved.store.prefix), {
      dim: saved.embedder.dim,
      voters: saved.config.voters.length,
      exactBelow: saved.config.exact_below,
    });
    if (store.size !== saved.store.size) throw new UserInputError(`the store holds ${store.size} rows, the router file says ${saved.store.size}`, { file, field: 'store.size' });
  }
  return Router.open(saved.config, embedder, store);
}
