/**
 * `smoothie run` as a library call: dataset config → dataset split(s) and generation files →
 * embeddings (or precomputed .npy) → Smoothie → the reference's output file in the method folder.
 */
import { existsSync } from 'node:fs';
import type { Backend } from '../compute/backend.js';
import { resolveKnnMethod, type Neighbours } from '../compute/knn.js';
import type { NdArray } from '../compute/ndarray.js';
import type { DatasetConfig } from '../data/config.js';
import { loadSplitData } from '../data/split.js';
import { writeFileAtomic } from '../data/atomic.js';
import { changedSettings, selectionFile, writeSelectionFile, type ScoredSelection } from '../data/selection.js';
import { methodDir, smoothieFileName, type RunDirs, type VoterMode } from '../data/paths.js';
import { UserInputError, InvalidParameterError } from '../errors/index.js';
import { embedSplit, loadPrecomputedEmbeddings } from '../embed/samples.js';
import type { Embedder } from '../embed/types.js';
import { parseSmoothieOptions, Smoothie, type SmoothieOptions } from './estimator.js';
import { voterCountWarnings } from './weights.js';
import { summariseSelection, summaryHeatmap, type SelectionSummary } from './summary.js';

/** Learn the weights from the test generations, or from train neighbours. */
export const REGIMES = ['test_time', 'train_time'] as const;
export type Regime = (typeof REGIMES)[number];

/** The run's files and settings, and Smoothie's hyperparameters (`SmoothieOptions`, declared once by its schema). */
export interface SmoothieRunOptions extends SmoothieOptions {
  readonly config: DatasetConfig;
  readonly mode: VoterMode;
  readonly dirs: RunDirs;
  /** @default 'test_time' */
  readonly regime?: Regime;
  /** Overwrite an existing output (otherwise the run is skipped, as the reference does). */
  readonly redo?: boolean;
  /** Embeds inputs and generations; not needed with precomputed embeddings. */
  readonly embedder?: Embedder;
  readonly backend?: Backend;
  /** Precomputed test-split embeddings: X (n × d) and G (n × m × d). */
  readonly precomputed?: { readonly inputs?: string; readonly generations: string };
  readonly onProgress?: (event: { stage: string; done: number; total: number }) => void;
}

export interface SmoothieRunResult {
  readonly outputFile: string;
  readonly skipped: boolean;
  readonly voters: readonly string[];
  readonly n: number;
  readonly embedder: { readonly id: string; readonly version: string };
  readonly backend?: string;
  /** What searched the neighbours (`onnxruntime`, `tfjs-<backend>`, `hnswlib`); null without a search (k = 1). */
  readonly compute?: string | null;
  readonly knn?: 'exact' | 'hnsw';
  /** kNN + weights, excluding loading and embedding. */
  readonly fitSeconds: number;
  readonly embedSeconds: number;
  readonly summary?: SelectionSummary;
  /** SVG heatmap of the summary, beside the output file. */
  readonly plotFile?: string;
  /** Things the user should know (e.g. undefined weights with two voters). */
  readonly warnings: readonly string[];
  /** The output existed with other recorded settings and was rewritten: what changed. */
  readonly replaced?: string;
}

export function outputFileFor(opts: SmoothieRunOptions, embedderName: string): string {
  return `${methodDir(opts.dirs, opts.config, opts.mode)}/${smoothieFileName({
    type: opts.type,
    regime: opts.regime ?? 'test_time',
    k: opts.k,
    embedder: embedderName,
  })}`;
}

