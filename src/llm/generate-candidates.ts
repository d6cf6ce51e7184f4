/**
 * `smoothie generate` as a function: plan a split's generation files (generation-plan.ts), run every
 * uncached call once through the registry's endpoints (all models' calls in one batch, each within its
 * endpoint's limits), then write each file atomically from the results. A killed run restarts from the
 * cache; files are only written once all their calls are done.
 */
import { existsSync } from 'node:fs';
import type { DatasetConfig } from '../data/config.js';
import { writeJsonFile } from '../data/json.js';
import type { RunDirs, Split, VoterMode } from '../data/paths.js';
import type { GenerationCache } from './call-cache.js';
import { generationFileContent, planGenerations, type GenerationJob, type GenerationSettings } from './generation-plan.js';
import type { ModelRegistry } from './registry.js';
import { estimateCalls, runGenerationCalls, type CallEstimate, type RunProgress } from './run-calls.js';

export interface GenerateOptions extends GenerationSettings {
  readonly registry: ModelRegistry;
  readonly cache: GenerationCache;
  /** @default ['test'] */
  readonly splits?: readonly Split[];
  /** Plan and estimate only: no call, no file. */
  readonly dryRun?: boolean;
  /** Regenerate files that exist (their calls still come from the cache). */
  readonly redo?: boolean;
  readonly onProgress?: (progress: RunProgress) => void;
  readonly signal?: AbortSignal;
  /** Keep an answer without content (e.g. `finish_reason: content_filter`) as "" instead of failing. */
  readonly allowEmpty?: boolean;
}

export interface GeneratedFile {
  readonly split: Split;
  readonly model: string;
  readonly file: string;
  readonly calls: number;
  /** Written in this run (false: existed and kept, or a dry run / `limit` run). */
  readonly written: boolean;
}

export interface GenerateResult {
  readonly files: readonly GeneratedFile[];
  readonly estimate: CallEstimate;
  /** The first answers of each model, to look at after a `limit` run. */
  readonly preview: readonly { readonly model: string; readonly label: string; readonly text: string }[];
}

/** Generates the candidate files of one voter mode for the requested splits. */
export async function generateCandidates(config: DatasetConfig, mode: VoterMode, dirs: RunDirs, options: GenerateOptions): Promise<GenerateResult> {
  const planned: { split: Split; job: GenerationJob }[] = [];
  for (const split of options.splits ?? ['test']) {
    for (const job of await planGenerations(config, mode, dirs, split, options)) planned.push({ split, job });
  }
  // Every model is known (and has its keys) before any call is made.
  for (const { job } of planned) options.registry.resolve(job.model);
  const todo = planned.filter(({ job }) => options.redo || options.limit !== undefined || !existsSync(job.file));
  const calls = todo.flatMap(({ job }) => job.calls);
  const estimate = estimateCalls(calls, options.registry, options.cache);
  const kept = planned.filter((p) => !todo.includes(p)).map(({ split, job }) => ({ split, model: job.model, file: job.file, calls: job.calls.length, written: false }));
  if (options.dryRun) {
    return { files: [...kept, ...todo.map(({ split, job }) => ({ split, model: job.model, file: job.file, calls: job.calls.length, written: false }))], estimate, preview: [] };
  }
  const texts = await runGenerationCalls(calls, {
    registry: options.registry,
    cache: options.cache,
    onProgress: options.onProgress,
    signal: options.signal,
    seed: options.seed,
    allowEmpty: options.allowEmpty,
  });
  const files: GeneratedFile[] = [...kept];
  const preview: { model: string; label: string; text: string }[] = [];
  let offset = 0;
  for (const { split, job } of todo) {
    const jobTexts = texts.slice(offset, offset + job.calls.length).map((t) => t[0] ?? '');
    offset += job.calls.length;
    job.calls.slice(0, 3).forEach((c, i) => preview.push({ model: job.model, label: c.label, text: jobTexts[i] }));
    // A `limit` run covers only the first rows: it fills the cache but writes no partial file.
    const write = options.limit === undefined;
    if (write) await writeJsonFile(job.file, generationFileContent(job, jobTexts), { indent: 2 });
    files.push({ split, model: job.model, file: job.file, calls: job.calls.length, written: write });
  }
  return { files, estimate, preview };
}
