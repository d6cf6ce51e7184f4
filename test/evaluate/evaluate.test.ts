import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Rng } from '../../src/compute/rng.js';
import { loadDatasetConfig, type DatasetConfig } from '../../src/data/config.js';
import type { RunDirs, VoterMode } from '../../src/data/paths.js';
import { loadSplitData } from '../../src/data/split.js';
import { createHashEmbedder } from '../../src/embed/hash.js';
import { evaluateCommand, formatScoresTable } from '../../src/cli/commands/evaluate.js';
import { buildSampleScoresJson, buildScoresJson, evaluateMethods, methodNameFromFile, scoresChartSvg, writeScoresChart, writeScoresFiles, type EvaluationResult } from '../../src/evaluate/index.js';
import { meanScore, scoreSample } from '../../src/metrics/registry.js';
import { runSmoothie } from '../../src/smoothie/run.js';
import { demoWorkspace } from '../cli/helpers.js';

const MODE: VoterMode = { kind: 'multi-model', group: 'demo_ensemble' };
const SD = 'smoothie_sample_dependent_test_time_20_hash-1024';
const SI = 'smoothie_sample_independent_test_time_hash-1024';
const TRIALS = 7;

function populationStd(xs: readonly number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length);
}

describe('evaluate on the demo', () => {
  let dir: string;
  let dirs: RunDirs;
  let config: DatasetConfig;
  let methodFolder: string;
  let result: EvaluationResult;
  let direct: { voters: string[]; perVoter: number[][]; randomTrialMeans: number[] };

  beforeAll(async () => {
    dir = demoWorkspace();
    dirs = { dataDir: path.join(dir, 'results', 'datasets'), resultsDir: path.join(dir, 'results') };
    config = await loadDatasetConfig(path.join(dir, 'dataset_configs', 'demo.yaml'));
    const embedder = createHashEmbedder();
    await runSmoothie({ config, mode: MODE, dirs, type: 'sample_dependent', k: 20, embedder });
    await runSmoothie({ config, mode: MODE, dirs, type: 'sample_independent', embedder });
    methodFolder = path.join(dir, 'results', 'demo', 'demo_ensemble');

    // A hand-written uniformly random trial file (the reference's pick_random shape).
    const { rows, table } = await loadSplitData(config, MODE, dirs, 'test');
    const rng = new Rng(7);
    const trials = Array.from({ length: TRIALS }, () => table.texts.map((cands) => cands[rng.int(cands.length)]));
    writeFileSync(path.join(methodFolder, 'pick_random_test.json'), JSON.stringify({ generations: trials }));
    // A file skipped silently (train split), and three that must be reported (a _gens_ file is not scored, as the reference).
    writeFileSync(path.join(methodFolder, 'pick_longest_3_gens_test.json'), JSON.stringify({ generations: ['x'] }));
    writeFileSync(path.join(methodFolder, 'pick_longest_train.json'), JSON.stringify({ generations: ['x'] }));
    writeFileSync(path.join(methodFolder, 'short_method_test.json'), JSON.stringify({ generations: ['a', 'b', 'c'] }));
    writeFileSync(path.join(methodFolder, 'garbage_test.json'), '{"generations": [1, 2');
    mkdirSync(path.join(methodFolder, 'embeddings_test.json'), { recursive: true }); // a folder, not a file

    const score = (g: string, s: number): number => scoreSample('squad_acc', g, rows[s].reference as string);
    direct = {
      voters: [...table.voters],
      perVoter: table.voters.map((_, v) => table.texts.map((c, s) => score(c[v], s))),
      randomTrialMeans: trials.map((t) => meanScore(t.map((g, s) => score(g, s)))),
    };
    result = await evaluateMethods({ config, mode: MODE, dirs });
  });

  it('derives method names as the reference does and skips non-method files', () => {
    expect(methodNameFromFile(`${SD}_test.json`)).toBe(SD);
    expect(methodNameFromFile('pick_random_test.json')).toBe('pick_random');
    expect(methodNameFromFile('pick_random_3_gens_test.json')).toBeUndefined();
    expect(methodNameFromFile('smoothie_sample_independent_test_time_3_gens_use_test.json')).toBe('smoothie_sample_independent_test_time_3_gens_use');
    expect(methodNameFromFile('x_train.json')).toBeUndefined();
    expect(methodNameFromFile('x_train_test.json')).toBeUndefined();
    expect(methodNameFromFile('scores.json')).toBeUndefined();
    expect(methodNameFromFile('sample_scores.json')).toBeUndefined();
    expect(methodNameFromFile('individual_test.json')).toBeUndefined();
    expect(methodNameFromFile(`${SD}_test.svg`)).toBeUndefined();
    expect(result.methods.map((m) => m.name).sort()).toEqual(['pick_random', SD, SI].sort());
  });

  it('scores every voter as a direct computation does', () => {
    expect(result.n).toBe(360);
    expect(result.metric).toBe('squad_acc');
    expect(result.voters.map((v) => v.name)).toEqual(direct.voters);
    result.voters.forEach((v, i) => {
      expect(v.sampleScores).toEqual(direct.perVoter[i]);
      expect(v.mean).toBeCloseTo(meanScore(direct.perVoter[i]), 12);
    });
    const best = direct.perVoter.map(meanScore).reduce((b, x, i, all) => (x > all[b] ? i : b), 0);
    expect(result.bestVoter.name).toBe(direct.voters[best]);
    const oracle = direct.perVoter[0].map((_, s) => Math.max(...direct.perVoter.map((p) => p[s])));
    expect(result.oracle.mean).toBeCloseTo(meanScore(oracle), 12);
  });

  it('orders oracle ≥ Smoothie-Local > random', () => {
    const sd = result.methods.find((m) => m.name === SD);
    const random = result.methods.find((m) => m.name === 'pick_random');
    expect(sd?.kind).toBe('selection');
    expect(random?.kind).toBe('trials');
    expect(result.oracle.mean).toBeGreaterThanOrEqual(sd!.mean);
    expect(sd!.mean).toBeGreaterThan(random!.mean);
    expect(result.oracle.mean).toBeGreaterThanOrEqual(result.bestVoter.mean);
  });

  it('reports trial methods as mean and standard deviation over trials', () => {
    const random = result.methods.find((m) => m.name === 'pick_random')!;
    expect(random.trialMeans).toHaveLength(TRIALS);
    random.trialMeans!.forEach((t, i) => expect(t).toBeCloseTo(direct.randomTrialMeans[i], 12));
    expect(random.mean).toBeCloseTo(meanScore(direct.randomTrialMeans), 12);
    expect(random.std).toBeCloseTo(populationStd(direct.randomTrialMeans), 12);
    expect(random.std).toBeGreaterThan(0);
  });

  it('reports and skips a wrong-length or unreadable method file', () => {
    const files = result.problems.map((p) => p.file).sort();
    expect(files).toEqual(['garbage_test.json', 'pick_longest_3_gens_test.json', 'short_method_test.json']);
    const short = result.problems.find((p) => p.file === 'short_method_test.json')!;
    expect(short.reason).toMatch(/3 generations .* 360 rows/);
  });

  it('writes scores.json in the reference structure plus _details', async () => {
    const { scoresFile, sampleScoresFile } = await writeScoresFiles(result);
    const scores = JSON.parse(readFileSync(scoresFile, 'utf8')) as Record<string, any>;
    expect(Object.keys(scores).sort()).toEqual(['_details', 'squad_acc']);
    const block = scores.squad_acc;
    expect(Object.keys(block.ensemble)).toEqual(direct.voters);
    expect(Object.keys(block.smoothie).sort()).toEqual([SD, SI].sort());
    expect(block.pick_random).toBeCloseTo(meanScore(direct.randomTrialMeans), 12);
    expect(block.ensemble[direct.voters[0]]).toBeCloseTo(meanScore(direct.perVoter[0]), 12);
    const details = scores._details;
    expect(details.trials.pick_random.std).toBeCloseTo(populationStd(direct.randomTrialMeans), 12);
    expect(details.oracle).toBeCloseTo(result.oracle.mean, 12);
    expect(details.best_single_voter.name).toBe(result.bestVoter.name);
    expect(details.problems).toHaveLength(3);

    const samples = JSON.parse(readFileSync(sampleScoresFile, 'utf8')) as Record<string, any>;
    expect(samples.squad_acc.ensemble[direct.voters[1]]).toEqual(direct.perVoter[1]);
    expect(samples.squad_acc.smoothie[SD]).toHaveLength(360);
    expect(samples.squad_acc.pick_random).toBeUndefined();
    expect(buildSampleScoresJson(result)).toEqual(samples);
  });

  it('draws a well-formed bar chart naming every method and voter', async () => {
    const file = await writeScoresChart(result);
    const svg = readFileSync(file, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    for (const name of [...direct.voters, SD, SI, 'pick_random', 'oracle', 'best single voter']) expect(svg).toContain(name);
    expect(svg).toContain('±'); // the trial method's error bar label
    expect((svg.match(/<text/g) ?? []).length).toBe((svg.match(/<\/text>/g) ?? []).length);
    expect(scoresChartSvg(result)).toBe(svg);
  });

  it('prints a table of methods and voters', () => {
    const table = formatScoresTable(result);
    console.log(table);
    for (const name of [...direct.voters, SD, SI, 'pick_random', 'oracle']) expect(table).toContain(name);
  });
});

describe('smoothie evaluate (command handler)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  async function runHandler(dir: string, extra: Record<string, unknown> = {}): Promise<{ out: string; err: string; code: number | string | undefined }> {
    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      out += String(c);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
      err += String(c);
      return true;
    });
    const args = {
      _: ['evaluate'],
      $0: 'smoothie',
      'dataset-config': path.join(dir, 'dataset_configs', 'demo.yaml'),
      'model-group': ['demo_ensemble'],
      'multi-model': true,
      'multi-prompt': false,
      'data-dir': path.join(dir, 'results', 'datasets'),
      'results-dir': path.join(dir, 'results'),
      quiet: false,
      json: false,
      ...extra,
    };
    await (evaluateCommand.handler as (a: unknown) => Promise<void>)(args);
    const code = process.exitCode;
    vi.restoreAllMocks();
    return { out, err, code };
  }

  it('writes the three files, prints the table, exits 0; a skipped file gives exit 3 and one stderr line', async () => {
    const dir = demoWorkspace();
    const folder = path.join(dir, 'results', 'demo', 'demo_ensemble');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'pick_longest_test.json'), JSON.stringify({ generations: Array(360).fill('x') }));
    const ok = await runHandler(dir);
    expect(ok.code ?? 0).toBe(0);
    expect(ok.err).toBe('');
    expect(ok.out).toMatch(/pick_longest\s+method\s+0\.0000/);
    for (const f of ['scores.json', 'sample_scores.json', 'scores.svg']) expect(readFileSync(path.join(folder, f), 'utf8').length).toBeGreaterThan(0);

    writeFileSync(path.join(folder, 'short_test.json'), JSON.stringify({ generations: ['x'] }));
    const bad = await runHandler(dir, { json: true });
    expect(bad.code).toBe(3);
    expect(bad.err.trimEnd().split('\n')).toHaveLength(1);
    expect(bad.err).toContain('short_test.json');
    const summary = JSON.parse(bad.out) as { problems: unknown[]; methods: Record<string, unknown> }[];
    expect(summary[0].problems).toHaveLength(1);
    expect(Object.keys(summary[0].methods)).toEqual(['pick_longest']);
  });
});

