/** `smoothie evaluate`: score every method file and voter of a method folder against the labels. */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { VoterMode } from '../../data/paths.js';
import { evaluateMethods, writeScoresChart, writeScoresFiles, type EvaluationResult } from '../../evaluate/index.js';
import { datasetOptions, datasetRuns, taskMetricOption, outputOptions, type InferredArgs } from '../options.js';

/** Exit code when some method files were skipped (each printed on stderr). */
export const EXIT_SKIPPED_FILES = 3;

function builder(y: Argv) {
  return taskMetricOption(outputOptions(datasetOptions(y)));
}

type EvaluateArgs = InferredArgs<typeof builder>;

const fmt = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(4));

/** The printed table: one row per method, voter and the oracle, best first; multi-task adds one column per task. */
export function formatScoresTable(result: EvaluationResult): string {
  type Row = { name: string; kind: string; mean: number; std?: number; perTask: Readonly<Record<string, number>> };
  const rows: Row[] = [
    ...result.methods.map((m): Row => ({ name: m.name, kind: m.kind === 'trials' ? `method (${m.trialMeans?.length ?? 0} trials)` : 'method', mean: m.mean, std: m.std, perTask: m.perTask })),
    ...result.voters.map((v): Row => ({ name: v.name, kind: v === result.bestVoter ? 'voter (best single)' : 'voter', mean: v.mean, perTask: v.perTask })),
    { name: 'oracle', kind: 'best voter per sample', mean: result.oracle.mean, perTask: result.oracle.perTask },
  ];
  const key = (r: Row): number => (Number.isFinite(r.mean) ? (result.higherIsBetter ? -r.mean : r.mean) : Infinity);
  rows.sort((a, b) => key(a) - key(b));
  const taskCols = result.isGroup ? result.tasks.map((t) => `${t.task} (${t.metric}, n=${t.n})`) : [];
  const header = ['method / voter', 'kind', result.isGroup ? 'overall' : result.metric, ...taskCols];
  const cells = rows.map((r) => [r.name, r.kind, r.std !== undefined ? `${fmt(r.mean)} ± ${fmt(r.std)}` : fmt(r.mean), ...(result.isGroup ? result.tasks.map((t) => fmt(r.perTask[t.task])) : [])]);
  const widths = header.map((h, j) => Math.max(h.length, ...cells.map((c) => c[j].length)));
  const line = (c: readonly string[]): string =>
    c
      .map((s, j) => (j < 2 ? s.padEnd(widths[j]) : s.padStart(widths[j])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function describeMode(mode: VoterMode): string {
  return mode.kind === 'multi-model' ? `model group ${mode.group}` : `model ${mode.model} (prompts)`;
}

async function handler(args: ArgumentsCamelCase<EvaluateArgs>): Promise<void> {
  const runs = await datasetRuns(args);
  const summaries: unknown[] = [];
  let skipped = 0;
  await runs.each(async ({ config, mode, dirs }) => {
    const result = await evaluateMethods({ config, mode, dirs, metric: args['task-metric'] });
    const { scoresFile, sampleScoresFile } = await writeScoresFiles(result);
    const chartFile = await writeScoresChart(result);
    for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
    for (const p of result.problems) process.stderr.write(`skipped ${result.dir}/${p.file}: ${p.reason}\n`);
    skipped += result.problems.length;
    if (args.json) {
      summaries.push({
        method_dir: result.dir,
        scores_file: scoresFile,
        sample_scores_file: sampleScoresFile,
        chart_file: chartFile,
        n: result.n,
        metric: result.metric,
        higher_is_better: result.higherIsBetter,
        tasks: result.tasks,
        voters: Object.fromEntries(result.voters.map((v) => [v.name, { mean: v.mean, per_task: v.perTask }])),
        methods: Object.fromEntries(result.methods.map((m) => [m.name, { file: m.file, category: m.category, kind: m.kind, mean: m.mean, std: m.std ?? null, per_task: m.perTask }])),
        oracle: { mean: result.oracle.mean, per_task: result.oracle.perTask },
        best_single_voter: { name: result.bestVoter.name, mean: result.bestVoter.mean },
        problems: result.problems,
        warnings: result.warnings,
      });
    } else if (!args.quiet) {
      process.stdout.write(`${describeMode(mode)}: ${result.n} test samples, ${result.methods.length} method files\n`);
      process.stdout.write(`${formatScoresTable(result)}\n`);
      process.stdout.write(`wrote ${scoresFile}, ${sampleScoresFile}, ${chartFile}\n`);
    }
  });
  if (args.json) process.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
  if (skipped > 0) process.exitCode = EXIT_SKIPPED_FILES;
}

export const evaluateCommand: CommandModule<object, EvaluateArgs> = {
  command: 'evaluate',
  describe: 'Score every method and voter against the labels (writes scores.json, sample_scores.json, scores.svg)',
  builder,
  handler,
};
