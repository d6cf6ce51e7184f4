import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yargs from 'yargs';
import { labeledKnn, labeledOracle, pickLongest, pickRandom, runBaselines, wordCount, type LabeledSplit, type RunBaselinesOptions } from '../../src/baselines/index.js';
import { labeledKnnCommand, labeledOracleCommand, pickLongestCommand, pickRandomCommand } from '../../src/cli/commands/baselines.js';
import { loadDatasetConfig, type DatasetConfig } from '../../src/data/config.js';
import { createBackend, type Backend } from '../../src/compute/backend.js';
import { Rng } from '../../src/compute/rng.js';
import type { CandidateTable } from '../../src/data/candidates.js';
import { trialChoices } from '../../src/data/selection.js';
import type { DatasetRow } from '../../src/data/schemas.js';
import { createEmbedder } from '../../src/embed/factory.js';
import type { Embedder } from '../../src/embed/types.js';
import { UserInputError } from '../../src/errors/index.js';
import { demoWorkspace } from '../cli/helpers.js';

const VOTERS = ['fruit-7b', 'car-7b', 'bad-7b'];

/** Two clusters of inputs; fruit-7b is right on fruit questions, car-7b on car ones, bad-7b never. */
function clusterSplit(n: number, offset: number): { rows: DatasetRow[]; table: CandidateTable } {
  const rows: DatasetRow[] = [];
  const texts: string[][] = [];
  for (let i = 0; i < n; i++) {
    const fruit = i % 2 === 0;
    const ref = `ans${offset + i}`;
    rows.push({
      idx: i,
      task_name: 'squad',
      reference: ref,
      embedding_input: fruit ? `which fruit apple banana cherry mango item${i}` : `which engine motor wheel truck gearbox item${i}`,
    });
    texts.push([fruit ? ref : 'wrong answer', fruit ? 'wrong answer' : ref, 'nothing useful here']);
  }
  return { rows, table: { voters: VOTERS, texts } };
}

function accuracy(split: { rows: readonly DatasetRow[]; table: CandidateTable }, selected: readonly number[]): number {
  let ok = 0;
  selected.forEach((v, s) => {
    if (split.table.texts[s][v] === split.rows[s].reference) ok++;
  });
  return ok / selected.length;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('pick-random', () => {
  const table: CandidateTable = { voters: VOTERS, texts: Array.from({ length: 3000 }, () => ['a', 'b', 'c']) };

  it('is deterministic per seed and differs across seeds', () => {
    const a = trialChoices(pickRandom(table, { trials: 3, rng: new Rng(7) }));
    const b = trialChoices(pickRandom(table, { trials: 3, rng: new Rng(7) }));
    const c = trialChoices(pickRandom(table, { trials: 3, rng: new Rng(8) }));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).toHaveLength(3);
    expect(a[0]).toHaveLength(3000);
    expect(a[0]).not.toEqual(a[1]);
  });

  it('draws voters uniformly', () => {
    const sel = trialChoices(pickRandom(table, { trials: 10, rng: new Rng(42) })).flat();
    const counts = [0, 0, 0];
    for (const v of sel) counts[v]++;
    for (const c of counts) expect(Math.abs(c / sel.length - 1 / 3)).toBeLessThan(0.01);
  });

  it('rejects a non-positive trial count', () => {
    expect(() => pickRandom(table, { trials: 0, rng: new Rng(1) })).toThrow(UserInputError);
  });
});

describe('pick-longest', () => {
  it('picks the most words, ties to the lower index, counting cleaned text', () => {
    const table: CandidateTable = {
      voters: ['a', 'b', 'c'],
      texts: [
        ['one two', 'one two three', 'x'],
        ['same len', 'also two', 'one'],
        ['short', 'first line\nsecond line is much much longer', 'three words here'],
        ['', '  ', '<pad>'],
      ],
    };
    expect(pickLongest(table)).toEqual({ selected: Int32Array.from([1, 0, 2, 0]), n: 4, m: 3 });
    expect(Array.from(pickLongest(table, { clean: false }).selected)).toEqual([1, 0, 1, 2]); // raw "<pad>" is one word
    expect(wordCount('  a  b\tc\n')).toBe(3);
    expect(wordCount('   ')).toBe(0);
  });
});

