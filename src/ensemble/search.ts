/**
 * Inference-time architecture search (Archon's ITAS): given generator models, judge models, a dev set
 * with a scorer and a budget, search layerings of generator → [critic] → [ranker | smoothie | verifier]
 * → [fuser]. Random search, or Bayesian optimisation: a Gaussian-process surrogate (RBF kernel on the
 * encoding below) with expected improvement over a random pool. Every evaluated architecture is
 * appended to a cache file, so a stopped search resumes without re-running it.
 *
 * Encoding (all in [0, 1]): one bit per generator model (used or not), the samples-per-generator
 * choice / (choices − 1), a critic bit, a one-hot of the selection layer (none, ranker, smoothie,
 * verifier), a fuser bit, the judge's index / (judges − 1).
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { z } from 'zod';
import { Rng, DEFAULT_SEED } from '../compute/rng.js';
import { appendToFile } from '../data/atomic.js';
import { readAppendLog } from '../data/json.js';
import { UserInputError } from '../errors/index.js';
import type { ModelRegistry } from '../llm/registry.js';
import { Ensemble } from './ensemble.js';

/** What the search chooses from (the `--space` JSON). */
export const SearchSpaceSchema = z.strictObject({
  generators: z.array(z.string().min(1)).min(1).readonly(),
  /** Samples per generator to choose from. @default [1, 3, 5] */
  samples: z.array(z.number().int().positive()).min(1).readonly().optional(),
  /** Models for critic, ranker, verifier and fuser. */
  judges: z.array(z.string().min(1)).min(1).readonly(),
  /** Embedder of the smoothie layer. @default 'use' */
  embedder: z.string().optional(),
});
export type SearchSpace = Readonly<z.infer<typeof SearchSpaceSchema>>;

export interface DevExample {
  readonly input: string;
  readonly reference: string;
}

const SELECTIONS = ['none', 'ranker', 'smoothie', 'verifier'] as const;

export interface Genes {
  readonly generators: readonly boolean[];
  readonly samples: number;
  readonly critic: boolean;
  readonly selection: (typeof SELECTIONS)[number];
  readonly fuser: boolean;
  readonly judge: number;
}

export interface Evaluated {
  readonly key: string;
  readonly genes: Genes;
  readonly config: { name: string; layers: Record<string, unknown>[][] };
  readonly quality: number;
  /** Mean cost per question (models.yaml `cost`, or calls when no cost is set). */
  readonly cost: number;
}

export interface SearchOptions {
  readonly registry: ModelRegistry;
  readonly space: SearchSpace;
  readonly dev: readonly DevExample[];
  readonly score: (answer: string, reference: string) => number;
  /** Architectures to evaluate at most. */
  readonly budget: number;
  /** Stop once the dev-set calls reach this many. */
  readonly maxCalls?: number;
  /** Stop once the dev-set cost (models.yaml `cost`, else calls) reaches this. */
  readonly maxCost?: number;
  readonly method?: 'random' | 'bayes';
  readonly seed?: number;
  /** Evaluated architectures are appended here (resume). */
  readonly cacheFile?: string;
  /** Random architectures before the surrogate takes over. @default 5 */
  readonly initial?: number;
  readonly onEvaluated?: (e: Evaluated, done: number) => void;
}

export interface SearchResult {
  readonly evaluated: readonly Evaluated[];
  readonly best: Evaluated;
  /** Architectures no cheaper one beats, by cost. */
  readonly pareto: readonly Evaluated[];
  readonly calls: number;
}

export function architectureOf(genes: Genes, space: SearchSpace): Evaluated['config'] {
  const samples = (space.samples ?? [1, 3, 5])[genes.samples];
  const judge = space.judges[genes.judge];
  const layers: Record<string, unknown>[][] = [space.generators.filter((_, i) => genes.generators[i]).map((model) => ({ type: 'generator', model, samples, temperature: 0.7 }))];
  if (genes.critic) layers.push([{ type: 'critic', model: judge }]);
  if (genes.selection === 'ranker') layers.push([{ type: 'ranker', model: judge, top_k: 3 }]);
  if (genes.selection === 'smoothie') layers.push([{ type: 'smoothie', embedder: space.embedder ?? 'use', top_k: 1 }]);
  if (genes.selection === 'verifier') layers.push([{ type: 'verifier', model: judge }]);
  if (genes.fuser) layers.push([{ type: 'fuser', model: judge }]);
  return { name: keyOf(genes), layers };
}

export function keyOf(g: Genes): string {
  return `gen=${g.generators.map((b) => (b ? 1 : 0)).join('')} s=${g.samples} critic=${g.critic ? 1 : 0} sel=${g.selection} fuser=${g.fuser ? 1 : 0} judge=${g.judge}`;
}

export function encode(g: Genes, space: SearchSpace): number[] {
  const s = (space.samples ?? [1, 3, 5]).length;
  return [
    ...g.generators.map((b) => (b ? 1 : 0)),
    s > 1 ? g.samples / (s - 1) : 0,
    g.critic ? 1 : 0,
    ...SELECTIONS.map((x) => (x === g.selection ? 1 : 0)),
    g.fuser ? 1 : 0,
    space.judges.length > 1 ? g.judge / (space.judges.length - 1) : 0,
  ];
}

