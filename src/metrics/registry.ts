/**
 * Metric names → scoring functions, and the reference's task → metric table (spec §4). Smoothie's
 * pipeline per sample: `clean_generation` (all tasks but mix_instruct; references stay raw), then
 * the metric; a dataset's score is the mean over samples (`meanScore`).
 */
import { cleanGeneration } from '../data/clean.js';
import { UserInputError, InvalidParameterError } from '../errors/index.js';
import { definitionExtractionAcc, gsm8kAcc, gsm8kAccRobust, mixInstructRank, squadAcc, triviaQaAcc } from './accuracy.js';
import { rougeScores } from './rouge.js';

/** The reference shapes of the processed datasets (`reference` field, spec §2.2). */
export type Reference = string | readonly string[] | Readonly<Record<string, number>>;

/**
 * A scoring metric's name (see `scoreSample`, `metricForTask`).
 *
 * @example
 * ```ts
 * const name: MetricName = 'rougeL';
 * const score = scoreSample(name, 'A cat sat on the mat.', 'The cat sat.');
 * ```
 */
export type MetricName = 'rouge1' | 'rouge2' | 'rougeL' | 'squad_acc' | 'trivia_qa_acc' | 'definition_extraction_acc' | 'gsm8k_acc' | 'gsm8k_acc_robust' | 'mix_instruct_rank';

/**
 * A scoring metric: what `metricForTask` returns.
 *
 * @example
 * ```ts
 * const metric: Metric = metricForTask('squad');
 * const score = metric.score('Paris', 'Paris'); // metric.higherIsBetter says which way is better
 * ```
 */
export interface Metric {
  readonly name: MetricName;
  /** The metric on the generation as given (no cleaning); a reference of the wrong shape throws a UserInputError. */
  score(generation: string, reference: Reference): number;
  /** False for ranks (mix_instruct_rank: 1 = best). */
  readonly higherIsBetter: boolean;
  /** Whether Smoothie cleans generations (`clean_generation`) before this metric. */
  readonly cleanGenerations: boolean;
  readonly describe: string;
}