describe('labeled-oracle', () => {
  it('routes everything to the voter best on the drawn train rows', () => {
    const train = clusterSplit(40, 0);
    // Make car-7b right everywhere on train: it is the best voter.
    const always: LabeledSplit = { rows: train.rows, table: { voters: VOTERS, texts: train.rows.map((r) => ['wrong', String(r.reference), 'nope']) } };
    const test = clusterSplit(10, 100);
    const r = labeledOracle(always, test.table, { trials: 4, sampleSize: 50, rng: new Rng(3) });
    expect(r.bestVoterPerTrial).toEqual([1, 1, 1, 1]);
    expect(trialChoices(r).every((t) => t.length === 10 && t.every((v) => v === 1))).toBe(true);
    expect(r.draws.every((d) => d.length === 50)).toBe(true);
    expect(r.trainMeanScores[0]).toEqual([0, 1, 0]);
  });

  it('breaks ties to the first voter and is deterministic per seed', () => {
    const train = clusterSplit(40, 0);
    const tie: LabeledSplit = { rows: train.rows, table: { voters: VOTERS, texts: train.rows.map((r) => ['x', 'y', String(r.reference)].map((t, v) => (v < 2 ? String(r.reference) : t))) } };
    const r = labeledOracle(tie, train.table, { trials: 2, sampleSize: 5, rng: new Rng(1) });
    expect(r.bestVoterPerTrial).toEqual([0, 0]);
    const a = labeledOracle(train, train.table, { trials: 5, sampleSize: 5, rng: new Rng(11) });
    const b = labeledOracle(train, train.table, { trials: 5, sampleSize: 5, rng: new Rng(11) });
    const c = labeledOracle(train, train.table, { trials: 5, sampleSize: 5, rng: new Rng(12) });
    expect(a).toEqual(b);
    expect(a.draws).not.toEqual(c.draws);
  });

  it('minimises a lower-is-better metric (mix_instruct rank)', () => {
    const rows: DatasetRow[] = Array.from({ length: 20 }, (_, i) => ({
      idx: i,
      task_name: 'mix_instruct',
      reference: { [`a${i}`]: 2, [`b${i}`]: 3, [`c${i}`]: 1 },
      embedding_input: `q${i}`,
    }));
    const table: CandidateTable = { voters: VOTERS, texts: rows.map((_, i) => [`a${i}`, `b${i}`, `c${i}`]) };
    const r = labeledOracle({ rows, table }, table, { trials: 3, sampleSize: 10, rng: new Rng(5) });
    expect(r.bestVoterPerTrial).toEqual([2, 2, 2]);
    expect(r.trainMeanScores[0]).toEqual([2, 3, 1]);
  });

  it('names the train file, row and field when a train row has no reference', () => {
    const train = clusterSplit(4, 0);
    const rows = train.rows.map((r, i) => (i === 2 ? { ...r, reference: undefined } : r));
    let err: unknown;
    try {
      labeledOracle({ rows, table: train.table, file: 'data/ds_train.jsonl' }, train.table, { trials: 3, sampleSize: 20, rng: new Rng(1) });
    } catch (e) {
      err = e;
    }
    expect(UserInputError.isUserInputError(err)).toBe(true);
    const e = err as UserInputError;
    expect(e.file).toBe('data/ds_train.jsonl');
    expect(e.field).toBe('reference');
    expect(e.row).toBe(2);
    expect(e.message).toMatch(/ds_train\.jsonl.*row 3.*reference/); // e.row is the 0-based index, messages count from 1
  });

  it('rejects train voters that differ from the test voters', () => {
    const train = clusterSplit(4, 0);
    expect(() => labeledOracle(train, { voters: ['x', 'y', 'z'], texts: train.table.texts }, { rng: new Rng(1) })).toThrow(/differ from test voters/);
  });
});

