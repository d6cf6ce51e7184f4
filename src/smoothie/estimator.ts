/**
 * Smoothie (Guha et al., NeurIPS 2024) as an estimator: hyperparameters in the constructor,
 * `fit()` returns a `FittedSmoothie` whose state serialises to JSON.
 *
 * The reference refits a fresh model per sample and recomputes every voter-pair distance for
 * every triplet and every neighbourhood. Here the per-sample m×m squared distances P are computed
 * once; a neighbourhood's D is the mean of P over its rows (spec §1.2, §8), which gives the same
 * numbers (to ~1e-16) at O(n·m²·d + n·k·m²) instead of O(n·k·d·m³).
 */
import { z } from 'zod';
import { KNN_METHODS, DISTANCE_METRICS, type GramEngine, type Neighbours } from '../compute/knn.js';
import { exactBelowFor, NeighbourIndex } from '../compute/neighbour-index.js';
import type { Backend } from '../compute/backend.js';
import { ndarray, type NdArray } from '../compute/ndarray.js';
import { selectionOf, type ScoredSelection } from '../data/selection.js';
import { NotFittedError, UserInputError, InvalidParameterError } from '../errors/index.js';
import { blockMean, errorEstimates, pairwiseSquaredDistances, selectVoters, weightsFromDistances, weightsFromErrors } from './weights.js';
import { DEFAULT_SEED } from '../compute/rng.js';

/**
 * Smoothie's two regimes: one weight vector for the whole batch, or one per sample from its k nearest inputs.
 *
 * @example
 * ```ts
 * for (const type of SMOOTHIE_TYPES) console.log(type, (await new Smoothie({ type, k: 5 }).fit({ generations: G, inputs: X })).selected);
 * ```
 */
export const SMOOTHIE_TYPES = ['sample_independent', 'sample_dependent'] as const;
/**
 * Smoothie's regime: one of `SMOOTHIE_TYPES`.
 *
 * @example
 * ```ts
 * const type: SmoothieType = 'sample_independent';
 * const fitted = await new Smoothie({ type }).fit({ generations: G });
 * ```
 */
export type SmoothieType = (typeof SMOOTHIE_TYPES)[number];

export const SmoothieOptionsSchema = z
  .object({
    /** Global weights for every sample (`sample_independent`) or per-sample neighbourhoods. */
    type: z.enum(SMOOTHIE_TYPES),
    /** Neighbourhood size for `sample_dependent` (the sample itself included at test time). */
    k: z.number().int({ error: 'must be a positive integer' }).positive({ error: 'must be a positive integer' }).optional(),
    /** Replace non-positive/undefined error estimates (see `weightsFromErrors`). @default false */
    robust: z.boolean().default(false),
    /** @default 'auto' */
    knn: z.enum(KNN_METHODS).default('auto'),
    /** Input-embedding metric for neighbourhoods. @default 'euclidean' (the reference's) */
    metric: z.enum(DISTANCE_METRICS).default('euclidean'),
    /** Seeds the HNSW graph. @default 42 */
    seed: z.number().int().default(DEFAULT_SEED),
  })
  .refine((o) => o.type === 'sample_independent' || o.k !== undefined, {
    message: 'k is required for sample_dependent',
    path: ['k'],
  });
/**
 * Smoothie's hyperparameters, as given to `new Smoothie(options)` (validated by `fit()`).
 *
 * @example
 * ```ts
 * const options: SmoothieOptions = { type: 'sample_dependent', k: 20 };
 * const fitted = await new Smoothie(options).fit({ generations: G, inputs: X });
 * ```
 */
export type SmoothieOptions = z.input<typeof SmoothieOptionsSchema>;
export type ResolvedSmoothieOptions = z.output<typeof SmoothieOptionsSchema>;

/**
 * The hyperparameters checked, defaults filled in: the one place `k` and its friends are validated
 * (the estimator, `runSmoothie` and `computeWeightsFromFiles` all call it). With `n`, a
 * sample_dependent `k` must not exceed it (`rows` names what n counts in the message).
 * @throws InvalidParameterError naming the option
 */
export function parseSmoothieOptions(options: SmoothieOptions, n?: number, rows = 'samples'): ResolvedSmoothieOptions {
  const parsed = SmoothieOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const got = issue.path[0] === 'k' && options.k !== undefined ? `, got ${options.k}` : '';
    throw new InvalidParameterError(issue.path.join('.') || 'options', `${issue.message}${got}`);
  }
  const o = parsed.data;
  if (o.type === 'sample_dependent' && n !== undefined && (o.k as number) > n) {
    throw new InvalidParameterError('k', `${o.k} exceeds the ${n} ${rows}`);
  }
  return o;
}

