import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetConfig } from '../../src/data/config.js';
import { generationFileContent, planGenerations } from '../../src/llm/generation-plan.js';
import { UserInputError } from '../../src/errors/index.js';
import { REPO_ROOT } from '../helpers/shared.js';

describe('planning the generation files smoothie run reads', () => {
  const dirs = { dataDir: path.join(REPO_ROOT, 'results', 'datasets'), resultsDir: '/tmp/out' };
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-plan-'));
    mkdirSync(path.join(dir, 'data'));
    const rows = [0, 1, 2].map((i) => ({ idx: i, task_name: 'demo', embedding_input: `q${i}`, multi_prompt_0: `A ${i}`, multi_prompt_1: `B ${i}`, multi_prompt_10: `C ${i}` }));
    writeFileSync(path.join(dir, 'data', 'mp_test.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    writeFileSync(path.join(dir, 'mp.yaml'), 'dataset: mp\nmax_new_tokens: 7\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('multi-model: one file per model of the group, one call per sample with the task length', async () => {
    const config = await loadDatasetConfig(path.join(REPO_ROOT, 'dataset_configs', 'demo.yaml'));
    const jobs = await planGenerations(config, { kind: 'multi-model', group: 'demo_ensemble' }, dirs, 'test');
    expect(jobs.map((j) => j.model)).toEqual(['calc-7b', 'atlas-7b', 'lexi-7b', 'generalist-7b', 'rambler-3b']);
    expect(jobs[0].file).toBe(path.join('/tmp/out', 'demo', 'model_gens', 'calc-7b_test.json'));
    expect(jobs[0].calls).toHaveLength(360);
    expect(jobs[0].calls[0]).toMatchObject({ model: 'calc-7b', sampleIndex: 0, params: { temperature: 0, max_tokens: 40, n: 1, seed: 42 }, label: 'test sample 0' });
    expect(jobs[0].calls[0].prompt).toContain('Question:');
    const limited = await planGenerations(config, { kind: 'multi-model', group: 'demo_ensemble' }, dirs, 'train', { limit: 3, nGenerations: 2, temperature: 0.7, maxTokens: 9 });
    expect(limited[0].file).toMatch(/calc-7b_2_gens_train\.json$/);
    expect(limited[0].calls.map((c) => [c.label, c.params.seed, c.params.max_tokens])).toEqual([
      ['train sample 0, generation 0', 42, 9],
      ['train sample 0, generation 1', 43, 9],
      ['train sample 1, generation 0', 42, 9],
      ['train sample 1, generation 1', 43, 9],
      ['train sample 2, generation 0', 42, 9],
      ['train sample 2, generation 1', 43, 9],
    ]);
    expect(generationFileContent(limited[0], ['a', 'b', 'c', 'd', 'e', 'f'])).toEqual({ generations: ['a', 'b', 'c', 'd', 'e', 'f'] });
  });

  it('multi-prompt: one file, prompts in numeric order, rows of p strings', async () => {
    const config = await loadDatasetConfig(path.join(dir, 'mp.yaml'));
    const [job] = await planGenerations(config, { kind: 'multi-prompt', model: 'm' }, { dataDir: path.join(dir, 'data'), resultsDir: dir }, 'test');
    expect(job.file).toBe(path.join(dir, 'mp', 'm', 'individual_test.json'));
    expect(job.calls.map((c) => c.prompt)).toEqual(['A 0', 'B 0', 'C 0', 'A 1', 'B 1', 'C 1', 'A 2', 'B 2', 'C 2']);
    expect(job.calls[0].params.max_tokens).toBe(7);
    expect(
      generationFileContent(
        job,
        job.calls.map((c) => c.prompt.toLowerCase()),
      ),
    ).toEqual({
      generations: [
        ['a 0', 'b 0', 'c 0'],
        ['a 1', 'b 1', 'c 1'],
        ['a 2', 'b 2', 'c 2'],
      ],
    });
  });

  it('rejects several generations without sampling, and a bad limit', async () => {
    const config = await loadDatasetConfig(path.join(REPO_ROOT, 'dataset_configs', 'demo.yaml'));
    const mode = { kind: 'multi-model', group: 'demo_ensemble' } as const;
    await expect(planGenerations(config, mode, dirs, 'test', { nGenerations: 3 })).rejects.toSatisfy((e: unknown) => UserInputError.isUserInputError(e) && e.option === 'temperature');
    await expect(planGenerations(config, mode, dirs, 'test', { limit: 0 })).rejects.toSatisfy((e: unknown) => UserInputError.isUserInputError(e) && e.option === 'limit');
  });
});