function shapeOf(value: unknown): string {
  if (typeof value === 'string') return 'a string';
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? 'a list of strings' : 'a list with non-string items';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function wrongShape(metric: MetricName, wanted: string, reference: unknown): UserInputError {
  return new UserInputError(`metric '${metric}' needs a reference that is ${wanted}, got ${shapeOf(reference)}`, { field: 'reference' });
}

function asString(metric: MetricName, reference: unknown): string {
  if (typeof reference !== 'string') throw wrongShape(metric, 'a string', reference);
  return reference;
}

function asStringList(metric: MetricName, reference: unknown): readonly string[] {
  if (!Array.isArray(reference) || !reference.every((r) => typeof r === 'string')) {
    throw wrongShape(metric, 'a list of strings', reference);
  }
  return reference;
}

/** A string, or a non-empty list (score_multi raises ValueError on an empty one). */
function asRougeReference(metric: MetricName, reference: unknown): string | readonly string[] {
  if (typeof reference === 'string') return reference;
  const list = asStringList(metric, reference);
  if (list.length === 0) throw new UserInputError(`metric '${metric}' needs at least one reference, got an empty list`, { field: 'reference' });
  return list;
}

function asRanks(metric: MetricName, reference: unknown): Readonly<Record<string, number>> {
  if (typeof reference !== 'object' || reference === null || Array.isArray(reference) || !Object.values(reference).every((v) => typeof v === 'number')) {
    throw wrongShape(metric, 'an object mapping each generation to its rank', reference);
  }
  return reference as Readonly<Record<string, number>>;
}

/** HF evaluate's rouge as Smoothie calls it: no stemmer, per-sample F-measure, best reference of a list. */
function rougeMetric(name: 'rouge1' | 'rouge2' | 'rougeL', what: string): Metric {
  return {
    name,
    score: (generation, reference) => rougeScores(generation, asRougeReference(name, reference), { stem: false, types: [name] })[name].fmeasure,
    higherIsBetter: true,
    cleanGenerations: true,
    describe: `${what} F-measure (rouge_score 0.1.2, no stemming; a list of references keeps the best)`,
  };
}

function stringMetric(name: MetricName, fn: (generation: string, reference: string) => number, describe: string): Metric {
  return { name, score: (g, r) => fn(g, asString(name, r)), higherIsBetter: true, cleanGenerations: true, describe };
}

export const METRICS: Readonly<Record<MetricName, Metric>> = Object.freeze({
  rouge1: rougeMetric('rouge1', 'ROUGE-1 (unigram)'),
  rouge2: rougeMetric('rouge2', 'ROUGE-2 (bigram)'),
  rougeL: rougeMetric('rougeL', 'ROUGE-L (longest common subsequence)'),
  squad_acc: stringMetric('squad_acc', squadAcc, '1 if the lowercased reference is a substring of the lowercased generation'),
  trivia_qa_acc: {
    name: 'trivia_qa_acc',
    score: (g, r) => triviaQaAcc(g, asStringList('trivia_qa_acc', r)),
    higherIsBetter: true,
    cleanGenerations: true,
    describe: '1 if any lowercased alias is a substring of the lowercased generation',
  },
  definition_extraction_acc: stringMetric('definition_extraction_acc', definitionExtractionAcc, 'same rule as squad_acc'),
  gsm8k_acc: stringMetric('gsm8k_acc', gsm8kAcc, `1 if the reference number is in the first "."-piece containing "the answer is" (commas removed)`),
  gsm8k_acc_robust: stringMetric('gsm8k_acc_robust', gsm8kAccRobust, 'not the paper\'s metric: gsm8k_acc, or without "the answer is" the last number equal to the reference'),
  mix_instruct_rank: {
    name: 'mix_instruct_rank',
    score: (g, r) => mixInstructRank(g, asRanks('mix_instruct_rank', r)),
    higherIsBetter: false,
    cleanGenerations: false,
    describe: "rank of the generation among the sample's candidates (1 = best; the mean is a mean rank)",
  },
});

/** Task (the processed rows' `task_name`) → the metric Smoothie scores it with. */
export const TASK_METRICS: Readonly<Record<string, MetricName>> = Object.freeze({
  cnn_dailymail: 'rouge2',
  e2e_nlg: 'rouge2',
  web_nlg: 'rouge2',
  xsum: 'rouge2',
  squad: 'squad_acc',
  trivia_qa: 'trivia_qa_acc',
  definition_extraction: 'definition_extraction_acc',
  gsm8k: 'gsm8k_acc',
  mix_instruct: 'mix_instruct_rank',
  // Our shipped demo: its reference is the answer string.
  demo: 'squad_acc',
});

function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(METRICS, name);
}

/** The metric called `name`; an unknown name is a UserInputError listing the valid ones. */
export function metricByName(name: string): Metric {
  if (!isMetricName(name)) {
    throw new InvalidParameterError('taskMetric', `unknown metric '${name}'; valid metrics: ${Object.keys(METRICS).join(', ')}`);
  }
  return METRICS[name];
}

/**
 * The metric for `task`, or `override` (a metric name, which then works for any task).
 *
 * @example
 * ```ts
 * const metric = metricForTask('squad'); // the paper's metric for the task
 * metric.name;
 * ```
 */
export function metricForTask(task: string, override?: string): Metric {
  if (override !== undefined) return metricByName(override);
  if (!Object.hasOwn(TASK_METRICS, task)) {
    throw new UserInputError(`no metric known for task '${task}'; known tasks: ${Object.keys(TASK_METRICS).join(', ')} (or name a metric: ${Object.keys(METRICS).join(', ')})`, { field: 'task' });
  }
  return METRICS[TASK_METRICS[task]];
}

/**
 * One sample as Smoothie scores it: `clean_generation` first when the metric calls for it, then the metric.
 *
 * @example
 * ```ts
 * scoreSample('squad_acc', 'It is Paris.', 'Paris'); // 1: the reference is in the generation
 * ```
 */
export function scoreSample(metricName: string, generation: string, reference: Reference): number {
  const metric = metricByName(metricName);
  return metric.score(metric.cleanGenerations ? cleanGeneration(generation) : generation, reference);
}

/**
 * The dataset score: the plain mean of per-sample scores, as `np.mean` (NaN for no samples, as
 * np.mean gives). Summed left to right: np.mean's pairwise summation can differ in the last bits
 * for non-integer scores (ROUGE), never for 0/1 accuracies or integer ranks.
 *
 * @example
 * ```ts
 * meanScore([1, 0, 1, 1]); // 0.75
 * ```
 */
export function meanScore(scores: readonly number[]): number {
  let sum = 0;
  for (const s of scores) sum += s;
  return sum / scores.length;
}
