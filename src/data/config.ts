/** Dataset configs (YAML; single task or `tasks:` group) and the model groups file they point at. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidParameterError } from '../errors/index.js';
import { GroupConfigSchema, ModelGroupsFileSchema, TaskConfigSchema, type TaskConfig } from './schemas.js';
import { parseWith } from './validate.js';
import { readYamlFile } from './yaml.js';

/** Datasets whose generations the reference embeds uncleaned (spec §1.9). */
const UNCLEANED_DATASETS = new Set(['mix_instruct', 'alpaca', 'gsm8k']);

export interface ResolvedTask extends TaskConfig {
  readonly path: string;
  readonly task: string;
}

export interface DatasetConfig {
  /** The YAML file. */
  readonly path: string;
  /** File name without extension: names the processed dataset files. */
  readonly stem: string;
  /** Results folder name. */
  readonly dataset: string;
  readonly isGroup: boolean;
  /** The task itself, or a group's tasks in order. */
  readonly tasks: readonly ResolvedTask[];
  readonly maxNewTokens?: number;
  /** Clean generations (first line, special tokens) before embedding. */
  readonly cleanGenerations: boolean;
  /** Model groups listed for this dataset (default for `--model-group`). */
  readonly modelGroupNames: readonly string[];
  /** Every group defined in the model groups file. */
  readonly modelGroups: Readonly<Record<string, readonly string[]>>;
}

async function loadTask(file: string): Promise<ResolvedTask> {
  const cfg = parseWith(TaskConfigSchema, await readYamlFile(file), { file });
  return { ...cfg, path: file, task: cfg.task ?? cfg.dataset };
}

async function loadModelGroups(configFile: string, groupsFile: string | undefined): Promise<Record<string, string[]>> {
  const file = path.resolve(path.dirname(configFile), groupsFile ?? 'model_groups.yaml');
  if (groupsFile === undefined) {
    try {
      await readFile(file);
    } catch {
      return {};
    }
  }
  return parseWith(ModelGroupsFileSchema, await readYamlFile(file), { file }).groups;
}

export async function loadDatasetConfig(file: string): Promise<DatasetConfig> {
  const raw = await readYamlFile(file);
  const stem = path.basename(file).replace(/\.ya?ml$/i, '');
  const isGroup = typeof raw === 'object' && raw !== null && 'tasks' in raw;
  if (isGroup) {
    const cfg = parseWith(GroupConfigSchema, raw, { file });
    const tasks = await Promise.all(cfg.tasks.map((t) => loadTask(path.resolve(path.dirname(file), t))));
    return {
      path: file,
      stem,
      dataset: cfg.dataset,
      isGroup,
      tasks,
      maxNewTokens: cfg.max_new_tokens,
      cleanGenerations: !UNCLEANED_DATASETS.has(cfg.dataset),
      modelGroupNames: cfg.model_groups ?? [],
      modelGroups: await loadModelGroups(file, cfg.model_groups_file),
    };
  }
  const task = await loadTask(file);
  return {
    path: file,
    stem,
    dataset: task.dataset,
    isGroup,
    tasks: [task],
    maxNewTokens: task.max_new_tokens,
    cleanGenerations: task.clean_generations ?? !UNCLEANED_DATASETS.has(task.dataset),
    modelGroupNames: task.model_groups ?? [],
    modelGroups: await loadModelGroups(file, task.model_groups_file),
  };
}

/** Voters of a model group, or a one-line error listing the groups that exist. */
export function modelGroup(config: DatasetConfig, name: string): readonly string[] {
  const models = config.modelGroups[name];
  if (!models) {
    const known = Object.keys(config.modelGroups);
    throw new InvalidParameterError('modelGroup', `unknown model group '${name}' (defined: ${known.length > 0 ? known.join(', ') : 'none — add a model_groups.yaml beside the config'})`);
  }
  return models;
}
