/**
 * Baselines that use labels (spec §3): Best-on-Val ("labeled oracle") and a labelled kNN router.
 *
 * Both draw, per trial, `sampleSize` train indices WITH replacement (the reference's
 * `np.random.choice(n_train, 50)`) and score every voter's train generation on them with the row's
 * task metric (`scoreSample`: cleaning as the metric calls for; the metric's direction respected,
 * so for a rank metric the lowest mean wins).
 *
 * labeled-knn DIFFERS FROM THE REFERENCE on purpose: the reference fits NearestNeighbors on the
 * sampled train inputs but never uses the neighbour indices (every test sample gets a random voter
 * among those tied for the best overall train score, i.e. Best-on-Val with random tie-breaking).
 * Ours does what it evidently meant: each test sample goes to the voter with the best mean score
 * over its k nearest drawn train rows (k capped at the number of distinct drawn rows, which form
 * the reference set), ties broken by the seeded Rng.
 *
 * Every trial's train draw is made before any tie-breaking, so with one model group and the same
 * seed, labeled-oracle and labeled-knn see the same train rows in every trial.
 */
import type { Backend } from '../compute/backend.js';
import { NeighbourIndex } from '../compute/neighbour-index.js';
import { ndarray, type NdArray } from '../compute/ndarray.js';
import type { Rng } from '../compute/rng.js';
import type { CandidateTable } from '../data/candidates.js';
import type { DatasetRow } from '../data/schemas.js';
import { selectionOf, type TrialSelections } from '../data/selection.js';
import type { Embedder } from '../embed/types.js';
import { InvalidParameterError, UserInputError } from '../errors/index.js';
import { metricByName, metricForTask, scoreSample, type Metric, type Reference } from '../metrics/registry.js';

/** A split's rows and candidates; `file` (the split's jsonl) is named in errors. */
export interface LabeledSplit {
  readonly rows: readonly DatasetRow[];
  readonly table: CandidateTable;
  readonly file?: string;
}

export interface LabeledOptions {
  /** @default 10 */
  readonly trials?: number;
  /** Train rows drawn (with replacement) per trial. @default 50 */
  readonly sampleSize?: number;
  readonly rng: Rng;
  /** A metric name for every row instead of each row's task metric. */
  readonly metric?: string;
}

function positiveInt(value: number, option: 'trials' | 'sampleSize' | 'k'): number {
  if (!Number.isInteger(value) || value < 1) throw new InvalidParameterError(option, `must be a positive integer, got ${value}`);
  return value;
}

/** `trials` draws of `sampleSize` indices in [0, nTrain), with replacement. */
export function drawTrainSamples(nTrain: number, sampleSize: number, trials: number, rng: Rng): number[][] {
  return Array.from({ length: trials }, () => Array.from({ length: sampleSize }, () => rng.int(nTrain)));
}

function withLocation(e: unknown, file: string | undefined, row: number, idx: number): never {
  if (UserInputError.isUserInputError(e)) {
    // Re-raise with the train row's location; the message keeps the metric's explanation.
    throw new UserInputError(`train row idx ${idx}: ${e.message}`, { file, row, rowLabel: 'row', field: e.field ?? 'reference' });
  }
  throw e;
}

/**
 * Per-voter train scores, computed on demand and cached. `utility` is the score oriented so that
 * higher is better (a lower-is-better metric's score negated), which is what the baselines compare.
 */
export class TrainScores {
  private readonly raw = new Map<number, Float64Array>();
  private readonly util = new Map<number, Float64Array>();
  private readonly metrics = new Map<string, Metric>();

  constructor(
    readonly train: LabeledSplit,
    private readonly metricOverride?: string,
  ) {
    if (train.rows.length === 0) throw new UserInputError('the train split has no rows', { file: train.file });
    if (train.table.texts.length !== train.rows.length) {
      throw new Error(`TrainScores: ${train.table.texts.length} candidate rows for ${train.rows.length} train rows`);
    }
  }

