/**
 * The papers' published numbers, shipped as data with their source. Each value is transcribed from
 * the file named in `source` (a test reads those files, copied under test/fixtures/paper/, and
 * checks every number here against them):
 *
 * - Smoothie (Guha et al., NeurIPS 2024): the LaTeX tables of HazyResearch/smoothie's `tables/`,
 *   as committed at 94fe178 (they were dropped from the tree in the later "initial commit"; the
 *   scripts `src/paper/*.py` that write them are unchanged in substance at 8f8bd15). Scores × 100,
 *   one decimal, as printed.
 * - Smoothie's AlpacaEval result: `alpaca/leaderboard.csv` committed at eac5179 (AlpacaEval 2.0
 *   win rates against GPT-4 Turbo for the 10 leaderboard models, 10 Smoothie trials and 10
 *   pick-random trials). At that commit `smoothie_<i>` is Smoothie-Local (k = 1 by default in
 *   `alpaca_generate_predictions.py`) on the 5-model ensemble of trial i.
 * - AutoMix (Madaan et al., NeurIPS 2024): `results/paper_eval_multi_seed_final.json` of
 *   automix-llm/automix at 531af3e, the output of its `scripts/paper_results.py` and the source of
 *   the paper's main table (Llama-2 13B → 70B, ΔIBC mean and std over 10 seeds, cost, performance).
 */

export interface PaperSource {
  readonly repository: string;
  readonly commit: string;
  readonly path: string;
  readonly licence: string;
  readonly note?: string;
}

export interface PaperColumn {
  readonly key: string;
  readonly label: string;
}

export interface PaperRow {
  readonly key: string;
  readonly label: string;
}

/** One published number (and its spread over seeds/trials where the paper gives one). */
export interface PublishedCell {
  readonly value: number;
  readonly std?: number;
}

export interface PublishedTable {
  readonly id: string;
  readonly paper: 'smoothie' | 'automix';
  readonly title: string;
  /** What a cell means (scale, metric). */
  readonly unit: string;
  readonly source: PaperSource;
  readonly rows: readonly PaperRow[];
  readonly columns: readonly PaperColumn[];
  /** values[row][column]; a cell the paper does not report is absent. */
  readonly values: Readonly<Record<string, Readonly<Record<string, PublishedCell>>>>;
}

const SMOOTHIE_REPO = 'github.com/HazyResearch/smoothie';
const SMOOTHIE_TABLES_COMMIT = '94fe178';
const MIT = 'MIT (Copyright (c) 2024 HazyResearch)';

const row = (key: string, label: string): PaperRow => ({ key, label });
const col = (key: string, label: string): PaperColumn => ({ key, label });

/** values[row.key][col.key] = numbers[i][j]. */
function grid(rows: readonly PaperRow[], cols: readonly PaperColumn[], numbers: readonly (readonly number[])[]): Record<string, Record<string, PublishedCell>> {
  if (numbers.length !== rows.length || numbers.some((r) => r.length !== cols.length)) throw new Error('published grid: shape mismatch');
  return Object.fromEntries(rows.map((r, i) => [r.key, Object.fromEntries(cols.map((c, j) => [c.key, { value: numbers[i][j] }]))]));
}

/** The paper's ensembles and multi-task distributions, in table order. */
export const PAPER_GROUPS = ['3b_ensemble', '7b_ensemble'] as const;
export const ROUTING_DATASETS = ['acc_group', 'rouge2_group'] as const;
export const NLG_DATASETS = ['cnn_dailymail', 'definition_extraction', 'e2e_nlg', 'squad', 'trivia_qa', 'web_nlg', 'xsum'] as const;
export const PROMPT_MODELS = ['falcon-1b', 'llama-2-7b'] as const;

const GROUP_LABEL: Record<string, string> = { '3b_ensemble': '3B', '7b_ensemble': '7B', 'falcon-1b': 'Falcon', 'llama-2-7b': 'Llama-2' };
const DATASET_LABEL: Record<string, string> = {
  acc_group: 'Dist-Acc',
  rouge2_group: 'Dist-R2',
  cnn_dailymail: 'CNN',
  definition_extraction: 'Def. Ext.',
  e2e_nlg: 'E2E',
  squad: 'SQuAD',
  trivia_qa: 'TriviaQA',
  web_nlg: 'WebNLG',
  xsum: 'XSum',
};
export const groupLabel = (g: string): string => GROUP_LABEL[g] ?? g;
export const datasetLabel = (d: string): string => DATASET_LABEL[d] ?? d;