/**
 * An embedding array: an NdArray, or what `readNpy()` / `readArrowMatrix()` return (float32 or float64 data).
 *
 * @example
 * ```ts
 * const G: EmbeddingArray = ndarray(new Float32Array(n * m * d), [n, m, d]); // or await readNpy('generations.npy')
 * ```
 */
export type EmbeddingArray = NdArray | { readonly data: ArrayLike<number | bigint> & { readonly length: number }; readonly shape: readonly number[]; readonly dtype?: string };

/**
 * What `Smoothie.fit()` takes: the voters' generation embeddings and, for neighbourhoods, the inputs'.
 *
 * @example
 * ```ts
 * const input: SmoothieFitInput = { generations: await readNpy('generations.npy'), inputs: await readNpy('inputs.npy') };
 * const fitted = await new Smoothie({ type: 'sample_dependent', k: 20 }).fit(input);
 * ```
 */
export interface SmoothieFitInput {
  /** Voter embeddings, (n, m, d). */
  readonly generations: EmbeddingArray;
  /** Input embeddings, (n, d'): needed for `sample_dependent` with k > 1. */
  readonly inputs?: EmbeddingArray;
}

/** The array as a float NdArray; other element types (int, bool) are a one-line error naming the argument. */
function floatArray(a: EmbeddingArray, name: string): NdArray {
  if (a.data instanceof Float32Array || a.data instanceof Float64Array) return a as NdArray;
  const dtype = 'dtype' in a && a.dtype !== undefined ? a.dtype : a.data.constructor.name;
  throw new UserInputError(`must hold float32 or float64 embeddings, got ${dtype}`, { field: name });
}

export interface FitContext {
  readonly backend?: Backend;
  /** Engine of the exact neighbour search (see `kNearest`). @default 'auto' (ONNX Runtime when installed) */
  readonly engine?: GramEngine;
  /** Worker threads of the HNSW search (see `kNearest`). @default one per core from 20,000 rows */
  readonly workers?: number;
  /** Progress of the neighbour search, the long part of a local fit. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface SmoothieTimings {
  readonly knnSeconds: number;
  readonly weightSeconds: number;
}

/** JSON has no NaN/±Infinity; the fitted state spells them as strings so a round trip is exact. */
// Literals, not z.enum: an enum's '-Infinity' key is emitted into the .d.ts as `[-Infinity]:`, which
// TypeScript rejects there (TS1170) in apps that check library types (skipLibCheck: false).
const JsonFloatSchema = z.union([z.number(), z.literal('NaN'), z.literal('Infinity'), z.literal('-Infinity')]);
type JsonFloat = z.infer<typeof JsonFloatSchema>;
const encodeFloat = (v: number): JsonFloat => (Number.isFinite(v) ? v : (String(v) as JsonFloat));
const decodeFloat = (v: JsonFloat): number => (typeof v === 'number' ? v : Number(v));

const FittedSmoothieJsonSchema = z.object({
  format: z.literal('smoothie-router/fitted-smoothie'),
  version: z.literal(1),
  options: SmoothieOptionsSchema,
  nVoters: z.number().int().min(1),
  /** Weights of the fitted rows. */
  weights: z.array(z.array(JsonFloatSchema)),
  /** Global weights (sample_independent). */
  globalWeights: z.array(JsonFloatSchema).optional(),
  /** Reference store for new queries (sample_dependent). */
  reference: z
    .object({
      n: z.number().int().min(1),
      inputDim: z.number().int().min(0),
      inputs: z.array(z.number()),
      pairwise: z.array(z.number()),
    })
    .optional(),
});
/**
 * A fitted Smoothie as JSON: what `FittedSmoothie.toJSON()` returns and `FittedSmoothie.fromJSON()` reads.
 *
 * @example
 * ```ts
 * const json: FittedSmoothieJson = fitted.toJSON();
 * await writeFile('smoothie.json', JSON.stringify(json));
 * const again = FittedSmoothie.fromJSON(JSON.parse(await readFile('smoothie.json', 'utf8')));
 * ```
 */
export type FittedSmoothieJson = z.infer<typeof FittedSmoothieJsonSchema>;

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

/**
 * Label-free voter weights. Hyperparameters are stored as given and validated by `fit()`
 * (scikit-learn's convention, so `getParams()` returns exactly what was passed).
 *
 * @example
 * const fitted = await new Smoothie({ type: 'sample_dependent', k: 20 }).fit({ generations: G, inputs: X });
 * fitted.selected; // chosen voter per sample
 */
export class Smoothie {
  constructor(private readonly params: SmoothieOptions) {}

  getParams(): SmoothieOptions {
    return { ...this.params };
  }