  get nVoters(): number {
    return this.train.table.voters.length;
  }

  private metricOf(i: number): Metric {
    const row = this.train.rows[i];
    const key = this.metricOverride ?? row.task_name;
    let metric = this.metrics.get(key);
    if (!metric) {
      try {
        metric = this.metricOverride !== undefined ? metricByName(this.metricOverride) : metricForTask(row.task_name);
      } catch (e) {
        return withLocation(e, this.train.file, i, row.idx);
      }
      this.metrics.set(key, metric);
    }
    return metric;
  }

  /** Raw metric scores of every voter's train generation for row i. */
  scores(i: number): Float64Array {
    let s = this.raw.get(i);
    if (s) return s;
    const row = this.train.rows[i];
    if (row.reference === undefined) {
      throw new UserInputError(`train row idx ${row.idx} has no reference; the labelled baselines need the train split's references`, {
        file: this.train.file,
        row: i,
        rowLabel: 'row',
        field: 'reference',
      });
    }
    const metric = this.metricOf(i);
    const texts = this.train.table.texts[i];
    s = new Float64Array(texts.length);
    try {
      for (let v = 0; v < texts.length; v++) s[v] = scoreSample(metric.name, texts[v], row.reference as Reference);
    } catch (e) {
      withLocation(e, this.train.file, i, row.idx);
    }
    this.raw.set(i, s);
    return s;
  }

  /** Scores oriented so that higher is better. */
  utility(i: number): Float64Array {
    let u = this.util.get(i);
    if (u) return u;
    const s = this.scores(i);
    u = this.metricOf(i).higherIsBetter ? s : s.map((x) => -x);
    this.util.set(i, u);
    return u;
  }
}

/** Index of the first maximum. */
function argmaxFirst(values: ArrayLike<number>): number {
  let best = 0;
  for (let v = 1; v < values.length; v++) if (values[v] > values[best]) best = v;
  return best;
}

function checkVoters(train: LabeledSplit, test: CandidateTable): void {
  const a = train.table.voters;
  const b = test.voters;
  if (a.length !== b.length || a.some((v, i) => v !== b[i])) {
    throw new UserInputError(`train voters [${a.join(', ')}] differ from test voters [${b.join(', ')}]`, { file: train.file });
  }
}

/** trials[t]: the trial's best voter for every test sample. */
export interface LabeledOracleResult extends TrialSelections {
  readonly bestVoterPerTrial: number[];
  /** Per trial, each voter's mean raw score over the drawn train rows. */
  readonly trainMeanScores: number[][];
  readonly draws: number[][];
}

/** Best-on-Val: per trial, the voter best on the drawn train rows (first on ties) gets the whole test set. */
export function labeledOracle(train: LabeledSplit, test: CandidateTable, options: LabeledOptions): LabeledOracleResult {
  const trials = positiveInt(options.trials ?? 10, 'trials');
  const sampleSize = positiveInt(options.sampleSize ?? 50, 'sampleSize');
  checkVoters(train, test);
  const scores = new TrainScores(train, options.metric);
  const m = scores.nVoters;
  const draws = drawTrainSamples(train.rows.length, sampleSize, trials, options.rng);
  const bestVoterPerTrial: number[] = [];
  const trainMeanScores: number[][] = [];
  for (const draw of draws) {
    const util = new Float64Array(m);
    const raw = new Float64Array(m);
    for (const i of draw) {
      const u = scores.utility(i);
      const s = scores.scores(i);
      for (let v = 0; v < m; v++) {
        util[v] += u[v];
        raw[v] += s[v];
      }
    }
    bestVoterPerTrial.push(argmaxFirst(util));
    trainMeanScores.push(Array.from(raw, (x) => x / draw.length));
  }
  return {
    trials: bestVoterPerTrial.map((v) =>
      selectionOf(
        test.texts.map(() => v),
        m,
      ),
    ),
    bestVoterPerTrial,
    trainMeanScores,
    draws,
  };
}

