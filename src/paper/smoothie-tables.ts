/**
 * The Smoothie paper's tables, computed with our methods from the generations in a `smoothie_data`
 * folder: Smoothie (global, local, train-time) with our estimator and any embedder, pick-random,
 * Best-on-Val and labeled-kNN with our baselines, every score with our metrics. PairRM comes from the
 * stored `pair_rm_test.json` (scored by us). The reference's own method files in each method folder
 * are scored too and compared with its stored `scores.json` (metric parity on real data).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Backend } from '../compute/backend.js';
import type { NdArray } from '../compute/ndarray.js';
import { Rng, DEFAULT_SEED } from '../compute/rng.js';
import { loadDatasetConfig, type DatasetConfig } from '../data/config.js';
import { readJsonFile } from '../data/json.js';
import { datasetSplitPath, methodDir, type RunDirs, type VoterMode } from '../data/paths.js';
import { loadSplitData, type SplitData } from '../data/split.js';
import { trialChoices } from '../data/selection.js';
import { embedSplit } from '../embed/samples.js';
import type { Embedder } from '../embed/types.js';
import { evaluateMethods, type EvaluationResult } from '../evaluate/score-methods.js';
import { labeledKnn, labeledOracle } from '../baselines/labeled.js';
import { pickRandom } from '../baselines/pick-random.js';
import { populationStd } from '../evaluate/score-methods.js';
import { meanScore } from '../metrics/registry.js';
import { Smoothie } from '../smoothie/estimator.js';
import { barChartSvg, lineChartSvg, rankFrequencies } from './figures.js';
import { DATASETS_DIR, MULTI_MODEL_DIR, MULTI_PROMPT_DIR, shippedConfig } from './layout.js';
import {
  EMBEDDING_ABLATION_TABLE,
  NEIGHBOURHOOD_SIZES,
  NLG_COLUMNS,
  NLG_DATASETS,
  PAPER_GROUPS,
  PROMPT_MODELS,
  PROMPTING_TABLE,
  ROUTING_COLUMNS,
  ROUTING_DATASETS,
  ROUTING_TABLE,
  SELECTION_TABLE,
  TRAIN_TEST_ROUTING_TABLE,
  TRAIN_TEST_SELECTION_TABLE,
  datasetLabel,
  groupLabel,
  type PaperColumn,
  type PaperRow,
  type PublishedTable,
} from './published.js';
import { CellGrid, type ParityCheck, type PaperFigure, type PaperTableResult } from './result.js';

export interface PaperRunOptions {
  /** The `smoothie_data` folder (or a miniature with the same layout). */
  readonly dataDir: string;
  /** Embeds inputs and generations for our Smoothie rows (the paper's: all-mpnet-base-v2). */
  readonly embedder: Embedder;
  /** The embedding ablation's other embedder (the paper's: BGE-small). @default embedder */
  readonly ablationEmbedder?: Embedder;
  readonly backend?: Backend;
  /** Seed of pick-random, Best-on-Val and labeled-kNN. @default 42 */
  readonly seed?: number;
  /** Trials of the trial baselines. @default 10 */
  readonly trials?: number;
  readonly onProgress?: (stage: string) => void;
}

type Emb = { inputs: NdArray<Float32Array>; generations: NdArray<Float32Array> };

/** One method folder: a dataset with its voters (a model group, or one model's prompts). */
export class MethodFolder {
  private readonly embeddings = new Map<string, Promise<Emb>>();
  private trainData?: Promise<SplitData>;

  private constructor(
    readonly dataset: string,
    readonly mode: VoterMode,
    readonly config: DatasetConfig,
    readonly dirs: RunDirs,
    readonly dataDir: string,
    readonly test: SplitData,
    readonly evaluation: EvaluationResult,
  ) {}

  static async load(dataDir: string, dataset: string, mode: VoterMode): Promise<MethodFolder> {
    const config = await loadDatasetConfig(shippedConfig(dataset));
    const dirs: RunDirs = { dataDir: path.join(dataDir, DATASETS_DIR), resultsDir: path.join(dataDir, mode.kind === 'multi-model' ? MULTI_MODEL_DIR : MULTI_PROMPT_DIR) };
    const test = await loadSplitData(config, mode, dirs, 'test');
    const evaluation = await evaluateMethods({ config, mode, dirs });
    return new MethodFolder(dataset, mode, config, dirs, dataDir, test, evaluation);
  }

  get n(): number {
    return this.test.rows.length;
  }