  /** Fits on (n, m, d) generation embeddings; the fitted rows' weights are the test-time result. */
  async fit(input: SmoothieFitInput, context: FitContext = {}): Promise<FittedSmoothie> {
    const generations = floatArray(input.generations, 'generations');
    const inputs = input.inputs === undefined ? undefined : floatArray(input.inputs, 'inputs');
    if (generations.shape.length !== 3) {
      throw new InvalidParameterError('generations', `must be (n, m, d), got [${generations.shape.join(', ')}]`);
    }
    const [n, m] = generations.shape;
    const opts = parseSmoothieOptions(this.params, n);
    const t0 = performance.now();
    const P = pairwiseSquaredDistances(generations);
    if (opts.type === 'sample_independent') {
      const all = Int32Array.from({ length: n }, (_, i) => i);
      const global = weightsOfBlock(P, m, all, opts.robust);
      const weights = new Float64Array(n * m);
      for (let s = 0; s < n; s++) weights.set(global, s * m);
      return new FittedSmoothie(opts, m, weights, { global, timings: { knnSeconds: 0, weightSeconds: seconds(t0) } });
    }
    const k = opts.k as number;
    let neighbours: Neighbours | undefined;
    let knnSeconds = 0;
    if (k > 1) {
      if (!inputs) throw new InvalidParameterError('inputs', 'sample_dependent with k > 1 needs input embeddings');
      if (inputs.shape[0] !== n) throw new InvalidParameterError('inputs', `inputs have ${inputs.shape[0]} rows, generations ${n}`);
      const tk = performance.now();
      neighbours = await neighbourIndex(inputs, opts).searchSelf(k, context);
      knnSeconds = seconds(tk);
    }
    const weights = neighbourhoodWeights(P, n, m, k, neighbours, opts.robust);
    return new FittedSmoothie(opts, m, weights, {
      reference: inputs ? { inputs, pairwise: P } : undefined,
      neighbours,
      timings: { knnSeconds, weightSeconds: seconds(t0) - knnSeconds },
    });
  }
}

/** The neighbour index of a model's input embeddings: exact, HNSW or either by size, as `knn` says. */
function neighbourIndex(inputs: NdArray, opts: ResolvedSmoothieOptions): NeighbourIndex {
  return NeighbourIndex.fromMatrix(inputs, { metric: opts.metric, exactBelow: exactBelowFor(opts.knn), seed: opts.seed });
}

function weightsOfBlock(P: Float64Array, m: number, rows: ArrayLike<number>, robust: boolean): Float64Array {
  const D = new Float64Array(m * m);
  blockMean(P, m, rows, D);
  return weightsFromDistances(D, m, robust);
}

/**
 * Weights of `nq` queries whose neighbourhoods (k rows each) index into P. k = 1 without
 * neighbours means "the sample alone", as in the reference (its neighbour result is ignored).
 */
function neighbourhoodWeights(P: Float64Array, nq: number, m: number, k: number, neighbours: Neighbours | undefined, robust: boolean): Float64Array {
  const weights = new Float64Array(nq * m);
  const D = new Float64Array(m * m);
  const diff = new Float64Array(m);
  const self = new Int32Array(1);
  for (let s = 0; s < nq; s++) {
    let rows: ArrayLike<number>;
    if (neighbours) rows = neighbours.indices.subarray(s * k, (s + 1) * k);
    else {
      self[0] = s;
      rows = self;
    }
    blockMean(P, m, rows, D);
    errorEstimates(D, m, diff);
    weightsFromErrors(diff, m, robust, weights, s * m);
  }
  return weights;
}

interface FittedState {
  readonly global?: Float64Array;
  readonly reference?: { readonly inputs: NdArray; readonly pairwise: Float64Array };
  readonly neighbours?: Neighbours;
  readonly timings?: SmoothieTimings;
}

/**
 * A fitted Smoothie: its weights and selections, `predict` for new inputs, and `toJSON`/`fromJSON` to keep it.
 *
 * @example
 * ```ts
 * const fitted = await new Smoothie({ type: 'sample_dependent', k: 20 }).fit({ generations: G, inputs: X });
 * const again = FittedSmoothie.fromJSON(fitted.toJSON());
 * const { selected } = await again.predict({ inputs: Xnew });
 * ```
 */
export class FittedSmoothie {
  /** Weights of the fitted rows, (n, m) row-major. */
  readonly weights: NdArray<Float64Array>;
  /** NumPy-argmax voter per fitted row. */
  readonly selected: Int32Array;
  /** Neighbourhoods used for the fitted rows (sample_dependent, k > 1). */
  readonly neighbours?: Neighbours;
  readonly timings: SmoothieTimings;
  /** The fitted inputs' neighbour index, made on the first `predict` (sample_dependent). */
  private index: NeighbourIndex | undefined;

