/**
 * Every table of the two papers as one registry: id, what it shows, the files it reads from the
 * published data, and the function that reproduces it. `smoothie paper list` prints it.
 */
import path from 'node:path';
import { loadDatasetConfig } from '../data/config.js';
import { UserInputError } from '../errors/index.js';
import { alpacaTable } from './alpaca.js';
import { automixDataFile, automixTable } from './automix-table.js';
import { ALPACA_OUTPUTS_DIR, AUTOMIX_DATA_FILES, AUTOMIX_DATA_HINT, SMOOTHIE_DATA_HINT, missingDataError, missingFiles, multiModelInputs, multiPromptInputs, shippedConfig } from './layout.js';
import { NLG_DATASETS, PAPER_GROUPS, PROMPT_MODELS, PUBLISHED_TABLES, ROUTING_DATASETS, type PublishedTable } from './published.js';
import type { PaperTableResult } from './result.js';
import { neighbourhoodTable, promptingTable, routingTable, selectionTable, type PaperRunOptions } from './smoothie-tables.js';

export interface PaperTableSpec {
  readonly id: string;
  readonly paper: 'smoothie' | 'automix';
  readonly title: string;
  readonly published?: PublishedTable;
  /** Whether the table embeds texts (takes --embedder). */
  readonly embeds: boolean;
  /** Files (relative to the data folder) the table reads; optional ones are listed separately. */
  inputs(): Promise<{ readonly required: readonly string[]; readonly optional: readonly string[] }>;
  /** One line: what to download when inputs are missing. */
  readonly hint: string;
  run(options: PaperRunOptions): Promise<PaperTableResult>;
}

async function groupModels(dataset: string): Promise<Record<string, readonly string[]>> {
  const config = await loadDatasetConfig(shippedConfig(dataset));
  return Object.fromEntries(PAPER_GROUPS.map((g) => [g, config.modelGroups[g] ?? []]));
}

async function multiModel(datasets: readonly string[], splits: readonly ('train' | 'test')[], pairRm: boolean): Promise<{ required: string[]; optional: string[] }> {
  const required: string[] = [];
  const optional: string[] = [];
  for (const d of datasets) {
    required.push(...multiModelInputs(d, await groupModels(d), splits));
    if (pairRm) for (const g of PAPER_GROUPS) optional.push(path.join('multi_model_results', d, g, 'pair_rm_test.json'));
  }
  return { required, optional };
}

const pub = (id: string): PublishedTable => PUBLISHED_TABLES[id];

export const PAPER_TABLES: readonly PaperTableSpec[] = [
  {
    id: 'routing',
    paper: 'smoothie',
    title: pub('routing').title,
    published: pub('routing'),
    embeds: true,
    inputs: () => multiModel(ROUTING_DATASETS, ['test', 'train'], true),
    hint: SMOOTHIE_DATA_HINT,
    run: (o) => routingTable('routing', o),
  },
  {
    id: 'selection',
    paper: 'smoothie',
    title: pub('selection').title,
    published: pub('selection'),
    embeds: true,
    inputs: () => multiModel(NLG_DATASETS, ['test', 'train'], false),
    hint: SMOOTHIE_DATA_HINT,
    run: (o) => selectionTable('selection', o),
  },
  {
    id: 'prompting',
    paper: 'smoothie',
    title: pub('prompting').title,
    published: pub('prompting'),
    embeds: true,
    inputs: async () => ({ required: NLG_DATASETS.flatMap((d) => multiPromptInputs(d, PROMPT_MODELS, ['test', 'train'])), optional: [] }),
    hint: SMOOTHIE_DATA_HINT,
    run: promptingTable,
  },
  {
    id: 'embedding-ablation',
    paper: 'smoothie',
    title: pub('embedding-ablation').title,
    published: pub('embedding-ablation'),
    embeds: true,
    inputs: () => multiModel(ROUTING_DATASETS, ['test', 'train'], true),
    hint: SMOOTHIE_DATA_HINT,
    run: (o) => routingTable('embedding-ablation', o),
  },
  {
    id: 'train-test-routing',
    paper: 'smoothie',
    title: pub('train-test-routing').title,
    published: pub('train-test-routing'),
    embeds: true,
    inputs: () => multiModel(ROUTING_DATASETS, ['test', 'train'], true),
    hint: SMOOTHIE_DATA_HINT,
    run: (o) => routingTable('train-test-routing', o),
  },
  {
    id: 'train-test-selection',
    paper: 'smoothie',
    title: pub('train-test-selection').title,
    published: pub('train-test-selection'),
    embeds: true,
    inputs: () => multiModel(NLG_DATASETS, ['test', 'train'], false),
    hint: SMOOTHIE_DATA_HINT,
    run: (o) => selectionTable('train-test-selection', o),
  },
  {
    id: 'neighbourhood',
    paper: 'smoothie',
    title: 'Neighbourhood-size ablation (figure): Smoothie-Local score against n0 ∈ {1, 5, 10, 20, 50, 100}',
    embeds: true,
    inputs: () => multiModel(ROUTING_DATASETS, ['test'], false),
    hint: SMOOTHIE_DATA_HINT,
    run: neighbourhoodTable,
  },
  {
    id: 'alpaca',
    paper: 'smoothie',
    title: pub('alpaca').title,
    published: pub('alpaca'),
    embeds: true,
    inputs: async () => ({ required: [ALPACA_OUTPUTS_DIR], optional: [path.join('alpaca', 'algorithm_outputs')] }),
    hint: SMOOTHIE_DATA_HINT,
    run: alpacaTable,
  },
  {
    id: 'automix',
    paper: 'automix',
    title: pub('automix').title,
    published: pub('automix'),
    embeds: false,
    // Either file name will do; `paperTableStatus` checks through automixDataFile.
    inputs: async () => ({ required: [AUTOMIX_DATA_FILES[0]], optional: [] }),
    hint: AUTOMIX_DATA_HINT,
    run: (o) => automixTable(o),
  },
];

export const PAPER_TABLE_IDS = PAPER_TABLES.map((t) => t.id);

/** The table with this id, or a one-line error listing the valid ones. */
export function paperTable(id: string): PaperTableSpec {
  const t = PAPER_TABLES.find((x) => x.id === id);
  if (!t) throw new UserInputError(`unknown table '${id}' (valid: ${PAPER_TABLE_IDS.join(', ')}, or 'all')`, { field: 'table' });
  return t;
}

/** Which required inputs of a table are missing under `dataDir` (empty: it can run). */
export async function missingPaperInputs(spec: PaperTableSpec, dataDir: string): Promise<string[]> {
  if (spec.id === 'automix') {
    try {
      automixDataFile(dataDir);
      return [];
    } catch {
      return [AUTOMIX_DATA_FILES[0]];
    }
  }
  return missingFiles(dataDir, (await spec.inputs()).required);
}

/** Reproduces one table; a missing input is a one-line error naming it and what to download. */
export async function runPaperTable(id: string, options: PaperRunOptions): Promise<PaperTableResult> {
  const spec = paperTable(id);
  const missing = await missingPaperInputs(spec, options.dataDir);
  if (missing.length > 0) throw missingDataError(id, options.dataDir, missing, spec.hint);
  return spec.run(options);
}
