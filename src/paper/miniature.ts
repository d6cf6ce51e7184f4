/**
 * Miniatures of the published data layouts, with the same folder and file names (the tests and the
 * paper notebooks run every table on them when the real data is absent):
 * a `smoothie_data` folder (datasets/, multi_model_results/, multi_prompt_results/, alpaca/) and an
 * AutoMix outputs file. Voters answer well on some tasks and badly on others, so label-free methods
 * have something to find; every text is drawn from a seeded generator.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ALPACA_ENSEMBLES } from './published.js';

/** A small deterministic generator (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber basil cedar dune ember fern grove harbor iris jade'.split(
    ' ',
  );

export const GROUPS: Record<string, string[]> = {
  '3b_ensemble': ['dolly-3b', 'incite-3b', 'pythia-2.8b', 'gemma-2b'],
  '7b_ensemble': ['llama-2-7b', 'mistral-7b', 'vicuna-7b', 'gemma-7b', 'nous-capybara'],
};
export const ACC_TASKS = ['squad', 'trivia_qa', 'definition_extraction'];
export const ROUGE_TASKS = ['cnn_dailymail', 'e2e_nlg', 'web_nlg', 'xsum'];
export const NLG = ['cnn_dailymail', 'definition_extraction', 'e2e_nlg', 'squad', 'trivia_qa', 'web_nlg', 'xsum'];

const write = (file: string, data: unknown): void => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
};

interface Row {
  idx: number;
  task_name: string;
  reference: string | string[];
  embedding_input: string;
  multi_model_prompt: string;
  [k: string]: unknown;
}

/** Probability that voter v answers task t correctly: each voter is strong on its own tasks. */
function skill(v: number, task: string, m: number): number {
  const t = [...ACC_TASKS, ...ROUGE_TASKS].indexOf(task);
  return t % m === v ? 0.95 : v === m - 1 ? 0.55 : 0.2;
}

function makeRows(task: string, n: number, rand: () => number, offset: number): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const w = (): string => WORDS[Math.floor(rand() * WORDS.length)];
    const topic = `${w()} ${w()} ${w()}`;
    const isAcc = ACC_TASKS.includes(task);
    const answer = isAcc ? w() : `the ${w()} ${w()} of ${topic} went to the ${w()} ${w()}`;
    const reference = task === 'trivia_qa' || task === 'web_nlg' ? [answer, `${answer} indeed`] : answer;
    return {
      idx: offset + i,
      task_name: task,
      reference,
      embedding_input: `${task} question about ${topic}`,
      multi_model_prompt: `Q: ${topic}`,
      multi_prompt_0: `P0 ${topic}`,
      multi_prompt_1: `P1 ${topic}`,
      multi_prompt_2: `P2 ${topic}`,
    };
  });
}

/** A candidate: right (the reference, lightly varied) or wrong (unrelated words). */
function answer(row: Row, correct: boolean, rand: () => number): string {
  const ref = Array.isArray(row.reference) ? row.reference[0] : row.reference;
  const w = (): string => WORDS[Math.floor(rand() * WORDS.length)];
  if (correct) return ACC_TASKS.includes(row.task_name) ? `The answer is ${ref}.` : ref;
  return ACC_TASKS.includes(row.task_name) ? `I think ${w()} ${w()} ${w()}.` : `${w()} ${w()} ${w()} ${w()} ${w()} ${w()} ${w()}`;
}

export interface MiniatureOptions {
  /** Test rows per task. @default 10 */
  readonly perTask?: number;
  /** Train rows per task. @default 10 */
  readonly trainPerTask?: number;
}

