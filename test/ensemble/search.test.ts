import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractAnswer } from '../../src/ensemble/benchmarks.js';
import { architectureOf, encode, expectedImprovement, gpPredict, paretoOf, searchArchitectures, type Evaluated, type SearchSpace } from '../../src/ensemble/search.js';
import { ModelRegistry } from '../../src/llm/registry.js';
import { startFakeServer, type FakeServer } from '../../src/llm/testing/fake-server.js';
import { CLI } from '../cli/helpers.js';

const truth = (i: number): number => 3 * i + 1;
const coin = (i: number, j: number): number => ((i * 7919 + j * 104729) % 100) / 100;

/** `good` is right 70 % of the time, `weak` 30 %; `judge` ranks, fuses and verifies with the truth but answers at 50 %. */
function answer(model: string, prompt: string, index: number): string {
  const i = Number(/What is (\d+) \+/.exec(prompt)?.[1]);
  const listed = [...prompt.matchAll(/^\[(\d+)\] The answer is (\d+)\./gm)].map((m) => ({ id: m[1], right: Number(m[2]) === truth(i) }));
  if (prompt.includes('Rank the')) return [...listed.filter((x) => x.right), ...listed.filter((x) => !x.right)].map((x) => `[${x.id}]`).join(' > ');
  if (prompt.includes('Synthesise them')) return `The answer is ${listed.some((x) => x.right) ? truth(i) : truth(i) + 1}.`;
  if (prompt.includes('strengths and its weaknesses')) return listed.map((x) => `[${x.id}]\nStrengths: ok.\nWeaknesses: ${x.right ? 'none' : 'wrong'}.`).join('\n\n');
  if (prompt.includes('Check it step by step')) return `Verdict: ${prompt.includes(`The answer is ${truth(i)}.`) ? 'Correct' : 'Incorrect'}`;
  const p = model === 'good' ? 0.7 : model === 'judge' ? 0.5 : 0.3;
  return `The answer is ${coin(i, index) < p ? truth(i) : truth(i) + 2 + index * 3}.`;
}

