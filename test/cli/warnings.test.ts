// Issue 13 item 3: input that is accepted but probably not meant gets a warning in the summary and --json.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoWorkspace, smoothie } from './helpers.js';

const BASE = ['--dataset-config', 'dataset_configs/demo.yaml', '--multi-model'];
const HASH = ['--embedder', 'hash', '--cache-dir', '.cache'];

interface RunJson {
  readonly warnings: readonly string[];
}

describe('warnings for silently accepted input', () => {
  let ws: string;
  beforeAll(() => {
    ws = demoWorkspace();
  });

  it('--k with sample_independent', () => {
    const r = smoothie(['run', ...BASE, '--model-group', 'demo_ensemble', '--type', 'sample_independent', '--k', '5', ...HASH, '--json'], ws);
    expect(r.code).toBe(0);
    const [out] = JSON.parse(r.stdout) as RunJson[];
    expect(out.warnings.join('\n')).toMatch(/--k 5 is ignored: sample_independent/);
    const human = smoothie(['run', ...BASE, '--model-group', 'demo_ensemble', '--type', 'sample_independent', '--k', '5', ...HASH, '--redo'], ws);
    expect(human.stderr).toMatch(/^warning: --k 5 is ignored/m);
  });

  it('an empty generation and the same model twice in a group: run, baselines and evaluate', () => {
    const gens = path.join(ws, 'results/demo/model_gens/lexi-7b_test.json');
    const g = JSON.parse(readFileSync(gens, 'utf8')) as { generations: string[] };
    g.generations[3] = '';
    g.generations[7] = '';
    writeFileSync(gens, JSON.stringify(g));
    const groups = path.join(ws, 'dataset_configs/model_groups.yaml');
    writeFileSync(groups, readFileSync(groups, 'utf8').replace('groups:\n', 'groups:\n  twice: [calc-7b, atlas-7b, lexi-7b, calc-7b]\n'));
    const run = smoothie(['run', ...BASE, '--model-group', 'twice', '--type', 'sample_independent', ...HASH, '--json'], ws);
    expect(run.code).toBe(0);
    const w = (JSON.parse(run.stdout) as RunJson[])[0].warnings.join('\n');
    expect(w).toContain("voter 'calc-7b' appears twice (voters 0 and 3)");
    expect(w).toContain("voter 'lexi-7b' has 2 empty generations in the test split (first at row 4)");

    const random = smoothie(['pick-random', ...BASE, '--model-group', 'twice', '--json'], ws);
    expect((JSON.parse(random.stdout) as RunJson[])[0].warnings.join('\n')).toContain('appears twice');

    const ev = smoothie(['evaluate', ...BASE, '--model-group', 'twice', '--json'], ws);
    expect(ev.code).toBe(0);
    const evw = (JSON.parse(ev.stdout) as RunJson[])[0].warnings.join('\n');
    expect(evw).toContain('empty generations');
    expect(smoothie(['evaluate', ...BASE, '--model-group', 'twice'], ws).stderr).toMatch(/^warning: voter 'calc-7b' appears twice/m);
  });

  it('an unknown task: name in the dataset config', () => {
    const cfg = path.join(ws, 'dataset_configs/demo.yaml');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('task: demo', 'task: poetry'));
    const r = smoothie(['run', '--dataset-config', 'dataset_configs/demo.yaml', '--multi-model', '--model-group', 'demo_ensemble', '--type', 'sample_independent', ...HASH, '--json', '--redo'], ws);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as RunJson[])[0].warnings.join('\n')).toMatch(/task 'poetry' is not a known task/);
  });
});