  get label(): string {
    return `${datasetLabel(this.dataset)} ${groupLabel(this.mode.kind === 'multi-model' ? this.mode.group : this.mode.model)}`;
  }

  /** Per voter, per sample scores (our metrics). */
  get voterScores(): readonly (readonly number[])[] {
    return this.evaluation.voters.map((v) => v.sampleScores);
  }

  /** Mean score × 100 of a per-sample selection. */
  score(selected: ArrayLike<number>): number {
    let sum = 0;
    for (let s = 0; s < selected.length; s++) sum += this.evaluation.voters[selected[s]].sampleScores[s];
    return (100 * sum) / selected.length;
  }

  /** Mean and population std over trials, × 100. */
  trials(selected: readonly (readonly number[])[]): { value: number; std: number } {
    const means = selected.map((t) => this.score(t));
    return { value: meanScore(means), std: populationStd(means) };
  }

  meanVoter(): number {
    return 100 * meanScore(this.evaluation.voters.map((v) => v.mean));
  }

  bestVoter(): number {
    return 100 * this.evaluation.bestVoter.mean;
  }

  /** Whether a global selection (one voter) is the best single voter. */
  isBestVoter(voter: number): boolean {
    return this.evaluation.voters[voter].mean === this.evaluation.bestVoter.mean;
  }

  train(): Promise<SplitData> {
    this.trainData ??= loadSplitData(this.config, this.mode, this.dirs, 'train');
    return this.trainData;
  }

  private embed(embedder: Embedder, split: 'test' | 'train'): Promise<Emb> {
    const key = `${embedder.id}\u0000${split}`;
    let e = this.embeddings.get(key);
    if (!e) {
      e = (split === 'test' ? Promise.resolve(this.test) : this.train()).then((data) => embedSplit(data, embedder, { clean: this.config.cleanGenerations, stage: split }));
      this.embeddings.set(key, e);
    }
    return e;
  }

  async smoothieGlobal(embedder: Embedder, backend?: Backend): Promise<Int32Array> {
    const emb = await this.embed(embedder, 'test');
    return (await new Smoothie({ type: 'sample_independent' }).fit({ generations: emb.generations }, { backend })).selected;
  }

  async smoothieLocal(embedder: Embedder, k: number, backend?: Backend): Promise<Int32Array> {
    const emb = await this.embed(embedder, 'test');
    return (await new Smoothie({ type: 'sample_dependent', k, knn: 'exact' }).fit(emb, { backend })).selected;
  }

  /** Train-time Smoothie: weights from the train split's generations, applied to the test samples. */
  async smoothieTrainTime(embedder: Embedder, type: 'sample_independent' | 'sample_dependent', k: number, backend?: Backend): Promise<Int32Array> {
    const train = await this.embed(embedder, 'train');
    const test = await this.embed(embedder, 'test');
    const fitted = await new Smoothie({ type, k: type === 'sample_dependent' ? k : undefined, knn: 'exact' }).fit(
      { generations: train.generations, inputs: type === 'sample_dependent' ? train.inputs : undefined },
      { backend },
    );
    return (await fitted.predict({ inputs: test.inputs, n: this.n }, { backend })).selected;
  }

  async bestOnVal(rng: Rng, trials: number): Promise<number[][]> {
    const train = await this.train();
    return trialChoices(labeledOracle({ ...train, file: datasetSplitPath(this.dirs, this.config, 'train') }, this.test.table, { rng, trials }));
  }

  async labeledKnn(rng: Rng, trials: number, embedder: Embedder, backend?: Backend): Promise<number[][]> {
    const train = await this.train();
    return trialChoices(await labeledKnn({ ...train, file: datasetSplitPath(this.dirs, this.config, 'train') }, this.test, { rng, trials, embedder, backend }));
  }

  /** The stored PairRM predictions scored by us (× 100), when the folder has them. */
  pairRm(): number | undefined {
    const m = this.evaluation.methods.find((x) => x.name === 'pair_rm');
    return m ? 100 * m.mean : undefined;
  }

  get folder(): string {
    return path.relative(this.dataDir, methodDir(this.dirs, this.config, this.mode)) || '.';
  }