describe('evaluate on a multi-task group', () => {
  it('gives per-task scores and a sample-weighted overall mean', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-eval-group-'));
    const cfgDir = path.join(dir, 'configs');
    mkdirSync(cfgDir);
    writeFileSync(path.join(cfgDir, 'model_groups.yaml'), 'groups:\n  g: [a, b, c]\n');
    writeFileSync(path.join(cfgDir, 'squad.yaml'), 'dataset: squad\n');
    writeFileSync(path.join(cfgDir, 'gsm8k.yaml'), 'dataset: gsm8k\n');
    writeFileSync(path.join(cfgDir, 'mix.yaml'), 'dataset: mix\ntasks: [squad.yaml, gsm8k.yaml]\nmodel_groups: [g]\n');
    const rows = [
      { task_name: 'squad', reference: 'Paris' },
      { task_name: 'squad', reference: 'Rome' },
      { task_name: 'squad', reference: 'Oslo' },
      { task_name: 'gsm8k', reference: '12' },
      { task_name: 'gsm8k', reference: '7' },
    ].map((r, idx) => ({ idx, ...r, embedding_input: `q${idx}` }));
    mkdirSync(path.join(dir, 'data'));
    writeFileSync(path.join(dir, 'data', 'mix_test.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    const gens: Record<string, string[]> = {
      a: ['Paris.', 'Rome', 'no', 'So the answer is 12.', 'The answer is 8.'],
      b: ['no', 'no', 'no', '12', 'So the answer is 7.'],
      c: ['Lyon', 'Rome!', 'Oslo', 'the answer is 12', 'no'],
    };
    const gensDir = path.join(dir, 'results', 'mix', 'model_gens');
    mkdirSync(gensDir, { recursive: true });
    for (const [m, g] of Object.entries(gens)) writeFileSync(path.join(gensDir, `${m}_test.json`), JSON.stringify({ generations: g }));
    const methodFolder = path.join(dir, 'results', 'mix', 'g');
    mkdirSync(methodFolder);
    // Picks a, a, c, a, b: every sample right.
    writeFileSync(path.join(methodFolder, 'smoothie_x_test.json'), JSON.stringify({ generations: ['Paris.', 'Rome', 'Oslo', 'So the answer is 12.', 'So the answer is 7.'] }));
    writeFileSync(path.join(methodFolder, 'pick_longest_test.json'), JSON.stringify({ generations: gens.c }));

    const config = await loadDatasetConfig(path.join(cfgDir, 'mix.yaml'));
    const result = await evaluateMethods({ config, mode: { kind: 'multi-model', group: 'g' }, dirs: { dataDir: path.join(dir, 'data'), resultsDir: path.join(dir, 'results') } });
    expect(result.isGroup).toBe(true);
    expect(result.tasks.map((t) => [t.task, t.metric, t.n])).toEqual([
      ['squad', 'squad_acc', 3],
      ['gsm8k', 'gsm8k_acc', 2],
    ]);
    const a = result.voters.find((v) => v.name === 'a')!;
    // a: squad 1,1,0; gsm8k: "So the answer is 12" → 1, "The answer is 8" lacks the exact lowercase text → 0.
    expect(a.sampleScores).toEqual([1, 1, 0, 1, 0]);
    expect(a.perTask).toEqual({ squad: 2 / 3, gsm8k: 0.5 });
    expect(a.mean).toBeCloseTo((3 * (2 / 3) + 2 * 0.5) / 5, 12); // sample-weighted, not the mean of task means
    const c = result.voters.find((v) => v.name === 'c')!;
    expect(c.sampleScores).toEqual([0, 1, 1, 1, 0]);
    expect(result.oracle.sampleScores).toEqual([1, 1, 1, 1, 1]);
    const smoothie = result.methods.find((m) => m.name === 'smoothie_x')!;
    expect(smoothie.mean).toBe(1);
    expect(smoothie.perTask).toEqual({ squad: 1, gsm8k: 1 });

    const scores = buildScoresJson(result) as Record<string, any>;
    expect(Object.keys(scores).sort()).toEqual(['_details', 'ensemble', 'smoothie']); // no metric level
    expect(scores.smoothie.smoothie_x).toBe(1);
    expect(scores.ensemble.pick_longest).toBeCloseTo(c.mean, 12);
    expect(scores._details.per_task.gsm8k.a).toBe(0.5);
    expect(scores._details.per_task.squad.oracle).toBe(1);

    const table = formatScoresTable(result);
    expect(table.split('\n')[0]).toMatch(/overall.*squad \(squad_acc, n=3\).*gsm8k \(gsm8k_acc, n=2\)/);
  });
});