describe('architecture search (ITAS)', () => {
  let server: FakeServer;
  let registry: ModelRegistry;
  let dir: string;
  const space: SearchSpace = { generators: ['good', 'weak'], samples: [1, 5], judges: ['judge'], embedder: 'hash' };
  const dev = Array.from({ length: 12 }, (_, i) => ({ input: `What is ${i} + ${2 * i + 1}?`, reference: String(truth(i)) }));
  const score = (a: string, ref: string): number => (extractAnswer(a, 'gsm8k') === ref ? 1 : 0);
  let all: readonly Evaluated[];
  beforeAll(async () => {
    server = await startFakeServer({ answer });
    registry = ModelRegistry.fromObject({
      models: {
        good: { base_url: server.baseUrl, model: 'good', cost: 1 },
        weak: { base_url: server.baseUrl, model: 'weak', cost: 0.2 },
        judge: { base_url: server.baseUrl, model: 'judge', cost: 2 },
      },
    });
    dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-itas-'));
    // The whole space (3 generator sets × 2 sample counts × critic × 4 selections × fuser = 96): the known answer.
    all = (await searchArchitectures({ registry, space, dev, score, budget: 1000, method: 'random', seed: 1 })).evaluated;
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('enumerates the space and finds the known best by exhaustion', () => {
    expect(all).toHaveLength(96);
    const best = Math.max(...all.map((e) => e.quality));
    expect(best).toBe(1);
    const single = all.find((e) => e.key === 'gen=10 s=0 critic=0 sel=none fuser=0 judge=0')!;
    expect(single.quality).toBeLessThan(0.9);
  });

  it('Bayesian optimisation reaches the best quality within a budget of 20 of 96; random search is seeded', async () => {
    const best = Math.max(...all.map((e) => e.quality));
    const bo = await searchArchitectures({ registry, space, dev, score, budget: 20, method: 'bayes', seed: 3 });
    expect(bo.evaluated).toHaveLength(20);
    expect(bo.best.quality).toBe(best);
    const capped = await searchArchitectures({ registry, space, dev, score, budget: 50, method: 'random', seed: 5, maxCost: 30 });
    expect(capped.evaluated.length).toBeLessThan(50);
    expect(capped.evaluated.slice(0, -1).reduce((a, e) => a + e.cost * dev.length, 0)).toBeLessThan(30);
    const a = await searchArchitectures({ registry, space, dev, score, budget: 6, method: 'random', seed: 9 });
    const b = await searchArchitectures({ registry, space, dev, score, budget: 6, method: 'random', seed: 9 });
    expect(a.evaluated.map((e) => e.key)).toEqual(b.evaluated.map((e) => e.key));
  });

  it('resumes from its cache file without re-running evaluated architectures; the Pareto front is monotone', async () => {
    const cacheFile = path.join(dir, 'search.jsonl');
    const first = await searchArchitectures({ registry, space, dev, score, budget: 5, method: 'random', seed: 4, cacheFile });
    expect(readFileSync(cacheFile, 'utf8').trimEnd().split('\n')).toHaveLength(5);
    const before = server.received.length;
    const again = await searchArchitectures({ registry, space, dev, score, budget: 5, method: 'random', seed: 4, cacheFile });
    expect(server.received.length).toBe(before);
    expect(again.evaluated).toEqual(first.evaluated);
    const front = paretoOf(all);
    for (let i = 1; i < front.length; i++) {
      expect(front[i].cost).toBeGreaterThanOrEqual(front[i - 1].cost);
      expect(front[i].quality).toBeGreaterThan(front[i - 1].quality);
    }
  });

  it('GP posterior interpolates its observations; EI prefers high mean or high uncertainty', () => {
    const X = [[0], [1]];
    const { mean, std } = gpPredict(X, [0, 1], [[0], [1], [0.5]]);
    expect(mean[0]).toBeCloseTo(0, 4);
    expect(mean[1]).toBeCloseTo(1, 4);
    expect(std[0]).toBeLessThan(1e-2);
    expect(std[2]).toBeGreaterThan(std[0]);
    expect(expectedImprovement(1, 0.1, 0.5)).toBeGreaterThan(expectedImprovement(0.4, 0.1, 0.5));
    expect(expectedImprovement(0.4, 1, 0.5)).toBeGreaterThan(expectedImprovement(0.4, 0.1, 0.5));
    const config = architectureOf({ generators: [true, false], samples: 1, critic: true, selection: 'smoothie', fuser: true, judge: 0 }, space);
    expect(config.layers.map((l) => l.map((c) => c.type))).toEqual([['generator'], ['critic'], ['smoothie'], ['fuser']]);
    expect(encode({ generators: [true, false], samples: 1, critic: true, selection: 'smoothie', fuser: true, judge: 0 }, space)).toEqual([1, 0, 1, 1, 0, 0, 1, 0, 1, 0]);
  });

  it('smoothie ensemble search writes the result JSON and the Pareto SVG', async () => {
    writeFileSync(path.join(dir, 'space.json'), JSON.stringify(space));
    writeFileSync(path.join(dir, 'dev.jsonl'), dev.map((d) => JSON.stringify({ question: d.input, answer: `#### ${d.reference}` })).join('\n'));
    writeFileSync(path.join(dir, 'models.yaml'), `models:\n${['good', 'weak', 'judge'].map((m) => `  ${m}: {base_url: "${server.baseUrl}", model: ${m}}`).join('\n')}\n`);
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'ensemble', 'search', '--space', 'space.json', '--dev', 'dev.jsonl', '--budget', '6', '--method', 'random', '--out', 'search.json', '--quiet'], {
        cwd: dir,
      });
      child.on('exit', resolve);
    });
    expect(code).toBe(0);
    const out = JSON.parse(readFileSync(path.join(dir, 'search.json'), 'utf8')) as { evaluated: unknown[]; best: { key: string } };
    expect(out.evaluated).toHaveLength(6);
    expect(readFileSync(path.join(dir, 'search.svg'), 'utf8')).toContain('architectures');
    expect(existsSync(path.join(dir, 'search.json.cache.jsonl'))).toBe(true);
  });
});