/** Columns `<group>/<dataset>` of the routing tables: 3B Dist-Acc, 3B Dist-R2, 7B Dist-Acc, 7B Dist-R2. */
export const ROUTING_COLUMNS: readonly PaperColumn[] = PAPER_GROUPS.flatMap((g) => ROUTING_DATASETS.map((d) => col(`${g}/${d}`, `${groupLabel(g)} ${datasetLabel(d)}`)));
export const NLG_COLUMNS: readonly PaperColumn[] = NLG_DATASETS.map((d) => col(d, datasetLabel(d)));

const ROUTING_BASE_ROWS = [row('random', 'Random (pick-random)'), row('pair_rm', 'PairRM'), row('labeled_knn', 'Labeled-kNN'), row('best_in_ensemble', 'Best-in-ensemble')];
const ROUTING_BASE = [
  [48.7, 17.0, 65.4, 25.0],
  [53.9, 19.0, 71.8, 25.5],
  [51.0, 16.8, 71.7, 26.2],
  [52.3, 18.1, 73.2, 26.4],
];

const tex = (file: string, script: string): PaperSource => ({
  repository: SMOOTHIE_REPO,
  commit: SMOOTHIE_TABLES_COMMIT,
  path: `tables/${file}`,
  licence: MIT,
  note: `written by src/paper/${script}`,
});

const routingRows = [...ROUTING_BASE_ROWS, row('smoothie_global', 'Smoothie-Global'), row('smoothie_local', 'Smoothie-Local (k=1)')];
export const ROUTING_TABLE: PublishedTable = {
  id: 'routing',
  paper: 'smoothie',
  title: 'Multi-task routing: Smoothie-Local vs baselines (Dist-Acc accuracy, Dist-R2 ROUGE-2; ×100)',
  unit: 'score × 100',
  source: tex('smoothie_combined_routing_table.tex', 'routing_results.py'),
  rows: routingRows,
  columns: ROUTING_COLUMNS,
  values: grid(routingRows, ROUTING_COLUMNS, [...ROUTING_BASE, [51.3, 18.1, 66.5, 26.1], [58.7, 20.2, 75.0, 26.9]]),
};

const embRows = [...ROUTING_BASE_ROWS, row('smoothie_local_b', 'Smoothie-Local (BGE-small)'), row('smoothie_local', 'Smoothie-Local (SBERT)')];
export const EMBEDDING_ABLATION_TABLE: PublishedTable = {
  id: 'embedding-ablation',
  paper: 'smoothie',
  title: 'Embedding ablation: Smoothie-Local with BGE-small vs SBERT (all-mpnet-base-v2)',
  unit: 'score × 100',
  source: tex('smoothie_routing_embedding_ablation.tex', 'ablations.py'),
  rows: embRows,
  columns: ROUTING_COLUMNS,
  values: grid(embRows, ROUTING_COLUMNS, [...ROUTING_BASE, [59.3, 19.7, 74.6, 27.1], [58.7, 20.2, 75.0, 26.9]]),
};

const ttRows = [...routingRows, row('smoothie_global_train', 'Smoothie-Global-train'), row('smoothie_local_train', 'Smoothie-Local-train (k=50)')];
export const TRAIN_TEST_ROUTING_TABLE: PublishedTable = {
  id: 'train-test-routing',
  paper: 'smoothie',
  title: 'Train-time vs test-time routing (weights from a held-out train split vs the test split)',
  unit: 'score × 100',
  source: tex('smoothie_train_test_routing_comparison.tex', 'ablations.py'),
  rows: ttRows,
  columns: ROUTING_COLUMNS,
  values: grid(ttRows, ROUTING_COLUMNS, [...ROUTING_BASE, [51.3, 18.1, 66.5, 26.1], [58.7, 20.2, 75.0, 26.9], [51.3, 18.1, 66.5, 26.1], [50.7, 18.8, 70.9, 26.0]]),
};

