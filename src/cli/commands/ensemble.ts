/** `smoothie ensemble run`: one query through a layered ensemble architecture (Archon-style JSON). */
import { existsSync } from 'node:fs';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { Ensemble } from '../../ensemble/ensemble.js';
import { loadModelRegistry } from '../../llm/registry.js';
import { outputOptions, type OutputArgs } from '../options.js';

type RunArgs = ArgumentsCamelCase<OutputArgs & { config: string; input: string; models: string }>;

const runCommand: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Answer one query with an ensemble architecture; --json adds the per-layer trace',
  builder: ((y: Argv) =>
    outputOptions(y)
      .option('config', { type: 'string', demandOption: true, describe: 'Architecture JSON ({name, layers: [[component, …], …]})' })
      .option('input', { type: 'string', demandOption: true, describe: 'The user query' })
      .option('models', { type: 'string', default: 'models.yaml', describe: 'Model registry (models not in it use their model_type endpoint)' })) as unknown as CommandModule<object, RunArgs>['builder'],
  handler: async (args) => {
    const registry = existsSync(args.models) ? await loadModelRegistry(args.models) : undefined;
    const ensemble = await Ensemble.fromFile(args.config, { registry });
    try {
      const r = await ensemble.generate(args.input);
      if (args.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else if (args.quiet) process.stdout.write(`${r.answer}\n`);
      else {
        for (const t of r.trace) {
          const parts = t.components.map((c) => `${c.type}${c.model ? `(${c.model})` : ''} ${c.candidatesIn}→${c.candidatesOut}${c.errors.length ? `, ${c.errors.length} failed` : ''}`);
          process.stderr.write(`layer ${t.layer}: ${parts.join('; ')}${t.stopped ? ' — stop' : ''}\n`);
        }
        process.stderr.write(`${r.calls} calls, cost ${r.cost}\n`);
        process.stdout.write(`${r.answer}\n`);
      }
    } finally {
      await ensemble.dispose();
    }
  },
};

export const ensembleCommand: CommandModule = {
  command: 'ensemble <command>',
  describe: 'Layered inference-time ensembles (Archon architectures, Mixture-of-Agents, Smoothie/AutoMix components)',
  builder: (y) => y.command(runCommand).demandCommand(1),
  handler: () => undefined,
};