function randomGenes(space: SearchSpace, rng: Rng): Genes {
  let generators: boolean[];
  do generators = space.generators.map(() => rng.next() < 0.5);
  while (!generators.some(Boolean));
  return {
    generators,
    samples: rng.int((space.samples ?? [1, 3, 5]).length),
    critic: rng.next() < 0.5,
    selection: SELECTIONS[rng.int(SELECTIONS.length)],
    fuser: rng.next() < 0.5,
    judge: rng.int(space.judges.length),
  };
}

/** GP posterior mean and standard deviation at `x` given observations (RBF kernel, noise 1e-6). */
export function gpPredict(X: readonly number[][], y: readonly number[], queries: readonly number[][], lengthScale = 0.6): { mean: number[]; std: number[] } {
  const k = (a: readonly number[], b: readonly number[]): number => Math.exp(-a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / (2 * lengthScale ** 2));
  const n = X.length;
  const mu = y.reduce((a, b) => a + b, 0) / n;
  const K = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K.set(i, j, k(X[i], X[j]) + (i === j ? 1e-6 : 0));
  const chol = new CholeskyDecomposition(K);
  const alpha = chol.solve(Matrix.columnVector(y.map((v) => v - mu)));
  const mean: number[] = [];
  const std: number[] = [];
  for (const q of queries) {
    const ks = Matrix.columnVector(X.map((x) => k(x, q)));
    mean.push(mu + ks.transpose().mmul(alpha).get(0, 0));
    const v = chol.solve(ks);
    std.push(Math.sqrt(Math.max(1e-12, 1 - ks.transpose().mmul(v).get(0, 0))));
  }
  return { mean, std };
}

const normalPdf = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

export function expectedImprovement(mean: number, std: number, best: number): number {
  const z = (mean - best) / std;
  return (mean - best) * normalCdf(z) + std * normalPdf(z);
}

export function paretoOf(evaluated: readonly Evaluated[]): Evaluated[] {
  const front: Evaluated[] = [];
  for (const e of [...evaluated].sort((a, b) => a.cost - b.cost || b.quality - a.quality)) {
    if (front.length === 0 || e.quality > front[front.length - 1].quality) front.push(e);
  }
  return front;
}

export async function searchArchitectures(options: SearchOptions): Promise<SearchResult> {
  const { space } = options;
  if (space.generators.length === 0 || space.judges.length === 0) throw new UserInputError('the search space needs at least one generator and one judge model', { field: 'space' });
  if (options.dev.length === 0) throw new UserInputError('the dev set is empty', { field: 'dev' });
  const rng = new Rng(options.seed ?? DEFAULT_SEED);
  const cache = options.cacheFile ? await readAppendLog<Evaluated>(options.cacheFile, (e) => e.key) : new Map<string, Evaluated>();
  const evaluated: Evaluated[] = [];
  let calls = 0;
  let spent = 0;
  const evaluate = async (genes: Genes): Promise<Evaluated> => {
    const key = keyOf(genes);
    const hit = cache.get(key);
    if (hit) return hit;
    const config = architectureOf(genes, space);
    const ensemble = Ensemble.fromConfig(config, { registry: options.registry });
    let quality = 0;
    let cost = 0;
    for (const ex of options.dev) {
      const r = await ensemble.generate(ex.input);
      quality += options.score(r.answer, ex.reference);
      cost += r.cost > 0 ? r.cost : r.calls;
      calls += r.calls;
    }
    await ensemble.dispose();
    spent += cost;
    const e: Evaluated = { key, genes, config, quality: quality / options.dev.length, cost: cost / options.dev.length };
    cache.set(key, e);
    if (options.cacheFile) await appendToFile(options.cacheFile, `${JSON.stringify(e)}\n`);
    return e;
  };
  const seen = new Set<string>();
  const initial = options.initial ?? 5;
  const spaceSize = (2 ** space.generators.length - 1) * (space.samples ?? [1, 3, 5]).length * 2 * SELECTIONS.length * 2 * space.judges.length;
  const withinBudget = (): boolean => (options.maxCalls === undefined || calls < options.maxCalls) && (options.maxCost === undefined || spent < options.maxCost);
  while (evaluated.length < Math.min(options.budget, spaceSize) && withinBudget()) {
    let next: Genes;
    if (options.method !== 'bayes' || evaluated.length < initial) {
      do next = randomGenes(space, rng);
      while (seen.has(keyOf(next)));
    } else {
      const pool: Genes[] = [];
      for (let tries = 0; pool.length < 300 && tries < 3000; tries++) {
        const g = randomGenes(space, rng);
        if (!seen.has(keyOf(g)) && !pool.some((p) => keyOf(p) === keyOf(g))) pool.push(g);
      }
      if (pool.length === 0) break;
      const { mean, std } = gpPredict(
        evaluated.map((e) => encode(e.genes, space)),
        evaluated.map((e) => e.quality),
        pool.map((g) => encode(g, space)),
      );
      const best = Math.max(...evaluated.map((e) => e.quality));
      let pick = 0;
      pool.forEach((_, i) => {
        if (expectedImprovement(mean[i], std[i], best) > expectedImprovement(mean[pick], std[pick], best)) pick = i;
      });
      next = pool[pick];
    }
    seen.add(keyOf(next));
    const e = await evaluate(next);
    evaluated.push(e);
    options.onEvaluated?.(e, evaluated.length);
  }
  const best = [...evaluated].sort((a, b) => b.quality - a.quality || a.cost - b.cost)[0];
  return { evaluated, best, pareto: paretoOf(evaluated), calls };
}
