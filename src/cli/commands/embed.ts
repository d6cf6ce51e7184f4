/** `smoothie embed`: precompute (and cache) the embeddings of a dataset's inputs and candidates. */
import path from 'node:path';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { createBackend } from '../../compute/backend.js';
import { methodDir, type Split } from '../../data/paths.js';
import { loadSplitData } from '../../data/split.js';
import { embedSplit, writeSplitEmbeddings, type EmbeddingFormat } from '../../embed/samples.js';
import { createProgress } from '../progress.js';
import { datasetOptions, embedderFromArgs, embedderOptions, outputOptions, datasetRuns, type InferredArgs } from '../options.js';

function builder(y: Argv) {
  return outputOptions(embedderOptions(datasetOptions(y)))
    .option('split', { choices: ['test', 'train', 'both'] as const, default: 'test' as Split | 'both' })
    .option('format', { choices: ['npy', 'arrow'] as const, default: 'npy' as EmbeddingFormat, describe: 'npy (NumPy) or Arrow IPC' })
    .option('out-dir', { type: 'string', describe: 'Default: <method dir>/embeddings' });
}

type EmbedArgs = InferredArgs<typeof builder>;

async function handler(args: ArgumentsCamelCase<EmbedArgs>): Promise<void> {
  const runs = await datasetRuns(args);
  const backend = await createBackend(args.backend);
  const embedder = await embedderFromArgs(args, backend);
  const progress = createProgress({ quiet: args.quiet || args.json });
  const splits: Split[] = args.split === 'both' ? ['train', 'test'] : [args.split];
  const written: { split: Split; inputs: string; generations: string; n: number; m: number; d: number }[] = [];
  try {
    await runs.each(async ({ config, mode, dirs }) => {
      const outDir = args['out-dir'] ?? path.join(methodDir(dirs, config, mode), 'embeddings');
      for (const split of splits) {
        const data = await loadSplitData(config, mode, dirs, split);
        const emb = await embedSplit(data, embedder, { clean: config.cleanGenerations, stage: split, onProgress: progress });
        progress.stop();
        const files = await writeSplitEmbeddings(outDir, split, emb, {
          embedder: { id: embedder.id, version: embedder.version },
          voters: data.table.voters,
          clean: config.cleanGenerations,
          format: args.format,
        });
        const [n, m, d] = emb.generations.shape;
        written.push({ split, ...files, n, m, d });
        if (!args.quiet && !args.json) process.stdout.write(`${split}: wrote ${files.inputs} (${n} × ${d}) and ${files.generations} (${n} × ${m} × ${d})\n`);
      }
    });
  } finally {
    progress.stop();
    await embedder.dispose?.();
  }
  if (args.json) process.stdout.write(`${JSON.stringify({ embedder: { id: embedder.id, version: embedder.version }, backend: backend.name, files: written }, null, 2)}\n`);
}

export const embedCommand: CommandModule<object, EmbedArgs> = {
  command: 'embed',
  describe: 'Precompute embeddings of a dataset split (inputs X and candidates G)',
  builder,
  handler,
};
