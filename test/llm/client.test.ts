import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UserInputError } from '../../src/errors/index.js';
import { GenerationCache } from '../../src/llm/call-cache.js';
import { EXIT_LLM_FAILURE, LlmCallError, redactKeys, retryAfterSeconds } from '../../src/llm/endpoint.js';
import { loadModelRegistry, ModelRegistry } from '../../src/llm/registry.js';
import { estimateCalls, runGenerationCalls, type GenerationCall } from '../../src/llm/run-calls.js';
import { fakeAnswer, startFakeServer, type Fault, type FakeServer } from '../../src/llm/testing/fake-server.js';
import { REPO_ROOT } from '../helpers/shared.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-llm-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function server(options: Parameters<typeof startFakeServer>[0] = {}): Promise<FakeServer> {
  const s = await startFakeServer(options);
  servers.push(s);
  return s;
}

let cacheCount = 0;
const openCaches: GenerationCache[] = [];
afterEach(async () => {
  await Promise.all(openCaches.splice(0).map((c) => c.close()));
});
async function freshCache(): Promise<GenerationCache> {
  const cache = await GenerationCache.open(path.join(dir, `cache-${cacheCount++}.jsonl`));
  openCaches.push(cache);
  return cache;
}

function registry(baseUrl: string, extra: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}): ModelRegistry {
  return ModelRegistry.fromObject({ models: { m: { base_url: baseUrl, model: 'fake-model', max_concurrency: 4, max_retries: 3, timeout_s: 0.5, ...extra } } }, { env });
}

const calls = (n: number, extra: Partial<GenerationCall> = {}): GenerationCall[] =>
  Array.from({ length: n }, (_, i) => ({ model: 'm', prompt: `prompt ${i}`, params: { temperature: 0, max_tokens: 16 }, sampleIndex: 0, label: `sample ${i}`, ...extra }));

const cacheKeys = (file: string): string[] =>
  readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as { key: string }).key);

