/** `smoothie paper list | <table> | all`: the papers' tables reproduced from their published data. */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { BACKEND_NAMES, createBackend } from '../../compute/backend.js';
import { createEmbedder } from '../../embed/factory.js';
import type { Embedder } from '../../embed/types.js';
import { UserInputError } from '../../errors/index.js';
import { PAPER_TABLES, missingPaperInputs, paperTable, runPaperTable } from '../../paper/tables.js';
import { SMOOTHIE_DATA_HINT, missingDataError } from '../../paper/layout.js';
import { paperJson, paperText, writePaperOutputs } from '../../paper/render.js';
import { outputOptions, type InferredArgs } from '../options.js';
import { DEFAULT_SEED } from '../../compute/rng.js';

/** The paper's embedder (all-mpnet-base-v2) and its ablation's (BGE-small), as transformers.js ports. */
export const PAPER_EMBEDDER = 'transformers:Xenova/all-mpnet-base-v2';
export const PAPER_ABLATION_EMBEDDER = 'transformers:Xenova/bge-small-en-v1.5';

function builder(y: Argv) {
  return outputOptions(y)
    .positional('table', { type: 'string', demandOption: true, describe: `list | all | ${PAPER_TABLES.map((t) => t.id).join(' | ')}` })
    .option('data', { type: 'string', describe: 'The published data folder (smoothie_data clone; for automix the folder holding automix_llama2_outputs.jsonl)' })
    .option('out', { type: 'string', default: 'results/paper', describe: 'Where <table>.md, .tex, .json and the SVG figures go' })
    .option('embedder', { type: 'string', default: PAPER_EMBEDDER, describe: 'Embedder of our Smoothie rows (any: use | hash | glove | transformers:<id>)' })
    .option('ablation-embedder', { type: 'string', default: PAPER_ABLATION_EMBEDDER, describe: "The embedding ablation's second embedder (the paper: BGE-small)" })
    .option('backend', { type: 'string', default: 'auto', choices: BACKEND_NAMES, describe: 'tfjs backend' })
    .option('device', { type: 'string', default: 'cpu' as const, choices: ['cpu', 'cuda'] as const, describe: 'Device for transformers: embedders' })
    .option('cache-dir', { type: 'string', default: '.smoothie-cache', describe: 'Embedding cache (reruns do not recompute)' })
    .option('cache', { type: 'boolean', default: true, describe: 'Read and write the embedding cache (--no-cache to skip)' })
    .option('seed', { type: 'number', default: DEFAULT_SEED, describe: 'Seed of pick-random, Best-on-Val and labeled-kNN' })
    .option('trials', { type: 'number', default: 10, describe: 'Trials of the trial baselines' });
}

type PaperArgs = ArgumentsCamelCase<InferredArgs<typeof builder>>;

async function list(args: PaperArgs): Promise<void> {
  const rows = [];
  for (const t of PAPER_TABLES) {
    const missing = args.data !== undefined ? await missingPaperInputs(t, args.data) : undefined;
    rows.push({
      id: t.id,
      paper: t.paper,
      title: t.title,
      published: t.published ? `${t.published.source.repository}@${t.published.source.commit}:${t.published.source.path}` : null,
      inputs: (await t.inputs()).required.length,
      ready: missing === undefined ? null : missing.length === 0,
      missing: missing?.slice(0, 3) ?? [],
    });
  }
  if (args.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (args.quiet) return;
  const w = Math.max(...rows.map((r) => r.id.length));
  for (const r of rows) {
    const status = r.ready === null ? '' : r.ready ? '  [data present]' : `  [missing ${r.missing[0]}]`;
    process.stdout.write(`${r.id.padEnd(w)}  ${r.paper.padEnd(8)}  ${r.title}${status}\n${' '.repeat(w + 12)}published: ${r.published ?? 'no table (figure only)'}\n`);
  }
}

async function handler(args: PaperArgs): Promise<void> {
  if (args.table === 'list') return list(args);
  if (args.data === undefined) throw new UserInputError(`--data is required: ${SMOOTHIE_DATA_HINT}`, { field: '--data' });
  const dataDir = args.data;
  const specs = args.table === 'all' ? [...PAPER_TABLES] : [paperTable(args.table)];
  const runnable = [];
  const skipped: { id: string; missing: string[] }[] = [];
  for (const spec of specs) {
    const missing = await missingPaperInputs(spec, dataDir);
    if (missing.length === 0) runnable.push(spec);
    else skipped.push({ id: spec.id, missing });
  }
  if (runnable.length === 0) {
    const first = skipped[0];
    throw missingDataError(first.id, dataDir, first.missing, paperTable(first.id).hint);
  }
  for (const s of skipped) if (!args.quiet && !args.json) process.stderr.write(`skipped ${s.id}: ${s.missing.length} input file(s) missing, e.g. ${s.missing[0]}\n`);
  const backend = await createBackend(args.backend);
  const embedders = new Map<string, Promise<Embedder>>();
  const embedder = (spec: string): Promise<Embedder> => {
    let e = embedders.get(spec);
    if (!e) {
      e = createEmbedder(spec, { backend: backend.name, device: args.device, cacheDir: args.cache ? args['cache-dir'] : undefined });
      embedders.set(spec, e);
    }
    return e;
  };
  const summaries: unknown[] = [];
  for (const spec of runnable) {
    const needsB = spec.id === 'embedding-ablation';
    const result = await runPaperTable(spec.id, {
      dataDir,
      embedder: spec.embeds ? await embedder(args.embedder) : NO_EMBEDDER,
      ablationEmbedder: needsB ? await embedder(args['ablation-embedder']) : undefined,
      backend,
      seed: args.seed,
      trials: args.trials,
      onProgress: args.quiet || args.json ? undefined : (stage) => process.stderr.write(`${stage}\n`),
    });
    const files = await writePaperOutputs(result, args.out);
    if (args.json) summaries.push({ ...paperJson(result), files });
    else if (!args.quiet) {
      process.stdout.write(`${paperText(result)}\n`);
      process.stdout.write(`wrote ${files.markdown}, ${files.latex}, ${files.json}${files.figures.length > 0 ? `, ${files.figures.length} SVG figure(s)` : ''} (${result.seconds.toFixed(1)} s)\n\n`);
    }
  }
  if (args.json) process.stdout.write(`${JSON.stringify(args.table === 'all' ? { tables: summaries, skipped } : summaries[0], null, 2)}\n`);
}

/** Stands in for the embedder of tables that embed nothing (AutoMix). */
const NO_EMBEDDER: Embedder = {
  id: 'none',
  version: '',
  dim: 0,
  embed: () => Promise.reject(new Error('this table embeds nothing')),
};

export const paperCommand: CommandModule<object, InferredArgs<typeof builder>> = {
  command: 'paper <table>',
  describe: "Reproduce a table of the Smoothie or AutoMix paper from the published data, beside the published numbers ('list' names them)",
  builder,
  handler,
};
