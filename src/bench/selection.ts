/**
 * `npm run bench selection`: every label-free selection method × embedder on real and synthetic data,
 * beside random, the best single voter, the per-sample oracle and pick-longest, with each method's
 * mean selected length (words) — the AlpacaEval judge favours length, so a score is read beside it.
 *
 * - AlpacaEval 2.0 development split (`../shared/data/alpaca_eval_dev/`, skipped when absent): 10
 *   quintile ensembles (models sorted by win rate on the split, one drawn per fifth) and 10 random
 *   5-model ensembles, seeds 0–9; a selection scores the mean judge win of what it picked × 100.
 *   Ours is also reported on the two halves of the instructions (even / odd index) and for nearby λ, k.
 * - The shipped demo (test split, squad_acc).
 * - The Smoothie fixtures (embeddings only: `true_best` is the voter closest to the latent truth;
 *   a selection scores the share of samples where it picked it). Text methods do not apply there.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { mean, standardDeviation } from 'simple-statistics';
import { wordCount } from '../baselines/pick-longest.js';
import type { Backend } from '../compute/backend.js';
import { ndarray, type NdArray } from '../compute/ndarray.js';
import { Rng } from '../compute/rng.js';
import { cleanGeneration } from '../data/clean.js';
import { loadDatasetConfig } from '../data/config.js';
import { readNpy, toFloatNdArray } from '../data/npy.js';
import { loadSplitData } from '../data/split.js';
import { createEmbedder } from '../embed/factory.js';
import type { Embedder } from '../embed/types.js';
import { scoreSample } from '../metrics/registry.js';
import { COVERAGE_DEFAULTS, coverageSelect, supportMasses } from '../select/coverage.js';
import { mbrFromEmbeddings, mbrFromTexts } from '../select/mbr.js';
import { inputNeighbourhoods } from '../select/neighbours.js';
import { vote } from '../select/vote.js';
import { Smoothie } from '../smoothie/estimator.js';

const SHARED = process.env.SMOOTHIE_SHARED ?? path.join('..', 'shared');
const ALPACA = path.join(SHARED, 'data', 'alpaca_eval_dev');
const FIXTURES = path.join(SHARED, 'fixtures', 'smoothie');
const EMBEDDERS = (process.env.SELECTION_EMBEDDERS ?? 'hash,glove,use').split(',').filter((e) => e !== '');

interface Emb {
  readonly inputs: NdArray;
  /** n × m × d */
  readonly generations: NdArray;
}

/** One row of a table: a method's mean score and mean selected length, over ensembles. */
interface Row {
  readonly method: string;
  readonly embedder: string;
  readonly score: number;
  readonly std?: number;
  readonly length?: number;
  readonly ensembles?: number;
}

/** Picks (n) → [score, mean length] under quality q (n × m) and lengths (n × m). */
function rate(selected: ArrayLike<number>, q: Float64Array, len: Float64Array | undefined, m: number): [number, number | undefined] {
  let sum = 0;
  let l = 0;
  for (let s = 0; s < selected.length; s++) {
    sum += q[s * m + selected[s]];
    if (len) l += len[s * m + selected[s]];
  }
  return [sum / selected.length, len ? l / selected.length : undefined];
}

