/**
 * Labelled evaluation of every method in a method folder (the reference's `src/evaluate/evaluate.py`,
 * spec §4): each `*_test.json` method file, each individual voter, and for context the per-sample
 * oracle (best voter per sample) and the best single voter. Every row is scored with its own
 * `task_name`'s metric; a dataset score is the plain mean over samples (multi-task: over all rows,
 * so tasks weigh by their sample counts).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetConfig } from '../data/config.js';
import { readJsonFile } from '../data/json.js';
import { datasetSplitPath, methodDir, type RunDirs, type VoterMode } from '../data/paths.js';
import { SelectionFileSchema, TrialSelectionFileSchema, type DatasetRow } from '../data/schemas.js';
import { loadSplitData } from '../data/split.js';
import { parseWith } from '../data/validate.js';
import { UserInputError } from '../errors/index.js';
import { meanScore, metricForTask, type Metric, type Reference } from '../metrics/registry.js';
import { evaluateSelections, perTaskMeans, populationStd, type ChosenTexts } from './evaluate-selections.js';

export { populationStd };

/** Where a method's score goes in the reference's scores.json. */
export type MethodCategory = 'smoothie' | 'ensemble' | 'top';

/** Methods the reference reports at the top level of scores.json rather than under "ensemble". */
const TOP_LEVEL_METHODS = new Set(['pick_random', 'labeled_oracle', 'labeled_knn', 'pair_rm']);

/** Our own outputs in the method folder, never method files. */
const OWN_FILES = new Set(['scores.json', 'sample_scores.json']);

export interface TaskInfo {
  readonly task: string;
  readonly metric: string;
  readonly higherIsBetter: boolean;
  /** Rows of this task in the test split. */
  readonly n: number;
}

export interface ScoredEntry {
  readonly name: string;
  /** Mean over all samples (trial methods: mean of the per-trial means). */
  readonly mean: number;
  /** Per task (same averaging), keyed by task name. */
  readonly perTask: Readonly<Record<string, number>>;
}

export interface VoterScore extends ScoredEntry {
  /** Per-sample scores in row order. */
  readonly sampleScores: readonly number[];
}

export interface MethodScore extends ScoredEntry {
  /** File name in the method folder. */
  readonly file: string;
  readonly category: MethodCategory;
  readonly kind: 'selection' | 'trials';
  /** Selection files: per-sample scores in row order; trial files: undefined. */
  readonly sampleScores?: readonly number[];
  /** Trial files: each trial's mean over samples. */
  readonly trialMeans?: readonly number[];
  /** Trial files: population standard deviation (ddof 0, as np.std) of the trial means. */
  readonly std?: number;
}

export interface OracleScore extends ScoredEntry {
  readonly sampleScores: readonly number[];
  /** The voter index the oracle picks per sample (the first best one). */
  readonly choices: readonly number[];
}

export interface EvaluationProblem {
  readonly file: string;
  readonly reason: string;
}

export interface EvaluationResult {
  /** The method folder that was scanned. */
  readonly dir: string;
  readonly mode: VoterMode;
  readonly isGroup: boolean;
  readonly n: number;
  /** Tasks in first-appearance order in the test split. */
  readonly tasks: readonly TaskInfo[];
  /** Single task: its metric name; multi-task: the metric names joined by '+'. */
  readonly metric: string;
  /** Whether a higher mean is better (false only when every task's metric is a rank). */
  readonly higherIsBetter: boolean;
  readonly voters: readonly VoterScore[];
  /** Methods in file-name order. */
  readonly methods: readonly MethodScore[];
  readonly oracle: OracleScore;
  readonly bestVoter: VoterScore;
  /** Method files skipped (unreadable, invalid, of the wrong length, or a name that is no test-split method output). */
  readonly problems: readonly EvaluationProblem[];
  /** Accepted but suspicious input (empty generations, a model twice in the group). */
  readonly warnings: readonly string[];
}

