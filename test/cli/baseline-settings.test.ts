// Issue 13 item 5: a baseline rerun with settings that change the result is not skipped as done.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { demoWorkspace, smoothie } from './helpers.js';

describe('baseline reruns compare the recorded settings', () => {
  it('labeled-knn with another embedder or k is recomputed; the same settings are skipped', () => {
    const ws = demoWorkspace();
    const base = ['labeled-knn', '--dataset-config', 'dataset_configs/demo.yaml', '--multi-model', '--model-group', 'demo_ensemble', '--cache-dir', '.cache'];
    const file = path.join(ws, 'results/demo/demo_ensemble/labeled_knn_test.json');
    expect(smoothie([...base, '--embedder', 'hash:64'], ws).code).toBe(0);
    const meta = () => (JSON.parse(readFileSync(file, 'utf8')) as { meta: { k: number; embedder: { id: string } } }).meta;
    expect(meta().embedder.id).toBe('hash-64');

    const other = smoothie([...base, '--embedder', 'hash'], ws);
    expect(other.code).toBe(0);
    expect(other.stdout).not.toContain('skipped');
    expect(other.stdout).toContain('other settings: embedder hash-64 → hash-1024');
    expect(meta().embedder.id).toBe('hash-1024');

    const k = JSON.parse(smoothie([...base, '--embedder', 'hash', '--k', '5', '--json'], ws).stdout) as { skipped: boolean; replaced: string }[];
    expect(k[0]).toMatchObject({ skipped: false, replaced: 'k 20 → 5' });
    expect(meta().k).toBe(5);

    const same = JSON.parse(smoothie([...base, '--embedder', 'hash', '--k', '5', '--json'], ws).stdout) as { skipped: boolean }[];
    expect(same[0].skipped).toBe(true);
  });

  it('pick-random with another seed is recomputed', () => {
    const ws = demoWorkspace();
    const base = ['pick-random', '--dataset-config', 'dataset_configs/demo.yaml', '--multi-model', '--json'];
    expect(smoothie(base, ws).code).toBe(0);
    const again = JSON.parse(smoothie([...base, '--seed', '7'], ws).stdout) as { skipped: boolean; replaced: string }[];
    expect(again[0]).toMatchObject({ skipped: false, replaced: 'seed 42 → 7' });
  });

  it('smoothie run with another seed or --robust is recomputed, not skipped', () => {
    const ws = demoWorkspace();
    const base = [
      'run',
      '--dataset-config',
      'dataset_configs/demo.yaml',
      '--multi-model',
      '--model-group',
      'demo_ensemble',
      '--type',
      'sample_independent',
      '--embedder',
      'hash',
      '--cache-dir',
      '.cache',
      '--json',
    ];
    expect(smoothie(base, ws).code).toBe(0);
    const robust = JSON.parse(smoothie([...base, '--robust'], ws).stdout) as { skipped: boolean; replaced: string }[];
    expect(robust[0]).toMatchObject({ skipped: false, replaced: 'robust false → true' });
    const same = JSON.parse(smoothie([...base, '--robust'], ws).stdout) as { skipped: boolean }[];
    expect(same[0].skipped).toBe(true);
  });
});
