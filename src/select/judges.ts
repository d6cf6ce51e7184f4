/**
 * LLM judges as selectors, through the resumable LLM client (every call cached in the generation
 * cache; a rerun makes only the missing calls):
 *
 * - **USC** (universal self-consistency): one judge model sees the instruction and all candidates and
 *   names the one most consistent with the others.
 * - **Peer review** (as LLM-PeerReview): every judge model scores every candidate from 1 to 10; the
 *   scores are combined by their mean, and by truth inference (a Dawid–Skene-style model of each
 *   judge's bias, scale and noise, `judgeModel` in `truth-inference.ts`), which learns each judge's
 *   reliability without labels and weights its scores by it.
 *
 * Costs: each registry model's `cost` per call; the output reports calls, calls already cached and
 * the cost of all calls and of the new ones. Prompts are ours.
 */
import type { GenerationCache } from '../llm/call-cache.js';
import type { ModelRegistry } from '../llm/registry.js';
import { estimateCalls, runGenerationCalls, type GenerationCall, type RunProgress } from '../llm/run-calls.js';
import type { ScoredSelection } from './mbr.js';
import { argmaxRows } from './text.js';
import { judgeModel } from './truth-inference.js';

export interface JudgeSample {
  readonly instruction: string;
  readonly candidates: readonly string[];
}

export interface JudgeContext {
  readonly registry: ModelRegistry;
  readonly cache: GenerationCache;
  /** Seeds the retry jitter. @default 42 */
  readonly seed?: number;
  readonly onProgress?: (progress: RunProgress) => void;
}

export interface JudgeCosts {
  readonly calls: number;
  /** Calls answered from the cache (no new spend). */
  readonly cached: number;
  /** Σ calls × the model's `cost` (0 where the registry gives none). */
  readonly cost: number;
  /** The same for the calls not cached. */
  readonly newCost: number;
  readonly perModel: Record<string, { calls: number; cached: number; cost: number }>;
}

export const USC_PARAMS = { temperature: 0, max_tokens: 24 } as const;
export const SCORE_PARAMS = { temperature: 0, max_tokens: 12 } as const;

export function uscPrompt(instruction: string, candidates: readonly string[]): string {
  const listed = candidates.map((c, i) => `Response ${i + 1}:\n${c}`).join('\n\n');
  return (
    `Below is an instruction and ${candidates.length} responses to it.\n\nInstruction:\n${instruction}\n\n${listed}\n\n` +
    `Which response agrees most with the others (the consensus answer)? Reply only with "Response <number>".`
  );
}

/** The 0-based index named by "Response <k>" (or a bare number) in 1 … m; undefined otherwise. */
export function parseUscChoice(text: string, m: number): number | undefined {
  const named = /response\s*#?\s*(\d+)/i.exec(text) ?? /^\s*(\d+)\b/.exec(text);
  if (!named) return undefined;
  const k = Number(named[1]);
  return k >= 1 && k <= m ? k - 1 : undefined;
}

export function scorePrompt(instruction: string, candidate: string): string {
  return (
    `Rate how well the response follows the instruction: helpful, correct, complete and clear.\n\nInstruction:\n${instruction}\n\n` +
    `Response:\n${candidate}\n\nReply only with "Score: <integer from 1 to 10>".`
  );
}

/** The integer 1–10 after "Score:" (or the first such integer); undefined otherwise. */
export function parseScore(text: string): number | undefined {
  const m = /score\s*[:=]?\s*(\d+)/i.exec(text) ?? /\b(\d+)\b/.exec(text);
  if (!m) return undefined;
  const v = Number(m[1]);
  return v >= 1 && v <= 10 ? v : undefined;
}

function costs(calls: readonly GenerationCall[], ctx: JudgeContext): JudgeCosts {
  const est = estimateCalls(calls, ctx.registry, ctx.cache);
  const perModel: JudgeCosts['perModel'] = {};
  let cost = 0;
  let newCost = 0;
  for (const [model, e] of Object.entries(est.perModel)) {
    const unit = ctx.registry.resolve(model).cost ?? 0;
    perModel[model] = { calls: e.calls, cached: e.cached, cost: e.calls * unit };
    cost += e.calls * unit;
    newCost += (e.calls - e.cached) * unit;
  }
  return { calls: est.calls, cached: est.cached, cost, newCost, perModel };
}