describe('labeled-knn', () => {
  let embedder: Embedder;
  let backend: Backend;
  beforeAll(async () => {
    backend = await createBackend('cpu');
    embedder = await createEmbedder('hash');
  });

  it('beats labeled-oracle when the best voter depends on the input cluster', async () => {
    const train = clusterSplit(60, 0);
    const test = clusterSplit(40, 1000);
    const opts = { trials: 5, sampleSize: 50, rng: new Rng(42) };
    const oracle = labeledOracle(train, test.table, opts);
    const knn = await labeledKnn(train, test, { ...opts, rng: new Rng(42), k: 5, embedder, backend });
    // Same seed → same train draws.
    expect(knn.draws).toEqual(oracle.draws);
    const oracleAcc = mean(trialChoices(oracle).map((t) => accuracy(test, t)));
    const knnAcc = mean(trialChoices(knn).map((t) => accuracy(test, t)));
    expect(oracleAcc).toBeCloseTo(0.5, 5);
    expect(knnAcc).toBe(1);
  });

  it('caps k at the distinct drawn rows, breaks ties with the seeded Rng, and is deterministic', async () => {
    const train = clusterSplit(6, 0);
    // Every voter equally right on train: every test sample is a three-way tie.
    const tie: LabeledSplit = { rows: train.rows, table: { voters: VOTERS, texts: train.rows.map((r) => [0, 1, 2].map(() => String(r.reference))) } };
    const test = clusterSplit(300, 500);
    const run = (seed: number) => labeledKnn(tie, test, { trials: 2, sampleSize: 4, k: 20, rng: new Rng(seed), embedder, backend });
    const a = await run(9);
    const b = await run(9);
    const c = await run(10);
    expect(a).toEqual(b);
    expect(trialChoices(a)).not.toEqual(trialChoices(c));
    a.kPerTrial.forEach((k, t) => expect(k).toBe(new Set(a.draws[t]).size));
    const counts = [0, 0, 0];
    for (const v of trialChoices(a).flat()) counts[v]++;
    for (const cnt of counts) expect(cnt).toBeGreaterThan(120);
  });
});

