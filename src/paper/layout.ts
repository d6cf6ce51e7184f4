/**
 * Where the published data lives and what each table reads from it.
 *
 * Smoothie: the `smoothie_data` dataset repository (Hugging Face), cloned as one folder:
 *   datasets/<config>_{train,test}.jsonl
 *   multi_model_results/<dataset>/model_gens/<model>_{train,test}.json
 *   multi_model_results/<dataset>/<group>/{pair_rm_test.json, smoothie_*_test.json, scores.json, …}
 *   multi_prompt_results/<dataset>/<model>/individual_{train,test}.json (+ method files, scores.json)
 *   alpaca/downloaded_outputs/*.json   (leaderboard outputs: [{instruction, output, generator}])
 *   alpaca/algorithm_outputs/*.json     (the reference's selections, optional: agreement check)
 * AutoMix: `automix_llama2_outputs.jsonl` from the Google Drive folder linked in the AutoMix README.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type UserInputError, InvalidParameterError } from '../errors/index.js';

export const SMOOTHIE_DATA_REPO = 'https://huggingface.co/datasets/hazyresearch/smoothie_data';
export const SMOOTHIE_DATA_HINT = `download the smoothie_data dataset (git clone ${SMOOTHIE_DATA_REPO}) and pass that folder as the data folder`;
export const AUTOMIX_DATA_FILES = ['automix_llama2_outputs.jsonl', 'automix_release_with_decision.jsonl'] as const;
export const AUTOMIX_DATA_HINT =
  "download automix_llama2_outputs.jsonl ('Outputs from LLAMA2' in the README of github.com/automix-llm/automix, a Google Drive file: " +
  'https://drive.google.com/file/d/1dhyt7UuYumk9Gae9eJ_mpTVrLeSTuRht) into that folder';

export const DATASETS_DIR = 'datasets';
export const MULTI_MODEL_DIR = 'multi_model_results';
export const MULTI_PROMPT_DIR = 'multi_prompt_results';
export const ALPACA_OUTPUTS_DIR = path.join('alpaca', 'downloaded_outputs');
export const ALPACA_ALGORITHM_DIR = path.join('alpaca', 'algorithm_outputs');

/** The dataset configs this package ships (dataset_configs/ at the package root). */
export function shippedConfigDir(): string {
  // src/paper/layout.ts and dist/paper/layout.js both sit two levels below the package root.
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dataset_configs');
}

export function shippedConfig(dataset: string): string {
  return path.join(shippedConfigDir(), `${dataset}.yaml`);
}

/** The paths (relative to the data folder) a multi-model table reads for one dataset and its groups. */
export function multiModelInputs(dataset: string, groups: Readonly<Record<string, readonly string[]>>, splits: readonly ('train' | 'test')[]): string[] {
  const files = splits.map((s) => path.join(DATASETS_DIR, `${dataset}_${s}.jsonl`));
  const models = [...new Set(Object.values(groups).flat())];
  for (const m of models) for (const s of splits) files.push(path.join(MULTI_MODEL_DIR, dataset, 'model_gens', `${m}_${s}.json`));
  return files;
}

export function multiPromptInputs(dataset: string, models: readonly string[], splits: readonly ('train' | 'test')[]): string[] {
  const files = splits.map((s) => path.join(DATASETS_DIR, `${dataset}_${s}.jsonl`));
  for (const m of models) for (const s of splits) files.push(path.join(MULTI_PROMPT_DIR, dataset, m, `individual_${s}.json`));
  return files;
}

/** The files of `relative` that are absent under `dataDir`. */
export function missingFiles(dataDir: string, relative: readonly string[]): string[] {
  return relative.filter((f) => !existsSync(path.join(dataDir, f)));
}

/** One line: what is missing and what to download, exit code 2. */
export function missingDataError(table: string, dataDir: string, missing: readonly string[], hint: string): UserInputError {
  const first = path.join(dataDir, missing[0]);
  const more = missing.length > 1 ? ` (and ${missing.length - 1} more file${missing.length > 2 ? 's' : ''} of this table)` : '';
  return new InvalidParameterError('dataDir', `table '${table}' needs ${first}, which is missing${more}: ${hint}`);
}
