/** `smoothie usc | peer-review | reward-rank`: LLM judges or a local reward model pick among the candidates (src/select/judge-run.ts). */
import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_GENERATION_CACHE, GenerationCache } from '../../llm/call-cache.js';
import { loadModelRegistry } from '../../llm/registry.js';
import { runPeerReview, runRewardRank, runUsc, type JudgeRunResult } from '../../select/judge-run.js';
import { datasetOptions, datasetRuns, outputOptions, type InferredArgs, type OutputArgs } from '../options.js';
import { DEFAULT_SEED } from '../../compute/rng.js';

/** What both judge commands take: the shared flags, and each one's judge flag (absent where the other runs). */
type JudgeArgs = InferredArgs<typeof common> & Partial<InferredArgs<typeof uscBuilder> & InferredArgs<typeof peerReviewBuilder>>;

async function runJudges(kind: 'usc' | 'peer-review', args: JudgeArgs): Promise<JudgeRunResult[]> {
  const runs = await datasetRuns(args);
  const registry = await loadModelRegistry(args.models);
  const cache = await GenerationCache.open(args['cache-file']);
  try {
    return await runs.each((run) => {
      const base = { ...run, registry, cache, seed: args.seed, redo: args.redo };
      return kind === 'usc' ? runUsc({ ...base, judge: args.judge as string }) : runPeerReview({ ...base, judges: (args.judges ?? []).flatMap((j) => j.split(',')).filter((j) => j !== '') });
    });
  } finally {
    await cache.close();
  }
}

function print(results: readonly JudgeRunResult[], args: OutputArgs): void {
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify(
        results.map((r) => ({ output_files: r.outputFiles, skipped: r.skipped, n: r.n ?? null, costs: r.costs ?? null, reliability: r.reliability ?? null, unparsed: r.unparsed ?? null })),
        null,
        2,
      )}\n`,
    );
    return;
  }
  if (args.quiet) return;
  for (const r of results) {
    if (r.skipped) {
      process.stdout.write(`${r.outputFiles.join(', ')} exist, skipped (--redo to overwrite)\n`);
      continue;
    }
    process.stdout.write(
      `wrote ${r.outputFiles.join(', ')}\n  ${r.n} samples; ${r.costs?.calls} calls (${r.costs?.cached} cached), cost ${r.costs?.cost} (new ${r.costs?.newCost}); unparsed answers ${r.unparsed}\n`,
    );
    if (r.reliability)
      process.stdout.write(
        `  judge reliability (signal/noise): ${Object.entries(r.reliability)
          .map(([j, x]) => `${j} ${x.toFixed(2)}`)
          .join(', ')}\n`,
      );
  }
}

function common<T>(y: Argv<T>) {
  return outputOptions(datasetOptions(y))
    .option('models', { type: 'string', default: 'models.yaml', describe: 'Model registry (name → endpoint, key env vars, limits, cost)' })
    .option('cache-file', { type: 'string', default: DEFAULT_GENERATION_CACHE, describe: 'Append-only cache of completed calls (reruns resume from it)' })
    .option('seed', { type: 'number', default: DEFAULT_SEED, describe: 'Seeds the retry jitter' })
    .option('redo', { type: 'boolean', default: false, describe: 'Overwrite existing outputs' });
}

function uscBuilder(y: Argv) {
  return common(y).option('judge', { type: 'string', demandOption: true, describe: 'Judge model (registry name)' });
}

export const uscCommand: CommandModule<object, InferredArgs<typeof uscBuilder>> = {
  command: 'usc',
  describe: 'Universal self-consistency: one judge model names the candidate most consistent with the others',
  builder: uscBuilder,
  handler: async (args) => print(await runJudges('usc', args), args),
};

function peerReviewBuilder(y: Argv) {
  return common(y).option('judges', { type: 'string', array: true, demandOption: true, describe: 'Judge models (registry names; repeat or comma-separate)' });
}

export const peerReviewCommand: CommandModule<object, InferredArgs<typeof peerReviewBuilder>> = {
  command: 'peer-review',
  describe: 'Peer review: every judge scores every candidate 1–10; combined by mean and by truth inference of judge reliability',
  builder: peerReviewBuilder,
  handler: async (args) => print(await runJudges('peer-review', args), args),
};

function rewardRankBuilder(y: Argv) {
  return outputOptions(datasetOptions(y))
    .option('reward-model', { type: 'string', demandOption: true, describe: 'Local model folder (config.json, tokenizer, onnx/model.onnx)' })
    .option('device', { type: 'string', default: 'cpu' as const, choices: ['cpu', 'cuda'] as const, describe: 'onnxruntime device' })
    .option('batch-size', { type: 'number', default: 16, describe: 'Pairs per forward pass' })
    .option('redo', { type: 'boolean', default: false, describe: 'Overwrite existing outputs' });
}

export const rewardRankCommand: CommandModule<object, InferredArgs<typeof rewardRankBuilder>> = {
  command: 'reward-rank',
  describe: 'Reward-model ranking: a local sequence-classification model folder scores each (input, candidate) pair; the highest reward wins',
  builder: rewardRankBuilder,
  handler: async (args) => {
    const runs = await datasetRuns(args);
    const results = await runs.each((run) => runRewardRank({ ...run, rewardModel: args['reward-model'], device: args.device, batchSize: args['batch-size'], redo: args.redo }));
    print(results, args);
  },
};
