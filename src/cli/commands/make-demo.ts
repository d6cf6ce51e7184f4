/** `smoothie make-demo`: regenerate the shipped demo dataset and generations deterministically. */
import type { Argv, CommandModule } from 'yargs';
import { writeDemo } from '../../demo/make-demo.js';
import { outputOptions, type InferredArgs } from '../options.js';

function builder(y: Argv) {
  return outputOptions(y)
    .option('data-dir', { type: 'string', default: 'results/datasets' })
    .option('results-dir', { type: 'string', default: 'results' })
    .option('seed', { type: 'number', default: 20241210 });
}

export const makeDemoCommand: CommandModule<object, InferredArgs<typeof builder>> = {
  command: 'make-demo',
  describe: 'Write the demo dataset (3 question types × 5 synthetic models of known quality)',
  builder,
  handler: async (args) => {
    const files = await writeDemo({ dataDir: args['data-dir'], resultsDir: args['results-dir'] }, args.seed);
    if (args.json) process.stdout.write(`${JSON.stringify({ seed: args.seed, files }, null, 2)}\n`);
    else if (!args.quiet) process.stdout.write(`wrote ${files.length} files:\n${files.map((f) => `  ${f}`).join('\n')}\n`);
  },
};