const selRows = (methods: readonly PaperRow[], groups: readonly string[]): PaperRow[] => groups.flatMap((g) => methods.map((m) => row(`${g}/${m.key}`, `${groupLabel(g)} ${m.label}`)));
const SEL_METHODS = [row('random', 'Random (mean voter)'), row('smoothie_global', 'Smoothie-Global'), row('best_on_val', 'Best-on-Val')];
const selectionRows = selRows(SEL_METHODS, PAPER_GROUPS);
export const SELECTION_TABLE: PublishedTable = {
  id: 'selection',
  paper: 'smoothie',
  title: 'NLG selection: Smoothie-Global vs baselines on 7 tasks (ROUGE-2 for CNN/E2E/WebNLG/XSum, accuracy otherwise; ×100)',
  unit: 'score × 100',
  source: tex('smoothie_nlg_selection_table.tex', 'selection_results.py'),
  rows: selectionRows,
  columns: NLG_COLUMNS,
  values: grid(selectionRows, NLG_COLUMNS, [
    [12.9, 52.4, 27.3, 59.6, 32.7, 23.4, 4.5],
    [14.3, 61.5, 31.8, 60.7, 32.1, 30.7, 4.5],
    [13.0, 60.5, 31.1, 66.4, 38.7, 30.3, 5.3],
    [13.7, 58.5, 35.3, 67.9, 59.3, 44.1, 6.9],
    [14.5, 70.9, 36.9, 76.2, 68.3, 45.9, 8.4],
    [14.5, 69.4, 36.7, 74.0, 65.8, 48.3, 8.3],
  ]),
};

const ttSelRows = selRows([SEL_METHODS[0], SEL_METHODS[1], row('smoothie_global_train', 'Smoothie-Global-train'), SEL_METHODS[2]], PAPER_GROUPS);
export const TRAIN_TEST_SELECTION_TABLE: PublishedTable = {
  id: 'train-test-selection',
  paper: 'smoothie',
  title: 'Train-time vs test-time selection (Smoothie-Global)',
  unit: 'score × 100',
  source: tex('smoothie_train_test_selection_comparison.tex', 'ablations.py'),
  rows: ttSelRows,
  columns: NLG_COLUMNS,
  values: grid(ttSelRows, NLG_COLUMNS, [
    [12.9, 52.4, 27.3, 59.6, 32.7, 23.4, 4.5],
    [14.3, 61.5, 31.8, 60.7, 32.1, 30.7, 4.5],
    [14.3, 61.5, 24.7, 60.7, 32.1, 30.7, 4.5],
    [13.0, 60.5, 31.1, 66.4, 38.7, 30.3, 5.3],
    [13.7, 58.5, 35.3, 67.9, 59.3, 44.1, 6.9],
    [14.5, 70.9, 36.9, 76.2, 68.3, 45.9, 8.4],
    [14.5, 70.9, 36.5, 76.2, 68.3, 45.9, 8.4],
    [14.5, 69.4, 36.7, 74.0, 65.8, 48.3, 8.3],
  ]),
};

const promptRows = selRows(
  [row('random', 'Random (mean prompt)'), row('smoothie_global', 'Smoothie-Global'), row('smoothie_local', 'Smoothie-Local (k=1)'), row('best_on_val', 'Best-on-Val')],
  PROMPT_MODELS,
);
export const PROMPTING_TABLE: PublishedTable = {
  id: 'prompting',
  paper: 'smoothie',
  title: 'NLG multi-prompt selection: the voters are prompts of one model (Falcon-1B, Llama-2-7B)',
  unit: 'score × 100',
  source: tex('smoothie_nlg_prompting_table.tex', 'prompting_results.py'),
  rows: promptRows,
  columns: NLG_COLUMNS,
  values: grid(promptRows, NLG_COLUMNS, [
    [7.1, 60.3, 27.8, 47.3, 22.0, 29.2, 4.7],
    [7.9, 62.2, 31.6, 53.3, 31.4, 28.3, 6.4],
    [8.0, 69.2, 31.5, 53.3, 27.4, 30.8, 6.0],
    [8.4, 64.2, 31.0, 52.7, 31.4, 32.5, 6.7],
    [7.3, 47.8, 31.6, 54.0, 45.9, 45.5, 11.2],
    [6.9, 64.6, 37.6, 61.4, 68.7, 48.5, 12.8],
    [9.5, 59.3, 33.6, 63.1, 61.3, 48.0, 12.7],
    [11.8, 64.6, 35.0, 66.1, 68.7, 48.7, 13.0],
  ]),
};

/** The neighbourhood sizes n0 of the paper's ablation (a figure, no table). */
export const NEIGHBOURHOOD_SIZES = [1, 5, 10, 20, 50, 100] as const;