export async function runSmoothie(opts: SmoothieRunOptions): Promise<SmoothieRunResult> {
  const regime = opts.regime ?? 'test_time';
  if (opts.precomputed && regime !== 'test_time') {
    throw new InvalidParameterError('regime', 'precomputed embeddings are only supported for regime test_time');
  }
  const embedderInfo = opts.precomputed ? { id: 'precomputed', version: opts.precomputed.generations } : { id: opts.embedder?.id ?? 'none', version: opts.embedder?.version ?? '' };
  const outputFile = outputFileFor(opts, embedderInfo.id);
  const test = await loadSplitData(opts.config, opts.mode, opts.dirs, 'test');
  const n = test.rows.length;
  const m = test.table.voters.length;
  const hyper = { type: opts.type, k: opts.type === 'sample_dependent' ? opts.k : undefined, robust: opts.robust, knn: opts.knn, metric: opts.metric, seed: opts.seed };
  parseSmoothieOptions(hyper);
  const train = regime === 'train_time' ? await loadSplitData(opts.config, opts.mode, opts.dirs, 'train') : undefined;
  const params = parseSmoothieOptions(hyper, train ? train.rows.length : n, `samples of the ${train ? 'train' : 'test'} split`);
  const warnings = [...new Set([...test.warnings, ...(train?.warnings ?? [])])];
  if (opts.type === 'sample_independent' && opts.k !== undefined) {
    warnings.push(`--k ${opts.k} is ignored: sample_independent fits one weight vector on all samples (use --type sample_dependent for neighbourhoods)`);
  }
  // The file name carries type, regime, k and embedder; what else changes the result is compared with the recorded meta.
  let replaced: string | undefined;
  if (!opts.redo && existsSync(outputFile)) {
    replaced = await changedSettings(outputFile, {
      robust: params.robust,
      metric: params.metric,
      seed: params.seed,
      embedder: embedderInfo,
    });
    if (replaced === undefined) {
      return { outputFile, skipped: true, voters: test.table.voters, n, embedder: embedderInfo, fitSeconds: 0, embedSeconds: 0, warnings };
    }
  }

  const estimator = new Smoothie(params);
  const knnProgress = (done: number, total: number): void => opts.onProgress?.({ stage: 'neighbours', done, total });
  const te = performance.now();
  let weights: NdArray<Float64Array>;
  let selection: ScoredSelection;
  let fitSeconds: number;
  let embedSeconds: number;
  let referenceRows: number;
  let neighbours: Neighbours | undefined;
  if (regime === 'test_time') {
    const emb = opts.precomputed
      ? await loadPrecomputedEmbeddings(opts.precomputed.inputs, opts.precomputed.generations, { n, m })
      : await embedSplit(test, requireEmbedder(opts), { clean: opts.config.cleanGenerations, stage: 'test', onProgress: opts.onProgress });
    if (opts.type === 'sample_dependent' && (opts.k as number) > 1 && !emb.inputs) {
      throw new InvalidParameterError('inputEmbeddings', 'sample_dependent with k > 1 needs input embeddings');
    }
    embedSeconds = (performance.now() - te) / 1000;
    const fitted = await estimator.fit(emb, { backend: opts.backend, onProgress: knnProgress });
    fitSeconds = fitted.timings.knnSeconds + fitted.timings.weightSeconds;
    weights = fitted.weights;
    selection = fitted.selection;
    neighbours = fitted.neighbours;
    referenceRows = n;
  } else {
    if (!train) throw new Error('unreachable: train split loaded above');
    if (train.table.voters.length !== m) throw new UserInputError(`the train split has ${train.table.voters.length} voters, the test split ${m}`);
    const trainEmb = await embedSplit(train, requireEmbedder(opts), { clean: opts.config.cleanGenerations, stage: 'train', onProgress: opts.onProgress });
    const testInputs = await requireEmbedder(opts).embed(test.rows.map((r) => r.embedding_input));
    embedSeconds = (performance.now() - te) / 1000;
    const t0 = performance.now();
    const fitted = await estimator.fit({ generations: trainEmb.generations, inputs: opts.type === 'sample_dependent' ? trainEmb.inputs : undefined }, { backend: opts.backend });
    const predicted = await fitted.predict({ inputs: testInputs, n }, { backend: opts.backend, onProgress: knnProgress });
    fitSeconds = (performance.now() - t0) / 1000;
    weights = predicted.weights;
    selection = predicted.selection;
    neighbours = predicted.neighbours;
    referenceRows = train.rows.length;
  }

  const knn = opts.type === 'sample_dependent' && ((opts.k as number) > 1 || regime === 'train_time') ? resolveKnnMethod(params.knn, referenceRows) : undefined;
  const compute = neighbours?.compute ?? null;
  await writeSelectionFile(
    outputFile,
    selectionFile(
      selection,
      test.table,
      {
        method: 'smoothie',
        type: opts.type,
        regime,
        k: opts.type === 'sample_dependent' ? (opts.k ?? null) : null,
        robust: params.robust,
        metric: params.metric,
        knn: knn ?? null,
        seed: params.seed,
        embedder: embedderInfo,
        backend: opts.backend?.name ?? null,
        compute,
        dataset_config: opts.config.path,
        fit_seconds: fitSeconds,
      },
      { smoothieWeights: true },
    ),
  );
  const summary = summariseSelection(weights, selection.selected, test.table.voters, test.rows);
  const plotFile = outputFile.replace(/\.json$/, '.svg');
  await writeFileAtomic(plotFile, summaryHeatmap(summary, `Smoothie ${opts.type}${opts.type === 'sample_dependent' ? ` k=${opts.k}` : ''} (${regime}, ${embedderInfo.id}): ${opts.config.dataset}`));
  return {
    outputFile,
    skipped: false,
    voters: test.table.voters,
    n,
    embedder: embedderInfo,
    backend: opts.backend?.name,
    compute,
    knn,
    fitSeconds,
    embedSeconds,
    summary,
    plotFile,
    warnings: [...warnings, ...voterCountWarnings(m)],
    replaced,
  };
}

function requireEmbedder(opts: SmoothieRunOptions): Embedder {
  if (!opts.embedder) throw new InvalidParameterError('embedder', 'an embedder or precomputed embeddings are required');
  return opts.embedder;
}
