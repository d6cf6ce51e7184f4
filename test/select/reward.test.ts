import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRewardModel, rewardSelect, type RewardModel } from '../../src/select/reward.js';
import { buildTinyRewardModel } from './tiny-reward.js';

let built: Awaited<ReturnType<typeof buildTinyRewardModel>>;
let model: RewardModel;

beforeAll(async () => {
  built = await buildTinyRewardModel({ cat: 2, dog: -1, fish: 0.5 });
  model = await loadRewardModel(built.dir);
});
afterAll(async () => {
  await model?.dispose();
  await built?.cleanup();
});

describe('reward-model ranking', () => {
  it('scores pairs with the model: the sum of the token rewards of instruction and response', async () => {
    const r = await model.score([
      { instruction: 'hello', response: 'the cat sat' },
      { instruction: 'hello', response: 'the dog sat on the dog' },
      { instruction: 'cat', response: 'fish fish' },
    ]);
    expect(Array.from(r)).toEqual([2, -2, 3]);
  });

  it('picks the highest-reward candidate per sample, independent of batching', async () => {
    const samples = [
      { instruction: 'hello world', candidates: ['the dog', 'the cat', 'a fish', 'dog dog'] },
      { instruction: 'red bird', candidates: ['small dog', 'blue fish fish', 'a bird'].concat(['dogs']) },
    ];
    const r = await rewardSelect(samples, model);
    expect(Array.from(r.selected)).toEqual([1, 1]);
    const small = await loadRewardModel(built.dir, { batchSize: 1 });
    try {
      expect(Array.from((await rewardSelect(samples, small)).scores)).toEqual(Array.from(r.scores));
    } finally {
      await small.dispose();
    }
  });

  it('a missing folder is a one-line user error', async () => {
    await expect(loadRewardModel('/nonexistent/reward-model')).rejects.toThrow(/no such model folder/);
  });
});

describe('smoothie reward-rank', () => {
  it('writes the method file on the demo; the reward prefers the candidates that say "cat"', async () => {
    const { demoWorkspace, smoothie } = await import('../cli/helpers.js');
    const { readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const ws = demoWorkspace();
    const r = smoothie(['reward-rank', '--reward-model', built.dir, '--dataset-config', 'dataset_configs/demo.yaml', '--multi-model', '--json'], ws);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { output_files: string[]; n: number }[];
    expect(out[0].n).toBe(360);
    const file = JSON.parse(readFileSync(path.join(ws, out[0].output_files[0]), 'utf8')) as { selected: number[]; meta: { scores: number[][]; reward_model: string } };
    expect(path.basename(out[0].output_files[0])).toBe(`reward_${path.basename(built.dir)}_test.json`);
    file.selected.forEach((v, s) => expect(file.meta.scores[s][v]).toBe(Math.max(...file.meta.scores[s])));
    const bad = smoothie(['reward-rank', '--reward-model', '/nonexistent/rm', '--dataset-config', 'dataset_configs/demo.yaml', '--multi-model', '--redo'], ws);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
