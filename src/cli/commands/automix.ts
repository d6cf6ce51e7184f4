/** `smoothie automix generate | evaluate`: AutoMix data from your endpoints; meta-verifiers under the paper protocol. */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { loadAutomixData } from '../../automix/data.js';
import { evaluateAutomix } from '../../automix/evaluate.js';
import { LIFT_VARIANTS, type Costs, type LiftVariant } from '../../automix/costs.js';
import { META_VERIFIERS, type MetaVerifierName } from '../../automix/meta-verifier.js';
import { automixScoresJson, formatAutomixTable, writeAutomixOutputs } from '../../automix/report.js';
import { generateAutomixData } from '../../automix/generate.js';
import { UserInputError } from '../../errors/index.js';
import { DEFAULT_GENERATION_CACHE, GenerationCache } from '../../llm/call-cache.js';
import { loadModelRegistry } from '../../llm/registry.js';
import { createProgress } from '../progress.js';
import { outputOptions, type InferredArgs } from '../options.js';
import { DEFAULT_SEED } from '../../compute/rng.js';

function parseCosts(text: string, verifier: number): Costs {
  const parts = text.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 2 || parts.some((x) => !Number.isFinite(x))) throw new UserInputError(`expected two numbers "slm,llm", got '${text}'`, { field: '--costs' });
  return { slm: parts[0], llm: parts[1], verifier };
}

function evaluateBuilder(y: Argv) {
  return outputOptions(y)
    .option('data', { type: 'string', demandOption: true, describe: 'AutoMix jsonl (id, dataset, split, answers, scores, verifier confidence or samples)' })
    .option('slm', { type: 'string', default: 'llama13b', describe: 'Small-model column prefix' })
    .option('llm', { type: 'string', default: 'llama70b', describe: 'Large-model column prefix' })
    .option('slm-score', { type: 'string', describe: 'SLM score column (default <slm>_f1; computed from answers when absent)' })
    .option('llm-score', { type: 'string', describe: 'LLM score column (default <llm>_f1)' })
    .option('confidence', { type: 'string', describe: 'Verifier confidence column (default p_ver_<size>, else from <slm>_ver samples)' })
    .option('methods', { type: 'string', array: true, default: [...META_VERIFIERS], describe: `Meta-verifiers (default: every family: ${META_VERIFIERS.join(', ')})` })
    .option('datasets', { type: 'string', array: true, describe: 'Only these datasets' })
    .option('seeds', { type: 'number', default: 10, describe: 'Seeds 0…N−1, one training sample each' })
    .option('train-size', { type: 'number', default: 1000, describe: 'Training rows sampled per seed' })
    .option('bins', { type: 'number', default: 8, describe: 'Confidence bins' })
    .option('costs', { type: 'string', default: '1,50', describe: 'SLM,LLM cost per query' })
    .option('verifier-cost', { type: 'number', default: 1, describe: 'Cost of verifying one answer' })
    .option('metric', { choices: LIFT_VARIANTS, default: 'reference' as LiftVariant, describe: 'ΔIBC as the reference (verifier cost on the method only) or verifier-neutral' })
    .option('category-scope', { choices: ['file', 'train'] as const, default: 'file' as const, describe: 'Category percentiles over the whole file (reference) or the training sample' })
    .option('out-dir', { type: 'string', default: 'results/automix', describe: 'Where automix_scores.json and automix_curves.svg go' })
    .option('seed', { type: 'number', default: DEFAULT_SEED, describe: 'Seed of the random-mix baseline' });
}

type EvaluateArgs = InferredArgs<typeof evaluateBuilder>;

