/** `smoothie ensemble run | bench`: layered ensemble architectures (Archon-style JSON) on one query or a benchmark. */
import { existsSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { BENCHMARKS, runEnsembleBench } from '../../ensemble/benchmarks.js';
import { Ensemble } from '../../ensemble/ensemble.js';
import { loadSearchSetup, searchToFiles, SEARCH_SCORERS, type SearchScorer } from '../../ensemble/search-files.js';
import { loadModelRegistry } from '../../llm/registry.js';
import { outputOptions, type InferredArgs } from '../options.js';
import { createProgress } from '../progress.js';
import { DEFAULT_SEED } from '../../compute/rng.js';

function runBuilder(y: Argv) {
  return outputOptions(y)
    .option('config', { type: 'string', demandOption: true, describe: 'Architecture JSON ({name, layers: [[component, …], …]})' })
    .option('input', { type: 'string', demandOption: true, describe: 'The user query' })
    .option('models', { type: 'string', default: 'models.yaml', describe: 'Model registry (models not in it use their model_type endpoint)' });
}

const runCommand: CommandModule<object, InferredArgs<typeof runBuilder>> = {
  command: 'run',
  describe: 'Answer one query with an ensemble architecture; --json adds the per-layer trace',
  builder: runBuilder,
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

function benchBuilder(y: Argv) {
  return outputOptions(y)
    .option('config', { type: 'string', demandOption: true, describe: 'Architecture JSON' })
    .option('benchmark', { choices: BENCHMARKS, demandOption: true, describe: 'Question format and answer layout' })
    .option('input', { type: 'string', demandOption: true, describe: 'Questions (jsonl or a JSON list)' })
    .option('out', { type: 'string', demandOption: true, describe: 'Answer file to write' })
    .option('models', { type: 'string', default: 'models.yaml', describe: 'Model registry' })
    .option('parallel', { type: 'number', default: 8, describe: 'Questions answered at once' })
    .option('limit', { type: 'number', describe: 'Only the first N questions (a quick try)' })
    .option('name', { type: 'string', describe: "Generator name in the answer file (default: the architecture's name)" });
}

const benchCommand: CommandModule<object, InferredArgs<typeof benchBuilder>> = {
  command: 'bench',
  describe: "Run an ensemble over a benchmark's questions (resumable) into the answer file its evaluator reads",
  builder: benchBuilder,
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

function searchBuilder(y: Argv) {
  return outputOptions(y)
    .option('space', {
      type: 'string',
      demandOption: true,
      describe: 'JSON: {generators: [models], samples: [1,3,5], judges: [models], embedder}, or an Archon ITAS search config (models_available, judge_model, …)',
    })
    .option('dev', { type: 'string', demandOption: true, describe: 'Dev set jsonl: {input (or question), reference (or answer)}' })
    .option('scorer', { choices: SEARCH_SCORERS, default: 'exact' as SearchScorer, describe: 'exact: final answers equal (GSM8K-style); f1: token F1' })
    .option('budget', { type: 'number', describe: "Architectures to evaluate at most (default: an Archon config's init_points + n_iter or random_search_iterations, else 30)" })
    .option('max-calls', { type: 'number', describe: 'Stop once the dev-set calls reach this' })
    .option('max-cost', { type: 'number', describe: "Stop once the dev-set cost (models.yaml 'cost') reaches this" })
    .option('method', { choices: ['random', 'bayes'] as const, describe: "default: an Archon config's search_algorithm_choice, else bayes" })
    .option('seed', { type: 'number', default: DEFAULT_SEED })
    .option('out', { type: 'string', default: 'results/ensemble_search.json', describe: 'Result JSON (the SVG goes beside it); <out>.cache.jsonl makes it resumable' })
    .option('models', { type: 'string', default: 'models.yaml' });
}

type SearchArgs = InferredArgs<typeof searchBuilder>;

const searchCommand: CommandModule<object, SearchArgs> = {
  command: 'search',
  describe: 'Search ensemble architectures on a dev set under a budget (random or Bayesian optimisation); writes the best, the Pareto front and an SVG',
  builder: searchBuilder,
  handler: async (args) => {
    const registry = await loadModelRegistry(args.models);
    const setup = await loadSearchSetup(args.space, args.dev, args.scorer);
    if (setup.ignored.length > 0 && !args.quiet && !args.json) {
      process.stderr.write(`note: ${args.space}: Archon harness settings not used by a dev-set search: ${setup.ignored.join(', ')}\n`);
    }
    const progress = createProgress({ quiet: args.quiet || args.json });
    const result = await searchToFiles({
      registry,
      setup,
      out: args.out,
      budget: args.budget,
      method: args.method,
      maxCalls: args['max-calls'],
      maxCost: args['max-cost'],
      seed: args.seed,
      onEvaluated: (_e, done, budget) => progress({ stage: 'architectures', done, total: budget }),
    });
    progress.stop();
    if (args.json) process.stdout.write(`${JSON.stringify({ best: result.best, pareto: result.pareto.map((e) => e.key), calls: result.calls, out: result.out, svg: result.svg }, null, 2)}\n`);
    else if (!args.quiet) {
      process.stdout.write(`best: ${result.best.key} (quality ${result.best.quality.toFixed(3)}, cost ${result.best.cost.toFixed(2)} per question)\n`);
      for (const e of result.pareto) process.stdout.write(`  pareto: ${e.key}  quality ${e.quality.toFixed(3)}  cost ${e.cost.toFixed(2)}\n`);
      process.stdout.write(`wrote ${result.out}, ${result.svg}\n`);
    }
  },
};

export const ensembleCommand: CommandModule = {
  command: 'ensemble <command>',
  describe: 'Layered inference-time ensembles (Archon architectures, Mixture-of-Agents, Smoothie/AutoMix components)',
  builder: (y) => y.command(runCommand).command(benchCommand).command(searchCommand).demandCommand(1),
  handler: () => undefined,
};