export interface EvaluateOptions {
  readonly config: DatasetConfig;
  readonly mode: VoterMode;
  readonly dirs: RunDirs;
  /** A metric name for every row instead of each row's task metric. */
  readonly metric?: string;
}

/**
 * The method name the reference derives from a method file name (`<method>_test.json` → `<method>`),
 * or undefined for files that are not method outputs: our own scores files, multi-prompt's
 * `individual_*` generations, anything not JSON. Other JSON files are method files: a name this
 * does not recognise is reported by {@link skippedReason}, never dropped silently.
 */
export function methodNameFromFile(file: string): string | undefined {
  if (OWN_FILES.has(file) || !file.endsWith('_test.json')) return undefined;
  const stem = file.slice(0, -'.json'.length);
  // `_train` as a split suffix (`x_train_test.json`), not the `train_time` regime of Smoothie's names.
  if (/_train(_(?!time_)|$)/.test(`${stem.slice(0, -'_test'.length)}_`)) return undefined;
  if (stem.includes('_gens_') && !stem.includes('smoothie')) return undefined;
  if (stem.startsWith('individual_')) return undefined;
  const name = stem.slice(0, stem.lastIndexOf('_'));
  return name === '' ? undefined : name;
}

/**
 * Why a `*_test.json` file in the method folder is not scored (reported under problems), or undefined
 * when it is scored or is no test-split method output at all (scores files, `individual_*`, train files).
 */
export function skippedReason(file: string): string | undefined {
  if (OWN_FILES.has(file) || file.startsWith('individual_') || !file.endsWith('_test.json') || file.startsWith('.')) return undefined;
  if (methodNameFromFile(file) !== undefined) return undefined;
  const stem = file.slice(0, -'_test.json'.length);
  if (`${stem}_`.includes('_gens_')) return 'not scored: several generations per sample (a _gens_ file), as the reference';
  return 'not scored: the name marks a train-split file (<method>_train_test.json)';
}

export function methodCategory(name: string): MethodCategory {
  if (name.startsWith('smoothie')) return 'smoothie';
  if (TOP_LEVEL_METHODS.has(name)) return 'top';
  return 'ensemble';
}

/** Per-row scoring context: each row's metric and reference, checked once. */
interface RowScorer {
  readonly metrics: readonly Metric[];
  readonly references: readonly Reference[];
  readonly taskOf: readonly string[];
  readonly tasks: readonly TaskInfo[];
}

function rowScorer(rows: readonly DatasetRow[], file: string, metricOverride?: string): RowScorer {
  const byTask = new Map<string, { metric: Metric; n: number }>();
  const metrics: Metric[] = [];
  const references: Reference[] = [];
  rows.forEach((row, i) => {
    if (row.reference === undefined) {
      throw new UserInputError('has no reference: evaluation needs a labelled test split', { file, row: i, rowLabel: 'row', field: 'reference' });
    }
    let entry = byTask.get(row.task_name);
    if (!entry) {
      let metric: Metric;
      try {
        metric = metricForTask(row.task_name, metricOverride);
      } catch (e) {
        if (UserInputError.isUserInputError(e)) {
          throw metricOverride === undefined ? new UserInputError(e.message, { file, row: i, rowLabel: 'row', field: 'task_name' }) : e;
        }
        throw e;
      }
      entry = { metric, n: 0 };
      byTask.set(row.task_name, entry);
    }
    entry.n++;
    metrics.push(entry.metric);
    references.push(row.reference);
  });
  const tasks = [...byTask].map(([task, { metric, n }]) => ({ task, metric: metric.name, higherIsBetter: metric.higherIsBetter, n }));
  return { metrics, references, taskOf: rows.map((r) => r.task_name), tasks };
}

/** `evaluateSelections` over the test split's rows. */
function scoreAll(scorer: RowScorer, selections: readonly ChosenTexts[]) {
  return evaluateSelections(selections, scorer.references, scorer.metrics, { tasks: scorer.taskOf });
}

const better =
  (higher: boolean) =>
  (a: number, b: number): boolean =>
    higher ? a > b : a < b;

