/**
 * `scores.json` in the reference's structure (spec §4) plus our additions under `_details`, and
 * `sample_scores.json` (per-sample lists, the reference's evaluate_individual shape, plus methods).
 *
 *  single task:  { "<metric>": { "ensemble": {<voter or other method>: s}, "smoothie": {<smoothie method>: s}, "pick_random": s, … } }
 *  multi-task:   { "ensemble": {…}, "smoothie": {…}, "pick_random": s, … }   (no metric level)
 *  multi-prompt: as single task, the voters named `prompt_<i>`.
 */
import path from 'node:path';
import { writeJsonFile } from '../data/json.js';
import type { EvaluationResult, MethodScore } from './score-methods.js';

export const SCORES_FILE = 'scores.json';
export const SAMPLE_SCORES_FILE = 'sample_scores.json';

type Block<T> = { ensemble: Record<string, T>; smoothie: Record<string, T> } & Record<string, T | Record<string, T>>;

function block<T>(result: EvaluationResult, voterValue: (i: number) => T, methodValue: (m: MethodScore) => T | undefined): Block<T> {
  const out: Block<T> = { ensemble: {}, smoothie: {} } as Block<T>;
  result.voters.forEach((v, i) => {
    out.ensemble[v.name] = voterValue(i);
  });
  for (const m of result.methods) {
    const value = methodValue(m);
    if (value === undefined) continue;
    if (m.category === 'smoothie') out.smoothie[m.name] = value;
    else if (m.category === 'ensemble') out.ensemble[m.name] = value;
    else out[m.name] = value;
  }
  return out;
}

function wrap<T>(result: EvaluationResult, b: Block<T>): Record<string, unknown> {
  return result.isGroup ? { ...b } : { [result.metric]: b };
}

/** Our additions: nothing the reference's readers look at. */
export function scoresDetails(result: EvaluationResult): Record<string, unknown> {
  const trials: Record<string, unknown> = {};
  for (const m of result.methods) {
    if (m.kind === 'trials') trials[m.name] = { mean: m.mean, std: m.std, n_trials: m.trialMeans?.length ?? 0, trial_scores: m.trialMeans };
  }
  const perTask: Record<string, Record<string, number>> = {};
  for (const t of result.tasks) {
    const row: Record<string, number> = {};
    for (const v of result.voters) row[v.name] = v.perTask[t.task];
    for (const m of result.methods) row[m.name] = m.perTask[t.task];
    row.oracle = result.oracle.perTask[t.task];
    perTask[t.task] = row;
  }
  return {
    n_samples: result.n,
    metric: result.metric,
    higher_is_better: result.higherIsBetter,
    tasks: Object.fromEntries(result.tasks.map((t) => [t.task, { metric: t.metric, n: t.n, higher_is_better: t.higherIsBetter }])),
    voters: result.voters.map((v) => v.name),
    oracle: result.oracle.mean,
    best_single_voter: { name: result.bestVoter.name, score: result.bestVoter.mean },
    trials,
    per_task: perTask,
    files: Object.fromEntries(result.methods.map((m) => [m.name, m.file])),
    problems: result.problems.map((p) => ({ file: p.file, reason: p.reason })),
  };
}

/** The scores.json object: the reference's structure plus `_details`. */
export function buildScoresJson(result: EvaluationResult): Record<string, unknown> {
  const b = block(
    result,
    (i) => result.voters[i].mean,
    (m) => m.mean,
  );
  return { ...wrap(result, b), _details: scoresDetails(result) };
}

/** The sample_scores.json object: per-sample lists (trial methods left out, as the reference does). */
export function buildSampleScoresJson(result: EvaluationResult): Record<string, unknown> {
  const b = block(
    result,
    (i) => [...result.voters[i].sampleScores],
    (m) => (m.sampleScores ? [...m.sampleScores] : undefined),
  );
  return {
    ...wrap(result, b),
    _details: { oracle: [...result.oracle.sampleScores], oracle_choice: result.oracle.choices.map((v) => result.voters[v].name) },
  };
}

export interface WrittenScores {
  readonly scoresFile: string;
  readonly sampleScoresFile: string;
}

/** Writes both files into the method folder, atomically. */
export async function writeScoresFiles(result: EvaluationResult, dir: string = result.dir): Promise<WrittenScores> {
  const scoresFile = path.join(dir, SCORES_FILE);
  const sampleScoresFile = path.join(dir, SAMPLE_SCORES_FILE);
  await writeJsonFile(scoresFile, buildScoresJson(result), { indent: 4 });
  await writeJsonFile(sampleScoresFile, buildSampleScoresJson(result));
  return { scoresFile, sampleScoresFile };
}