/** Writes a smoothie_data miniature into `dir`; returns the tables it should support. */
export function buildSmoothieMiniature(dir: string, options: MiniatureOptions = {}): void {
  const perTask = options.perTask ?? 10;
  const trainPerTask = options.trainPerTask ?? 10;
  const rand = prng(20241210);
  const allModels = [...new Set(Object.values(GROUPS).flat())];
  const splitRows: Record<string, Record<string, Row[]>> = {};
  for (const task of NLG) splitRows[task] = { test: makeRows(task, perTask, rand, 0), train: makeRows(task, trainPerTask, rand, 0) };
  const groupRows = (tasks: string[], split: string): Row[] => tasks.flatMap((t) => splitRows[t][split]).map((r, i) => ({ ...r, idx: i }));
  const datasets: Record<string, Record<string, Row[]>> = {
    acc_group: { test: groupRows(ACC_TASKS, 'test'), train: groupRows(ACC_TASKS, 'train') },
    rouge2_group: { test: groupRows(ROUGE_TASKS, 'test'), train: groupRows(ROUGE_TASKS, 'train') },
    ...splitRows,
  };
  for (const [d, splits] of Object.entries(datasets)) {
    for (const [split, rows] of Object.entries(splits)) {
      write(path.join(dir, 'datasets', `${d}_${split}.jsonl`), `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
      // Multi-model generations: a voter's skill depends on the row's task and its index in its group.
      for (const model of allModels) {
        const group = Object.values(GROUPS).find((g) => g.includes(model)) as string[];
        const v = group.indexOf(model);
        write(path.join(dir, 'multi_model_results', d, 'model_gens', `${model}_${split}.json`), { generations: rows.map((r) => answer(r, rand() < skill(v, r.task_name, group.length), rand)) });
      }
      if (NLG.includes(d)) {
        for (const model of ['falcon-1b', 'llama-2-7b']) {
          write(path.join(dir, 'multi_prompt_results', d, model, `individual_${split}.json`), {
            generations: rows.map((r) => [0, 1, 2].map((p) => answer(r, rand() < skill(p, r.task_name, 3), rand))),
          });
        }
      }
    }
    if (d === 'acc_group' || d === 'rouge2_group') {
      for (const g of Object.keys(GROUPS)) {
        // PairRM's stored predictions: here, the first voter's answer on even rows and the last's on odd.
        const gens = GROUPS[g].map((m) => readBack(dir, d, m));
        write(path.join(dir, 'multi_model_results', d, g, 'pair_rm_test.json'), { generations: datasets[d].test.map((_, s) => gens[s % 2 === 0 ? 0 : gens.length - 1][s]) });
      }
    }
  }
}

function readBack(dir: string, dataset: string, model: string): string[] {
  return (JSON.parse(readFileSync(path.join(dir, 'multi_model_results', dataset, 'model_gens', `${model}_test.json`), 'utf8')) as { generations: string[] }).generations;
}

/** AlpacaEval miniature: the 10 leaderboard models' outputs on `n` instructions; `centre` is the consensus. */
export function buildAlpacaMiniature(dir: string, models: readonly string[], centre: string, n = 12): void {
  const rand = prng(805);
  const w = (): string => WORDS[Math.floor(rand() * WORDS.length)];
  const instructions = Array.from({ length: n }, (_, i) => `Instruction ${i}: write about ${w()} and ${w()}`);
  const base = instructions.map(() => Array.from({ length: 12 }, w).join(' '));
  models.forEach((m, j) => {
    const outputs = base.map((b) => {
      if (m === centre) return b;
      // Others: the consensus text with a model-specific share of its words replaced.
      const words = b.split(' ');
      const k = 2 + (j % 5);
      for (let r = 0; r < k; r++) words[Math.floor(rand() * words.length)] = `${w()}${j}`;
      return words.join(' ');
    });
    const file = path.join(dir, 'alpaca', 'downloaded_outputs', `${m.toLowerCase().replace(/[^a-z0-9]+/g, '_')}.json`);
    write(
      file,
      instructions.map((instruction, s) => ({ dataset: 'helpful_base', instruction, output: outputs[s], generator: m })),
    );
  });
  // The reference's stored selections (file names as alpaca_generate_predictions.py writes them): the
  // consensus model where the ensemble has it, else the ensemble's first model.
  ALPACA_ENSEMBLES.forEach((ens, i) => {
    const pick = ens.includes(centre) ? centre : ens[0];
    const records = instructions.map((instruction) => ({ instruction, output: '', generator: `trial ${i}`, models_in_trial: JSON.stringify(ens), selected_model: pick }));
    for (const kind of ['smoothie', 'smoothie_independent']) write(path.join(dir, 'alpaca', 'algorithm_outputs', `${kind}_all-mpnet-base-v2_${i}_n_neighbors=1_trial_num=${i}.json`), records);
  });
}

/** AutoMix miniature: the paper's five datasets, `train`/`val` rows with scores and a verifier confidence. */
export function buildAutomixMiniature(file: string, perSplit = 40): void {
  const rand = prng(1310);
  const lines: string[] = [];
  for (const dataset of ['cnli', 'coqa', 'narrative_qa', 'qasper', 'quality']) {
    for (const split of ['train', 'val']) {
      for (let i = 0; i < perSplit; i++) {
        const slmRight = rand() < 0.45;
        const llmRight = slmRight || rand() < 0.5;
        // The verifier is informative: confident when the SLM is right, with noise.
        const p = Math.min(1, Math.max(0, (slmRight ? 0.7 : 0.3) + (rand() - 0.5) * 0.5));
        const conf = Math.round(p * 8) / 8;
        lines.push(
          JSON.stringify({
            id: `${dataset}-${split}-${i}`,
            dataset,
            split,
            base_ctx: `Context ${i}`,
            question: `Question ${i}?`,
            output: 'gold',
            llama13b_pred_ans: slmRight ? 'gold' : 'wrong',
            llama70b_pred_ans: llmRight ? 'gold' : 'wrong',
            llama13b_f1: slmRight ? 1 : 0,
            llama70b_f1: llmRight ? 1 : 0,
            p_ver_13b: conf,
          }),
        );
      }
    }
  }
  write(file, `${lines.join('\n')}\n`);
}

/** Everything `smoothie paper all` reads: smoothie_data layout, AlpacaEval outputs, AutoMix file. */
export function writePaperMiniature(dir: string): void {
  buildSmoothieMiniature(dir);
  // Smoothie-Global should find the consensus model of the AlpacaEval outputs: yi-large-preview.
  buildAlpacaMiniature(dir, [...new Set(ALPACA_ENSEMBLES.flat())], 'yi-large-preview');
  buildAutomixMiniature(path.join(dir, 'automix_llama2_outputs.jsonl'));
}