describe('baseline commands on a dataset layout', () => {
  let dir: string;
  let embedder: Embedder;
  let backend: Backend;
  const cfg = (): string => path.join(dir, 'configs', 'ds.yaml');
  let config: DatasetConfig;
  const args = (extra: Partial<RunBaselinesOptions> = {}): RunBaselinesOptions => ({
    config,
    modes: [{ kind: 'multi-model', group: 'g' }],
    dirs: { dataDir: path.join(dir, 'data'), resultsDir: path.join(dir, 'results') },
    seed: 42,
    trials: 4,
    sampleSize: 30,
    k: 5,
    redo: true,
    ...extra,
  });
  const out = (method: string): string => path.join(dir, 'results', 'synth', 'g', `${method}_test.json`);

  function writeSplit(split: 'train' | 'test', data: { rows: DatasetRow[]; table: CandidateTable }): void {
    writeFileSync(path.join(dir, 'data', `ds_${split}.jsonl`), `${data.rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    VOTERS.forEach((model, v) => {
      writeFileSync(path.join(dir, 'results', 'synth', 'model_gens', `${model}_${split}.json`), JSON.stringify({ generations: data.table.texts.map((row) => row[v]) }));
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-baselines-'));
    for (const d of ['configs', 'data', path.join('results', 'synth', 'model_gens')]) mkdirSync(path.join(dir, d), { recursive: true });
    writeFileSync(cfg(), 'dataset: synth\ntask: squad\nmodel_groups: [g]\n');
    writeFileSync(path.join(dir, 'configs', 'model_groups.yaml'), `groups:\n  g: [${VOTERS.join(', ')}]\n`);
    writeSplit('train', clusterSplit(40, 0));
    writeSplit('test', clusterSplit(30, 100));
    backend = await createBackend('cpu');
    embedder = await createEmbedder('hash');
    config = await loadDatasetConfig(cfg());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every baseline file; same seed → identical bytes, other seed → different', async () => {
    for (const method of ['pick_random', 'pick_longest', 'labeled_oracle', 'labeled_knn'] as const) {
      const [r] = await runBaselines(method, args({ embedder, backend }));
      expect(r.outputFile).toBe(out(method));
      expect(r.skipped).toBe(false);
      const first = readFileSync(out(method), 'utf8');
      await runBaselines(method, args({ embedder, backend }));
      expect(readFileSync(out(method), 'utf8')).toBe(first);
      const file = JSON.parse(first) as { generations: unknown[]; selected: unknown[]; voters: string[]; meta: { method: string } };
      expect(file.meta.method).toBe(method);
      expect(file.voters).toEqual(VOTERS);
      if (method === 'pick_longest') {
        expect(file.generations).toHaveLength(30);
        continue;
      }
      expect(file.generations).toHaveLength(4);
      expect((file.generations[0] as string[]).length).toBe(30);
      if (method !== 'labeled_oracle') {
        await runBaselines(method, args({ seed: 7, embedder, backend }));
        expect(readFileSync(out(method), 'utf8')).not.toBe(first);
      }
    }
    const oracle = JSON.parse(readFileSync(out('labeled_oracle'), 'utf8')) as { meta: { best_voter_per_trial: number[]; seed: number } };
    expect(oracle.meta.best_voter_per_trial).toHaveLength(4);
    expect(oracle.meta.seed).toBe(42);
  });

  it('skips an existing file without --redo when its recorded settings match; recomputes when they differ', async () => {
    await runBaselines('pick_random', args());
    const [same] = await runBaselines('pick_random', args({ redo: false }));
    expect(same.skipped).toBe(true);
    const [other] = await runBaselines('pick_random', args({ redo: false, seed: 99 }));
    expect(other).toMatchObject({ skipped: false, replaced: 'seed 42 → 99' });
  });

  it('reports a missing train split or a train row without reference with the file', async () => {
    const trainFile = path.join(dir, 'data', 'ds_train.jsonl');
    const saved = readFileSync(trainFile, 'utf8');
    try {
      rmSync(trainFile);
      await expect(runBaselines('labeled_oracle', args())).rejects.toSatisfy((e: unknown) => UserInputError.isUserInputError(e) && (e as UserInputError).file === trainFile);
      const rows = saved
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const r of rows) delete r.reference;
      writeFileSync(trainFile, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
      await expect(runBaselines('labeled_knn', args({ embedder, backend }))).rejects.toSatisfy(
        (e: unknown) => UserInputError.isUserInputError(e) && (e as UserInputError).file === trainFile && (e as UserInputError).field === 'reference',
      );
    } finally {
      writeFileSync(trainFile, saved);
    }
  });
});

describe('the yargs commands on the shipped demo', () => {
  let dir: string;
  const cwd = process.cwd();
  beforeAll(() => {
    dir = demoWorkspace();
    process.chdir(dir);
  });
  afterAll(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('parse their flags and write the four files (labeled-knn with --embedder hash)', async () => {
    const base = ['--dataset-config', 'dataset_configs/demo.yaml', '--model-group', 'demo_ensemble', '--multi-model', '--quiet'];
    const cli = yargs().command(pickRandomCommand).command(pickLongestCommand).command(labeledOracleCommand).command(labeledKnnCommand).strict().exitProcess(false);
    await cli.parseAsync(['pick-random', ...base, '--trials', '3']);
    await cli.parseAsync(['pick-longest', ...base]);
    await cli.parseAsync(['labeled-oracle', ...base, '--label-train-sample-size', '40']);
    await cli.parseAsync(['labeled-knn', ...base, '--embedder', 'hash', '--no-cache', '--backend', 'cpu', '--k', '10', '--trials', '2']);
    const read = (m: string) =>
      JSON.parse(readFileSync(path.join('results', 'demo', 'demo_ensemble', `${m}_test.json`), 'utf8')) as {
        generations: unknown[];
        meta: Record<string, unknown>;
      };
    expect(read('pick_random').generations).toHaveLength(3);
    expect(read('pick_longest').generations).toHaveLength(360);
    const oracle = read('labeled_oracle');
    expect(oracle.generations).toHaveLength(10);
    expect(oracle.meta.label_train_sample_size).toBe(40);
    const knn = read('labeled_knn');
    expect(knn.generations).toHaveLength(2);
    expect(knn.meta.k).toBe(10);
    expect((knn.meta.embedder as { id: string }).id).toBe('hash-1024');
  });
});
