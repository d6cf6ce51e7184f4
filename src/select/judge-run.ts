/**
 * The model-based selectors as dataset runs (`smoothie usc | peer-review | reward-rank`): the test split's candidates
 * (cleaned when the config says so) and inputs → judge calls through the resumable client → the
 * standard method files, with the calls and costs in `meta`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cleanGeneration } from '../data/clean.js';
import type { DatasetConfig } from '../data/config.js';
import { methodDir, type RunDirs, type VoterMode } from '../data/paths.js';
import { changedSettings, writeSelectionFile } from '../data/selection.js';
import { loadSplitData } from '../data/split.js';
import { InvalidParameterError } from '../errors/index.js';
import type { GenerationCache } from '../llm/call-cache.js';
import type { ModelRegistry } from '../llm/registry.js';
import type { RunProgress } from '../llm/run-calls.js';
import { peerReview, uscSelect, type JudgeCosts, type JudgeSample } from './judges.js';
import type { ScoredSelection } from './mbr.js';
import { loadRewardModel, rewardSelect } from './reward.js';

export interface JudgeRunOptions {
  readonly config: DatasetConfig;
  readonly mode: VoterMode;
  readonly dirs: RunDirs;
  readonly registry: ModelRegistry;
  readonly cache: GenerationCache;
  readonly seed?: number;
  readonly redo?: boolean;
  readonly onProgress?: (progress: RunProgress) => void;
}

export interface JudgeRunResult {
  readonly outputFiles: string[];
  readonly skipped: boolean;
  readonly n?: number;
  readonly costs?: JudgeCosts;
  readonly reliability?: Record<string, number>;
  readonly unparsed?: number;
}

const safe = (name: string): string => name.replace(/[^\w.-]+/g, '-');

async function load(opts: Pick<JudgeRunOptions, 'config' | 'mode' | 'dirs'>): Promise<{ samples: JudgeSample[]; texts: readonly (readonly string[])[]; voters: readonly string[] }> {
  const test = await loadSplitData(opts.config, opts.mode, opts.dirs, 'test');
  const samples = test.rows.map((row, s) => ({
    instruction: row.embedding_input,
    candidates: opts.config.cleanGenerations ? test.table.texts[s].map(cleanGeneration) : [...test.table.texts[s]],
  }));
  return { samples, texts: test.table.texts, voters: test.table.voters };
}

async function write(file: string, sel: ScoredSelection, texts: readonly (readonly string[])[], voters: readonly string[], meta: Record<string, unknown> & { method: string }): Promise<void> {
  const rows: number[][] = [];
  for (let s = 0; s < sel.n; s++) rows.push(Array.from(sel.scores.subarray(s * sel.m, (s + 1) * sel.m)));
  await writeSelectionFile(file, {
    generations: Array.from(sel.selected, (v, s) => texts[s][v]),
    selected: Array.from(sel.selected),
    voters: [...voters],
    meta: { ...meta, scores: rows },
  });
}

function checkModels(registry: ModelRegistry, models: readonly string[], option: 'judge' | 'judges'): void {
  for (const m of models) if (!registry.has(m)) throw new InvalidParameterError(option, `model '${m}' is not in ${registry.source} (known: ${registry.names.join(', ')})`);
}

export async function runUsc(opts: JudgeRunOptions & { readonly judge: string }): Promise<JudgeRunResult> {
  checkModels(opts.registry, [opts.judge], 'judge');
  const file = path.join(methodDir(opts.dirs, opts.config, opts.mode), `usc_${safe(opts.judge)}_test.json`);
  if (!opts.redo && existsSync(file)) return { outputFiles: [file], skipped: true };
  const { samples, texts, voters } = await load(opts);
  const r = await uscSelect(samples, opts.judge, { registry: opts.registry, cache: opts.cache, seed: opts.seed, onProgress: opts.onProgress });
  const unparsed = r.parsed.filter((p) => !p).length;
  await write(file, r, texts, voters, { method: 'usc', judge: opts.judge, unparsed, costs: r.costs, dataset_config: opts.config.path });
  return { outputFiles: [file], skipped: false, n: r.n, costs: r.costs, unparsed };
}

export async function runPeerReview(opts: JudgeRunOptions & { readonly judges: readonly string[] }): Promise<JudgeRunResult> {
  if (opts.judges.length < 2) throw new InvalidParameterError('judges', `needs at least 2 judge models, got ${opts.judges.length}`);
  checkModels(opts.registry, opts.judges, 'judges');
  const dir = methodDir(opts.dirs, opts.config, opts.mode);
  const files = [path.join(dir, 'peer_review_mean_test.json'), path.join(dir, 'peer_review_truth_test.json')];
  if (!opts.redo && files.every((f) => existsSync(f)) && (await changedSettings(files[1], { judges: [...opts.judges] })) === undefined) {
    return { outputFiles: files, skipped: true };
  }
  const { samples, texts, voters } = await load(opts);
  const r = await peerReview(samples, opts.judges, { registry: opts.registry, cache: opts.cache, seed: opts.seed, onProgress: opts.onProgress });
  const meta = { judges: [...opts.judges], unparsed: r.unparsed, costs: r.costs, dataset_config: opts.config.path };
  await write(files[0], r.mean, texts, voters, { method: 'peer_review_mean', ...meta, judge_scores: r.scores });
  await write(files[1], r.truth, texts, voters, { method: 'peer_review_truth', ...meta, reliability: r.reliability, model: 'score = a_j + b_j · quality + N(0, s_j²), EM' });
  return { outputFiles: files, skipped: false, n: r.mean.n, costs: r.costs, reliability: r.reliability, unparsed: r.unparsed };
}

/** `smoothie reward-rank`: a local reward model scores every (input, candidate) pair; the highest wins. */
export async function runRewardRank(
  opts: Omit<JudgeRunOptions, 'registry' | 'cache'> & { readonly rewardModel: string; readonly device?: 'cpu' | 'cuda'; readonly batchSize?: number },
): Promise<JudgeRunResult> {
  const file = path.join(methodDir(opts.dirs, opts.config, opts.mode), `reward_${safe(path.basename(path.resolve(opts.rewardModel)))}_test.json`);
  if (!opts.redo && existsSync(file) && (await changedSettings(file, { folder: path.resolve(opts.rewardModel) })) === undefined) {
    return { outputFiles: [file], skipped: true };
  }
  const { samples, texts, voters } = await load(opts);
  const model = await loadRewardModel(opts.rewardModel, { device: opts.device, batchSize: opts.batchSize });
  try {
    const t = performance.now();
    const r = await rewardSelect(samples, model);
    await write(file, r, texts, voters, {
      method: 'reward_rank',
      reward_model: model.id,
      folder: path.resolve(opts.rewardModel),
      seconds: (performance.now() - t) / 1000,
      dataset_config: opts.config.path,
    });
    return { outputFiles: [file], skipped: false, n: r.n };
  } finally {
    await model.dispose();
  }
}