/** Every method on one ensemble: name@embedder → [score, length]. */
async function methodsOn(
  n: number,
  m: number,
  texts: readonly (readonly string[])[] | undefined,
  q: Float64Array,
  len: Float64Array | undefined,
  embs: ReadonlyMap<string, Emb>,
  backend: Backend | undefined,
): Promise<Map<string, [number, number | undefined]>> {
  const out = new Map<string, [number, number | undefined]>();
  const put = (name: string, selected: ArrayLike<number>): void => void out.set(name, rate(selected, q, len, m));
  // references
  let rnd = 0;
  let rl = 0;
  let best = -Infinity;
  let bestV = 0;
  const oracle = new Int32Array(n);
  for (let v = 0; v < m; v++) {
    let t = 0;
    for (let s = 0; s < n; s++) t += q[s * m + v];
    if (t > best) [best, bestV] = [t, v];
  }
  for (let s = 0; s < n; s++) {
    for (let v = 0; v < m; v++) {
      rnd += q[s * m + v] / m;
      if (len) rl += len[s * m + v] / m;
      if (q[s * m + v] > q[s * m + oracle[s]]) oracle[s] = v;
    }
  }
  out.set('random (expected)@-', [rnd / n, len ? rl / n : undefined]);
  put('best single voter@-', new Int32Array(n).fill(bestV));
  put('oracle per sample@-', oracle);
  if (texts) {
    put(
      'pick-longest@-',
      texts.map((row) => row.reduce((b, t, v) => (wordCount(t) > wordCount(row[b]) ? v : b), 0)),
    );
    // the voter with the longest answers on average: the length baseline for the one-voter forms
    const meanWords = new Float64Array(m);
    texts.forEach((row) => row.forEach((t, v) => (meanWords[v] += wordCount(t))));
    put('pick-longest global (one voter)@-', new Int32Array(n).fill(meanWords.indexOf(Math.max(...meanWords))));
    put('mbr rougeL@-', mbrFromTexts(texts).selected);
    put('coverage k=1 (ours, per sample)@-', coverageSelect(texts).selected);
    put('coverage global (ours)@-', coverageSelect(texts, { scope: 'global' }).selected);
  }
  for (const [e, emb] of embs) {
    const si = await new Smoothie({ type: 'sample_independent' }).fit({ generations: emb.generations }, { backend });
    put(`smoothie global@${e}`, si.selected);
    const sd = await new Smoothie({ type: 'sample_dependent', k: 20 }).fit({ generations: emb.generations, inputs: emb.inputs }, { backend });
    put(`smoothie local k=20@${e}`, sd.selected);
    const mbr = mbrFromEmbeddings(emb.generations);
    put(`mbr cosine@${e}`, mbr.selected);
    put(`mbr cosine global@${e}`, mbrFromEmbeddings(emb.generations, { scope: 'global' }).selected);
    if (texts) {
      put(`vote (mbr ties)@${e}`, vote(texts, { tieBreak: mbr.scores }).selected);
      const nb50 = await inputNeighbourhoods(emb.inputs, COVERAGE_DEFAULTS.k, { backend });
      put(`coverage k=50 (ours)@${e}`, coverageSelect(texts, { neighbours: nb50 }).selected);
    }
  }
  return out;
}

function summarise(perEnsemble: readonly Map<string, [number, number | undefined]>[], scale: number): Row[] {
  const names = [...perEnsemble[0].keys()];
  return names.map((key) => {
    const [method, embedder] = key.split('@');
    const scores = perEnsemble.map((r) => (r.get(key) as [number, number | undefined])[0] * scale);
    const lens = perEnsemble.map((r) => (r.get(key) as [number, number | undefined])[1]);
    const length = lens[0] === undefined ? undefined : mean(lens as number[]);
    return { method, embedder, score: mean(scores), std: standardDeviation(scores), length, ensembles: scores.length };
  });
}

async function embedAll(embedder: Embedder, inputs: readonly string[], columns: readonly (readonly string[])[]): Promise<{ X: NdArray; perModel: NdArray[] }> {
  const X = await embedder.embed(inputs);
  const perModel: NdArray[] = [];
  for (const col of columns) perModel.push(await embedder.embed(col));
  return { X, perModel };
}

/** G (n × m × d) of the chosen models from per-model (n × d) matrices. */
function stack(perModel: readonly NdArray[], models: readonly number[]): NdArray {
  const [n, d] = perModel[0].shape;
  const m = models.length;
  const G = new Float32Array(n * m * d);
  for (let s = 0; s < n; s++) models.forEach((mi, v) => G.set(perModel[mi].data.subarray(s * d, (s + 1) * d), (s * m + v) * d));
  return ndarray(G, [n, m, d]);
}

