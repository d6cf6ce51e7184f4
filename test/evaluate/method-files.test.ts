// Issue 13 item 2: every method file in the folder is scored or reported under problems, train-time
// Smoothie outputs included.
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { methodNameFromFile, skippedReason } from '../../src/evaluate/score-methods.js';
import { demoWorkspace, smoothie } from '../cli/helpers.js';

describe('method files', () => {
  it('train-time Smoothie outputs are method files; train-split files are reported, not dropped', () => {
    expect(methodNameFromFile('smoothie_sample_dependent_train_time_10_use_test.json')).toBe('smoothie_sample_dependent_train_time_10_use');
    expect(methodNameFromFile('smoothie_sample_independent_train_time_hash-1024_test.json')).toBe('smoothie_sample_independent_train_time_hash-1024');
    expect(methodNameFromFile('x_train_test.json')).toBeUndefined();
    expect(skippedReason('x_train_test.json')).toMatch(/not scored/);
    expect(skippedReason('pick_longest_3_gens_test.json')).toMatch(/_gens_/);
    expect(skippedReason('x_train.json')).toBeUndefined();
    expect(skippedReason('scores.json')).toBeUndefined();
    expect(skippedReason('individual_test.json')).toBeUndefined();
    expect(skippedReason('heatmap.svg')).toBeUndefined();
  });

  it('evaluate scores a train_time file and lists an unrecognised one under problems', () => {
    const ws = demoWorkspace();
    const base = ['--dataset-config', 'dataset_configs/demo.yaml', '--multi-model', '--model-group', 'demo_ensemble'];
    expect(smoothie(['run', ...base, '--type', 'sample_dependent', '--k', '5', '--regime', 'train_time', '--embedder', 'hash', '--quiet'], ws).code).toBe(0);
    const dir = path.join(ws, 'results/demo/demo_ensemble');
    copyFileSync(path.join(dir, 'smoothie_sample_dependent_train_time_5_hash-1024_test.json'), path.join(dir, 'mine_train_test.json'));
    writeFileSync(path.join(dir, 'notes.json'), '{}');
    const r = smoothie(['evaluate', ...base, '--json'], ws);
    const [out] = JSON.parse(r.stdout) as { methods: Record<string, unknown>; problems: { file: string }[] }[];
    expect(Object.keys(out.methods)).toContain('smoothie_sample_dependent_train_time_5_hash-1024');
    expect(out.problems.map((p) => p.file).sort()).toEqual(['mine_train_test.json']);
    expect(r.code).toBe(3);
  });
});
