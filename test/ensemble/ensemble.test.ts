import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndarray } from '../../src/compute/ndarray.js';
import { createEmbedder } from '../../src/embed/factory.js';
import type { Embedder } from '../../src/embed/types.js';
import { UserInputError } from '../../src/errors/index.js';
import { parseRanking, parseCritiques, type ComponentRunner } from '../../src/ensemble/components.js';
import { parseArchitecture } from '../../src/ensemble/config.js';
import { Ensemble } from '../../src/ensemble/ensemble.js';
import { ModelRegistry } from '../../src/llm/registry.js';
import { startFakeServer, type FakeServer } from '../../src/llm/testing/fake-server.js';
import { Smoothie } from '../../src/smoothie/estimator.js';

/** Question i asks for i + (2i + 1); the truth is 3i + 1. */
const truth = (i: number): number => 3 * i + 1;
const questionOf = (prompt: string): number => Number(/What is (\d+) \+/.exec(prompt)?.[1]);
/** Deterministic "coin" per (question, sample). */
const coin = (i: number, j: number): number => ((i * 7919 + j * 104729) % 100) / 100;

/**
 * Fake models of known accuracy: `good` answers right 70 % of the time, `weak` 30 %; wrong answers
 * differ from sample to sample. `judge` ranks, fuses, critiques and verifies using the truth.
 */
function answer(model: string, prompt: string, index: number): string {
  const i = questionOf(prompt);
  if (prompt.includes('AI Generated Answer:')) {
    const answered = prompt.split('AI Generated Answer: ').at(-1)!.split('\n')[0];
    return `Verification Decision: The AI generated answer is ${answered.includes(`is ${truth(i)}.`) ? 'Correct' : 'Incorrect'}.`;
  }
  if (prompt.includes('short unit tests')) return `1. The response gives a number.\n2. The number is ${truth(i)}.\n3. It is short.`;
  if (prompt.includes('Judge it against each unit test')) {
    const right = (prompt.split('Here is a response')[1] ?? '').includes(`The answer is ${truth(i)}.`);
    return `1. Pass\n2. ${right ? 'Pass' : 'Fail'}\n3. Pass`;
  }
  if (prompt.includes('Rank the')) {
    const items = [...prompt.matchAll(/^\[(\d+)\] The answer is (\d+)\./gm)].map((m) => ({ id: m[1], right: Number(m[2]) === truth(i) }));
    return [...items.filter((x) => x.right), ...items.filter((x) => !x.right)].map((x) => `[${x.id}]`).join(' > ');
  }
  if (prompt.includes('Synthesise them')) return `The answer is ${truth(i)}.`;
  if (prompt.includes('strengths and its weaknesses')) {
    return [...prompt.matchAll(/^\[(\d+)\] The answer is (\d+)\./gm)].map((m) => `[${m[1]}]\nStrengths: clear.\nWeaknesses: ${Number(m[2]) === truth(i) ? 'none' : 'wrong sum'}.`).join('\n\n');
  }
  if (prompt.includes('Check it step by step')) {
    const n = Number(/The answer is (\d+)\./.exec(prompt.split('Here is a response')[1] ?? '')?.[1]);
    return `Looks ${n === truth(i) ? 'right' : 'off'}.\nVerdict: ${n === truth(i) ? 'Correct' : 'Incorrect'}`;
  }
  const p = model === 'good' ? 0.7 : 0.3;
  return `The answer is ${coin(i, index) < p ? truth(i) : truth(i) + 2 + index * 3}.`;
}

const question = (i: number) => [{ role: 'user' as const, content: `What is ${i} + ${2 * i + 1}?` }];
const correct = (text: string, i: number): boolean => text.includes(`The answer is ${truth(i)}.`);