type ParsedMethodFile = { kind: 'selection'; generations: string[] } | { kind: 'trials'; generations: string[][] };

async function readMethodFile(file: string, n: number): Promise<ParsedMethodFile> {
  const raw = await readJsonFile(file);
  const first = (raw as { generations?: unknown[] } | null)?.generations?.[0];
  if (Array.isArray(first)) {
    const { generations } = parseWith(TrialSelectionFileSchema, raw, { file });
    generations.forEach((trial, t) => {
      if (trial.length !== n) throw new UserInputError(`trial ${t} has ${trial.length} generations but the dataset has ${n} rows`, { file, field: 'generations' });
    });
    return { kind: 'trials', generations };
  }
  const { generations } = parseWith(SelectionFileSchema, raw, { file });
  if (generations.length !== n) throw new UserInputError(`has ${generations.length} generations but the dataset has ${n} rows`, { file, field: 'generations' });
  return { kind: 'selection', generations };
}

/** Scores every method file, every voter, the oracle and the best single voter of one method folder. */
export async function evaluateMethods(options: EvaluateOptions): Promise<EvaluationResult> {
  const { config, mode, dirs } = options;
  const { rows, table, warnings } = await loadSplitData(config, mode, dirs, 'test');
  const testFile = datasetSplitPath(dirs, config, 'test');
  const scorer = rowScorer(rows, testFile, options.metric);
  const n = rows.length;
  const higherIsBetter = scorer.tasks.length === 0 || scorer.tasks.some((t) => t.higherIsBetter);
  const isBetter = better(higherIsBetter);

  // Each voter is the selection of its own generation for every row.
  const voterSelections = table.voters.map((name, v): ChosenTexts => ({ name, kind: 'selection', generations: table.texts.map((row) => row[v]), file: testFile }));
  const voters: VoterScore[] = scoreAll(scorer, voterSelections).map((v) => ({ name: v.name, mean: v.mean, perTask: v.perTask, sampleScores: v.sampleScores as readonly number[] }));

  const oracleScores: number[] = [];
  const choices: number[] = [];
  for (let s = 0; s < n; s++) {
    const up = scorer.metrics[s].higherIsBetter;
    let best = 0;
    for (let v = 1; v < voters.length; v++) if (better(up)(voters[v].sampleScores[s], voters[best].sampleScores[s])) best = v;
    choices.push(best);
    oracleScores.push(voters[best].sampleScores[s]);
  }
  const oracle: OracleScore = { name: 'oracle', mean: meanScore(oracleScores), perTask: perTaskMeans(oracleScores, scorer.taskOf), sampleScores: oracleScores, choices };
  const bestVoter = voters.reduce((b, v) => (isBetter(v.mean, b.mean) ? v : b));

  const dir = methodDir(dirs, config, mode);
  let entries: string[] = [];
  try {
    entries = (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isFile())
      .map((d) => d.name)
      .sort();
  } catch {
    entries = [];
  }
  const methods: MethodScore[] = [];
  const problems: EvaluationProblem[] = [];
  for (const file of entries) {
    const name = methodNameFromFile(file);
    if (name === undefined) {
      const reason = skippedReason(file);
      if (reason !== undefined) problems.push({ file, reason });
      continue;
    }
    const full = path.join(dir, file);
    let parsed: ParsedMethodFile;
    try {
      parsed = await readMethodFile(full, n);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      problems.push({ file, reason: msg.startsWith(`${full}: `) ? msg.slice(full.length + 2) : msg });
      continue;
    }
    const [scored] = scoreAll(scorer, [{ name, file: full, ...parsed }]);
    methods.push({ ...scored, file, category: methodCategory(name) });
  }
  return {
    dir,
    mode,
    isGroup: config.isGroup,
    n,
    tasks: scorer.tasks,
    metric: [...new Set(scorer.tasks.map((t) => t.metric))].join('+'),
    higherIsBetter,
    voters,
    methods,
    oracle,
    bestVoter,
    problems,
    warnings,
  };
}
