/** `smoothie make-dataset`: a dataset config's sources → `<data-dir>/<config>_{train,test}.jsonl`. */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { loadDatasetConfig } from '../../data/config.js';
import { DEFAULT_DATASET_SEED, makeDataset } from '../../data/make-dataset.js';
import { DEFAULT_PROMPT_TEMPLATES_DIR } from '../../data/templates.js';
import { outputOptions, type InferredArgs } from '../options.js';

function builder(y: Argv) {
  return outputOptions(y)
    .option('dataset-config', { type: 'string', demandOption: true, describe: 'Dataset config YAML with a source: section (or a tasks: group)' })
    .option('data-dir', { type: 'string', default: 'results/datasets', describe: 'Where the processed jsonl files go' })
    .option('prompt-templates-dir', { type: 'string', default: DEFAULT_PROMPT_TEMPLATES_DIR, describe: 'Prompt templates folder' })
    .option('cache-dir', { type: 'string', default: '.smoothie-cache', describe: 'Downloaded hf: sources are kept under <cache-dir>/hf/' })
    .option('seed', { type: 'number', default: DEFAULT_DATASET_SEED, describe: "Sampling seed (the reference's pandas random_state)" })
    .option('redo', { type: 'boolean', default: false, describe: 'Rebuild existing files' });
}

type MakeDatasetArgs = InferredArgs<typeof builder>;

async function handler(args: ArgumentsCamelCase<MakeDatasetArgs>): Promise<void> {
  const config = await loadDatasetConfig(args['dataset-config']);
  const result = await makeDataset(
    config,
    { dataDir: args['data-dir'], resultsDir: 'results' },
    { templatesDir: args['prompt-templates-dir'], cacheDir: args['cache-dir'], seed: args.seed, redo: args.redo },
  );
  if (args.json) {
    const splits = result.splits && Object.fromEntries(Object.entries(result.splits).map(([k, s]) => [k, { rows: s.rows.length, tasks: s.tasks }]));
    process.stdout.write(`${JSON.stringify({ files: result.files, skipped: result.skipped, splits: splits ?? null }, null, 2)}\n`);
    return;
  }
  if (args.quiet) return;
  if (result.skipped) {
    process.stdout.write(`${result.files.train} and ${result.files.test} exist, skipped (--redo to rebuild)\n`);
    return;
  }
  for (const [split, built] of Object.entries(result.splits ?? {})) {
    const detail = built.tasks.map((t) => `${t.task} ${t.kept}/${t.sourceRows}${t.clipped ? ' (fewer rows than the size asked)' : ''}`).join(', ');
    process.stdout.write(`wrote ${result.files[split as 'train' | 'test']}: ${built.rows.length} rows (${detail})\n`);
  }
}

export const makeDatasetCommand: CommandModule<object, MakeDatasetArgs> = {
  command: 'make-dataset',
  describe: 'Build the processed train/test jsonl of a dataset config from its sources (local files or hf:)',
  builder,
  handler,
};