describe('layered ensembles on local models of known accuracy', () => {
  let server: FakeServer;
  let registry: ModelRegistry;
  let embedder: Embedder;
  beforeAll(async () => {
    server = await startFakeServer({ answer });
    registry = ModelRegistry.fromObject({
      models: {
        good: { base_url: server.baseUrl, model: 'good', cost: 1 },
        weak: { base_url: server.baseUrl, model: 'weak', cost: 0.2 },
        judge: { base_url: server.baseUrl, model: 'judge', cost: 2 },
        'gpt-4o': { base_url: server.baseUrl, model: 'good' },
        flaky: { base_url: 'http://127.0.0.1:9/v1', model: 'x', max_retries: 0 },
      },
    });
    embedder = await createEmbedder('hash');
  });
  afterAll(async () => {
    await server.close();
  });

  const accuracy = async (config: unknown, n = 40): Promise<number> => {
    const e = Ensemble.fromConfig(config, { registry });
    let right = 0;
    for (let i = 0; i < n; i++) if (correct((await e.generate(question(i))).answer, i)) right++;
    return right / n;
  };
  const single = { name: 'single', layers: [[{ type: 'generator', model: 'good', samples: 1 }]] };

  it('generator ×10 + ranker, and generator ×10 + smoothie, beat a single call', async () => {
    const one = await accuracy(single);
    const ranked = await accuracy({ name: 'rank', layers: [[{ type: 'generator', model: 'good', samples: 10 }], [{ type: 'ranker', model: 'judge', top_k: 1 }]] });
    const smoothie = await accuracy({ name: 'smoothie', layers: [[{ type: 'generator', model: 'good', samples: 10 }], [{ type: 'smoothie', embedder: 'hash' }]] });
    expect(one).toBeGreaterThan(0.4);
    expect(one).toBeLessThan(0.95);
    expect(ranked).toBe(1);
    expect(smoothie).toBeGreaterThan(one + 0.15);
  });

  it('an Archon config (sample 10, rank top 5, fuse) loads and runs unchanged, with a trace', async () => {
    const archon = {
      name: 'archon-gpt-multi-model',
      layers: [
        [{ type: 'generator', model: 'gpt-4o', model_type: 'OpenAI_API', top_k: 1, temperature: 0.7, max_tokens: 2048, samples: 10 }],
        [{ type: 'critic', model: 'judge', model_type: 'OpenAI_API', temperature: 0.7, max_tokens: 2048, samples: 1 }],
        [{ type: 'ranker', model: 'judge', model_type: 'OpenAI_API', top_k: 5, temperature: 0.7, max_tokens: 2048 }],
        [{ type: 'fuser', model: 'judge', model_type: 'OpenAI_API', temperature: 0.7, max_tokens: 2048, samples: 1 }],
      ],
    };
    const before = server.received.length;
    const r = await Ensemble.fromConfig(archon, { registry }).generate('What is 4 + 9?');
    expect(r.answer).toBe('The answer is 13.');
    expect(r.trace.map((t) => t.candidates.length)).toEqual([10, 10, 5, 1]);
    expect(r.trace[1].candidates.every((c) => c.critique?.startsWith('Strengths'))).toBe(true);
    expect(r.calls).toBe(4);
    expect(server.received.length - before).toBe(4);
    expect(server.received.at(-2)!.prompt).toContain('Critique: Strengths');
    expect(r.cost).toBe(0 + 2 + 2 + 2);
    expect(r.tokens.completion).toBe(8 * 10 + 8 * 3);
    expect(r.trace[0].components[0].tokens.completion).toBe(80);
    expect(server.received[before].n).toBe(10);
  });

  it('verifier keeps the candidates it judges correct; a failing generator does not sink its layer', async () => {
    const r = await Ensemble.fromConfig(
      {
        name: 'v',
        layers: [
          [
            { type: 'generator', model: 'good', samples: 6 },
            { type: 'generator', model: 'flaky' },
          ],
          [{ type: 'verifier', model: 'judge' }],
        ],
      },
      { registry },
    ).generate(question(5));
    expect(r.trace[0].components[1].errors[0]).toMatch(/model 'flaky'/);
    expect(r.trace[0].candidates).toHaveLength(6);
    expect(r.trace[1].candidates.every((c) => correct(c.text, 5))).toBe(true);
    await expect(Ensemble.fromConfig({ name: 'dead', layers: [[{ type: 'generator', model: 'flaky' }]] }, { registry }).generate('hi')).rejects.toThrow(/layer 0 produced no candidates/);
  });

  it('unit_test_generator + unit_test_evaluator rank candidates by the model-written tests they pass', async () => {
    const config = {
      name: 'ut',
      layers: [[{ type: 'generator', model: 'weak', samples: 8 }], [{ type: 'unit_test_generator', model: 'judge', unit_tests: 3 }], [{ type: 'unit_test_evaluator', model: 'judge', top_k: 1 }]],
    };
    const e = Ensemble.fromConfig(config, { registry });
    const r = await e.generate(question(6));
    expect(r.state.unit_tests).toEqual(['The response gives a number.', `The number is ${truth(6)}.`, 'It is short.']);
    // Some of the weak model's samples are right (and most are not): the one passing every test wins.
    expect(r.trace[0].candidates.filter((c) => correct(c.text, 6)).length).toBeGreaterThan(0);
    expect(r.trace[0].candidates.filter((c) => !correct(c.text, 6)).length).toBeGreaterThan(0);
    expect(correct(r.answer, 6)).toBe(true);
    expect(r.trace[2].components[0].calls).toBe(8);
  });

  it('Mixture-of-Agents preset expands to proposers, aggregators and a final fuser', async () => {
    const moa = { name: 'moa', layers: [[{ type: 'moa', proposers: ['good', 'weak'], rounds: 1, aggregators: ['judge'], final: 'judge', proposer: { samples: 2, temperature: 0.9 } }]] };
    const arch = parseArchitecture(moa);
    expect(arch.layers.map((l) => l.map((c) => `${c.type}:${c.model}`))).toEqual([['generator:good', 'generator:weak'], ['fuser:judge'], ['fuser:judge']]);
    expect(arch.layers[0][0]).toMatchObject({ samples: 2, temperature: 0.9 });
    const r = await Ensemble.fromConfig(moa, { registry }).generate(question(3));
    const aggregator = server.received.at(-1)!.body.messages as { role: string; content: string }[];
    expect(aggregator.map((m) => m.role)).toEqual(['system', 'user']);
    expect(aggregator[0].content).toContain('Synthesise them');
    expect(r.trace[0].candidates).toHaveLength(4);
    expect(r.answer).toBe(`The answer is ${truth(3)}.`);
  });

  it('the smoothie component picks exactly what Smoothie (k = 1, robust) picks on the same candidates', async () => {
    const pick: ComponentRunner = async (_c, input) => ({ candidates: input.candidates });
    const e = Ensemble.fromConfig(
      { name: 's', layers: [[{ type: 'generator', model: 'weak', samples: 7 }], [{ type: 'keep' }], [{ type: 'smoothie', embedder: 'hash' }]] },
      { registry, components: { keep: pick } },
    );
    for (const i of [1, 2, 3, 4]) {
      const r = await e.generate(question(i));
      const texts = r.trace[1].candidates.map((c) => c.text);
      const { data, shape } = await embedder.embed(texts);
      const fitted = await new Smoothie({ type: 'sample_independent', robust: true }).fit({ generations: ndarray(data, [1, texts.length, shape[1]]) });
      expect(r.answer).toBe(texts[fitted.selected[0]]);
    }
  });

  it('automix stops early when the first answer verifies; custom components share state', async () => {
    const count: ComponentRunner = async (_c, input) => {
      input.state.seen = ((input.state.seen as number | undefined) ?? 0) + input.candidates.length;
      return { candidates: input.candidates };
    };
    const e = Ensemble.fromConfig(
      { name: 'a', layers: [[{ type: 'generator', model: 'good' }], [{ type: 'count' }], [{ type: 'automix', model: 'judge', threshold: 0.5 }], [{ type: 'fuser', model: 'judge' }]] },
      { registry, components: { count } },
    );
    const verified = await e.generate(question(1)); // the good model is right on question 1
    expect(verified.trace).toHaveLength(3);
    expect(verified.trace[2].stopped).toBe(true);
    expect(verified.state.seen).toBe(1);
    const escalated = await e.generate(question(4)); // and wrong on question 4: the fuser runs
    expect(escalated.trace).toHaveLength(4);
    expect(escalated.answer).toBe(`The answer is ${truth(4)}.`);
    // A fitted meta-verifier decides the same way when it is a threshold at 0.5.
    const metaVerifier = { method: 'Threshold', bins: 8, costs: { slm: 1, llm: 50, verifier: 1 }, variant: 'reference', family: 'Threshold', param: 0.5, train_lift: 0 };
    const fitted = Ensemble.fromConfig(
      { name: 'm', layers: [[{ type: 'generator', model: 'good' }], [{ type: 'automix', model: 'judge', meta_verifier: metaVerifier }], [{ type: 'fuser', model: 'judge' }]] },
      { registry },
    );
    expect((await fitted.generate(question(1))).trace).toHaveLength(2);
    expect((await fitted.generate(question(4))).trace).toHaveLength(3);
  });

  it('validation errors name the layer, the component and the field', () => {
    const bad = (config: unknown) => () => parseArchitecture(config, { file: 'arch.json' });
    expect(bad({ name: 'x', layers: [[{ type: 'generator' }]] })).toThrow(/arch\.json: layer 0, component 0, field 'model': a generator needs a model/);
    expect(bad({ name: 'x', layers: [[{ type: 'generator', model: 'a' }], [{ type: 'fuser', model: 'b', temperature: 'hot' }]] })).toThrow(/layer 1, component 0, field 'temperature'/);
    expect(bad({ name: 'x', layers: [[{ type: 'generator', model: 'a' }, { type: 'teleporter' }]] })).toThrow(/layer 0, component 1, field 'type': unknown component type 'teleporter'/);
    expect(bad({ name: 'x', layers: [[{ type: 'ranker', model: 'a' }]] })).toThrow(/first layer must generate/);
    expect(bad({ layers: [] })).toThrow(UserInputError);
    expect(() => Ensemble.fromConfig({ name: 'x', layers: [[{ type: 'generator', model: 'mystery' }]] }, { registry })).toThrow(/model 'mystery' is not in the model registry; add it to models.yaml/);
  });

  it('parses rankings and critiques robustly', () => {
    expect(parseRanking('Best: [3] > [1], then [2]', 4)).toEqual([2, 0, 1, 3]);
    expect(parseRanking('no idea', 2)).toEqual([0, 1]);
    expect(parseCritiques('[1]\nStrengths: a\nWeaknesses: b\n\n[2]\nStrengths: c', 3)).toEqual(['Strengths: a Weaknesses: b', 'Strengths: c', undefined]);
  });
});
