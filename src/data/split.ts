/** A dataset split with its candidate table, loaded from the results layout and checked together. */
import { existsSync } from 'node:fs';
import { UserInputError, InvalidParameterError } from '../errors/index.js';
import { loadMultiModelCandidates, loadMultiPromptCandidates, type CandidateTable } from './candidates.js';
import { modelGroup, type DatasetConfig } from './config.js';
import { loadDatasetSplit } from './dataset.js';
import { datasetSplitPath, modelGenerationsPath, promptGenerationsPath, type RunDirs, type Split, type VoterMode } from './paths.js';
import type { DatasetRow } from './schemas.js';
import { TASK_METRICS } from '../metrics/registry.js';

export interface SplitData {
  readonly rows: readonly DatasetRow[];
  readonly table: CandidateTable;
  /** What is accepted but probably not meant: empty generations, a model twice in a group, an unknown task. */
  readonly warnings: readonly string[];
}

/** The warnings {@link loadSplitData} attaches; exported for callers that build tables themselves. */
export function splitWarnings(config: DatasetConfig, table: CandidateTable, split: Split): string[] {
  const warnings: string[] = [];
  for (const t of config.tasks) {
    if (!Object.hasOwn(TASK_METRICS, t.task)) {
      warnings.push(`${t.path}: task '${t.task}' is not a known task (known: ${Object.keys(TASK_METRICS).join(', ')}); evaluate will need --task-metric`);
    }
  }
  const firstIndex = new Map<string, number>();
  table.voters.forEach((v, i) => {
    const first = firstIndex.get(v);
    if (first === undefined) firstIndex.set(v, i);
    else warnings.push(`voter '${v}' appears twice (voters ${first} and ${i}): identical candidates leave Smoothie no disagreement to learn from`);
  });
  table.voters.forEach((v, i) => {
    let count = 0;
    let first = -1;
    table.texts.forEach((row, s) => {
      if (row[i].trim() === '') {
        count++;
        if (first < 0) first = s;
      }
    });
    if (count > 0) warnings.push(`voter '${v}' has ${count} empty generation${count === 1 ? '' : 's'} in the ${split} split (first at row ${first + 1})`);
  });
  return warnings;
}

function requireFile(file: string, what: string): void {
  if (!existsSync(file)) throw new UserInputError(`${what} not found`, { file });
}

export async function loadSplitData(config: DatasetConfig, mode: VoterMode, dirs: RunDirs, split: Split): Promise<SplitData> {
  const file = datasetSplitPath(dirs, config, split);
  requireFile(file, `${split} split (run 'smoothie make-dataset' or set the data folder)`);
  const { rows } = await loadDatasetSplit(file);
  let table: CandidateTable;
  if (mode.kind === 'multi-model') {
    const files = modelGroup(config, mode.group).map((model) => ({ model, file: modelGenerationsPath(dirs, config, model, split) }));
    for (const f of files) requireFile(f.file, `generations of model '${f.model}' (run 'smoothie generate' or set the results folder)`);
    table = await loadMultiModelCandidates(files, rows.length);
  } else {
    const genFile = promptGenerationsPath(dirs, config, mode.model, split);
    requireFile(genFile, `generations of model '${mode.model}' (run 'smoothie generate' or set the results folder)`);
    table = await loadMultiPromptCandidates(genFile, rows.length);
  }
  if (table.voters.length < 2) {
    throw new InvalidParameterError(mode.kind === 'multi-model' ? 'modelGroup' : 'model', `Smoothie needs at least 2 voters, got ${table.voters.length}`);
  }
  return { rows, table, warnings: splitWarnings(config, table, split) };
}
