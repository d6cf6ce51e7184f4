import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAutomixData } from '../../src/automix/data.js';
import { evaluateAutomix } from '../../src/automix/evaluate.js';
import { generateAutomixData } from '../../src/automix/generate.js';
import { UserInputError } from '../../src/errors/index.js';
import { GenerationCache } from '../../src/llm/call-cache.js';
import { ModelRegistry } from '../../src/llm/registry.js';
import { startFakeServer, type FakeServer } from '../../src/llm/testing/fake-server.js';

describe('smoothie automix generate against local small/large models', () => {
  let dir: string;
  let server: FakeServer;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-automix-gen-'));
    // The small model knows the answer to even-numbered questions; its verdicts lean the right way 3 times in 4.
    server = await startFakeServer({
      answer: (model, prompt, index) => {
        if (prompt.includes('AI Generated Answer:')) {
          const answered = prompt.split('AI Generated Answer: ').at(-1)!.split('\n')[0];
          const right = answered.startsWith('colour') === (index % 4 !== 0);
          return ` The context supports it.\n\nVerification Decision: The AI generated answer is ${right ? 'Correct' : 'Incorrect'}.`;
        }
        const n = Number(/Question: what is item (\d+)\?/.exec(prompt)?.[1]);
        return model === 'large' || n % 2 === 0 ? ` colour ${n}'` : ' unknown';
      },
    });
    const rows = Array.from({ length: 40 }, (_, i) => ({
      id: `q${i}`,
      pid: `p${i}`,
      dataset: 'coqa',
      split: i < 24 ? 'train' : 'val',
      base_ctx: `Item ${i} is colour ${i}.`,
      question: `what is item ${i}?`,
      output: `colour ${i}`,
    }));
    writeFileSync(path.join(dir, 'questions.jsonl'), `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const registry = () => ModelRegistry.fromObject({ models: { small: { base_url: server.baseUrl, model: 'small' }, large: { base_url: server.baseUrl, model: 'large' } } });

  it('writes answers, k verifications, confidence and scores that evaluate reads; a rerun makes no call', async () => {
    const cache = await GenerationCache.open(path.join(dir, 'cache.jsonl'));
    const out = path.join(dir, 'automix.jsonl');
    await generateAutomixData(path.join(dir, 'questions.jsonl'), out, { registry: registry(), cache, slmModel: 'small', llmModel: 'large', k: 4 });
    const calls = server.received.length;
    expect(calls).toBe(40 * 3);
    const verification = server.received.find((r) => r.prompt.includes('AI Generated Answer:'))!;
    expect(verification.n).toBe(4);
    const data = await loadAutomixData(out);
    expect(data.rows[0]).toMatchObject({ slmScore: 1, llmScore: 1, confidence: 0.75, slmAnswer: 'colour 0' });
    expect(data.rows[1]).toMatchObject({ slmScore: 0, llmScore: 1, confidence: 0.25, slmAnswer: 'unknown' });
    const e = evaluateAutomix(data.rows, { seeds: 2, trainSize: 20, methods: ['Threshold'] });
    // The verifier separates right from wrong answers: escalating the low-confidence ones reaches the oracle.
    expect(e.datasets[0].methods.Threshold.performance).toBe(1);
    await generateAutomixData(path.join(dir, 'questions.jsonl'), out, { registry: registry(), cache, slmModel: 'small', llmModel: 'large', k: 4 });
    expect(server.received.length).toBe(calls);
    await cache.close();
  });

  it('rejects an unknown dataset and a missing field before any call', async () => {
    const cache = await GenerationCache.open(path.join(dir, 'cache2.jsonl'));
    writeFileSync(path.join(dir, 'bad.jsonl'), `${JSON.stringify({ id: 1, dataset: 'trivia', split: 'val', base_ctx: 'c', question: 'q', output: 'o' })}\n`);
    const before = server.received.length;
    await expect(generateAutomixData(path.join(dir, 'bad.jsonl'), path.join(dir, 'x.jsonl'), { registry: registry(), cache, slmModel: 'small', llmModel: 'large' })).rejects.toSatisfy(
      (e: unknown) => UserInputError.isUserInputError(e) && e.field === 'dataset' && e.row === 1,
    );
    writeFileSync(path.join(dir, 'bad2.jsonl'), `${JSON.stringify({ id: 1, dataset: 'coqa', split: 'val', question: 'q', output: 'o' })}\n`);
    await expect(generateAutomixData(path.join(dir, 'bad2.jsonl'), path.join(dir, 'x.jsonl'), { registry: registry(), cache, slmModel: 'small', llmModel: 'large' })).rejects.toSatisfy(
      (e: unknown) => UserInputError.isUserInputError(e) && e.field === 'base_ctx',
    );
    expect(server.received.length).toBe(before);
    await cache.close();
  });
});
