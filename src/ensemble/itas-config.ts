/**
 * Archon's ITAS search configs (`itas_algorithms/search_configs/*.json`) as a search space for
 * `smoothie ensemble search`. What carries over: `models_available` → the generators,
 * `judge_model` → the judge, `sample_top_k_choices` → samples per generator,
 * `search_algorithm_choice` → the method (`bayesian_optimization` → bayes, `random_search` → random),
 * and the budget (`init_points + n_iter` for Bayesian optimisation, with `init_points` random starts;
 * `random_search_iterations` for random search). Model entries are paths to Archon's individual-model
 * configs (`configs/individual_models/x.json`), looked up beside the search config and in the folders
 * above it; the model is that config's first component's `model`, or the file's stem when the file is
 * not there (then name it in models.yaml). Archon's harness keys (benchmark, dataset fractions, output
 * folder, final ranking) do not apply to a search on your dev set and are listed as ignored.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readJsonFile } from '../data/json.js';
import { parseWith } from '../data/validate.js';
import { UserInputError } from '../errors/index.js';
import { parseArchitecture } from './config.js';
import type { SearchSpace } from './search.js';

export const ArchonSearchConfigSchema = z.looseObject({
  models_available: z.array(z.string().min(1)).min(1),
  judge_model: z.string().min(1),
  sample_top_k_choices: z.array(z.number().int().positive()).min(1).optional(),
  model_top_k_choices: z.array(z.number().int().positive()).optional(),
  maximum_inference_calls: z.number().int().positive().optional(),
  search_algorithm_choice: z.string().optional(),
  random_search_iterations: z.number().int().positive().optional(),
  init_points: z.number().int().nonnegative().optional(),
  n_iter: z.number().int().nonnegative().optional(),
});

const USED = new Set(['models_available', 'judge_model', 'sample_top_k_choices', 'search_algorithm_choice', 'random_search_iterations', 'init_points', 'n_iter']);
const METHODS: Readonly<Record<string, 'bayes' | 'random'>> = { bayesian_optimization: 'bayes', random_search: 'random' };

export interface ArchonSearchSettings {
  readonly space: SearchSpace;
  readonly method: 'bayes' | 'random';
  readonly budget?: number;
  /** Random architectures before the surrogate (Bayesian optimisation's `init_points`). */
  readonly initial?: number;
  /** Keys of the file that do not apply here. */
  readonly ignored: readonly string[];
}

/** Whether a parsed search-space file is Archon's format (it lists `models_available`). */
export function isArchonSearchConfig(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && 'models_available' in raw;
}

/** The model an individual-model config names, or the path's stem when the file is not found. */
async function modelOf(ref: string, file: string): Promise<string> {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    const candidate = path.resolve(dir, ref);
    if (existsSync(candidate)) {
      const arch = parseArchitecture(await readJsonFile(candidate), { file: candidate });
      const model = arch.layers[0]?.[0]?.model;
      if (model === undefined) throw new UserInputError('its first component names no model', { file: candidate });
      return model;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return path.basename(ref).replace(/\.json$/i, '');
    dir = parent;
  }
}

export async function archonSearchSettings(raw: unknown, file: string): Promise<ArchonSearchSettings> {
  const cfg = parseWith(ArchonSearchConfigSchema, raw, { file });
  const choice = cfg.search_algorithm_choice ?? 'bayesian_optimization';
  const method = METHODS[choice];
  if (method === undefined) {
    throw new UserInputError(`unknown search_algorithm_choice '${choice}' (accepted: ${Object.keys(METHODS).join(', ')})`, { file, field: 'search_algorithm_choice' });
  }
  const generators = [...new Set(await Promise.all(cfg.models_available.map((m) => modelOf(m, file))))];
  const judge = await modelOf(cfg.judge_model, file);
  const budget = method === 'bayes' ? (cfg.init_points !== undefined || cfg.n_iter !== undefined ? (cfg.init_points ?? 0) + (cfg.n_iter ?? 0) : undefined) : cfg.random_search_iterations;
  return {
    space: { generators, judges: [judge], ...(cfg.sample_top_k_choices ? { samples: cfg.sample_top_k_choices } : {}) },
    method,
    budget: budget !== undefined && budget > 0 ? budget : undefined,
    initial: method === 'bayes' && cfg.init_points !== undefined ? Math.max(1, cfg.init_points) : undefined,
    ignored: Object.keys(cfg).filter((k) => !USED.has(k)),
  };
}