// ---------------------------------------------------------------------------------------------
// AlpacaEval (Smoothie paper): leaderboard.csv at eac5179, every entry (win rate and
// length-controlled win rate, in %).
const ALPACA_COMMIT = 'eac5179';
export const ALPACA_LEADERBOARD: Readonly<Record<string, { readonly winRate: number; readonly lcWinRate: number }>> = {
  'yi-large-preview': { winRate: 55.65217391304348, lcWinRate: 51.15266170724525 },
  smoothie_3: { winRate: 55.03105590062112, lcWinRate: 50.08228455623629 },
  smoothie_5: { winRate: 52.926525529265255, lcWinRate: 49.212749897181745 },
  smoothie_7: { winRate: 51.741293532338304, lcWinRate: 49.08777411473971 },
  smoothie_1: { winRate: 52.23880597014925, lcWinRate: 48.44946056094644 },
  smoothie_8: { winRate: 52.54658385093167, lcWinRate: 48.38780223091269 },
  'Storm-7B': { winRate: 51.94300518134715, lcWinRate: 47.431414868954185 },
  smoothie_0: { winRate: 44.534161490683225, lcWinRate: 44.6526963297601 },
  'Nanbeige-Plus-Chat-v0.1': { winRate: 55.03105590062112, lcWinRate: 44.3352007339065 },
  smoothie_4: { winRate: 44.96268656716418, lcWinRate: 43.9052212588956 },
  'Qwen1.5-110B-Chat': { winRate: 34.28030303030303, lcWinRate: 43.5746327469339 },
  smoothie_9: { winRate: 42.01995012468828, lcWinRate: 43.5427926029192 },
  pick_random_9: { winRate: 34.4375, lcWinRate: 41.241148185218066 },
  'FsfairX-Zephyr-Chat-v0.1': { winRate: 42.36024844720497, lcWinRate: 41.205991777282705 },
  pick_random_7: { winRate: 39.470365699873895, lcWinRate: 39.98904649592619 },
  'Meta-Llama-3-70B-Instruct': { winRate: 37.57881462799496, lcWinRate: 39.054196313734394 },
  smoothie_6: { winRate: 27.405063291139243, lcWinRate: 38.88676603836777 },
  'mistral-large-2402': { winRate: 23.43550446998723, lcWinRate: 38.62638182434619 },
  smoothie_2: { winRate: 26.96700507614213, lcWinRate: 38.40157937428169 },
  pick_random_2: { winRate: 30.434782608695656, lcWinRate: 36.46996222045543 },
  pick_random_6: { winRate: 32.05673758865248, lcWinRate: 35.152572160262636 },
  pick_random_4: { winRate: 32.79503105590062, lcWinRate: 34.85178328467223 },
  pick_random_8: { winRate: 33.98734177215189, lcWinRate: 33.21151608412176 },
  pick_random_0: { winRate: 29.503105590062113, lcWinRate: 33.06349784786244 },
  'Ein-70B-v0.1': { winRate: 23.439490445859875, lcWinRate: 32.72408603828449 },
  pick_random_1: { winRate: 31.490683229813666, lcWinRate: 32.63594577895395 },
  pick_random_3: { winRate: 30.062111801242235, lcWinRate: 31.734167880289565 },
  pick_random_5: { winRate: 30.496894409937887, lcWinRate: 31.482218404649824 },
  'gemini-pro': { winRate: 23.229813664596275, lcWinRate: 31.213711811983323 },
  'claude-2': { winRate: 17.950310559006212, lcWinRate: 29.631286525473534 },
};

