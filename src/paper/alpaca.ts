/**
 * The AlpacaEval result: Smoothie on the 10 five-model ensembles of leaderboard outputs that the
 * reference evaluated (`alpaca_generate_predictions.py`), with our estimator and embedder.
 *
 * Win rates need the AlpacaEval judge (GPT-4 Turbo). Without it: Smoothie-Global routes every
 * instruction to one model, so its win rate is that model's published leaderboard win rate; a
 * uniform random pick's expected win rate is the mean of the members' win rates. Smoothie-Local picks
 * per instruction and cannot be scored without the judge: we report how often it picks the model the
 * reference's stored Smoothie output picked (when `alpaca/algorithm_outputs/` is present).
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ndarray } from '../compute/ndarray.js';
import { readJsonFile } from '../data/json.js';
import { parseWith } from '../data/validate.js';
import { embedCandidates } from '../embed/samples.js';
import { UserInputError, InvalidParameterError } from '../errors/index.js';
import { Smoothie } from '../smoothie/estimator.js';
import { barChartSvg } from './figures.js';
import { ALPACA_ALGORITHM_DIR, ALPACA_OUTPUTS_DIR, SMOOTHIE_DATA_HINT } from './layout.js';
import { ALPACA_ENSEMBLES, ALPACA_LEADERBOARD, ALPACA_TABLE } from './published.js';
import { CellGrid, type PaperTableResult } from './result.js';
import type { PaperRunOptions } from './smoothie-tables.js';

const OutputsSchema = z.array(z.object({ instruction: z.string(), output: z.string(), generator: z.string() }).passthrough()).min(1);
const SelectionsSchema = z.array(z.object({ selected_model: z.string() }).passthrough());

/** Leaderboard outputs by generator name, aligned on the first file's instruction order. */
export async function loadAlpacaOutputs(dataDir: string): Promise<{ instructions: string[]; outputs: Map<string, string[]> }> {
  const dir = path.join(dataDir, ALPACA_OUTPUTS_DIR);
  if (!existsSync(dir)) throw new InvalidParameterError('dataDir', `table 'alpaca' needs ${dir}, which is missing: ${SMOOTHIE_DATA_HINT}`);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const outputs = new Map<string, string[]>();
  let instructions: string[] | undefined;
  let first = '';
  for (const name of files) {
    const file = path.join(dir, name);
    const rows = parseWith(OutputsSchema, await readJsonFile(file), { file });
    const generator = rows[0].generator;
    if (!instructions) {
      instructions = rows.map((r) => r.instruction);
      first = file;
    } else if (rows.length !== instructions.length) {
      throw new UserInputError(`has ${rows.length} outputs but ${first} has ${instructions.length}`, { file, field: 'output' });
    }
    outputs.set(
      generator,
      rows.map((r) => r.output),
    );
  }
  const needed = [...new Set(ALPACA_ENSEMBLES.flat())];
  const absent = needed.filter((g) => !outputs.has(g));
  if (absent.length > 0) {
    throw new InvalidParameterError('dataDir', `table 'alpaca' needs the outputs of ${absent.join(', ')} in ${dir} (generator field), which are missing: ${SMOOTHIE_DATA_HINT}`);
  }
  return { instructions: instructions ?? [], outputs };
}