  /** Our scores of the reference's files in this folder against its scores.json, if it has one. */
  async parity(): Promise<ParityCheck | undefined> {
    const file = path.join(methodDir(this.dirs, this.config, this.mode), 'scores.json');
    if (!existsSync(file)) return undefined;
    const raw = (await readJsonFile(file)) as Record<string, unknown>;
    const block = (this.config.isGroup ? raw : raw[this.evaluation.metric]) as Record<string, unknown> | undefined;
    if (!block || typeof block !== 'object') return undefined;
    const ensemble = (block.ensemble ?? {}) as Record<string, unknown>;
    const smoothie = (block.smoothie ?? {}) as Record<string, unknown>;
    let compared = 0;
    let max = 0;
    let where = '';
    const check = (name: string, ours: number, theirs: unknown): void => {
      if (typeof theirs !== 'number' || !Number.isFinite(theirs)) return;
      compared++;
      const d = Math.abs(ours - theirs);
      if (compared === 1 || d > max) {
        max = d;
        where = name;
      }
    };
    for (const v of this.evaluation.voters) check(`ensemble.${v.name}`, v.mean, ensemble[v.name]);
    for (const m of this.evaluation.methods) {
      if (m.category === 'smoothie') check(`smoothie.${m.name}`, m.mean, smoothie[m.name]);
      else if (m.category === 'top') check(m.name, m.mean, block[m.name]);
      else check(`ensemble.${m.name}`, m.mean, ensemble[m.name]);
    }
    return compared === 0 ? undefined : { folder: this.folder, compared, maxAbsDiff: max, where };
  }
}

/** Loads each method folder once per table run. */
class Folders {
  private readonly cache = new Map<string, Promise<MethodFolder>>();
  constructor(private readonly dataDir: string) {}
  get(dataset: string, mode: VoterMode): Promise<MethodFolder> {
    const key = `${dataset}\u0000${mode.kind === 'multi-model' ? mode.group : `prompt:${mode.model}`}`;
    let f = this.cache.get(key);
    if (!f) {
      f = MethodFolder.load(this.dataDir, dataset, mode);
      this.cache.set(key, f);
    }
    return f;
  }
  async parity(): Promise<ParityCheck[]> {
    const out: ParityCheck[] = [];
    for (const f of this.cache.values()) {
      const p = await (await f).parity();
      if (p) out.push(p);
    }
    return out;
  }
}

const multiModel = (group: string): VoterMode => ({ kind: 'multi-model', group });

function result(
  published: PublishedTable | undefined,
  fields: { id: string; title: string; unit: string; rows: readonly PaperRow[]; columns: readonly PaperColumn[] },
  grid: CellGrid,
  extra: { parity: ParityCheck[]; notes: string[]; figures: PaperFigure[]; embedder: string; start: number },
): PaperTableResult {
  return {
    ...fields,
    published,
    ours: grid.cells,
    parity: extra.parity,
    notes: extra.notes,
    figures: extra.figures,
    embedder: extra.embedder,
    seconds: (performance.now() - extra.start) / 1000,
  };
}

export type RoutingVariant = 'routing' | 'embedding-ablation' | 'train-test-routing';

