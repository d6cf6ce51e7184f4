/**
 * The architecture search on files (what `smoothie ensemble search` runs): the search space (our
 * JSON, or an Archon ITAS search config), the dev set (jsonl), and the outputs: the result JSON, an
 * SVG of quality against cost beside it, and `<out>.cache.jsonl` that makes a stopped search resume.
 */
import { z } from 'zod';
import { tokenF1 } from '../automix/scoring.js';
import { writeFileAtomic } from '../data/atomic.js';
import { readJsonFile, readJsonl, writeJsonFile } from '../data/json.js';
import { parseWith } from '../data/validate.js';
import { UserInputError } from '../errors/index.js';
import type { ModelRegistry } from '../llm/registry.js';
import { costQualitySvg } from '../plot/cost-quality.js';
import { extractAnswer } from './benchmarks.js';
import { archonSearchSettings, isArchonSearchConfig } from './itas-config.js';
import { searchArchitectures, SearchSpaceSchema, type DevExample, type Evaluated, type SearchResult, type SearchSpace } from './search.js';

export const SEARCH_SCORERS = ['exact', 'f1'] as const;
/** `exact`: final answers equal (GSM8K-style); `f1`: token F1. */
export type SearchScorer = (typeof SEARCH_SCORERS)[number];

/** A dev-set line: the question (`input` or `question`) and its reference (`reference` or `answer`). */
const DevLineSchema = z
  .looseObject({ input: z.string().nullish(), question: z.string().nullish(), reference: z.string().nullish(), answer: z.string().nullish() })
  .refine((r) => (r.input ?? r.question) !== undefined && (r.reference ?? r.answer) !== undefined, { error: 'needs string input/question and reference/answer' });

export interface SearchSetup {
  readonly space: SearchSpace;
  readonly dev: readonly DevExample[];
  readonly score: (answer: string, reference: string) => number;
  /** From an Archon config (init_points + n_iter, or random_search_iterations). */
  readonly budget?: number;
  /** From an Archon config (search_algorithm_choice). */
  readonly method?: 'random' | 'bayes';
  /** From an Archon config: random architectures before the surrogate. */
  readonly initial?: number;
  /** Archon harness settings a dev-set search does not use. */
  readonly ignored: readonly string[];
}

/** Reads the space file and the dev set; with `exact`, references become their final answers. */
export async function loadSearchSetup(spaceFile: string, devFile: string, scorer: SearchScorer = 'exact'): Promise<SearchSetup> {
  const rawSpace = await readJsonFile(spaceFile);
  const archon = isArchonSearchConfig(rawSpace) ? await archonSearchSettings(rawSpace, spaceFile) : undefined;
  const space = archon?.space ?? parseWith(SearchSpaceSchema, rawSpace, { file: spaceFile });
  const dev = (await readJsonl(devFile)).map(({ line, value }) => {
    const parsed = DevLineSchema.safeParse(value);
    if (!parsed.success) throw new UserInputError('needs string input/question and reference/answer', { file: devFile, row: line });
    const input = (parsed.data.input ?? parsed.data.question) as string;
    const reference = (parsed.data.reference ?? parsed.data.answer) as string;
    return { input, reference: scorer === 'exact' ? (extractAnswer(reference, 'gsm8k') ?? reference) : reference };
  });
  const score = scorer === 'exact' ? (a: string, r: string) => (extractAnswer(a, 'gsm8k') === r ? 1 : 0) : tokenF1;
  return { space, dev, score, budget: archon?.budget, method: archon?.method, initial: archon?.initial, ignored: archon?.ignored ?? [] };
}

export interface SearchFilesOptions {
  readonly registry: ModelRegistry;
  readonly setup: SearchSetup;
  /** Result JSON; the SVG goes beside it and `<out>.cache.jsonl` makes the search resumable. */
  readonly out: string;
  /** Architectures to evaluate at most. @default the Archon config's, else 30 */
  readonly budget?: number;
  /** @default the Archon config's, else 'bayes' */
  readonly method?: 'random' | 'bayes';
  /** Stop once the dev-set calls reach this. @default no limit */
  readonly maxCalls?: number;
  /** Stop once the dev-set cost reaches this. @default no limit */
  readonly maxCost?: number;
  /** @default DEFAULT_SEED */
  readonly seed?: number;
  readonly onEvaluated?: (e: Evaluated, done: number, budget: number) => void;
}

export interface SearchFilesResult extends SearchResult {
  readonly budget: number;
  readonly method: 'random' | 'bayes';
  readonly out: string;
  readonly svg: string;
}

/** Searches (resuming from the cache file) and writes the result JSON and the SVG. */
export async function searchToFiles(options: SearchFilesOptions): Promise<SearchFilesResult> {
  const { setup, out } = options;
  const budget = options.budget ?? setup.budget ?? 30;
  const method = options.method ?? setup.method ?? 'bayes';
  const result = await searchArchitectures({
    registry: options.registry,
    space: setup.space,
    dev: setup.dev,
    score: setup.score,
    budget,
    maxCalls: options.maxCalls,
    maxCost: options.maxCost,
    method,
    seed: options.seed,
    initial: setup.initial,
    cacheFile: `${out}.cache.jsonl`,
    onEvaluated: (e, done) => options.onEvaluated?.(e, done, budget),
  });
  await writeJsonFile(out, { method, budget, space: setup.space, calls: result.calls, best: result.best, pareto: result.pareto, evaluated: result.evaluated }, { indent: 2 });
  const svg = `${out.replace(/\.json$/i, '')}.svg`;
  await writeFileAtomic(
    svg,
    costQualitySvg(
      [
        {
          title: `architecture search: ${result.evaluated.length} evaluated on ${setup.dev.length} dev questions`,
          series: [{ name: 'architectures', curve: result.evaluated.map((e) => ({ cost: e.cost, performance: e.quality })), chosen: { cost: result.best.cost, performance: result.best.quality } }],
          chosenLabel: 'best',
          pointsLabel: 'evaluated architecture',
        },
      ],
      'line: the quality–cost Pareto front; dots: every evaluated architecture; ring: the best',
    ),
  );
  return { ...result, budget, method, out, svg };
}