/** The reference's stored selections of trial i (selected_model per instruction), if present. */
async function referenceSelections(dataDir: string, kind: 'local' | 'global', trial: number): Promise<string[] | undefined> {
  const dir = path.join(dataDir, ALPACA_ALGORITHM_DIR);
  if (!existsSync(dir)) return undefined;
  const names = await readdir(dir);
  const want =
    kind === 'local'
      ? (n: string) => n === `smoothie_${trial}.json` || (n.startsWith('smoothie_all-mpnet-base-v2_') && n.endsWith(`_trial_num=${trial}.json`))
      : (n: string) => n === `smoothie_independent_${trial}.json` || (n.startsWith('smoothie_independent_all-mpnet-base-v2_') && n.endsWith(`_trial_num=${trial}.json`));
  const name = names.find(want);
  if (!name) return undefined;
  const file = path.join(dir, name);
  return parseWith(SelectionsSchema, await readJsonFile(file), { file }).map((r) => r.selected_model);
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export async function alpacaTable(o: PaperRunOptions): Promise<PaperTableResult> {
  const start = performance.now();
  const { instructions, outputs } = await loadAlpacaOutputs(o.dataDir);
  const generators = [...new Set(ALPACA_ENSEMBLES.flat())];
  const n = instructions.length;
  o.onProgress?.(`alpaca: embedding ${n} instructions × ${generators.length} models`);
  const table = { voters: generators, texts: instructions.map((_, s) => generators.map((g) => (outputs.get(g) as string[])[s])) };
  // The reference embeds AlpacaEval outputs uncleaned.
  const G = await embedCandidates(o.embedder, table, { clean: false });
  const d = G.shape[2];
  const grid = new CellGrid();
  const notes: string[] = [];
  const winRate = (m: string): number => ALPACA_LEADERBOARD[m].winRate;
  const rows = {
    smoothieGlobal: [] as number[],
    random: [] as number[],
    best: [] as number[],
    agreeLocal: [] as number[],
    agreeGlobal: [] as number[],
    referenceGlobal: [] as number[],
  };
  const picks: string[] = [];
  for (let t = 0; t < ALPACA_ENSEMBLES.length; t++) {
    const ens = ALPACA_ENSEMBLES[t];
    const idx = ens.map((m) => generators.indexOf(m));
    const sub = new Float32Array(n * ens.length * d);
    for (let s = 0; s < n; s++) for (let j = 0; j < ens.length; j++) sub.set(G.data.subarray((s * generators.length + idx[j]) * d, (s * generators.length + idx[j] + 1) * d), (s * ens.length + j) * d);
    const Gt = ndarray(sub, [n, ens.length, d]);
    const global = (await new Smoothie({ type: 'sample_independent' }).fit({ generations: Gt }, { backend: o.backend })).selected;
    const local = (await new Smoothie({ type: 'sample_dependent', k: 1 }).fit({ generations: Gt }, { backend: o.backend })).selected;
    const col = `trial_${t}`;
    const pick = ens[global[0]];
    picks.push(pick);
    grid.set('smoothie_global', col, winRate(pick));
    rows.smoothieGlobal.push(winRate(pick));
    const r = mean(ens.map(winRate));
    grid.set('pick_random', col, r);
    rows.random.push(r);
    grid.set('difference_global', col, winRate(pick) - r);
    const best = Math.max(...ens.map(winRate));
    grid.set('best_in_ensemble', col, best);
    rows.best.push(best);
    const refLocal = await referenceSelections(o.dataDir, 'local', t);
    if (refLocal && refLocal.length === n) {
      const agree = (100 * Array.from(local).filter((v, s) => ens[v] === refLocal[s]).length) / n;
      grid.set('agreement_local', col, agree);
      rows.agreeLocal.push(agree);
    }
    const refGlobal = await referenceSelections(o.dataDir, 'global', t);
    if (refGlobal && refGlobal.length === n) {
      const agree = (100 * Array.from(global).filter((v, s) => ens[v] === refGlobal[s]).length) / n;
      grid.set('agreement_global', col, agree);
      rows.agreeGlobal.push(agree);
      if (ALPACA_LEADERBOARD[refGlobal[0]]) {
        grid.set('reference_global', col, winRate(refGlobal[0]));
        rows.referenceGlobal.push(winRate(refGlobal[0]));
      }
    }
  }
  const setMean = (row: string, xs: number[]): void => {
    if (xs.length > 0) grid.set(row, 'mean', mean(xs));
  };
  setMean('smoothie_global', rows.smoothieGlobal);
  setMean('pick_random', rows.random);
  setMean(
    'difference_global',
    rows.smoothieGlobal.map((v, i) => v - rows.random[i]),
  );
  setMean('best_in_ensemble', rows.best);
  setMean('agreement_local', rows.agreeLocal);
  setMean('agreement_global', rows.agreeGlobal);
  if (rows.referenceGlobal.length === ALPACA_ENSEMBLES.length) setMean('reference_global', rows.referenceGlobal);
  const bestPicked = picks.filter((p, t) => winRate(p) === Math.max(...ALPACA_ENSEMBLES[t].map(winRate))).length;
  notes.push(`Smoothie-Global picks: ${picks.map((p, t) => `T${t} ${p}`).join(', ')}; the best model of the ensemble in ${bestPicked}/10 trials`);
  notes.push(
    "Our Smoothie-Global win rate is its pick's leaderboard win rate; our pick-random is the expected win rate of a uniform pick (mean of the members'); Smoothie-Local needs the judge, so its row shows only the published numbers, and the agreement rows show how often our picks equal the reference's stored ones",
  );
  if (rows.agreeLocal.length === 0) notes.push(`no reference selections in ${path.join(o.dataDir, ALPACA_ALGORITHM_DIR)}: agreement rows left empty`);
  const t = ALPACA_TABLE;
  const extraRows = [
    { key: 'difference_global', label: 'Smoothie-Global − pick-random' },
    { key: 'agreement_local', label: "Smoothie-Local: % picks equal to the reference's" },
    { key: 'agreement_global', label: "Smoothie-Global: % picks equal to the reference's" },
    { key: 'reference_global', label: "the reference's stored Smoothie-Global picks: their win rate" },
  ];
  return {
    id: t.id,
    title: t.title,
    unit: t.unit,
    rows: [...t.rows, ...extraRows],
    columns: t.columns,
    published: t,
    ours: grid.cells,
    parity: [],
    notes,
    figures: [
      {
        name: 'global-vs-random',
        title: 'Smoothie-Global − pick-random win rate per trial',
        svg: barChartSvg({
          title: 'Smoothie-Global vs Random on Alpaca',
          xLabel: 'trial',
          yLabel: 'Win Rate Improvement',
          labels: rows.smoothieGlobal.map((_, i) => `T${i}`),
          values: rows.smoothieGlobal.map((v, i) => v - rows.random[i]),
        }),
      },
    ],
    embedder: o.embedder.id,
    seconds: (performance.now() - start) / 1000,
  };
}