/** The 10 five-model ensembles of the AlpacaEval trials (alpaca_generate_predictions.py), by generator name. */
export const ALPACA_ENSEMBLES: readonly (readonly string[])[] = [
  ['Meta-Llama-3-70B-Instruct', 'mistral-large-2402', 'yi-large-preview', 'Storm-7B', 'gemini-pro'],
  ['Meta-Llama-3-70B-Instruct', 'Storm-7B', 'FsfairX-Zephyr-Chat-v0.1', 'yi-large-preview', 'Nanbeige-Plus-Chat-v0.1'],
  ['yi-large-preview', 'gemini-pro', 'claude-2', 'Nanbeige-Plus-Chat-v0.1', 'Ein-70B-v0.1'],
  ['claude-2', 'yi-large-preview', 'gemini-pro', 'Meta-Llama-3-70B-Instruct', 'Storm-7B'],
  ['Qwen1.5-110B-Chat', 'mistral-large-2402', 'yi-large-preview', 'Storm-7B', 'Meta-Llama-3-70B-Instruct'],
  ['Storm-7B', 'claude-2', 'Meta-Llama-3-70B-Instruct', 'yi-large-preview', 'Ein-70B-v0.1'],
  ['mistral-large-2402', 'gemini-pro', 'Ein-70B-v0.1', 'Nanbeige-Plus-Chat-v0.1', 'FsfairX-Zephyr-Chat-v0.1'],
  ['mistral-large-2402', 'claude-2', 'Nanbeige-Plus-Chat-v0.1', 'Meta-Llama-3-70B-Instruct', 'gemini-pro'],
  ['mistral-large-2402', 'FsfairX-Zephyr-Chat-v0.1', 'Storm-7B', 'Nanbeige-Plus-Chat-v0.1', 'Meta-Llama-3-70B-Instruct'],
  ['mistral-large-2402', 'yi-large-preview', 'Ein-70B-v0.1', 'Meta-Llama-3-70B-Instruct', 'gemini-pro'],
];

const lb = (name: string): { readonly winRate: number; readonly lcWinRate: number } => {
  const e = ALPACA_LEADERBOARD[name];
  if (!e) throw new Error(`published AlpacaEval leaderboard lacks '${name}'`);
  return e;
};
const meanOf = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const ALPACA_TRIALS = ALPACA_ENSEMBLES.map((_, i) => i);
export const ALPACA_COLUMNS: readonly PaperColumn[] = [...ALPACA_TRIALS.map((i) => col(`trial_${i}`, `T${i}`)), col('mean', 'mean')];

function alpacaRow(values: readonly number[]): Record<string, PublishedCell> {
  const out: Record<string, PublishedCell> = Object.fromEntries(values.map((v, i) => [`trial_${i}`, { value: v }]));
  out.mean = { value: meanOf(values) };
  return out;
}

const alpacaRows = [
  row('smoothie_local', 'Smoothie-Local win rate'),
  row('pick_random', 'pick-random win rate'),
  row('difference', 'Smoothie-Local − pick-random'),
  row('smoothie_global', "Smoothie-Global win rate (its pick's leaderboard win rate)"),
  row('best_in_ensemble', 'best model of the ensemble'),
  row('smoothie_local_lc', 'Smoothie-Local LC win rate'),
  row('pick_random_lc', 'pick-random LC win rate'),
];
const sl = ALPACA_TRIALS.map((i) => lb(`smoothie_${i}`).winRate);
const pr = ALPACA_TRIALS.map((i) => lb(`pick_random_${i}`).winRate);
export const ALPACA_TABLE: PublishedTable = {
  id: 'alpaca',
  paper: 'smoothie',
  title: 'AlpacaEval 2.0: Smoothie vs pick-random on 10 five-model ensembles of leaderboard outputs (win rate vs GPT-4 Turbo, %)',
  unit: 'win rate %',
  source: {
    repository: SMOOTHIE_REPO,
    commit: ALPACA_COMMIT,
    path: 'alpaca/leaderboard.csv',
    licence: `${MIT}; AlpacaEval outputs and annotations Apache-2.0 (tatsu-lab/alpaca_eval)`,
    note: 'smoothie_<i> is Smoothie-Local (alpaca_generate_predictions.py); Smoothie-Global was not judged in this leaderboard',
  },
  rows: alpacaRows,
  columns: ALPACA_COLUMNS,
  values: {
    smoothie_local: alpacaRow(sl),
    pick_random: alpacaRow(pr),
    difference: alpacaRow(sl.map((v, i) => v - pr[i])),
    best_in_ensemble: alpacaRow(ALPACA_ENSEMBLES.map((e) => Math.max(...e.map((m) => lb(m).winRate)))),
    smoothie_local_lc: alpacaRow(ALPACA_TRIALS.map((i) => lb(`smoothie_${i}`).lcWinRate)),
    pick_random_lc: alpacaRow(ALPACA_TRIALS.map((i) => lb(`pick_random_${i}`).lcWinRate)),
  },
};