export interface UscResult extends ScoredSelection {
  /** Per sample: whether the judge's answer named a candidate (otherwise candidate 0 is kept). */
  readonly parsed: boolean[];
  readonly costs: JudgeCosts;
}

export async function uscSelect(samples: readonly JudgeSample[], judge: string, ctx: JudgeContext): Promise<UscResult> {
  const n = samples.length;
  const m = samples[0]?.candidates.length ?? 0;
  const calls: GenerationCall[] = samples.map((s, i) => ({
    model: judge,
    prompt: uscPrompt(s.instruction, s.candidates),
    params: USC_PARAMS,
    sampleIndex: 0,
    label: `usc sample ${i}`,
  }));
  const spent = costs(calls, ctx);
  const texts = await runGenerationCalls(calls, { registry: ctx.registry, cache: ctx.cache, seed: ctx.seed, onProgress: ctx.onProgress });
  const selected = new Int32Array(n);
  const scores = new Float64Array(n * m);
  const parsed: boolean[] = [];
  texts.forEach((t, s) => {
    const k = parseUscChoice(t[0] ?? '', m);
    parsed.push(k !== undefined);
    selected[s] = k ?? 0;
    scores[s * m + (k ?? 0)] = 1;
  });
  return { selected, scores, n, m, parsed, costs: spent };
}

export interface PeerReviewResult {
  /** scores[s][v][j]: judge j's score of candidate v of sample s (null: unparsed). */
  readonly scores: (number | null)[][][];
  /** The mean of the parsed scores (−1 where none parsed). */
  readonly mean: ScoredSelection;
  /** Truth inference: the posterior mean latent quality (standardised). */
  readonly truth: ScoredSelection;
  /** Per judge: the signal-to-noise ratio b² / s² the model found in its scores. */
  readonly reliability: Record<string, number>;
  readonly unparsed: number;
  readonly costs: JudgeCosts;
}

export async function peerReview(samples: readonly JudgeSample[], judges: readonly string[], ctx: JudgeContext): Promise<PeerReviewResult> {
  const n = samples.length;
  const m = samples[0]?.candidates.length ?? 0;
  const J = judges.length;
  const calls: GenerationCall[] = [];
  samples.forEach((s, i) =>
    s.candidates.forEach((c, v) =>
      judges.forEach((judge) => calls.push({ model: judge, prompt: scorePrompt(s.instruction, c), params: SCORE_PARAMS, sampleIndex: 0, label: `peer review sample ${i} candidate ${v}` })),
    ),
  );
  const spent = costs(calls, ctx);
  const texts = await runGenerationCalls(calls, { registry: ctx.registry, cache: ctx.cache, seed: ctx.seed, onProgress: ctx.onProgress });
  const scores: (number | null)[][][] = [];
  const reports: { item: number; judge: number; score: number }[] = [];
  const mean = new Float64Array(n * m);
  let unparsed = 0;
  let c = 0;
  for (let s = 0; s < n; s++) {
    const row: (number | null)[][] = [];
    for (let v = 0; v < m; v++) {
      const per: (number | null)[] = [];
      let total = 0;
      let got = 0;
      for (let j = 0; j < J; j++) {
        const score = parseScore(texts[c++][0] ?? '');
        per.push(score ?? null);
        if (score === undefined) unparsed++;
        else {
          total += score;
          got++;
          reports.push({ item: s * m + v, judge: j, score });
        }
      }
      mean[s * m + v] = got === 0 ? -1 : total / got;
      row.push(per);
    }
    scores.push(row);
  }
  const model = judgeModel(reports, { items: n * m, judges: J });
  const truthScores = model.quality;
  return {
    scores,
    mean: { selected: argmaxRows(mean, n, m), scores: mean, n, m },
    truth: { selected: argmaxRows(truthScores, n, m), scores: truthScores, n, m },
    reliability: Object.fromEntries(judges.map((j, i) => [j, model.reliability[i]])),
    unparsed,
    costs: spent,
  };
}