  constructor(
    readonly options: ResolvedSmoothieOptions,
    readonly nVoters: number,
    weights: Float64Array,
    private readonly state: FittedState = {},
  ) {
    const n = weights.length / nVoters;
    this.weights = ndarray(weights, [n, nVoters]);
    this.selected = selectVoters(weights, n, nVoters);
    this.neighbours = state.neighbours;
    this.timings = state.timings ?? { knnSeconds: 0, weightSeconds: 0 };
  }

  /** The fitted rows' choices as the project's selection type (scores: the weights). */
  get selection(): ScoredSelection {
    return selectionOf(this.selected, this.nVoters, this.weights.data);
  }

  /** Global weights (sample_independent only). */
  get globalWeights(): Float64Array | undefined {
    return this.state.global;
  }

  /**
   * Weights for new samples (the train-time regime): a global model repeats its weights; a local
   * one averages the fitted rows' distances over each query's k nearest fitted inputs (no self).
   */
  async predict(
    request: { inputs?: EmbeddingArray; n?: number },
    context: FitContext = {},
  ): Promise<{
    weights: NdArray<Float64Array>;
    selected: Int32Array;
    /** The same choices and weights as the project's selection type. */
    selection: ScoredSelection;
    /** The queries' neighbourhoods (sample_dependent). */
    neighbours?: Neighbours;
  }> {
    const queries = { n: request.n, inputs: request.inputs === undefined ? undefined : floatArray(request.inputs, 'inputs') };
    const m = this.nVoters;
    let weights: Float64Array;
    let neighbours: Neighbours | undefined;
    if (this.state.global) {
      const n = queries.inputs?.shape[0] ?? queries.n;
      if (n === undefined) throw new InvalidParameterError('inputs', 'predict needs inputs or n');
      weights = new Float64Array(n * m);
      for (let s = 0; s < n; s++) weights.set(this.state.global, s * m);
    } else {
      const ref = this.state.reference;
      if (!ref) throw new NotFittedError('this FittedSmoothie has no reference store (fitted with k = 1 and no inputs)');
      if (!queries.inputs) throw new InvalidParameterError('inputs', 'predict on a sample_dependent model needs input embeddings');
      const k = this.options.k as number;
      const nq = queries.inputs.shape[0];
      this.index ??= neighbourIndex(ref.inputs, this.options);
      neighbours = await this.index.searchBatch(queries.inputs, k, context);
      weights = neighbourhoodWeights(ref.pairwise, nq, m, k, neighbours, this.options.robust);
    }
    const n = weights.length / m;
    const selected = selectVoters(weights, n, m);
    return { weights: ndarray(weights, [n, m]), selected, selection: selectionOf(selected, m, weights), neighbours };
  }

  toJSON(): FittedSmoothieJson {
    const m = this.nVoters;
    const w = this.weights.data;
    const rows: JsonFloat[][] = [];
    for (let s = 0; s < w.length / m; s++) rows.push(Array.from(w.subarray(s * m, (s + 1) * m), encodeFloat));
    const ref = this.state.reference;
    return {
      format: 'smoothie-router/fitted-smoothie',
      version: 1,
      options: this.options,
      nVoters: m,
      weights: rows,
      globalWeights: this.state.global ? Array.from(this.state.global, encodeFloat) : undefined,
      reference: ref
        ? {
            n: ref.inputs.shape[0],
            inputDim: ref.inputs.shape[1],
            inputs: Array.from(ref.inputs.data),
            pairwise: Array.from(ref.pairwise),
          }
        : undefined,
    };
  }

  static fromJSON(json: unknown): FittedSmoothie {
    const j = FittedSmoothieJsonSchema.parse(json);
    const m = j.nVoters;
    const weights = new Float64Array(j.weights.length * m);
    j.weights.forEach((row, s) => {
      if (row.length !== m) throw new UserInputError(`fitted smoothie: weight row ${s} has ${row.length} values, expected ${m}`, { field: 'weights' });
      row.forEach((v, i) => (weights[s * m + i] = decodeFloat(v)));
    });
    const global = j.globalWeights ? Float64Array.from(j.globalWeights, decodeFloat) : undefined;
    const reference = j.reference
      ? {
          inputs: ndarray(Float64Array.from(j.reference.inputs), [j.reference.n, j.reference.inputDim]),
          pairwise: Float64Array.from(j.reference.pairwise),
        }
      : undefined;
    if (reference && reference.pairwise.length !== j.reference!.n * m * m) {
      throw new UserInputError(`fitted smoothie: pairwise store has ${reference.pairwise.length} values, expected ${j.reference!.n * m * m}`, { field: 'reference.pairwise' });
    }
    return new FittedSmoothie(j.options, m, weights, { global, reference });
  }
}