/** Quintile ensembles: models sorted by win rate, split into five near-equal groups, one drawn from each. */
export function quintileEnsemble(sortedModels: number, rng: Rng): number[] {
  const out: number[] = [];
  for (let g = 0; g < 5; g++) {
    const lo = Math.floor((g * sortedModels) / 5);
    const hi = Math.floor(((g + 1) * sortedModels) / 5);
    out.push(lo + rng.int(hi - lo));
  }
  return out;
}

export function randomEnsemble(models: number, rng: Rng): number[] {
  return rng
    .shuffled(Array.from({ length: models }, (_, i) => i))
    .slice(0, 5)
    .sort((a, b) => a - b);
}

async function alpaca(backend: Backend): Promise<Record<string, unknown>> {
  if (!existsSync(path.join(ALPACA, 'wins.json'))) return { skipped: `${ALPACA} not found` };
  const readJson = async <T>(f: string): Promise<T> => JSON.parse(await readFile(path.join(ALPACA, f), 'utf8'));
  const models: Record<string, { dev_win_rate: number }> = await readJson('models.json');
  const wins: Record<string, number[]> = await readJson('wins.json');
  const instructions: string[] = await readJson('instructions.json');
  const names = Object.keys(models).sort((a, b) => models[a].dev_win_rate - models[b].dev_win_rate || (a < b ? -1 : 1));
  const outputs: string[][] = [];
  for (const name of names) outputs.push((await readJson<{ generations: string[] }>(path.join('outputs', `${name}.json`))).generations);
  const n = instructions.length;
  const embedded = new Map<string, { X: NdArray; perModel: NdArray[] }>();
  for (const e of EMBEDDERS) {
    const t = performance.now();
    const embedder = await createEmbedder(e, { cacheDir: '.smoothie-cache', backend: backend.name });
    embedded.set(e, await embedAll(embedder, instructions, outputs));
    await embedder.dispose?.();
    process.stderr.write(`alpaca_eval: ${e} embeddings in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  }
  const tables: Record<string, unknown> = {};
  const ensembles: Record<string, string[][]> = {};
  const ours: Record<string, unknown> = {};
  for (const kind of ['quintile', 'random'] as const) {
    const results: Map<string, [number, number | undefined]>[] = [];
    const halves: [number, number][] = [];
    const sensitivity: Record<string, number[]> = {};
    const lengthCheck = { same: 0, differ: 0, oursWin: 0, longestWin: 0 };
    ensembles[kind] = [];
    for (let seed = 0; seed < 10; seed++) {
      const rng = new Rng(seed);
      const members = kind === 'quintile' ? quintileEnsemble(names.length, rng) : randomEnsemble(names.length, rng);
      ensembles[kind].push(members.map((i) => names[i]));
      const m = members.length;
      const texts = Array.from({ length: n }, (_, s) => members.map((i) => outputs[i][s]));
      const q = new Float64Array(n * m);
      const len = new Float64Array(n * m);
      for (let s = 0; s < n; s++)
        members.forEach((i, v) => {
          q[s * m + v] = wins[names[i]][s];
          len[s * m + v] = wordCount(outputs[i][s]);
        });
      const embs = new Map<string, Emb>();
      for (const [e, { X, perModel }] of embedded) embs.set(e, { inputs: X, generations: stack(perModel, members) });
      results.push(await methodsOn(n, m, texts, q, len, embs, backend));
      // ours: split halves (hash neighbourhoods, as the table's first embedder) and nearby hyperparameters
      const first = embs.get(EMBEDDERS[0]);
      if (first) {
        const nb = await inputNeighbourhoods(first.inputs, COVERAGE_DEFAULTS.k, { backend });
        const sel = coverageSelect(texts, { neighbours: nb }).selected;
        const half = (parity: number): number => {
          let t = 0;
          let c = 0;
          for (let s = parity; s < n; s += 2) [t, c] = [t + q[s * m + sel[s]], c + 1];
          return (100 * t) / c;
        };
        halves.push([half(0), half(1)]);
        // length: where ours does not pick the longest answer, is its pick better than the longest?
        for (let s = 0; s < n; s++) {
          let longest = 0;
          for (let v = 1; v < m; v++) if (len[s * m + v] > len[s * m + longest]) longest = v;
          if (sel[s] === longest) lengthCheck.same++;
          else {
            lengthCheck.differ++;
            lengthCheck.oursWin += q[s * m + sel[s]];
            lengthCheck.longestWin += q[s * m + longest];
          }
        }
        const masses = supportMasses(texts);
        for (const lambda of [0, 0.02, 0.05, 0.07, 0.1, 0.2]) {
          for (const k of [1, 5, 20, 50]) {
            const nbk = await inputNeighbourhoods(first.inputs, k, { backend });
            const scores = new Float64Array(n * m);
            for (let t = 0; t < n * m; t++) scores[t] = masses.supported[t] - lambda * masses.unsupported[t];
            let total = 0;
            for (let s = 0; s < n; s++) {
              let best = 0;
              let bestV = -Infinity;
              for (let v = 0; v < m; v++) {
                let a = 0;
                for (let r = 0; r < nbk.k; r++) a += scores[nbk.indices[s * nbk.k + r] * m + v];
                if (a > bestV) [best, bestV] = [v, a];
              }
              total += q[s * m + best];
            }
            (sensitivity[`lambda=${lambda} k=${k}`] ??= []).push((100 * total) / n);
          }
        }
      }
    }
    tables[kind] = summarise(results, 100);
    ours[kind] = {
      split_half: {
        even: halves.reduce((a, h) => a + h[0], 0) / halves.length,
        odd: halves.reduce((a, h) => a + h[1], 0) / halves.length,
      },
      sensitivity: Object.fromEntries(Object.entries(sensitivity).map(([key, v]) => [key, v.reduce((a, b) => a + b, 0) / v.length])),
      neighbourhoods_embedder: EMBEDDERS[0],
      versus_longest: {
        picks_the_longest_share: lengthCheck.same / (lengthCheck.same + lengthCheck.differ),
        where_it_does_not: { samples: lengthCheck.differ, ours_win: (100 * lengthCheck.oursWin) / lengthCheck.differ, longest_win: (100 * lengthCheck.longestWin) / lengthCheck.differ },
      },
    };
  }
  // ours on 50 further quintile ensembles (seeds 10–59, never looked at while choosing λ and k)
  const first = embedded.get(EMBEDDERS[0]);
  if (first) {
    const nb = await inputNeighbourhoods(first.X, COVERAGE_DEFAULTS.k, { backend });
    const gains: number[] = [];
    for (let seed = 10; seed < 60; seed++) {
      const members = quintileEnsemble(names.length, new Rng(seed));
      const texts = Array.from({ length: n }, (_, s) => members.map((i) => outputs[i][s]));
      const sel = coverageSelect(texts, { neighbours: nb }).selected;
      let gain = 0;
      for (let s = 0; s < n; s++) {
        gain += wins[names[members[sel[s]]]][s];
        for (const i of members) gain -= wins[names[i]][s] / members.length;
      }
      gains.push((100 * gain) / n);
    }
    ours.further_quintile_ensembles = {
      seeds: '10-59',
      neighbourhoods_embedder: EMBEDDERS[0],
      mean_gain_over_random: gains.reduce((a, b) => a + b, 0) / gains.length,
      min_gain: Math.min(...gains),
      max_gain: Math.max(...gains),
      ensembles_below_10: gains.filter((g) => g < 10).length,
    };
  }
  return { data: ALPACA, instructions: n, models: names.length, score: 'mean judge win of the selected output × 100', tables, ours, ensembles };
}

async function demo(backend: Backend): Promise<Record<string, unknown>> {
  const config = await loadDatasetConfig('dataset_configs/demo.yaml');
  const test = await loadSplitData(config, { kind: 'multi-model', group: 'demo_ensemble' }, { dataDir: 'results/datasets', resultsDir: 'results' }, 'test');
  const texts = test.table.texts.map((row) => row.map(cleanGeneration));
  const n = texts.length;
  const m = test.table.voters.length;
  const q = new Float64Array(n * m);
  const len = new Float64Array(n * m);
  texts.forEach((row, s) =>
    row.forEach((t, v) => {
      q[s * m + v] = scoreSample('squad_acc', t, test.rows[s].reference as string);
      len[s * m + v] = wordCount(t);
    }),
  );
  const embs = new Map<string, Emb>();
  for (const e of EMBEDDERS) {
    const embedder = await createEmbedder(e, { cacheDir: '.smoothie-cache', backend: backend.name });
    const X = await embedder.embed(test.rows.map((r) => r.embedding_input));
    const flat = await embedder.embed(texts.flat());
    embs.set(e, { inputs: X, generations: ndarray(flat.data, [n, m, flat.shape[1]]) });
    await embedder.dispose?.();
  }
  return { score: 'squad_acc × 100', n, voters: test.table.voters, table: summarise([await methodsOn(n, m, texts, q, len, embs, backend)], 100) };
}

async function fixtures(backend: Backend): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const name of ['synthetic', 'synthetic_m3']) {
    const dir = path.join(FIXTURES, name);
    if (!existsSync(path.join(dir, 'true_best.npy'))) {
      out[name] = { skipped: `${dir} not found` };
      continue;
    }
    const G = toFloatNdArray(await readNpy(path.join(dir, 'G.npy')), 'G.npy');
    const X = toFloatNdArray(await readNpy(path.join(dir, 'X.npy')), 'X.npy');
    const best = (await readNpy(path.join(dir, 'true_best.npy'))).data as unknown as ArrayLike<number | bigint>;
    const [n, m] = G.shape;
    const q = new Float64Array(n * m);
    for (let s = 0; s < n; s++) q[s * m + Number(best[s])] = 1;
    out[name] = {
      score: 'share of samples where the voter closest to the latent truth was picked × 100 (text methods do not apply)',
      n,
      m,
      table: summarise([await methodsOn(n, m, undefined, q, undefined, new Map([['fixture', { inputs: X, generations: G }]]), backend)], 100),
    };
  }
  return out;
}

function format(rows: readonly Row[]): string {
  return rows
    .map(
      (r) =>
        `${`${r.method}${r.embedder === '-' ? '' : ` [${r.embedder}]`}`.padEnd(42)} ${r.score.toFixed(1).padStart(6)}${r.std !== undefined && (r.ensembles ?? 1) > 1 ? ` ±${r.std.toFixed(1)}` : ''}${r.length !== undefined ? `  len ${r.length.toFixed(0)}` : ''}`,
    )
    .join('\n');
}

export async function benchSelection(backend: Backend): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = { embedders: EMBEDDERS };
  result.alpaca_eval_dev = await alpaca(backend);
  result.demo = await demo(backend);
  result.fixtures = await fixtures(backend);
  const a = result.alpaca_eval_dev as { tables?: Record<string, Row[]> };
  for (const [kind, rows] of Object.entries(a.tables ?? {})) process.stdout.write(`\nAlpacaEval dev, ${kind} ensembles (10):\n${format(rows)}\n`);
  process.stdout.write(`\nDemo:\n${format((result.demo as { table: Row[] }).table)}\n`);
  for (const [name, f] of Object.entries(result.fixtures as Record<string, { table?: Row[] }>)) if (f.table) process.stdout.write(`\nFixture ${name}:\n${format(f.table)}\n`);
  return result;
}
