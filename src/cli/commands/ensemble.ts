/** `smoothie ensemble run | bench`: layered ensemble architectures (Archon-style JSON) on one query or a benchmark. */
import { existsSync } from 'node:fs';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { BENCHMARKS, runEnsembleBench, type BenchmarkName } from '../../ensemble/benchmarks.js';
import { Ensemble } from '../../ensemble/ensemble.js';
import { loadModelRegistry } from '../../llm/registry.js';
import { outputOptions, type OutputArgs } from '../options.js';
import { createProgress } from '../progress.js';

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

type BenchArgs = ArgumentsCamelCase<OutputArgs & { config: string; benchmark: BenchmarkName; input: string; out: string; models: string; parallel: number; limit?: number; name?: string }>;

const benchCommand: CommandModule<object, BenchArgs> = {
  command: 'bench',
  describe: "Run an ensemble over a benchmark's questions (resumable) into the answer file its evaluator reads",
  builder: ((y: Argv) =>
    outputOptions(y)
      .option('config', { type: 'string', demandOption: true, describe: 'Architecture JSON' })
      .option('benchmark', { choices: BENCHMARKS, demandOption: true, describe: 'Question format and answer layout' })
      .option('input', { type: 'string', demandOption: true, describe: 'Questions (jsonl or a JSON list)' })
      .option('out', { type: 'string', demandOption: true, describe: 'Answer file to write' })
      .option('models', { type: 'string', default: 'models.yaml', describe: 'Model registry' })
      .option('parallel', { type: 'number', default: 8, describe: 'Questions answered at once' })
      .option('limit', { type: 'number', describe: 'Only the first N questions (a quick try)' })
      .option('name', { type: 'string', describe: "Generator name in the answer file (default: the architecture's name)" })) as unknown as CommandModule<object, BenchArgs>['builder'],
  handler: async (args) => {
    const registry = existsSync(args.models) ? await loadModelRegistry(args.models) : undefined;
    const ensemble = await Ensemble.fromFile(args.config, { registry });
    const progress = createProgress({ quiet: args.quiet || args.json });
    try {
      const summary = await runEnsembleBench(ensemble, {
        benchmark: args.benchmark,
        input: args.input,
        out: args.out,
        parallel: args.parallel,
        limit: args.limit,
        modelName: args.name,
        onProgress: (done, total) => progress({ stage: 'questions', done, total }),
      });
      progress.stop();
      if (args.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else if (!args.quiet) {
        const acc = summary.accuracy !== undefined ? `, accuracy ${(100 * summary.accuracy).toFixed(1)}%` : '';
        process.stdout.write(`wrote ${summary.out}: ${summary.questions} questions (${summary.resumed} resumed), ${summary.calls} calls, cost ${summary.cost}${acc}\n`);
      }
    } finally {
      progress.stop();
      await ensemble.dispose();
    }
  },
};

export const ensembleCommand: CommandModule = {
  command: 'ensemble <command>',
  describe: 'Layered inference-time ensembles (Archon architectures, Mixture-of-Agents, Smoothie/AutoMix components)',
  builder: (y) => y.command(runCommand).command(benchCommand).demandCommand(1),
  handler: () => undefined,
};