export interface LabeledKnnOptions extends LabeledOptions {
  /** Neighbours per test sample (capped at the distinct drawn train rows). @default 20 */
  readonly k?: number;
  /** Embeds `embedding_input` of train and test rows. */
  readonly embedder: Embedder;
  /** tfjs backend for the exact neighbour search. @default the `auto` backend */
  readonly backend?: Backend;
}

/** trials[t].selected[s]: the voter with the best mean score over sample s's nearest drawn train rows in trial t. */
export interface LabeledKnnResult extends TrialSelections {
  readonly draws: number[][];
  /** The k used in each trial (k capped at that trial's distinct drawn rows). */
  readonly kPerTrial: number[];
}

function gatherRows(matrix: NdArray, rows: readonly number[]): NdArray<Float32Array> {
  const d = matrix.shape[1];
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, j) => out.set(matrix.data.subarray(r * d, (r + 1) * d), j * d));
  return ndarray(out, [rows.length, d]);
}

/** Per test sample, the voter with the best mean score over its k nearest drawn train rows. */
export async function labeledKnn(train: LabeledSplit, test: LabeledSplit, options: LabeledKnnOptions): Promise<LabeledKnnResult> {
  const trials = positiveInt(options.trials ?? 10, 'trials');
  const sampleSize = positiveInt(options.sampleSize ?? 50, 'sampleSize');
  const k = positiveInt(options.k ?? 20, 'k');
  checkVoters(train, test.table);
  if (test.rows.length !== test.table.texts.length) {
    throw new Error(`labeledKnn: ${test.table.texts.length} candidate rows for ${test.rows.length} test rows`);
  }
  const scores = new TrainScores(train, options.metric);
  const m = scores.nVoters;
  const rng = options.rng;
  // All draws first: the train rows match labeledOracle's for the same seed.
  const draws = drawTrainSamples(train.rows.length, sampleSize, trials, rng);
  const distinctPerTrial = draws.map((d) => [...new Set(d)].sort((a, b) => a - b));
  const union = [...new Set(distinctPerTrial.flat())].sort((a, b) => a - b);
  // Scores first: a missing reference fails before any embedding work.
  for (const i of union) scores.utility(i);
  const position = new Map(union.map((r, j) => [r, j]));
  const trainEmb = await options.embedder.embed(union.map((i) => train.rows[i].embedding_input));
  const testEmb = await options.embedder.embed(test.rows.map((r) => r.embedding_input));
  const n = test.rows.length;
  const chosen: TrialSelections['trials'][number][] = [];
  const kPerTrial: number[] = [];
  for (const distinct of distinctPerTrial) {
    const kk = Math.min(k, distinct.length);
    kPerTrial.push(kk);
    const reference = gatherRows(
      trainEmb,
      distinct.map((r) => position.get(r) as number),
    );
    const nb = await NeighbourIndex.fromMatrix(reference, { exactBelow: Number.POSITIVE_INFINITY }).searchBatch(testEmb, kk, { backend: options.backend });
    const utils = distinct.map((r) => scores.utility(r));
    const trial: number[] = new Array<number>(n);
    const sums = new Float64Array(m);
    for (let q = 0; q < n; q++) {
      sums.fill(0);
      for (let j = 0; j < kk; j++) {
        const u = utils[nb.indices[q * kk + j]];
        for (let v = 0; v < m; v++) sums[v] += u[v];
      }
      let best = -Infinity;
      let tied: number[] = [];
      for (let v = 0; v < m; v++) {
        if (sums[v] > best) {
          best = sums[v];
          tied = [v];
        } else if (sums[v] === best) tied.push(v);
      }
      trial[q] = tied.length === 1 ? tied[0] : rng.choice(tied);
    }
    chosen.push(selectionOf(trial, m));
  }
  return { trials: chosen, draws, kPerTrial };
}