/** The multi-task routing table and its two ablations (Dist-Acc, Dist-R2 × 3B, 7B). */
export async function routingTable(variant: RoutingVariant, o: PaperRunOptions): Promise<PaperTableResult> {
  const start = performance.now();
  const published = variant === 'routing' ? ROUTING_TABLE : variant === 'embedding-ablation' ? EMBEDDING_ABLATION_TABLE : TRAIN_TEST_ROUTING_TABLE;
  const folders = new Folders(o.dataDir);
  const rng = new Rng(o.seed ?? DEFAULT_SEED);
  const trials = o.trials ?? 10;
  const grid = new CellGrid();
  const notes: string[] = [];
  const figures: PaperFigure[] = [];
  const missingPairRm: string[] = [];
  for (const g of PAPER_GROUPS) {
    for (const d of ROUTING_DATASETS) {
      o.onProgress?.(`${variant}: ${d} ${g}`);
      const f = await folders.get(d, multiModel(g));
      const col = `${g}/${d}`;
      const random = f.trials(trialChoices(pickRandom(f.test.table, { rng, trials })));
      grid.set('random', col, random.value, random.std);
      const pr = f.pairRm();
      if (pr === undefined) missingPairRm.push(path.join(f.folder, 'pair_rm_test.json'));
      else grid.set('pair_rm', col, pr);
      const knn = f.trials(await f.labeledKnn(rng, trials, o.embedder, o.backend));
      grid.set('labeled_knn', col, knn.value, knn.std);
      grid.set('best_in_ensemble', col, f.bestVoter());
      const local = await f.smoothieLocal(o.embedder, 1, o.backend);
      grid.set('smoothie_local', col, f.score(local));
      if (variant !== 'embedding-ablation') grid.set('smoothie_global', col, f.score(await f.smoothieGlobal(o.embedder, o.backend)));
      if (variant === 'embedding-ablation') grid.set('smoothie_local_b', col, f.score(await f.smoothieLocal(o.ablationEmbedder ?? o.embedder, 1, o.backend)));
      if (variant === 'train-test-routing') {
        const train = await f.train();
        const k = Math.min(50, train.rows.length);
        if (k < 50) notes.push(`${f.label}: Smoothie-Local-train uses k = ${k} (the train split has ${train.rows.length} rows; the paper's k is 50)`);
        grid.set('smoothie_global_train', col, f.score(await f.smoothieTrainTime(o.embedder, 'sample_independent', 1, o.backend)));
        grid.set('smoothie_local_train', col, f.score(await f.smoothieTrainTime(o.embedder, 'sample_dependent', k, o.backend)));
      }
      if (variant === 'routing') {
        const freqs = rankFrequencies(f.voterScores, local);
        figures.push({
          name: `rank-frequency-${d}-${g}`,
          title: `Rank of Smoothie-Local's pick, ${f.label}`,
          svg: barChartSvg({
            title: `${d === 'acc_group' ? 'Distr-Acc' : 'Distr-Rouge2'} (${groupLabel(g)})`,
            xLabel: 'Rank',
            yLabel: 'Relative Frequency',
            labels: freqs.map((_, i) => String(i + 1)),
            values: freqs,
            yMax: 1.1,
          }),
        });
      }
    }
  }
  if (missingPairRm.length > 0) notes.push(`PairRM: no stored predictions (${missingPairRm.join(', ')}); the row is empty there`);
  notes.push(
    "Random = pick-random (mean ± std over trials); Labeled-kNN = ours (each test sample to the voter best on its 20 nearest drawn train rows), not the reference's, which ignores the neighbours",
  );
  if (variant === 'embedding-ablation') notes.push(`Smoothie-Local (BGE-small) row uses ${(o.ablationEmbedder ?? o.embedder).id}; the SBERT row uses ${o.embedder.id}`);
  return result(published, { id: published.id, title: published.title, unit: published.unit, rows: published.rows, columns: ROUTING_COLUMNS }, grid, {
    parity: await folders.parity(),
    notes,
    figures,
    embedder: variant === 'embedding-ablation' ? `${o.embedder.id} | ${(o.ablationEmbedder ?? o.embedder).id}` : o.embedder.id,
    start,
  });
}

export type SelectionVariant = 'selection' | 'train-test-selection';

/** The NLG selection table (Smoothie-Global picks one model per task) and its train-time ablation. */
export async function selectionTable(variant: SelectionVariant, o: PaperRunOptions): Promise<PaperTableResult> {
  const start = performance.now();
  const published = variant === 'selection' ? SELECTION_TABLE : TRAIN_TEST_SELECTION_TABLE;
  const folders = new Folders(o.dataDir);
  const rng = new Rng(o.seed ?? DEFAULT_SEED);
  const trials = o.trials ?? 10;
  const grid = new CellGrid();
  const notes: string[] = [];
  const ranks: number[] = [];
  for (const g of PAPER_GROUPS) {
    let picksBest = 0;
    for (const d of NLG_DATASETS) {
      o.onProgress?.(`${variant}: ${d} ${g}`);
      const f = await folders.get(d, multiModel(g));
      grid.set(`${g}/random`, d, f.meanVoter());
      const global = await f.smoothieGlobal(o.embedder, o.backend);
      grid.set(`${g}/smoothie_global`, d, f.score(global));
      if (f.isBestVoter(global[0])) picksBest++;
      const sorted = f.evaluation.voters.map((v) => v.mean).sort((a, b) => b - a);
      ranks.push(sorted.indexOf(f.evaluation.voters[global[0]].mean) + 1);
      if (variant === 'train-test-selection') grid.set(`${g}/smoothie_global_train`, d, f.score(await f.smoothieTrainTime(o.embedder, 'sample_independent', 1, o.backend)));
      const bov = f.trials(await f.bestOnVal(rng, trials));
      grid.set(`${g}/best_on_val`, d, bov.value, bov.std);
    }
    notes.push(`${groupLabel(g)}: Smoothie-Global picks the best model on ${picksBest}/${NLG_DATASETS.length} tasks (the paper: 9 of 14 over both ensembles)`);
  }
  notes.push("Random = the mean of the voters' scores (expected score of a random pick), as the paper's table; Best-on-Val = mean over trials of 50 train rows drawn with replacement");
  const counts = [1, 2, 3, 4, 5].map((r) => ranks.filter((x) => x === r).length);
  const figures: PaperFigure[] =
    variant === 'selection'
      ? [
          {
            name: 'global-rank',
            title: 'Rank of the model Smoothie-Global selects',
            svg: barChartSvg({ title: 'Rank of Model Selected by Smoothie-Global', xLabel: 'Rank', yLabel: 'Frequency', labels: counts.map((_, i) => String(i + 1)), values: counts }),
          },
        ]
      : [];
  return result(published, { id: published.id, title: published.title, unit: published.unit, rows: published.rows, columns: NLG_COLUMNS }, grid, {
    parity: await folders.parity(),
    notes,
    figures,
    embedder: o.embedder.id,
    start,
  });
}

