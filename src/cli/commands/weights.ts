/** `smoothie weights`: Smoothie on embeddings computed elsewhere (no dataset needed). */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { createBackend } from '../../compute/backend.js';
import { UserInputError } from '../../errors/index.js';
import { computeWeightsFromFiles } from '../../smoothie/weights-file.js';
import { SMOOTHIE_TYPES } from '../../smoothie/estimator.js';
import { knnOptions, outputOptions, type InferredArgs } from '../options.js';

function builder(y: Argv) {
  return outputOptions(knnOptions(y))
    .option('input-embeddings', { type: 'string', describe: 'X.npy (n × d); needed for sample_dependent with k > 1' })
    .option('generation-embeddings', { type: 'string', demandOption: true, describe: 'G.npy (n × m × d)' })
    .option('type', { choices: SMOOTHIE_TYPES, demandOption: true })
    .option('k', { type: 'number', describe: 'Neighbourhood size (sample_dependent)' })
    .option('robust', { type: 'boolean', default: false })
    .option('backend', { type: 'string', default: 'auto' })
    .option('out', { type: 'string', demandOption: true, describe: 'W.npy or W.arrow: n × m float64 weights; the selected voter indices beside it (W.selected.npy / .arrow)' });
}

type WeightsArgs = InferredArgs<typeof builder>;

async function handler(args: ArgumentsCamelCase<WeightsArgs>): Promise<void> {
  if (!/\.(npy|arrow)$/.test(args.out)) throw new UserInputError('must end in .npy or .arrow', { field: '--out' });
  const backend = await createBackend(args.backend);
  const r = await computeWeightsFromFiles({
    inputs: args['input-embeddings'],
    generations: args['generation-embeddings'],
    out: args.out,
    type: args.type,
    k: args.k,
    robust: args.robust,
    knn: args.knn,
    metric: args.metric,
    seed: args.seed,
    backend,
  });
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ weights_file: r.weightsFile, selected_file: r.selectedFile, n: r.n, m: r.m, backend: backend.name, knn: r.knn ?? null, fit_seconds: r.fitSeconds, warnings: r.warnings })}\n`,
    );
  } else if (!args.quiet) {
    for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(`wrote ${r.weightsFile} (${r.n} × ${r.m}) and ${r.selectedFile}; fit ${r.fitSeconds.toFixed(3)} s on ${backend.name}\n`);
  }
}

export const weightsCommand: CommandModule<object, WeightsArgs> = {
  command: 'weights',
  describe: 'Smoothie weights from precomputed X.npy / G.npy',
  builder,
  handler,
};
