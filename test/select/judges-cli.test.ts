// `smoothie usc | peer-review` on the demo against local fake judges: one that knows the answers, one right 70 % of the time, two that guess.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreSample } from '../../src/metrics/registry.js';
import { startFakeServer, type FakeServer } from '../../src/llm/testing/fake-server.js';
import { REPO_ROOT } from '../helpers/shared.js';
import { demoWorkspace, expectOneLineError, smoothieAsync } from '../cli/helpers.js';

const smoothie = smoothieAsync;

const rows = readFileSync(path.join(REPO_ROOT, 'results/datasets/demo_test.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { embedding_input: string; reference: string });
const reference = new Map(rows.map((r) => [r.embedding_input, r.reference]));
const u = (model: string, prompt: string): number => parseInt(createHash('sha256').update(`${model}\u0000${prompt}`).digest('hex').slice(0, 8), 16) / 2 ** 32;

function answer(model: string, prompt: string): string {
  const instruction = /Instruction:\n([^\n]*)/.exec(prompt)?.[1] ?? '';
  const ref = reference.get(instruction) ?? '';
  if (prompt.includes('Which response agrees most')) {
    const responses = [...prompt.matchAll(/Response (\d+):\n([^\n]*)/g)];
    const right = responses.find((r) => scoreSample('squad_acc', r[2], ref) === 1);
    return `Response ${right ? right[1] : 1}`;
  }
  const response = /Response:\n([^\n]*)/.exec(prompt)?.[1] ?? '';
  const right = scoreSample('squad_acc', response, ref) === 1;
  if (model === 'knows') return `Score: ${right ? 9 : 3}`;
  if (model === 'fair') return `Score: ${u(model, prompt) < 0.7 ? (right ? 8 : 4) : 1 + Math.floor(10 * u(`${model}'`, prompt))}`; // right 70 % of the time

  return `Score: ${1 + Math.floor(10 * u(model, prompt))}`;
}

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer({ answer });
});
afterAll(async () => server?.close());

describe('smoothie usc | peer-review', () => {
  it('write method files with costs; truth inference beats the mean when two of four judges guess', { timeout: 120_000 }, async () => {
    const ws = demoWorkspace();
    const models = ['knows', 'fair', 'guess1', 'guess2']
      .map((m) => `  ${m}:\n    base_url: ${server.baseUrl}\n    model: ${m}\n    cost: ${m === 'knows' ? 3 : 1}\n    max_concurrency: 32`)
      .join('\n');
    writeFileSync(path.join(ws, 'models.yaml'), `models:\n${models}\n`);
    const base = ['--dataset-config', 'dataset_configs/demo.yaml', '--multi-model', '--models', 'models.yaml', '--cache-file', 'gen.jsonl', '--json'];
    const usc = await smoothie(['usc', '--judge', 'knows', ...base], ws);
    expect(usc.code, usc.stderr).toBe(0);
    expect(JSON.parse(usc.stdout)[0].costs).toMatchObject({ calls: 360, cost: 1080 });
    const peer = await smoothie(['peer-review', '--judges', 'knows,fair,guess1', '--judges', 'guess2', ...base], ws);
    expect(peer.code, peer.stderr).toBe(0);
    const out = JSON.parse(peer.stdout)[0] as { costs: { calls: number; cost: number }; reliability: Record<string, number> };
    expect(out.costs).toMatchObject({ calls: 360 * 5 * 4, cost: 360 * 5 * 6 });
    expect(Math.min(out.reliability.knows, out.reliability.fair)).toBeGreaterThan(5 * Math.max(out.reliability.guess1, out.reliability.guess2));
    const acc = (file: string): number => {
      const { generations, meta } = JSON.parse(readFileSync(path.join(ws, 'results/demo/demo_ensemble', file), 'utf8')) as { generations: string[]; meta: { costs: unknown } };
      expect(meta.costs).toBeDefined();
      return generations.reduce((a, g, s) => a + scoreSample('squad_acc', g.split('\n')[0], rows[s].reference), 0) / rows.length;
    };
    const truth = acc('peer_review_truth_test.json');
    expect(truth).toBeGreaterThan(acc('peer_review_mean_test.json'));
    expect(truth).toBeGreaterThan(0.95);
    expect(acc('usc_knows_test.json')).toBeGreaterThan(0.95);
    // a rerun with --redo is answered from the cache: no new request
    const before = server.received.length;
    expect((await smoothie(['usc', '--judge', 'knows', '--redo', ...base], ws)).code).toBe(0);
    expect(server.received.length).toBe(before);
    expectOneLineError(await smoothie(['usc', '--judge', 'nobody', '--redo', ...base], ws), '--judge', 'nobody');
    expectOneLineError(await smoothie(['peer-review', '--judges', 'knows', '--redo', ...base], ws), '--judges');
  });
});