/** The multi-prompt table: the voters are one model's prompts (Falcon-1B, Llama-2-7B). */
export async function promptingTable(o: PaperRunOptions): Promise<PaperTableResult> {
  const start = performance.now();
  const folders = new Folders(o.dataDir);
  const rng = new Rng(o.seed ?? DEFAULT_SEED);
  const trials = o.trials ?? 10;
  const grid = new CellGrid();
  for (const model of PROMPT_MODELS) {
    for (const d of NLG_DATASETS) {
      o.onProgress?.(`prompting: ${d} ${model}`);
      const f = await folders.get(d, { kind: 'multi-prompt', model });
      grid.set(`${model}/random`, d, f.meanVoter());
      grid.set(`${model}/smoothie_global`, d, f.score(await f.smoothieGlobal(o.embedder, o.backend)));
      grid.set(`${model}/smoothie_local`, d, f.score(await f.smoothieLocal(o.embedder, 1, o.backend)));
      const bov = f.trials(await f.bestOnVal(rng, trials));
      grid.set(`${model}/best_on_val`, d, bov.value, bov.std);
    }
  }
  const t = PROMPTING_TABLE;
  return result(t, { id: t.id, title: t.title, unit: t.unit, rows: t.rows, columns: t.columns }, grid, {
    parity: await folders.parity(),
    notes: ["Random = the mean of the prompts' scores, as the paper's table"],
    figures: [],
    embedder: o.embedder.id,
    start,
  });
}

/** Smoothie-Local's score against the neighbourhood size n0 (a figure in the paper; no table). */
export async function neighbourhoodTable(o: PaperRunOptions): Promise<PaperTableResult> {
  const start = performance.now();
  const folders = new Folders(o.dataDir);
  const grid = new CellGrid();
  const notes: string[] = [];
  const rows: PaperRow[] = [];
  const columns: PaperColumn[] = NEIGHBOURHOOD_SIZES.map((k) => ({ key: `k=${k}`, label: `n0=${k}` }));
  const figures: PaperFigure[] = [];
  for (const d of ROUTING_DATASETS) {
    const series: { name: string; ys: (number | null)[] }[] = [];
    for (const g of PAPER_GROUPS) {
      o.onProgress?.(`neighbourhood: ${d} ${g}`);
      const f = await folders.get(d, multiModel(g));
      const key = `${g}/${d}`;
      rows.push({ key, label: `${groupLabel(g)} ${datasetLabel(d)}` });
      const ys: (number | null)[] = [];
      for (const k of NEIGHBOURHOOD_SIZES) {
        if (k > f.n) {
          ys.push(null);
          continue;
        }
        const v = f.score(await f.smoothieLocal(o.embedder, k, o.backend));
        grid.set(key, `k=${k}`, v);
        ys.push(v);
      }
      const skipped = NEIGHBOURHOOD_SIZES.filter((k) => k > f.n);
      if (skipped.length > 0) notes.push(`${f.label}: n0 = ${skipped.join(', ')} exceed the ${f.n} test samples and are left out`);
      series.push({ name: g, ys });
    }
    figures.push({
      name: d,
      title: `Effect of neighbourhood size (${datasetLabel(d)})`,
      svg: lineChartSvg({ title: `Effect of Neighborhood Size (${d === 'acc_group' ? 'Distr-Acc' : 'Distr-Rouge2'})`, xLabel: 'n0', yLabel: 'Score', xs: [...NEIGHBOURHOOD_SIZES], series }),
    });
  }
  return result(undefined, { id: 'neighbourhood', title: 'Neighbourhood-size ablation: Smoothie-Local score against n0 (×100)', unit: 'score × 100', rows, columns }, grid, {
    parity: await folders.parity(),
    notes,
    figures,
    embedder: o.embedder.id,
    start,
  });
}
