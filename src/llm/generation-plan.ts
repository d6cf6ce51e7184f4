/**
 * What `smoothie generate` must call and where the answers go: a dataset split and a voter mode →
 * one job per generation file (the files `smoothie run` reads, spec §2.3), each a list of calls in
 * file order. Multi-model: one file per model of the group, n·g strings sample-major. Multi-prompt:
 * one file for the model, per sample the p·g strings prompt-major. Generation g of a prompt is its own
 * call (seed + g), so servers without `n` support give the same files.
 */
import type { DatasetConfig } from '../data/config.js';
import { loadDatasetSplit } from '../data/dataset.js';
import { datasetSplitPath, modelGenerationsPath, promptGenerationsPath, type RunDirs, type Split, type VoterMode } from '../data/paths.js';
import { modelGroup } from '../data/config.js';
import type { DatasetRow } from '../data/schemas.js';
import { UserInputError, InvalidParameterError } from '../errors/index.js';
import { DEFAULT_SEED } from '../compute/rng.js';

export interface GenerationSettings {
  /** Generations per prompt (the reference's `--n_generations`). @default 1 */
  readonly nGenerations?: number;
  /** @default 0 (greedy); must be > 0 when nGenerations > 1, as the reference asserts */
  readonly temperature?: number;
  /** @default the task's max_new_tokens */
  readonly maxTokens?: number;
  /** @default 42 */
  readonly seed?: number;
  /** Only the first N samples (a quick try). */
  readonly limit?: number;
}

export interface PlannedCall {
  /** Registry name of the model. */
  readonly model: string;
  readonly prompt: string;
  readonly params: { readonly temperature: number; readonly max_tokens: number; readonly n: 1; readonly seed: number };
  /** Generation index g of this prompt (part of the cache key). */
  readonly sampleIndex: number;
  /** Names the call in errors and logs. */
  readonly label: string;
}

export interface GenerationJob {
  readonly model: string;
  readonly file: string;
  readonly kind: VoterMode['kind'];
  /** Samples covered (all, or the first `limit`). */
  readonly nSamples: number;
  /** Strings per sample in the file: g (multi-model) or p·g (multi-prompt). */
  readonly perSample: number;
  readonly calls: readonly PlannedCall[];
}

const DEFAULT_MAX_TOKENS = 256;

function maxTokensFor(config: DatasetConfig, row: DatasetRow, override: number | undefined): number {
  if (override !== undefined) return override;
  // Per-task length in a group (the reference used the group's value for every task; spec §8 item 16).
  const task = config.tasks.find((t) => t.dataset === row.task_name);
  return task?.max_new_tokens ?? config.maxNewTokens ?? DEFAULT_MAX_TOKENS;
}

function validated(settings: GenerationSettings): Required<Omit<GenerationSettings, 'limit' | 'maxTokens'>> & Pick<GenerationSettings, 'limit' | 'maxTokens'> {
  const g = settings.nGenerations ?? 1;
  const temperature = settings.temperature ?? 0;
  if (!Number.isInteger(g) || g < 1) throw new InvalidParameterError('nGenerations', `must be a positive integer, got ${g}`);
  if (g > 1 && temperature <= 0) throw new InvalidParameterError('temperature', 'several generations per prompt need sampling: set temperature above 0');
  if (settings.limit !== undefined && (!Number.isInteger(settings.limit) || settings.limit < 1)) {
    throw new InvalidParameterError('limit', `must be a positive integer, got ${settings.limit}`);
  }
  return { nGenerations: g, temperature, seed: settings.seed ?? DEFAULT_SEED, limit: settings.limit, maxTokens: settings.maxTokens };
}

/** The generation jobs of one split for one voter mode. */
export async function planGenerations(config: DatasetConfig, mode: VoterMode, dirs: RunDirs, split: Split, settings: GenerationSettings = {}): Promise<GenerationJob[]> {
  const s = validated(settings);
  const datasetFile = datasetSplitPath(dirs, config, split);
  const { rows: allRows } = await loadDatasetSplit(datasetFile);
  const rows = s.limit !== undefined ? allRows.slice(0, s.limit) : allRows;
  const call = (model: string, row: DatasetRow, prompt: string, g: number, what: string): PlannedCall => ({
    model,
    prompt,
    params: { temperature: s.temperature, max_tokens: maxTokensFor(config, row, s.maxTokens), n: 1, seed: s.seed + g },
    sampleIndex: g,
    label: `${split} sample ${row.idx}${what}${s.nGenerations > 1 ? `, generation ${g}` : ''}`,
  });
  const promptOf = (row: DatasetRow, key: string, line: number): string => {
    const prompt = (row as Record<string, unknown>)[key];
    if (typeof prompt !== 'string') throw new UserInputError(`has no '${key}' (rebuild the split with the config's templates)`, { file: datasetFile, row: line, rowLabel: 'row', field: key });
    return prompt;
  };
  if (mode.kind === 'multi-model') {
    return modelGroup(config, mode.group).map((model) => ({
      model,
      kind: mode.kind,
      file: modelGenerationsPath(dirs, config, model, split, s.nGenerations),
      nSamples: rows.length,
      perSample: s.nGenerations,
      calls: rows.flatMap((row, i) => Array.from({ length: s.nGenerations }, (_, g) => call(model, row, promptOf(row, 'multi_model_prompt', i), g, ''))),
    }));
  }
  const promptKeys = Object.keys(rows[0])
    .filter((k) => /^multi_prompt_\d+$/.test(k))
    .sort((a, b) => Number(a.slice(13)) - Number(b.slice(13)));
  if (promptKeys.length === 0) throw new UserInputError('has no multi_prompt_<i> columns (the config needs a multi_prompt_template)', { file: datasetFile, field: 'multi_prompt_0' });
  return [
    {
      model: mode.model,
      kind: mode.kind,
      file: promptGenerationsPath(dirs, config, mode.model, split, s.nGenerations),
      nSamples: rows.length,
      perSample: promptKeys.length * s.nGenerations,
      calls: rows.flatMap((row, i) => promptKeys.flatMap((key, p) => Array.from({ length: s.nGenerations }, (_, g) => call(mode.model, row, promptOf(row, key, i), g, `, prompt ${p}`)))),
    },
  ];
}

/** A job's texts (one per call, in call order) in the generation file's shape. */
export function generationFileContent(job: GenerationJob, texts: readonly string[]): { generations: string[] | string[][] } {
  if (texts.length !== job.calls.length) throw new Error(`generationFileContent: ${texts.length} texts for ${job.calls.length} calls`);
  if (job.kind === 'multi-model') return { generations: [...texts] };
  return { generations: Array.from({ length: job.nSamples }, (_, s) => texts.slice(s * job.perSample, (s + 1) * job.perSample)) };
}
