/** AutoMix outputs: `automix_scores.json`, the cost–quality SVG, and the table shaped like the paper's. */
import path from 'node:path';
import { writeFileAtomic } from '../data/atomic.js';
import { writeJsonFile } from '../data/json.js';
import { costQualitySvg } from '../plot/cost-quality.js';
import type { AutomixEvaluation } from './evaluate.js';

export const AUTOMIX_SCORES_FILE = 'automix_scores.json';
export const AUTOMIX_CURVES_FILE = 'automix_curves.svg';

/** The JSON written to automix_scores.json (snake_case, like the reference's results). */
export function automixScoresJson(e: AutomixEvaluation): Record<string, unknown> {
  return {
    protocol: { ...e.options, note: "train rows per seed = pandas sample(train_size, random_state=seed) of the train split; lifts as fractions (×100 = the paper's %)" },
    datasets: Object.fromEntries(
      e.datasets.map((d) => [
        d.dataset,
        {
          n_train: d.nTrain,
          n_test: d.nTest,
          test_slm_perf: d.slmPerf,
          test_llm_perf: d.llmPerf,
          test_slm_llm_slope: d.slope,
          methods: Object.fromEntries(
            Object.entries(d.methods).map(([name, m]) => [
              name,
              {
                ibc_lift: m.lift,
                quality: m.performance,
                cost: m.cost,
                escalation_rate: m.escalationRate,
                per_seed: m.seeds.map((s) => ({
                  seed: s.seed,
                  family: s.family,
                  param: s.param,
                  train_ibc_lift: s.trainLift,
                  ibc_lift: s.lift,
                  quality: s.performance,
                  cost: s.cost,
                  escalation_rate: s.escalationRate,
                  route_to_llm: s.routing,
                })),
                curve_seed0: m.curve,
              },
            ]),
          ),
          pomdp_comparison: d.pomdpComparison && {
            note: 'BayesPOMDP minus the reference POMDP (rule search), test ΔIBC per seed on the same training rows',
            lift_difference: d.pomdpComparison.liftDifference,
            bayes_better: d.pomdpComparison.bayesBetter,
            reference_better: d.pomdpComparison.referenceBetter,
            ties: d.pomdpComparison.ties,
          },
          baselines: {
            always_slm: d.baselines.alwaysSlm,
            always_llm: d.baselines.alwaysLlm,
            random_mix_50: d.baselines.randomMix,
            oracle: d.baselines.oracle,
          },
          train_ids: d.trainIds,
          test_ids: d.testIds,
        },
      ]),
    ),
  };
}

export async function writeAutomixOutputs(e: AutomixEvaluation, outDir: string): Promise<{ scoresFile: string; curvesFile: string }> {
  const scoresFile = path.join(outDir, AUTOMIX_SCORES_FILE);
  const curvesFile = path.join(outDir, AUTOMIX_CURVES_FILE);
  await writeJsonFile(scoresFile, automixScoresJson(e), { indent: 2 });
  const panels = e.datasets.map((d) => ({
    title: `${d.dataset}: ${d.nTest} test rows, costs ${e.options.costs.slm}/${e.options.costs.llm} + verifier ${e.options.costs.verifier}`,
    slm: { cost: e.options.costs.slm, performance: d.slmPerf },
    llm: { cost: e.options.costs.llm, performance: d.llmPerf },
    series: Object.entries(d.methods).map(([name, m]) => ({ name, curve: m.curve, chosen: { cost: m.seeds[0].cost, performance: m.seeds[0].performance } })),
    oracle: { cost: d.baselines.oracle.cost, performance: d.baselines.oracle.performance },
    chosenLabel: 'chosen (seed 0 fit)',
    pointsLabel: 'candidate (seed 0)',
  }));
  await writeFileAtomic(curvesFile, costQualitySvg(panels));
  return { scoresFile, curvesFile };
}

const pct = (x: number): string => (x * 100).toFixed(1);

/** Rows: methods and baselines; columns: datasets; cells "ΔIBC% ± std [cost, quality]" as in the paper's table. */
export function formatAutomixTable(e: AutomixEvaluation): string {
  const methodNames = [...new Set(e.datasets.flatMap((d) => Object.keys(d.methods)))];
  const header = ['method', ...e.datasets.map((d) => d.dataset)];
  const cell = (lift: number | null, std: number | undefined, cost: number, quality: number): string =>
    `${lift === null ? 'n/a' : pct(lift)}${std !== undefined ? ` ±${pct(std)}` : ''} [${cost.toFixed(1)}, ${quality.toFixed(3)}]`;
  const rows: string[][] = [
    ...methodNames.map((name) => [
      name,
      ...e.datasets.map((d) => (d.methods[name] ? cell(d.methods[name].lift.mean, d.methods[name].lift.std, d.methods[name].cost, d.methods[name].performance) : '-')),
    ]),
    ['random mix 50%', ...e.datasets.map((d) => cell(d.baselines.randomMix.lift, d.baselines.randomMix.liftStats.std, d.baselines.randomMix.cost, d.baselines.randomMix.performance))],
    ['always SLM', ...e.datasets.map((d) => cell(null, undefined, d.baselines.alwaysSlm.cost, d.baselines.alwaysSlm.performance))],
    ['always LLM', ...e.datasets.map((d) => cell(0, undefined, d.baselines.alwaysLlm.cost, d.baselines.alwaysLlm.performance))],
    ['oracle', ...e.datasets.map((d) => cell(d.baselines.oracle.lift, undefined, d.baselines.oracle.cost, d.baselines.oracle.performance))],
  ];
  // Same seeds, same training rows: the per-seed difference and how often each side wins (better-tied-worse).
  const compared = e.datasets.some((d) => d.pomdpComparison);
  if (compared) {
    rows.push([
      'BayesPOMDP − POMDP',
      ...e.datasets.map((d) => {
        const c = d.pomdpComparison;
        return c ? `${pct(c.liftDifference.mean)} ±${pct(c.liftDifference.std)} (${c.bayesBetter}-${c.ties}-${c.referenceBetter})` : '-';
      }),
    ]);
  }
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (r: readonly string[]): string => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  const notes = compared ? ['BayesPOMDP − POMDP: per-seed ΔIBC difference on the same training rows (seeds where BayesPOMDP is better-tied-worse)'] : [];
  return [
    `ΔIBC (%) mean ±std over ${e.options.seeds} seeds [cost, quality] on the test split (${e.options.variant} metric)`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    ...notes,
  ].join('\n');
}
