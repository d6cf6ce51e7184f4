import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDatasetConfig, modelGroup } from '../../src/data/config.js';
import { datasetSplitPath, methodDir, modelGenerationsPath, promptGenerationsPath, smoothieFileName } from '../../src/data/paths.js';

function configDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-config-'));
  writeFileSync(path.join(dir, 'model_groups.yaml'), 'groups:\n  g3: [a, b, c]\n');
  writeFileSync(path.join(dir, 'squad.yaml'), 'dataset: squad\nmax_new_tokens: 20\ntrain_size: 250\ntest_size: 1000\nmodel_groups: [g3]\n');
  writeFileSync(path.join(dir, 'gsm8k.yaml'), 'dataset: gsm8k\n');
  writeFileSync(path.join(dir, 'acc_group.yaml'), 'dataset: acc_group\nmax_new_tokens: 40\ntasks: [squad.yaml, gsm8k.yaml]\nmodel_groups: [g3]\n');
  return dir;
}

describe('dataset configs', () => {
  it('loads a single task with its model groups and cleaning rule', async () => {
    const dir = configDir();
    const cfg = await loadDatasetConfig(path.join(dir, 'squad.yaml'));
    expect([cfg.dataset, cfg.stem, cfg.isGroup, cfg.cleanGenerations, cfg.maxNewTokens]).toEqual(['squad', 'squad', false, true, 20]);
    expect(modelGroup(cfg, 'g3')).toEqual(['a', 'b', 'c']);
    expect(() => modelGroup(cfg, 'nope')).toThrow(/unknown model group 'nope' \(defined: g3\)/);
    expect((await loadDatasetConfig(path.join(dir, 'gsm8k.yaml'))).cleanGenerations).toBe(false);
  });

  it('loads a multi-task group: its tasks in order, the group’s max_new_tokens', async () => {
    const cfg = await loadDatasetConfig(path.join(configDir(), 'acc_group.yaml'));
    expect(cfg.isGroup).toBe(true);
    expect(cfg.tasks.map((t) => t.task)).toEqual(['squad', 'gsm8k']);
    expect(cfg.maxNewTokens).toBe(40);
    expect(cfg.modelGroupNames).toEqual(['g3']);
  });

  it('rejects unknown fields and bad YAML with the file named', async () => {
    const dir = configDir();
    writeFileSync(path.join(dir, 'bad.yaml'), 'dataset: x\nmax_new_tokns: 3\n');
    await expect(loadDatasetConfig(path.join(dir, 'bad.yaml'))).rejects.toThrow(/bad\.yaml/);
    writeFileSync(path.join(dir, 'worse.yaml'), 'dataset: [x\n');
    await expect(loadDatasetConfig(path.join(dir, 'worse.yaml'))).rejects.toThrow(/worse\.yaml.*invalid YAML/);
  });

  it('builds the reference results layout', async () => {
    const cfg = await loadDatasetConfig(path.join(configDir(), 'acc_group.yaml'));
    const dirs = { dataDir: 'data', resultsDir: 'res' };
    expect(datasetSplitPath(dirs, cfg, 'test')).toBe(path.join('data', 'acc_group_test.jsonl'));
    expect(modelGenerationsPath(dirs, cfg, 'a', 'train')).toBe(path.join('res', 'acc_group', 'model_gens', 'a_train.json'));
    expect(promptGenerationsPath(dirs, cfg, 'a', 'test')).toBe(path.join('res', 'acc_group', 'a', 'individual_test.json'));
    expect(methodDir(dirs, cfg, { kind: 'multi-model', group: 'g3' })).toBe(path.join('res', 'acc_group', 'g3'));
    expect(smoothieFileName({ type: 'sample_dependent', regime: 'test_time', k: 1, embedder: 'all-mpnet-base-v2' })).toBe('smoothie_sample_dependent_test_time_1_all-mpnet-base-v2_test.json');
    expect(smoothieFileName({ type: 'sample_independent', regime: 'train_time', embedder: 'transformers:Xenova/all-mpnet-base-v2' })).toBe(
      'smoothie_sample_independent_train_time_transformers-Xenova-all-mpnet-base-v2_test.json',
    );
  });
});
