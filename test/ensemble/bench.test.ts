import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractAnswer, runEnsembleBench } from '../../src/ensemble/benchmarks.js';
import { Ensemble } from '../../src/ensemble/ensemble.js';
import { ModelRegistry } from '../../src/llm/registry.js';
import { startFakeServer, type FakeServer } from '../../src/llm/testing/fake-server.js';

/** Right on even questions; its second turn repeats the first answer. */
function answer(_model: string, prompt: string): string {
  const n = Number(/(\d+) \+ (\d+)/.exec(prompt)?.[1] ?? -1);
  if (prompt.includes('follow-up')) return 'Still the same.';
  return n % 2 === 0 ? `So the answer is ${2 * n}.` : `The answer is ${2 * n + 1}.`;
}

describe('smoothie ensemble bench', () => {
  let server: FakeServer;
  let dir: string;
  let ensemble: Ensemble;
  beforeAll(async () => {
    server = await startFakeServer({ answer });
    dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-bench-'));
    const registry = ModelRegistry.fromObject({ models: { m: { base_url: server.baseUrl, model: 'm', cost: 0.5 } } });
    ensemble = Ensemble.fromConfig({ name: 'one-call', layers: [[{ type: 'generator', model: 'm' }]] }, { registry });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GSM8K: scores exact answers, resumes without repeating answered questions', async () => {
    const input = path.join(dir, 'gsm8k.jsonl');
    writeFileSync(input, `${Array.from({ length: 10 }, (_, n) => JSON.stringify({ question: `What is ${n} + ${n}?`, answer: `${n} + ${n} = ${2 * n}\n#### ${2 * n}` })).join('\n')}\n`);
    const out = path.join(dir, 'gsm8k_answers.jsonl');
    const first = await runEnsembleBench(ensemble, { benchmark: 'gsm8k', input, out, limit: 4 });
    expect(first).toMatchObject({ questions: 4, resumed: 0, calls: 4, cost: 2, accuracy: 0.5 });
    expect(existsSync(`${out}.partial.jsonl`)).toBe(true);
    const before = server.received.length;
    const full = await runEnsembleBench(ensemble, { benchmark: 'gsm8k', input, out, parallel: 3 });
    expect(full).toMatchObject({ questions: 10, resumed: 4, calls: 10, accuracy: 0.5 });
    expect(server.received.length - before).toBe(6);
    expect(existsSync(`${out}.partial.jsonl`)).toBe(false);
    const rows = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; predicted: string; reference: string; correct: boolean });
    expect(rows[2]).toMatchObject({ id: '2', predicted: '4', reference: '4', correct: true });
    expect(rows[3]).toMatchObject({ predicted: '7', reference: '6', correct: false });
  });

  it('AlpacaEval and MT-Bench answer files (multi-turn with the conversation so far)', async () => {
    const alpaca = path.join(dir, 'alpaca.json');
    writeFileSync(alpaca, JSON.stringify([{ instruction: 'What is 2 + 2?', dataset: 'helpful_base' }]));
    await runEnsembleBench(ensemble, { benchmark: 'alpaca_eval', input: alpaca, out: path.join(dir, 'alpaca_out.json') });
    expect(JSON.parse(readFileSync(path.join(dir, 'alpaca_out.json'), 'utf8'))).toEqual([
      { instruction: 'What is 2 + 2?', output: 'So the answer is 4.', generator: 'one-call', dataset: 'helpful_base' },
    ]);
    const mt = path.join(dir, 'mt.jsonl');
    writeFileSync(mt, `${JSON.stringify({ question_id: 81, category: 'math', turns: ['What is 3 + 3?', 'Any follow-up?'] })}\n`);
    await runEnsembleBench(ensemble, { benchmark: 'mt_bench', input: mt, out: path.join(dir, 'mt_out.jsonl') });
    const [a] = readFileSync(path.join(dir, 'mt_out.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { question_id: number; model_id: string; choices: { turns: string[] }[] });
    expect(a).toMatchObject({ question_id: 81, model_id: 'one-call', choices: [{ turns: ['The answer is 7.', 'Still the same.'] }] });
    expect(server.received.at(-1)!.prompt).toContain('The answer is 7.');
  });

  it('extracts final answers', () => {
    expect(extractAnswer('so 3 + 4 = 7. The answer is 1,234.', 'gsm8k')).toBe('1234');
    expect(extractAnswer('x\n#### 42', 'gsm8k')).toBe('42');
    expect(extractAnswer('we get 5 then 6', 'gsm8k')).toBe('6');
    expect(extractAnswer('thus \\boxed{\\frac{1}{2}}', 'math')).toBe('\\frac{1}{2}');
    expect(extractAnswer('none', 'gsm8k')).toBeUndefined();
  });
});
