// Issue 13 item 14: Archon's own configs load unchanged and run against local fake servers; its ITAS
// search config is accepted by `ensemble search`; with several final candidates the pick is seeded.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArchitecture, type Component } from '../../src/ensemble/config.js';
import { Ensemble } from '../../src/ensemble/ensemble.js';
import { archonSearchSettings } from '../../src/ensemble/itas-config.js';
import { providerEntry } from '../../src/ensemble/providers.js';
import { ModelRegistry } from '../../src/llm/registry.js';
import { startFakeServer, type FakeServer } from '../../src/llm/testing/fake-server.js';
import { CLI } from '../cli/helpers.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const FORMS = path.join(FIXTURES, 'archon-forms');
const ARCHON = path.join(FIXTURES, 'archon');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? jsonFiles(full) : name.endsWith('.json') ? [full] : [];
  });
}

/** Replies shaped like each component's prompt, so rankers, critics, verifiers and unit tests all parse. */
function answer(model: string, prompt: string, index: number): string {
  if (prompt.includes('short unit tests')) return '1. It answers the question.\n2. It is short.\n3. It is polite.';
  if (prompt.includes('Judge it against each unit test')) return `1. Pass\n2. ${index % 2 ? 'Fail' : 'Pass'}\n3. Pass`;
  if (prompt.includes('Rank the')) return '[2] > [1] > [3]';
  if (prompt.includes('strengths and its weaknesses')) return '[1]\nStrengths: clear.\nWeaknesses: none.';
  if (prompt.includes('Check it step by step')) return 'Verdict: Correct';
  return `${model} answer #${index}`;
}

const modelsOf = (raw: unknown): string[] =>
  parseArchitecture(raw)
    .layers.flatMap((l) => l.map((c: Component) => c.model))
    .filter((m): m is string => m !== undefined);

describe("Archon's configs", () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer({ answer, lifetimeMs: 600_000 });
  });
  afterAll(async () => server.close());
  const registryFor = (models: readonly string[]) => ModelRegistry.fromObject({ models: Object.fromEntries(models.map((m) => [m, { base_url: server.baseUrl, model: m, max_concurrency: 64 }])) });

  it('the failing forms: deprecated branches layers, unit tests first, empty model_type, Bedrock, a bare component layer', async () => {
    const results: Record<string, { layers: number[]; answer: string }> = {};
    for (const file of readdirSync(FORMS).filter((f) => f !== 'itas-search.json')) {
      const raw = JSON.parse(readFileSync(path.join(FORMS, file), 'utf8')) as unknown;
      const ensemble = Ensemble.fromConfig(raw, { registry: registryFor(modelsOf(raw)), file });
      const r = await ensemble.generate('What is 2 + 2?');
      results[file] = { layers: r.trace.map((t) => t.candidates.length), answer: r.answer };
    }
    expect(results['branches.json'].layers).toEqual([3, 2]);
    // The unit tests are written before any candidate; the evaluator keeps the best one.
    expect(results['unit-tests-first.json'].layers).toEqual([0, 3, 1]);
    expect(results['empty-model-type.json'].layers).toEqual([3, 2]);
    expect(results['bedrock.json'].answer).toContain('bedrock/meta.llama3-70b-instruct-v1:0 answer');
    expect(results['bare-layer.json'].layers).toEqual([1]);
    // Without a registry, Bedrock and an empty model_type resolve as Archon's access points do.
    expect(providerEntry('bedrock/meta.llama3-70b-instruct-v1:0', 'Bedrock_API', 'x')).toMatchObject({ model: 'meta.llama3-70b-instruct-v1:0', api_key_env: 'AWS_BEARER_TOKEN_BEDROCK' });
    const bedrock = JSON.parse(readFileSync(path.join(FORMS, 'bedrock.json'), 'utf8')) as unknown;
    expect(() => Ensemble.fromConfig(bedrock)).not.toThrow();
    expect(parseArchitecture(JSON.parse(readFileSync(path.join(FORMS, 'empty-model-type.json'), 'utf8'))).layers[1][0].model_type).toBeUndefined();
  });

  it('several candidates left at the end: one drawn at random, seeded, and recorded', async () => {
    const raw = { name: 'samples', layers: [[{ type: 'generator', model: 'a', samples: 5 }]] };
    const e = Ensemble.fromConfig(raw, { registry: registryFor(['a']) });
    const picks = new Set<number>();
    for (const q of ['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8']) {
      const first = await e.generate(q);
      const again = await e.generate(q);
      expect(again.choice).toEqual(first.choice);
      expect(first.choice).toMatchObject({ of: 5, rule: 'random', seed: 42 });
      expect(first.answer).toBe(first.candidates[first.choice.index].text);
      picks.add(first.choice.index);
    }
    expect(picks.size).toBeGreaterThan(1);
    const one = await Ensemble.fromConfig({ name: 'one', layers: [[{ type: 'generator', model: 'a' }]] }, { registry: registryFor(['a']) }).generate('q');
    expect(one.choice).toMatchObject({ index: 0, of: 1, rule: 'only' });
  });

  it('all 290 architecture configs of Archon load unchanged and run against a local fake server', async () => {
    const files = jsonFiles(path.join(ARCHON, 'configs'));
    expect(files).toHaveLength(290);
    const failures: string[] = [];
    let ran = 0;
    for (const file of files) {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      try {
        const ensemble = Ensemble.fromConfig(raw, { registry: registryFor(modelsOf(raw)), file });
        const r = await ensemble.generate('Write a function that adds two numbers.');
        if (typeof r.answer !== 'string' || r.answer === '') throw new Error('no answer');
        ran++;
      } catch (error) {
        failures.push(`${path.relative(ARCHON, file)}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(ran).toBe(290);
  }, 300_000);

  it("Archon's ITAS search config is a search space; ensemble search runs it", async () => {
    const example = path.join(ARCHON, 'itas_algorithms/search_configs/example_search_config.json');
    const settings = await archonSearchSettings(JSON.parse(readFileSync(example, 'utf8')), example);
    expect(settings).toMatchObject({ space: { generators: ['claude-3-haiku-20240307', 'gpt-4-turbo-2024-04-09'], judges: ['gpt-4o-mini'], samples: [1] }, method: 'bayes', budget: 2, initial: 1 });
    expect(settings.ignored).toContain('benchmark');

    const dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-itas-archon-'));
    writeFileSync(path.join(dir, 'dev.jsonl'), `${JSON.stringify({ question: 'What is 2 + 2?', answer: '#### 4' })}\n`);
    writeFileSync(path.join(dir, 'models.yaml'), `models:\n${['alpha', 'beta', 'judge'].map((m) => `  ${m}: {base_url: "${server.baseUrl}", model: ${m}}`).join('\n')}\n`);
    const r = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'ensemble', 'search', '--space', path.join(FORMS, 'itas-search.json'), '--dev', 'dev.jsonl', '--out', 'search.json', '--json'], { cwd: dir });
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.on('exit', (code) => resolve({ code, stderr, stdout }));
    });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(readFileSync(path.join(dir, 'search.json'), 'utf8')) as { method: string; budget: number; evaluated: unknown[]; space: { generators: string[] } };
    expect(out).toMatchObject({ method: 'bayes', budget: 4, space: { generators: ['alpha', 'beta'] } });
    expect(out.evaluated).toHaveLength(4);
  });
});