// ---------------------------------------------------------------------------------------------
// AutoMix: paper_eval_multi_seed_final.json (fractions; costs in the paper's units, SLM 1, LLM 50).
interface AutomixPublished {
  readonly avgLift: number;
  readonly stdLift: number;
  readonly costs: readonly number[];
  readonly perfs: readonly number[];
}
export const AUTOMIX_RESULTS: Readonly<Record<string, Readonly<Record<string, AutomixPublished>>>> = {
  coqa: {
    POMDP: {
      avgLift: 0.4367988620592076,
      stdLift: 0.2006720046513658,
      costs: [
        6.32446264073695, 5.390481064483112, 6.32446264073695, 12.030706243602866, 4.9426816786079835, 8.141248720573184, 2.9083930399181166, 8.806550665301945, 6.32446264073695, 8.141248720573184,
      ],
      perfs: [
        0.5017126880461106, 0.49820716131629994, 0.5017126880461106, 0.5298372399851076, 0.49754298485611564, 0.5117133023528403, 0.4858214854861566, 0.5140983638762538, 0.5017126880461106,
        0.5117133023528403,
      ],
    },
    Threshold: {
      avgLift: 0.4316468926243582,
      stdLift: 0.27865167492288356,
      costs: [
        2.9083930399181166, 4.9426816786079835, 12.030706243602866, 12.030706243602866, 4.9426816786079835, 8.141248720573184, 2.9083930399181166, 8.141248720573184, 8.141248720573184,
        8.141248720573184,
      ],
      perfs: [
        0.4858214854861566, 0.49754298485611564, 0.5298372399851076, 0.5298372399851076, 0.49754298485611564, 0.5117133023528403, 0.4858214854861566, 0.5117133023528403, 0.5117133023528403,
        0.5117133023528403,
      ],
    },
    SelfConsistency: {
      avgLift: 0.5545095838956666,
      stdLift: 1.1102230246251565e-16,
      costs: [
        16.57267144319345, 16.57267144319345, 16.57267144319345, 16.57267144319345, 16.57267144319345, 16.57267144319345, 16.57267144319345, 16.57267144319345, 16.57267144319345, 16.57267144319345,
      ],
      perfs: [
        0.5470152522145855, 0.5470152522145855, 0.5470152522145855, 0.5470152522145855, 0.5470152522145855, 0.5470152522145855, 0.5470152522145855, 0.5470152522145855, 0.5470152522145855,
        0.5470152522145855,
      ],
    },
  },
  cnli: {
    POMDP: {
      avgLift: 0.8871592843007582,
      stdLift: 0.3184970273552395,
      costs: [
        3.1089681774349085, 10.727097396335584, 11.064609450337512, 6.1947926711668275, 5.760848601735776, 5.4233365477338475, 6.1947926711668275, 6.532304725168756, 5.4233365477338475,
        6.1947926711668275,
      ],
      perfs: [
        0.40790742526518803, 0.4570877531340405, 0.4561234329797493, 0.43490838958534234, 0.43008678881388623, 0.43105110896817744, 0.43490838958534234, 0.4339440694310511, 0.43105110896817744,
        0.43490838958534234,
      ],
    },
    Threshold: {
      avgLift: -0.03548199900760874,
      stdLift: 0.005703301507288915,
      costs: [52.0, 52.0, 52.0, 52.0, 52.0, 51.66248794599807, 51.66248794599807, 52.0, 51.66248794599807, 52.0],
      perfs: [
        0.5554484088717454, 0.5554484088717454, 0.5554484088717454, 0.5554484088717454, 0.5554484088717454, 0.5564127290260367, 0.5564127290260367, 0.5554484088717454, 0.5564127290260367,
        0.5554484088717454,
      ],
    },
    SelfConsistency: {
      avgLift: -0.16958437960445785,
      stdLift: 0.0,
      costs: [
        47.46769527483124, 47.46769527483124, 47.46769527483124, 47.46769527483124, 47.46769527483124, 47.46769527483124, 47.46769527483124, 47.46769527483124, 47.46769527483124, 47.46769527483124,
      ],
      perfs: [
        0.5226615236258437, 0.5226615236258437, 0.5226615236258437, 0.5226615236258437, 0.5226615236258437, 0.5226615236258437, 0.5226615236258437, 0.5226615236258437, 0.5226615236258437,
        0.5226615236258437,
      ],
    },
  },
  narrative_qa: {
    POMDP: {
      avgLift: 0.06436821177640357,
      stdLift: 0.11713606933013315,
      costs: [
        13.251287332646756, 8.659800892550635, 8.230690010298662, 11.757981462409887, 4.257123240645383, 4.368692070030896, 7.664263645726056, 16.160659114315138, 7.664263645726056, 17.46515619636114,
      ],
      perfs: [
        0.21785390616814276, 0.21207180940878823, 0.21315190151503605, 0.21806143634134914, 0.20764137918731548, 0.20812802394406107, 0.21199484030562998, 0.22249186656282183, 0.21199484030562998,
        0.2197693713963783,
      ],
    },
    Threshold: {
      avgLift: 0.12150770547688286,
      stdLift: 0.0752937842839726,
      costs: [
        23.00926879505664, 14.564366632337796, 8.230690010298662, 4.368692070030896, 23.00926879505664, 4.368692070030896, 8.230690010298662, 23.00926879505664, 8.230690010298662, 48.652935118434605,
      ],
      perfs: [
        0.23307973268026094, 0.22062778389737384, 0.21315190151503605, 0.20812802394406107, 0.23307973268026094, 0.20812802394406107, 0.21315190151503605, 0.23307973268026094, 0.21315190151503605,
        0.26271336191380024,
      ],
    },
    SelfConsistency: {
      avgLift: 0.0919880290547683,
      stdLift: 1.3877787807814457e-17,
      costs: [
        23.00926879505664, 23.00926879505664, 23.00926879505664, 23.00926879505664, 23.00926879505664, 23.00926879505664, 23.00926879505664, 23.00926879505664, 23.00926879505664, 23.00926879505664,
      ],
      perfs: [
        0.23307973268026094, 0.23307973268026094, 0.23307973268026094, 0.23307973268026094, 0.23307973268026094, 0.23307973268026094, 0.23307973268026094, 0.23307973268026094, 0.23307973268026094,
        0.23307973268026094,
      ],
    },
  },
  quality: {
    POMDP: {
      avgLift: -0.11836078999694852,
      stdLift: 0.09019260541776804,
      costs: [
        18.258992805755394, 18.930455635491608, 6.436450839328537, 8.810551558752998, 22.93525179856115, 17.083932853717027, 18.258992805755394, 9.146282973621103, 29.026378896882495,
        9.146282973621103,
      ],
      perfs: [
        0.5386091127098321, 0.5434052757793765, 0.494484412470024, 0.5002398081534772, 0.5573141486810551, 0.5371702637889688, 0.5386091127098321, 0.4983213429256595, 0.581294964028777,
        0.4983213429256595,
      ],
    },
    Threshold: {
      avgLift: -0.04353735138238003,
      stdLift: 0.01242468353775424,
      costs: [52.0, 34.49400479616307, 34.49400479616307, 15.16546762589928, 23.486810551558754, 34.49400479616307, 44.853717026378895, 34.49400479616307, 52.0, 52.0],
      perfs: [
        0.6709832134292566, 0.6028776978417266, 0.6028776978417266, 0.5275779376498801, 0.5601918465227818, 0.6028776978417266, 0.6474820143884892, 0.6028776978417266, 0.6709832134292566,
        0.6709832134292566,
      ],
    },
    SelfConsistency: {
      avgLift: -0.06967532201445036,
      stdLift: 0.0,
      costs: [
        15.16546762589928, 15.16546762589928, 15.16546762589928, 15.16546762589928, 15.16546762589928, 15.16546762589928, 15.16546762589928, 15.16546762589928, 15.16546762589928, 15.16546762589928,
      ],
      perfs: [
        0.5275779376498801, 0.5275779376498801, 0.5275779376498801, 0.5275779376498801, 0.5275779376498801, 0.5275779376498801, 0.5275779376498801, 0.5275779376498801, 0.5275779376498801,
        0.5275779376498801,
      ],
    },
  },
  qasper: {
    POMDP: {
      avgLift: 0.06927144085720646,
      stdLift: 0.01032683697393424,
      costs: [
        44.91545189504373, 44.91545189504373, 44.91545189504373, 44.91545189504373, 46.518950437317784, 44.91545189504373, 44.91545189504373, 45.79008746355685, 44.91545189504373, 45.177842565597665,
      ],
      perfs: [
        0.2758048223855394, 0.2758048223855394, 0.2758048223855394, 0.2758048223855394, 0.27678371040419825, 0.2758048223855394, 0.2758048223855394, 0.27587802420804663, 0.2758048223855394,
        0.2763879127645481,
      ],
    },
    Threshold: {
      avgLift: 0.036689880929256,
      stdLift: 0.0368977267525825,
      costs: [
        48.268221574344025, 50.10495626822158, 41.67930029154519, 50.10495626822158, 48.268221574344025, 48.268221574344025, 46.66472303206997, 50.10495626822158, 46.66472303206997, 41.67930029154519,
      ],
      perfs: [
        0.2788882188810496, 0.28136204811778426, 0.26903224160513123, 0.28136204811778426, 0.2788882188810496, 0.2788882188810496, 0.27790933086239067, 0.28136204811778426, 0.27790933086239067,
        0.26903224160513123,
      ],
    },
    SelfConsistency: {
      avgLift: 0.022979566113392306,
      stdLift: 0.0,
      costs: [
        44.332361516034986, 44.332361516034986, 44.332361516034986, 44.332361516034986, 44.332361516034986, 44.332361516034986, 44.332361516034986, 44.332361516034986, 44.332361516034986,
        44.332361516034986,
      ],
      perfs: [
        0.2675712781462391, 0.2675712781462391, 0.2675712781462391, 0.2675712781462391, 0.2675712781462391, 0.2675712781462391, 0.2675712781462391, 0.2675712781462391, 0.2675712781462391,
        0.2675712781462391,
      ],
    },
  },
};

