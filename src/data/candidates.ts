/**
 * Generation files → a CandidateTable (n samples × m voters of strings), validated against the
 * dataset: every voter must have exactly one generation per sample.
 */
import { UserInputError } from '../errors/index.js';
import { readJsonFile } from './json.js';
import { MultiModelGenerationsSchema, MultiPromptGenerationsSchema } from './schemas.js';
import { parseWith } from './validate.js';

export interface CandidateTable {
  /** Voter names in voter order (models, or `prompt_<i>`). */
  readonly voters: readonly string[];
  /** texts[s][v]: voter v's generation for sample s. */
  readonly texts: readonly (readonly string[])[];
}

/** One generation file per model, voters in the group's order. */
export async function loadMultiModelCandidates(files: readonly { readonly model: string; readonly file: string }[], nSamples: number): Promise<CandidateTable> {
  const columns: string[][] = [];
  for (const { file } of files) {
    const { generations } = parseWith(MultiModelGenerationsSchema, await readJsonFile(file), { file });
    if (generations.length !== nSamples) {
      throw new UserInputError(`has ${generations.length} generations but the dataset has ${nSamples} rows`, {
        file,
        field: 'generations',
      });
    }
    columns.push(generations);
  }
  const texts = Array.from({ length: nSamples }, (_, s) => columns.map((col) => col[s]));
  return { voters: files.map((f) => f.model), texts };
}

/** One file whose rows list every prompt's generation; all rows must have the same length. */
export async function loadMultiPromptCandidates(file: string, nSamples: number): Promise<CandidateTable> {
  const { generations } = parseWith(MultiPromptGenerationsSchema, await readJsonFile(file), { file });
  if (generations.length !== nSamples) {
    throw new UserInputError(`has ${generations.length} rows but the dataset has ${nSamples} rows`, { file, field: 'generations' });
  }
  const p = generations[0]?.length ?? 0;
  generations.forEach((row, s) => {
    if (row.length !== p) {
      throw new UserInputError(`has ${row.length} prompt outputs, row 1 has ${p} (ragged multi-prompt rows)`, {
        file,
        row: s,
        rowLabel: 'row',
        field: 'generations',
      });
    }
  });
  return { voters: Array.from({ length: p }, (_, i) => `prompt_${i}`), texts: generations };
}
