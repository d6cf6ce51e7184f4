// The label-free selectors through the CLI on the shipped demo (hash embedder: fast, offline).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanGeneration } from '../../src/data/clean.js';
import { scoreSample } from '../../src/metrics/registry.js';
import { labelFreeMethodCommands } from '../../src/select/methods.js';
import { demoWorkspace, expectOneLineError, smoothie } from '../cli/helpers.js';

const DEMO = ['--dataset-config', 'dataset_configs/demo.yaml', '--multi-model', '--cache-dir', '.cache'];

function accuracy(ws: string, file: string): number {
  const rows = readFileSync(path.join(ws, 'results/datasets/demo_test.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { reference: string });
  const { generations } = JSON.parse(readFileSync(path.join(ws, 'results/demo/demo_ensemble', file), 'utf8')) as { generations: string[] };
  expect(generations).toHaveLength(rows.length);
  return generations.reduce((a, g, s) => a + scoreSample('squad_acc', cleanGeneration(g), rows[s].reference), 0) / rows.length;
}

describe('smoothie mbr | vote | coverage | methods', () => {
  it('methods --json lists every label-free command line', () => {
    const r = smoothie(['methods', '--json'], process.cwd());
    expect(r.code).toBe(0);
    const { label_free } = JSON.parse(r.stdout) as { label_free: string[] };
    for (const c of ['pick-longest', 'mbr --embedder glove', 'vote --embedder hash', 'coverage --embedder use', 'run --type sample_dependent --k 20 --embedder hash']) {
      expect(label_free).toContain(c);
    }
  });

  it('on the demo, ours is within 1 point of Smoothie-Local and every method beats random', { timeout: 120_000 }, () => {
    const ws = demoWorkspace();
    const run = (args: string[], cache = true) => {
      const r = smoothie([...args, ...(cache ? DEMO : DEMO.slice(0, 3)), '--json'], ws);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { output_file?: string; outputFile?: string }[] | Record<string, unknown>;
    };
    run(['run', '--type', 'sample_dependent', '--k', '20', '--embedder', 'hash']);
    run(['pick-random'], false);
    const files = {
      coverage: 'coverage_k50_l0.07_hash_test.json',
      mbr: 'mbr_cosine_hash_test.json',
      mbrRouge: 'mbr_rougeL_test.json',
      vote: 'vote_auto_hash_test.json',
    };
    const out = run(['coverage', '--embedder', 'hash']) as { output_file: string; selection_share: number[] }[];
    expect(path.basename(out[0].output_file)).toBe(files.coverage);
    expect(out[0].selection_share.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    run(['mbr', '--embedder', 'hash']);
    run(['mbr', '--utility', 'rougeL']);
    run(['vote', '--embedder', 'hash']);
    const smoothieLocal = accuracy(ws, 'smoothie_sample_dependent_test_time_20_hash-1024_test.json');
    const random = JSON.parse(readFileSync(path.join(ws, 'results/demo/demo_ensemble/pick_random_test.json'), 'utf8')) as { generations: string[][] };
    const rows = readFileSync(path.join(ws, 'results/datasets/demo_test.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { reference: string });
    const randomAcc = random.generations[0].reduce((a, g, s) => a + scoreSample('squad_acc', cleanGeneration(g), rows[s].reference), 0) / rows.length;
    const acc = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, accuracy(ws, f)]));
    expect(acc.coverage).toBeGreaterThanOrEqual(smoothieLocal - 0.01);
    for (const a of Object.values(acc)) expect(a).toBeGreaterThan(randomAcc + 0.2);
    // evaluate scores the new method files beside the others
    const ev = smoothie(['evaluate', ...DEMO.slice(0, 3)], ws);
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.stdout).toContain('coverage_k50_l0.07_hash');
    // a rerun is skipped; bad flags are one-line errors
    expect(smoothie(['coverage', '--embedder', 'hash', ...DEMO], ws).stdout).toContain('skipped');
    expectOneLineError(smoothie(['coverage', '--k', '0', ...DEMO], ws), '--k');
    expectOneLineError(smoothie(['coverage', '--lambda', '-1', '--k', '1', ...DEMO], ws), '--lambda');
  });

  it('every listed label-free command line runs on the demo with the dataset flags appended', { timeout: 180_000 }, () => {
    const ws = demoWorkspace();
    const lines = labelFreeMethodCommands(['hash:256']);
    expect(lines.length).toBeGreaterThan(8);
    const files = new Set<string>();
    for (const line of lines) {
      const r = smoothie([...line.split(' '), ...DEMO.slice(0, 3), '--json'], ws);
      expect(r.code, `${line}: ${r.stderr}`).toBe(0);
      const out = JSON.parse(r.stdout) as unknown;
      const file = Array.isArray(out) ? ((out[0] as { output_file?: string }).output_file ?? '') : String((out as { output_file?: string; outputs?: { file: string }[] }).output_file ?? '');
      if (file !== '') files.add(file);
    }
    // each line writes its own method file (none overwrites another's)
    expect(files.size).toBe(lines.length);
  });
});

describe('reruns', () => {
  it('a selector rerun is skipped with the same embedder and recomputed with another version of it', () => {
    const ws = demoWorkspace();
    const base = ['mbr', '--embedder', 'hash:64', ...DEMO, '--json'];
    expect(smoothie(base, ws).code).toBe(0);
    expect((JSON.parse(smoothie(base, ws).stdout) as { skipped: boolean }[])[0].skipped).toBe(true);
    // the same file name, a file recorded by another embedder version
    const file = path.join(ws, 'results/demo/demo_ensemble/mbr_cosine_hash-64_test.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as { meta: { embedder: { version: string } } };
    json.meta.embedder.version = 'older';
    writeFileSync(file, JSON.stringify(json));
    const again = JSON.parse(smoothie(base, ws).stdout) as { skipped: boolean; replaced: string }[];
    expect(again[0].skipped).toBe(false);
    expect(again[0].replaced).toContain('embedder');
  });
});