/** The paper's column order. */
export const AUTOMIX_DATASET_ORDER = ['cnli', 'quality', 'qasper', 'narrative_qa', 'coqa'] as const;
export const AUTOMIX_METHOD_ORDER = ['POMDP', 'Threshold', 'SelfConsistency'] as const;
const AUTOMIX_LABEL: Record<string, string> = { cnli: 'CNLI', quality: 'QuALITY', qasper: 'QASPER', narrative_qa: 'NarrativeQA', coqa: 'CoQA' };
export const AUTOMIX_COLUMNS: readonly PaperColumn[] = AUTOMIX_DATASET_ORDER.flatMap((d) => [
  col(`${d}/cost`, `${AUTOMIX_LABEL[d]} C`),
  col(`${d}/perf`, `${AUTOMIX_LABEL[d]} P`),
  col(`${d}/dibc`, `${AUTOMIX_LABEL[d]} ΔIBC`),
]);
const automixRows = [row('POMDP', 'AutoMix w/ POMDP'), row('Threshold', 'AutoMix w/ Threshold'), row('SelfConsistency', 'AutoMix w/ Self-Consistency')];
export const AUTOMIX_TABLE: PublishedTable = {
  id: 'automix',
  paper: 'automix',
  title: 'AutoMix main table (Llama-2 13B → 70B): cost C, performance P (×100) and ΔIBC (%, mean ± std over 10 seeds)',
  unit: 'C: cost units; P: F1 × 100; ΔIBC: %',
  source: {
    repository: 'github.com/automix-llm/automix',
    commit: '531af3e',
    path: 'results/paper_eval_multi_seed_final.json',
    licence: 'Apache-2.0',
    note: "written by scripts/paper_results.py; the paper's main-results table shows these numbers (docs/static/images/main_results.png)",
  },
  rows: automixRows,
  columns: AUTOMIX_COLUMNS,
  values: Object.fromEntries(
    AUTOMIX_METHOD_ORDER.map((m) => [
      m,
      Object.fromEntries(
        AUTOMIX_DATASET_ORDER.flatMap((d) => {
          const r = AUTOMIX_RESULTS[d][m];
          return [
            [`${d}/cost`, { value: meanOf(r.costs) }],
            [`${d}/perf`, { value: 100 * meanOf(r.perfs) }],
            [`${d}/dibc`, { value: 100 * r.avgLift, std: 100 * r.stdLift }],
          ];
        }),
      ),
    ]),
  ),
};

/** Every published table, by id. */
export const PUBLISHED_TABLES: Readonly<Record<string, PublishedTable>> = Object.fromEntries(
  [ROUTING_TABLE, SELECTION_TABLE, PROMPTING_TABLE, EMBEDDING_ABLATION_TABLE, TRAIN_TEST_ROUTING_TABLE, TRAIN_TEST_SELECTION_TABLE, ALPACA_TABLE, AUTOMIX_TABLE].map((t) => [t.id, t]),
);