async function evaluateHandler(args: ArgumentsCamelCase<EvaluateArgs>): Promise<void> {
  const methods = args.methods.map((m) => {
    if (!(META_VERIFIERS as readonly string[]).includes(m)) throw new UserInputError(`unknown meta-verifier '${m}' (valid: ${META_VERIFIERS.join(', ')})`, { field: '--methods' });
    return m as MetaVerifierName;
  });
  const costs = parseCosts(args.costs, args['verifier-cost']);
  const data = await loadAutomixData(args.data, { slm: args.slm, llm: args.llm, slmScore: args['slm-score'], llmScore: args['llm-score'], confidence: args.confidence });
  const evaluation = evaluateAutomix(data.rows, {
    methods,
    datasets: args.datasets,
    seeds: args.seeds,
    trainSize: args['train-size'],
    bins: args.bins,
    costs,
    variant: args.metric,
    categoryScope: args['category-scope'],
    seed: args.seed,
    source: args.data,
  });
  const files = await writeAutomixOutputs(evaluation, args['out-dir']);
  if (args.json) process.stdout.write(`${JSON.stringify({ files, ...automixScoresJson(evaluation) }, null, 2)}\n`);
  else if (!args.quiet) process.stdout.write(`${formatAutomixTable(evaluation)}\nwrote ${files.scoresFile}, ${files.curvesFile}\n`);
}

const evaluateCommand: CommandModule<object, EvaluateArgs> = {
  command: 'evaluate',
  describe: 'Fit and test meta-verifiers under the paper protocol (10 seeds × 1000 train rows, val as test)',
  builder: evaluateBuilder,
  handler: evaluateHandler,
};

function generateBuilder(y: Argv) {
  return outputOptions(y)
    .option('data', { type: 'string', demandOption: true, describe: 'Questions jsonl: id, dataset, split, base_ctx, question, output' })
    .option('out', { type: 'string', demandOption: true, describe: 'AutoMix jsonl to write (answers, verifications, scores, confidence)' })
    .option('models', { type: 'string', default: 'models.yaml', describe: 'Model registry' })
    .option('slm-model', { type: 'string', demandOption: true, describe: 'Registry name of the small model (answers and verifies)' })
    .option('llm-model', { type: 'string', demandOption: true, describe: 'Registry name of the large model' })
    .option('slm', { type: 'string', default: 'llama13b', describe: 'Column prefix for the small model' })
    .option('llm', { type: 'string', default: 'llama70b', describe: 'Column prefix for the large model' })
    .option('k', { type: 'number', default: 8, describe: 'Verification samples per answer (temperature 1)' })
    .option('seed', { type: 'number', default: DEFAULT_SEED, describe: 'Request seed and retry jitter' })
    .option('cache-file', { type: 'string', default: DEFAULT_GENERATION_CACHE, describe: 'Append-only cache of completed calls (reruns resume)' });
}

type GenerateArgs = InferredArgs<typeof generateBuilder>;

async function generateHandler(args: ArgumentsCamelCase<GenerateArgs>): Promise<void> {
  const registry = await loadModelRegistry(args.models);
  const cache = await GenerationCache.open(args['cache-file']);
  const progress = createProgress({ quiet: args.quiet || args.json });
  try {
    const result = await generateAutomixData(args.data, args.out, {
      registry,
      cache,
      slmModel: args['slm-model'],
      llmModel: args['llm-model'],
      slm: args.slm,
      llm: args.llm,
      k: args.k,
      seed: args.seed,
      onProgress: (stage, p) => progress({ stage, done: p.done, total: p.total, detail: `${p.cached} cached, ${p.retries} retries` }),
    });
    progress.stop();
    if (args.json) process.stdout.write(`${JSON.stringify({ out: args.out, ...result })}\n`);
    else if (!args.quiet) process.stdout.write(`wrote ${args.out}: ${result.rows} rows (${result.calls} calls, cached ones reused)\n`);
  } finally {
    progress.stop();
    await cache.close();
  }
}

const generateCommand: CommandModule<object, GenerateArgs> = {
  command: 'generate',
  describe: 'SLM and LLM answers and SLM self-verifications through models.yaml endpoints (resumable)',
  builder: generateBuilder,
  handler: generateHandler,
};

export const automixCommand: CommandModule = {
  command: 'automix <command>',
  describe: 'AutoMix: escalate from a small to a large model when self-verification says so',
  builder: (y) => y.command(generateCommand).command(evaluateCommand).demandCommand(1),
  handler: () => undefined,
};