describe('runGenerationCalls against a local server with scheduled faults', () => {
  it('completes every call with output identical to a fault-free run, no duplicates in the cache', async () => {
    const clean = await server();
    const expected = await runGenerationCalls(calls(40), { registry: registry(clean.baseUrl), cache: await freshCache() });
    expect(expected.map((t) => t[0])).toEqual(calls(40).map((c) => fakeAnswer('fake-model', c.prompt as string, 0)));

    const faults: Fault[] = [
      { kind: 'rate-limit', retryAfterSeconds: 0.2 },
      { kind: 'server-error' },
      { kind: 'hang', ms: 3000 },
      { kind: 'truncated-json' },
      { kind: 'drop-connection' },
    ];
    // Every prompt's first attempt fails, with each fault in turn; the retry succeeds.
    const faulty = await server({ faultFor: ({ prompt, perPromptCount }) => (perPromptCount === 0 ? faults[Number(prompt.split(' ')[1]) % faults.length] : undefined) });
    const cache = await freshCache();
    let lastRetries = 0;
    const started = Date.now();
    const got = await runGenerationCalls(calls(40), { registry: registry(faulty.baseUrl), cache, onProgress: (p) => (lastRetries = p.retries) });
    expect(got).toEqual(expected);
    expect(lastRetries).toBe(40);
    expect(new Set(faulty.received.map((r) => r.status))).toEqual(new Set([429, 500, 'hang', 'truncated', 'dropped', 200]));
    // Retry-After 0.2 s was honoured (and the 0.5 s timeout ended the hangs).
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    const keys = cacheKeys(cache.file);
    expect(keys).toHaveLength(40);
    expect(new Set(keys).size).toBe(40);
    await cache.close();

    // A rerun is answered from the cache: the server sees nothing.
    const before = faulty.received.length;
    const reopened = await GenerationCache.open(cache.file);
    openCaches.push(reopened);
    const again = await runGenerationCalls(calls(40), { registry: registry(faulty.baseUrl), cache: reopened });
    expect(again).toEqual(expected);
    expect(faulty.received.length).toBe(before);
  });

  it('completion mode, n choices, and identical calls in one batch made once', async () => {
    const s = await server();
    const batch = [...calls(3, { params: { n: 3, temperature: 0.7 } }), ...calls(3, { params: { n: 3, temperature: 0.7 } })];
    const out = await runGenerationCalls(batch, { registry: registry(s.baseUrl, { mode: 'completion' }), cache: await freshCache() });
    expect(out[0]).toEqual([0, 1, 2].map((i) => fakeAnswer('fake-model', 'prompt 0', i)));
    expect(out[3]).toEqual(out[0]);
    expect(s.received.map((r) => r.path)).toEqual(Array(3).fill('/v1/completions'));
  });

  it('respects the concurrency limit and the rate limit', async () => {
    const s = await server({ delayMs: 30 });
    await runGenerationCalls(calls(24), { registry: registry(s.baseUrl, { max_concurrency: 3 }), cache: await freshCache() });
    expect(s.maxInFlight()).toBeLessThanOrEqual(3);
    expect(s.maxInFlight()).toBeGreaterThanOrEqual(2);
    const r = await server();
    const started = Date.now();
    await runGenerationCalls(calls(6), { registry: registry(r.baseUrl, { requests_per_minute: 600 }), cache: await freshCache() });
    // 600/min = one start per 100 ms: six calls take at least 0.5 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(480);
  });

  it('rotates keys: a rate-limited key yields to the next, a rejected key is dropped', async () => {
    const s = await server({ keys: ['key-limited-1111', 'key-good-2222'], rateLimitedKeys: ['key-limited-1111'] });
    const env = { API: 'key-limited-1111', API_2: 'key-good-2222' };
    const out = await runGenerationCalls(calls(8), { registry: registry(s.baseUrl, { api_key_env: 'API', max_concurrency: 1 }, env), cache: await freshCache() });
    expect(out).toHaveLength(8);
    expect(s.received.filter((r) => r.status === 200).every((r) => r.keyIndex === 1)).toBe(true);

    const t = await server({ keys: ['right-key-3333'] });
    const env2 = { WRONG: 'wrong-key-4444', RIGHT: 'right-key-3333' };
    await runGenerationCalls(calls(5), { registry: registry(t.baseUrl, { api_key_env: ['WRONG', 'RIGHT'], max_concurrency: 1 }, env2), cache: await freshCache() });
    expect(t.received.filter((r) => r.status === 401)).toHaveLength(1);
  });

  it('an invalid key: one clear error naming model and sample, the key nowhere', async () => {
    const secret = 'sk-live-SECRET-abcdef123456';
    const s = await server({ keys: ['some-other-key'] });
    const cache = await freshCache();
    let caught: unknown;
    try {
      await runGenerationCalls(calls(3), { registry: registry(s.baseUrl, { api_key_env: 'KEY' }, { KEY: secret }), cache });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(LlmCallError);
    const error = caught as LlmCallError;
    expect(error.exitCode).toBe(EXIT_LLM_FAILURE);
    expect(error.message).toMatch(/model 'm' \(http:\/\/127\.0\.0\.1:\d+\/v1\): sample \d: every API key was rejected \(401/);
    expect(error.message).not.toContain(secret);
    expect(String(error.stack)).not.toContain(secret);
    await cache.close();
    expect(readFileSync(cache.file, 'utf8')).not.toContain(secret);
    expect(redactKeys(`Incorrect API key provided: ${secret} or sk-proj-****wxyz`, [secret])).toBe('Incorrect API key provided: [redacted] or [redacted]');
  });

  it('gives up after the last retry with the model and sample, and starts no new call after a failure', async () => {
    const s = await server({ faultFor: ({ prompt }) => (prompt === 'prompt 0' ? { kind: 'server-error' } : undefined), delayMs: 20 });
    const batch = calls(200);
    await expect(runGenerationCalls(batch, { registry: registry(s.baseUrl, { max_retries: 1, max_concurrency: 2 }), cache: await freshCache() })).rejects.toSatisfy(
      (e: unknown) => e instanceof LlmCallError && /sample 0 failed after 1 retries: 500/.test(e.message),
    );
    expect(s.received.filter((r) => r.prompt === 'prompt 0')).toHaveLength(2);
    expect(s.received.length).toBeLessThan(200);
  });

  it('reports calls, cached calls and a prompt-token estimate for --dry-run', async () => {
    const s = await server();
    const reg = registry(s.baseUrl);
    const cache = await freshCache();
    await runGenerationCalls(calls(4), { registry: reg, cache });
    const estimate = estimateCalls(calls(10), reg, cache);
    expect(estimate).toMatchObject({ calls: 10, cached: 4, toMake: 6, perModel: { m: { calls: 10, cached: 4 } } });
    expect(estimate.promptTokens).toBe(Math.ceil((6 * 'prompt 4'.length) / 4));
  });
});

describe('GenerationCache', () => {
  it('cuts a torn last line, keeps the first of duplicate keys, rejects a corrupt middle line', async () => {
    const file = path.join(dir, 'torn.jsonl');
    const line = (k: string, t: string) => JSON.stringify({ key: k.repeat(64), model: 'm', texts: [t] });
    writeFileSync(file, `${line('a', 'first')}\n${line('a', 'second')}\n${line('b', 'x')}\n{"key":"cc`);
    const cache = await GenerationCache.open(file);
    expect(cache.repaired).toBe(1);
    expect(cache.size).toBe(2);
    expect(cache.get('a'.repeat(64))?.texts).toEqual(['first']);
    await cache.append({ key: 'c'.repeat(64), model: 'm', texts: ['y'] });
    await cache.close();
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(4);
    writeFileSync(file, `${line('a', 'x')}\nnot json\n${line('b', 'y')}\n`);
    await expect(GenerationCache.open(file)).rejects.toSatisfy((e: unknown) => UserInputError.isUserInputError(e) && e.row === 2);
  });
});

describe('models.yaml', () => {
  it('loads keys from the environment or a keys file, numbered keys rotate, errors name file and field', async () => {
    writeFileSync(path.join(dir, 'keys.yaml'), 'FILE_KEY: from-file-key\n');
    writeFileSync(
      path.join(dir, 'models.yaml'),
      'keys_file: keys.yaml\nmodels:\n  a: {base_url: "http://127.0.0.1:1/v1", model: x, api_key_env: ENV_KEY}\n  b: {base_url: "http://127.0.0.1:1/v1", model: y, api_key_env: FILE_KEY}\n  c: {base_url: "http://127.0.0.1:1/v1", model: z, api_key_env: MISSING}\n  local: {base_url: "http://127.0.0.1:1/v1", model: w}\n',
    );
    const reg = await loadModelRegistry(path.join(dir, 'models.yaml'), { ENV_KEY: 'k1', ENV_KEY_2: 'k2', ENV_KEY_3: 'k3' });
    expect(reg.resolve('a').keys).toEqual(['k1', 'k2', 'k3']);
    expect(reg.resolve('b').keys).toEqual(['from-file-key']);
    expect(reg.resolve('local').mode).toBe('chat');
    expect(() => reg.resolve('c')).toThrow(/no API key found in \$MISSING/);
    expect(() => reg.resolve('nope')).toThrow(/unknown model 'nope' \(defined: a, b, c, local\)/);
    writeFileSync(path.join(dir, 'bad.yaml'), 'models:\n  a: {base_url: "not a url", model: x}\n');
    await expect(loadModelRegistry(path.join(dir, 'bad.yaml'))).rejects.toSatisfy(
      (e: unknown) => UserInputError.isUserInputError(e) && e.message.includes('bad.yaml') && e.message.includes('base_url'),
    );
  });

  it('reads Retry-After as seconds, milliseconds or an HTTP date', () => {
    expect(retryAfterSeconds(new Headers({ 'retry-after': '2' }))).toBe(2);
    expect(retryAfterSeconds(new Headers({ 'retry-after-ms': '250' }))).toBe(0.25);
    expect(retryAfterSeconds(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6);
    expect(retryAfterSeconds(new Headers({}))).toBeUndefined();
  });
});

describe('a run killed with SIGKILL and restarted', () => {
  const dist = path.join(REPO_ROOT, 'dist', 'llm', 'index.js');
  it.skipIf(!existsSync(dist))('finishes with no call lost and none duplicated, tolerating a torn last line', async () => {
    const s = await server({ delayMs: 15 });
    const cacheFile = path.join(dir, 'killed.jsonl');
    const script = path.join(dir, 'child.mjs');
    writeFileSync(
      script,
      `import { ModelRegistry, GenerationCache, runGenerationCalls } from ${JSON.stringify(dist)};
const registry = ModelRegistry.fromObject({ models: { m: { base_url: process.env.BASE, model: 'fake-model', max_concurrency: 4 } } });
const cache = await GenerationCache.open(process.env.CACHE);
const calls = Array.from({ length: 200 }, (_, i) => ({ model: 'm', prompt: 'prompt ' + i, params: { temperature: 0 }, sampleIndex: 0, label: 'sample ' + i }));
const out = await runGenerationCalls(calls, { registry, cache });
await cache.close();
process.stdout.write(JSON.stringify(out.map((t) => t[0])));
`,
    );
    const run = (killAfterLines?: number) =>
      new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [script], { env: { ...process.env, BASE: s.baseUrl, CACHE: cacheFile } });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        let poll: NodeJS.Timeout | undefined;
        if (killAfterLines !== undefined) {
          poll = setInterval(() => {
            const lines = existsSync(cacheFile) ? readFileSync(cacheFile, 'utf8').split('\n').length - 1 : 0;
            if (lines >= killAfterLines) child.kill('SIGKILL');
          }, 5);
        }
        child.on('exit', (code, signal) => {
          clearInterval(poll);
          resolve({ code, signal, out });
        });
      });
    const killed = await run(60);
    expect(killed.signal).toBe('SIGKILL');
    const afterKill = cacheKeys(cacheFile).length;
    expect(afterKill).toBeGreaterThanOrEqual(60);
    expect(afterKill).toBeLessThan(200);
    appendFileSync(cacheFile, '{"key":"0123'); // as if killed mid-write
    const finished = await run();
    expect(finished.code).toBe(0);
    const answers = JSON.parse(finished.out) as string[];
    expect(answers).toEqual(Array.from({ length: 200 }, (_, i) => fakeAnswer('fake-model', `prompt ${i}`, 0)));
    const keys = cacheKeys(cacheFile);
    expect(keys).toHaveLength(200);
    expect(new Set(keys).size).toBe(200);
    // Only the calls in flight at the kill (≤ max_concurrency) were made twice.
    expect(s.completed() - 200).toBeLessThanOrEqual(4);
  });
});
