/** `smoothie generate`: candidate generations from OpenAI-compatible endpoints, into the files `smoothie run` reads. */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { Split } from '../../data/paths.js';
import { DEFAULT_GENERATION_CACHE, GenerationCache } from '../../llm/call-cache.js';
import { generateCandidates, type GenerateResult } from '../../llm/generate-candidates.js';
import { loadModelRegistry } from '../../llm/registry.js';
import { createProgress } from '../progress.js';
import { datasetOptions, datasetRuns, outputOptions, type InferredArgs } from '../options.js';
import { DEFAULT_SEED } from '../../compute/rng.js';

function builder(y: Argv) {
  return outputOptions(datasetOptions(y))
    .option('models', { type: 'string', default: 'models.yaml', describe: 'Model registry (name → endpoint, key env vars, limits)' })
    .option('split', { choices: ['train', 'test', 'both'] as const, default: 'test' as const, describe: 'Which split(s) to generate' })
    .option('n-generations', { type: 'number', default: 1, describe: 'Generations per prompt (needs --temperature > 0 above 1)' })
    .option('temperature', { type: 'number', default: 0, describe: 'Sampling temperature (0: greedy, as the reference)' })
    .option('max-tokens', { type: 'number', describe: "Tokens per answer (default: the task's max_new_tokens)" })
    .option('seed', { type: 'number', default: DEFAULT_SEED, describe: 'Sent as the request seed (+ generation index); also seeds retry jitter' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'Print the calls and prompt tokens it would take, call nothing' })
    .option('limit', { type: 'number', describe: 'Only the first N samples: fills the cache, shows answers, writes no file' })
    .option('cache-file', { type: 'string', default: DEFAULT_GENERATION_CACHE, describe: 'Append-only cache of completed calls (reruns resume from it)' })
    .option('redo', { type: 'boolean', default: false, describe: 'Rewrite generation files that exist' })
    .option('allow-empty', {
      type: 'boolean',
      default: false,
      describe: 'Keep answers without content (e.g. finish_reason content_filter) as "" (default: a failed call, retried, then reported)',
    });
}

type GenerateArgs = InferredArgs<typeof builder>;

function printResult(result: GenerateResult, args: ArgumentsCamelCase<GenerateArgs>): void {
  const { estimate } = result;
  if (args['dry-run']) {
    process.stdout.write(
      `${estimate.calls} calls (${estimate.cached} cached, ${estimate.toMake} requests to make), about ${estimate.promptTokens.toLocaleString('en-US')} prompt tokens (characters / 4)\n`,
    );
    for (const [model, c] of Object.entries(estimate.perModel)) process.stdout.write(`  ${model}: ${c.calls} calls, ${c.cached} cached\n`);
  }
  for (const f of result.files) {
    const what = f.written ? 'wrote' : args['dry-run'] ? 'would write' : args.limit !== undefined ? 'not written (--limit)' : 'exists, kept (--redo to rewrite)';
    process.stdout.write(`${f.split} ${f.model}: ${what} ${f.file} (${f.calls} calls)\n`);
  }
  for (const p of result.preview) process.stdout.write(`  [${p.model}, ${p.label}] ${JSON.stringify(p.text.length > 120 ? `${p.text.slice(0, 120)}…` : p.text)}\n`);
}

async function handler(args: ArgumentsCamelCase<GenerateArgs>): Promise<void> {
  const runs = await datasetRuns(args);
  const registry = await loadModelRegistry(args.models);
  const cache = await GenerationCache.open(args['cache-file']);
  const splits: Split[] = args.split === 'both' ? ['train', 'test'] : [args.split];
  const progress = createProgress({ quiet: args.quiet || args.json || args['dry-run'] });
  let results: GenerateResult[] = [];
  try {
    results = await runs.each(async ({ config, mode, dirs }) => {
      const started = performance.now();
      const result = await generateCandidates(config, mode, dirs, {
        registry,
        cache,
        splits,
        nGenerations: args['n-generations'],
        temperature: args.temperature,
        maxTokens: args['max-tokens'],
        seed: args.seed,
        limit: args.limit,
        dryRun: args['dry-run'],
        redo: args.redo,
        allowEmpty: args['allow-empty'],
        onProgress: (p) => {
          const made = p.done - p.cached;
          const seconds = (performance.now() - started) / 1000;
          const rate = seconds > 0 ? made / seconds : 0;
          progress({ stage: 'generating', done: p.done, total: p.total, detail: `${rate.toFixed(1)} calls/s, ${p.cached} cached, ${p.retries} errors retried` });
        },
      });
      progress.stop();
      if (!args.json && !args.quiet) printResult(result, args);
      return result;
    });
  } finally {
    progress.stop();
    await cache.close();
  }
  if (args.json)
    process.stdout.write(
      `${JSON.stringify(
        results.map((r) => ({ files: r.files, estimate: r.estimate, preview: r.preview })),
        null,
        2,
      )}\n`,
    );
}

export const generateCommand: CommandModule<object, GenerateArgs> = {
  command: 'generate',
  describe: 'Generate candidates with OpenAI-compatible endpoints (models.yaml) into the generation files smoothie run reads',
  builder,
  handler,
};
