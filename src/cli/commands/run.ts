/** `smoothie run`: label-free selection on a dataset config, one output file per model group. */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { createBackend } from '../../compute/backend.js';
import { UserInputError } from '../../errors/index.js';
import { REGIMES, runSmoothie, type Regime, type SmoothieRunResult } from '../../smoothie/run.js';
import { SMOOTHIE_TYPES } from '../../smoothie/estimator.js';
import { createProgress } from '../progress.js';
import { printRunSummary } from '../report.js';
import { datasetOptions, embedderFromArgs, embedderOptions, knnOptions, outputOptions, datasetRuns, type InferredArgs } from '../options.js';

function builder(y: Argv) {
  return outputOptions(knnOptions(embedderOptions(datasetOptions(y))))
    .option('type', { choices: SMOOTHIE_TYPES, demandOption: true, describe: 'Global weights or per-sample neighbourhoods' })
    .option('k', { type: 'number', describe: 'Neighbourhood size for sample_dependent (the sample included; k=1 = the sample alone)' })
    .option('regime', { choices: REGIMES, default: 'test_time' as Regime, describe: 'Learn weights from test generations, or from train neighbours' })
    .option('robust', { type: 'boolean', default: false, describe: 'Clamp non-positive error estimates instead of reproducing the reference exactly' })
    .option('input-embeddings', { type: 'string', describe: 'Precomputed X.npy (n × d) for the test split' })
    .option('generation-embeddings', { type: 'string', describe: 'Precomputed G.npy (n × m × d) for the test split' })
    .option('redo', { type: 'boolean', default: false, describe: 'Overwrite existing outputs' });
}

type RunArgs = InferredArgs<typeof builder>;

async function handler(args: ArgumentsCamelCase<RunArgs>): Promise<void> {
  if (args['input-embeddings'] && !args['generation-embeddings']) {
    throw new UserInputError('--input-embeddings needs --generation-embeddings', { field: '--generation-embeddings' });
  }
  const runs = await datasetRuns(args);
  const progress = createProgress({ quiet: args.quiet || args.json });
  const backend = await createBackend(args.backend);
  const precomputed = args['generation-embeddings'] ? { inputs: args['input-embeddings'], generations: args['generation-embeddings'] } : undefined;
  const embedder = precomputed ? undefined : await embedderFromArgs(args, backend);
  let results: SmoothieRunResult[] = [];
  try {
    results = await runs.each(async ({ config, mode, dirs }) => {
      const result = await runSmoothie({
        config,
        mode,
        dirs,
        type: args.type,
        k: args.k,
        regime: args.regime,
        robust: args.robust,
        knn: args.knn,
        metric: args.metric,
        seed: args.seed,
        redo: args.redo,
        embedder,
        backend,
        precomputed,
        onProgress: progress,
      });
      progress.stop();
      if (!args.json && !args.quiet) printRunSummary(result, mode);
      return result;
    });
  } finally {
    progress.stop();
    await embedder?.dispose?.();
  }
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify(
        results.map((r) => ({
          output_file: r.outputFile,
          plot_file: r.plotFile ?? null,
          skipped: r.skipped,
          replaced: r.replaced ?? null,
          n: r.n,
          voters: r.voters,
          embedder: r.embedder,
          backend: r.backend ?? null,
          knn: r.knn ?? null,
          fit_seconds: r.fitSeconds,
          embed_seconds: r.embedSeconds,
          warnings: r.warnings,
          summary: r.summary ?? null,
        })),
        null,
        2,
      )}\n`,
    );
  }
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Select the best candidate per sample without labels (Smoothie)',
  builder,
  handler,
};
