/**
 * `smoothie make-dataset` (spec §2.2): a dataset config's source rows → the processed
 * `<config>_{train,test}.jsonl` every other step reads. Per split: read the source (local file or
 * `hf:`), keep the configured row range, sample `train_size`/`test_size` rows exactly as the
 * reference's `df.sample(n, random_state=42)` does, take the configured fields, render the prompt
 * templates. A group config concatenates its tasks' rows and renumbers `idx`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pandasSamplePositions } from '../compute/numpy-random.js';
import { UserInputError } from '../errors/index.js';
import type { DatasetConfig, ResolvedTask } from './config.js';
import { readHfSplit } from './hf-source.js';
import { writeJsonl } from './json.js';
import { datasetSplitPath, type RunDirs, type Split } from './paths.js';
import { readRecords, type SourceRecord } from './records.js';
import { DatasetRowSchema, type ColumnSpec, type DatasetRow, type DatasetSource, type SplitSource } from './schemas.js';
import { DEFAULT_PROMPT_TEMPLATES_DIR, loadSingleTemplate, loadTemplateList, renderTemplate, type PromptTemplate } from './templates.js';
import { parseWith } from './validate.js';

/** The reference samples with pandas' `random_state=42`. */
export const DEFAULT_DATASET_SEED = 42;
const SPLITS: readonly Split[] = ['train', 'test'];

export interface MakeDatasetOptions {
  /** @default 'prompt_templates' */
  readonly templatesDir?: string;
  /** Downloaded `hf:` sources go under `<cacheDir>/hf/`. @default '.smoothie-cache' */
  readonly cacheDir?: string;
  /** @default 42 */
  readonly seed?: number;
  /** Dataset-viewer endpoint and token for `hf:` sources (defaults: environment, then the public server). */
  readonly hf?: { readonly endpoint?: string; readonly token?: string };
}

export interface BuiltSplit {
  readonly rows: DatasetRow[];
  /** Per task: source rows (after the row range) and rows kept. */
  readonly tasks: readonly { readonly task: string; readonly sourceRows: number; readonly kept: number; readonly clipped: boolean }[];
}

type Located = { readonly file: string; readonly row: number };

