import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAnswer, startFakeServer, type FakeServer } from '../../src/llm/testing/fake-server.js';
import { CLI, demoWorkspace, expectOneLineError } from './helpers.js';

/** The CLI as a child process (async: the fake server runs in this process). */
function smoothieAsync(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, FORCE_COLOR: '0', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('smoothie generate against a local OpenAI-compatible server', () => {
  let dir: string;
  let server: FakeServer;
  const MODELS = ['calc-7b', 'atlas-7b', 'lexi-7b', 'generalist-7b', 'rambler-3b'];
  const common = ['generate', '--dataset-config', 'dataset_configs/demo.yaml', '--multi-model', '--results-dir', 'gen'];
  const base = [...common, '--models', 'models.yaml'];
  beforeAll(async () => {
    dir = demoWorkspace();
    server = await startFakeServer({ keys: ['demo-key-9876'] });
    const entries = MODELS.map((m) => `  ${m}: {base_url: "${server.baseUrl}", model: ${m}, api_key_env: DEMO_KEY, max_concurrency: 8}`).join('\n');
    writeFileSync(path.join(dir, 'models.yaml'), `models:\n${entries}\n`);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--dry-run counts calls and prompt tokens and calls nothing', async () => {
    const r = await smoothieAsync([...base, '--dry-run', '--split', 'both'], dir, { DEMO_KEY: 'demo-key-9876' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^2400 calls \(0 cached, \d+ requests to make\), about [\d,]+ prompt tokens/);
    expect(Number(/(\d+) requests/.exec(r.stdout)![1])).toBeLessThan(2400);
    expect(r.stdout).toContain('would write gen/demo/model_gens/calc-7b_train.json (120 calls)');
    expect(server.received).toHaveLength(0);
  });

  it('--limit fills the cache and previews answers without writing files; the full run then writes every file', async () => {
    const env = { DEMO_KEY: 'demo-key-9876' };
    const quick = await smoothieAsync([...base, '--limit', '2'], dir, env);
    expect(quick.code, quick.stderr).toBe(0);
    expect(quick.stdout).toContain('not written (--limit)');
    expect(quick.stdout).toContain(fakeAnswer('calc-7b', JSON.parse(readFileSync(path.join(dir, 'results/datasets/demo_test.jsonl'), 'utf8').split('\n')[0]).multi_model_prompt, 0, 42));
    expect(existsSync(path.join(dir, 'gen/demo/model_gens/calc-7b_test.json'))).toBe(false);
    expect(server.received).toHaveLength(10);

    const full = await smoothieAsync([...base, '--quiet'], dir, env);
    expect(full.code, full.stderr).toBe(0);
    const rows = readFileSync(path.join(dir, 'results/datasets/demo_test.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { multi_model_prompt: string });
    // One call per distinct prompt and model (repeated questions share a call); the limited ones came from the cache.
    const distinct = new Set(rows.map((r) => r.multi_model_prompt)).size;
    expect(server.received).toHaveLength(5 * distinct);
    for (const model of MODELS) {
      const { generations } = JSON.parse(readFileSync(path.join(dir, `gen/demo/model_gens/${model}_test.json`), 'utf8')) as { generations: string[] };
      expect(generations).toEqual(rows.map((r) => fakeAnswer(model, r.multi_model_prompt, 0, 42)));
    }
    const again = await smoothieAsync([...base, '--redo'], dir, env);
    expect(again.code).toBe(0);
    expect(server.received).toHaveLength(5 * distinct);

    // The files are what smoothie run reads.
    const run = await smoothieAsync(
      ['run', '--dataset-config', 'dataset_configs/demo.yaml', '--multi-model', '--results-dir', 'gen', '--type', 'sample_independent', '--embedder', 'hash', '--quiet'],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
  });

  it('a rejected key: exit 4, one line naming the model and sample, the key never printed', async () => {
    const secret = 'sk-wrong-secret-123456';
    const r = await smoothieAsync([...base, '--split', 'train', '--redo', '--quiet'], dir, { DEMO_KEY: secret });
    expect(r.code).toBe(4);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/model '[a-z0-9-]+' \(http:\/\/127\.0\.0\.1:\d+\/v1\): train sample \d+: every API key was rejected \(401/);
    expect(r.stdout + r.stderr).not.toContain(secret);
    expect(readFileSync(path.join(dir, '.smoothie-cache/generations.jsonl'), 'utf8')).not.toContain(secret);
  });

  it('bad input: missing registry, unknown model in the group, missing key, sampling without temperature', async () => {
    expectOneLineError(await smoothieAsync([...common, '--models', 'nope.yaml'], dir), 'nope.yaml', 'file not found');
    writeFileSync(path.join(dir, 'partial.yaml'), `models:\n  calc-7b: {base_url: "${server.baseUrl}", model: x}\n`);
    expectOneLineError(await smoothieAsync([...common, '--models', 'partial.yaml', '--redo'], dir), "unknown model 'atlas-7b'");
    expectOneLineError(await smoothieAsync([...base, '--redo'], dir, { DEMO_KEY: '' }), 'no API key found in $DEMO_KEY', "field 'models.calc-7b.api_key_env'");
    expectOneLineError(await smoothieAsync([...base, '--n-generations', '3'], dir, { DEMO_KEY: 'x' }), '--temperature');
  });
});