function valueAt(record: SourceRecord, column: string, at: Located): unknown {
  let value: unknown = record;
  for (const key of column.split('.')) {
    if (value !== null && typeof value === 'object' && key in value) value = (value as Record<string, unknown>)[key];
    else throw new UserInputError(`has no column '${column}'${key !== column ? ` (no '${key}')` : ''}`, { ...at, rowLabel: 'row', field: column });
  }
  return value;
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** A config's column spec applied to one source row. */
function columnValue(record: SourceRecord, spec: ColumnSpec, at: Located): unknown {
  const column = typeof spec === 'string' ? spec : spec.column;
  const value = valueAt(record, column, at);
  const transform = typeof spec === 'string' ? undefined : spec.transform;
  const bad = (what: string): never => {
    throw new UserInputError(`transform '${transform}' needs ${what}, got ${JSON.stringify(value)?.slice(0, 60)}`, { ...at, rowLabel: 'row', field: column });
  };
  switch (transform) {
    case undefined:
      return value;
    case 'join_lines':
      return isStringList(value) ? value.join('\n') : typeof value === 'string' ? value : bad('a list of strings');
    case 'after_hashes':
      // GSM8K answers end "#### <final answer>".
      return typeof value === 'string' ? (value.split('####').at(-1) ?? '').trim() : bad('a string');
    case 'good_lexicalisations': {
      // WebNLG: lex = {comment: [...], text: [...]}; the references are the texts rated "good".
      const lex = value as { comment?: unknown; text?: unknown };
      if (!isStringList(lex?.comment) || !isStringList(lex?.text)) return bad('{comment: [...], text: [...]}');
      return lex.text.filter((_, i) => (lex.comment as string[])[i] === 'good');
    }
  }
}

function asText(value: unknown, at: Located, field: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new UserInputError(`expected text, got ${Array.isArray(value) ? 'a list (add transform: join_lines)' : typeof value}`, { ...at, rowLabel: 'row', field });
}

function rowBound(bound: number | string | undefined, n: number, fallback: number): number {
  if (bound === undefined) return fallback;
  const x = typeof bound === 'string' ? Math.floor((parseFloat(bound) / 100) * n) : bound < 0 ? n + bound : bound;
  return Math.min(Math.max(x, 0), n);
}

interface Templates {
  readonly multiModel?: PromptTemplate;
  readonly multiPrompt?: readonly PromptTemplate[];
}

async function loadTemplates(task: ResolvedTask, dir: string): Promise<Templates> {
  return {
    multiModel: task.multi_model_prompt_template ? await loadSingleTemplate(dir, task.multi_model_prompt_template) : undefined,
    multiPrompt: task.multi_prompt_template ? await loadTemplateList(dir, task.multi_prompt_template) : undefined,
  };
}

type SourceRows = { rows: SourceRecord[]; file: string };

/** Sources read so far in one build: a table both splits take rows from (SQuAD, definition extraction) is read once. */
type SourceMemo = Map<string, Promise<SourceRows>>;

function readSplitSource(task: ResolvedTask, split: Split, source: SplitSource, options: MakeDatasetOptions, memo: SourceMemo): Promise<SourceRows> {
  const where = { file: task.path, field: `source.${split}.from` };
  const hf = source.from.startsWith('hf:') ? { id: source.from.slice(3), config: source.config ?? 'default', split: source.split ?? split } : undefined;
  const file = hf ? `${source.from} (${hf.config}/${hf.split})` : path.resolve(path.dirname(task.path), source.from);
  let read = memo.get(file);
  if (!read) {
    read = hf ? readHfSplit(hf, { cacheDir: options.cacheDir ?? '.smoothie-cache', ...options.hf, where }).then((rows) => ({ rows, file })) : readRecords(file).then((rows) => ({ rows, file }));
    memo.set(file, read);
  }
  return read;
}

async function buildTaskSplit(task: ResolvedTask, source: DatasetSource, split: Split, templates: Templates, options: MakeDatasetOptions, memo: SourceMemo) {
  const { rows: all, file } = await readSplitSource(task, split, source[split], options, memo);
  const range = source[split].rows;
  const start = rowBound(range?.start, all.length, 0);
  const rows = all.slice(start, Math.max(start, rowBound(range?.end, all.length, all.length)));
  const size = (split === 'train' ? task.train_size : task.test_size) ?? 0;
  const kept = size > 0 ? pandasSamplePositions(rows.length, Math.min(size, rows.length), options.seed ?? DEFAULT_DATASET_SEED) : rows.map((_, i) => i);
  const out = kept.map((position) => {
    const record = rows[position];
    const at = { file, row: start + position };
    const fields = Object.fromEntries(Object.entries(source.fields).map(([name, spec]) => [name, asText(columnValue(record, spec, at), at, name)]));
    const row: Record<string, unknown> = {
      idx: 0,
      task_name: task.dataset,
      reference: columnValue(record, source.reference, at),
      embedding_input: asText(columnValue(record, source.embedding_input, at), at, 'embedding_input'),
    };
    if (templates.multiModel) row.multi_model_prompt = renderTemplate(templates.multiModel, fields);
    templates.multiPrompt?.forEach((t, i) => {
      row[`multi_prompt_${i}`] = renderTemplate(t, fields);
    });
    for (const column of source.keep ?? []) row[column] = valueAt(record, column, at);
    return parseWith(DatasetRowSchema, row, { ...at, rowLabel: 'row' });
  });
  return { rows: out, info: { task: task.dataset, sourceRows: rows.length, kept: out.length, clipped: size > rows.length } };
}

/** Builds both splits of a config (every task of a group, concatenated, `idx` renumbered per split). */
export async function buildDataset(config: DatasetConfig, options: MakeDatasetOptions = {}): Promise<Record<Split, BuiltSplit>> {
  const built: Record<Split, { rows: DatasetRow[]; tasks: BuiltSplit['tasks'][number][] }> = { train: { rows: [], tasks: [] }, test: { rows: [], tasks: [] } };
  const memo: SourceMemo = new Map();
  for (const task of config.tasks) {
    if (!task.source) throw new UserInputError('has no source: section (make-dataset needs one; see dataset_configs/README.md)', { file: task.path, field: 'source' });
    const templates = await loadTemplates(task, options.templatesDir ?? DEFAULT_PROMPT_TEMPLATES_DIR);
    for (const split of SPLITS) {
      const { rows, info } = await buildTaskSplit(task, task.source, split, templates, options, memo);
      built[split].rows.push(...rows);
      built[split].tasks.push(info);
    }
  }
  for (const split of SPLITS) built[split].rows.forEach((row, i) => (row.idx = i));
  return built;
}

export interface MakeDatasetResult {
  readonly files: Record<Split, string>;
  readonly skipped: boolean;
  readonly splits?: Record<Split, BuiltSplit>;
}

/** Writes `<data-dir>/<config stem>_{train,test}.jsonl` (atomically; existing files kept unless `redo`). */
export async function makeDataset(config: DatasetConfig, dirs: RunDirs, options: MakeDatasetOptions & { readonly redo?: boolean } = {}): Promise<MakeDatasetResult> {
  const files = { train: datasetSplitPath(dirs, config, 'train'), test: datasetSplitPath(dirs, config, 'test') };
  if (!options.redo && existsSync(files.train) && existsSync(files.test)) return { files, skipped: true };
  const splits = await buildDataset(config, options);
  for (const split of SPLITS) await writeJsonl(files[split], splits[split].rows);
  return { files, skipped: false, splits };
}
