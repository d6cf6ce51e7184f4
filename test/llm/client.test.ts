import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/compute/rng.js';
import { GenerationCache } from '../../src/llm/call-cache.js';
import { backoffSeconds, EXIT_LLM_FAILURE, LlmCallError, redactKeys, retryAfterSeconds, type RetryEvent } from '../../src/llm/endpoint.js';
import { ModelRegistry } from '../../src/llm/registry.js';
import { estimateCalls, runGenerationCalls, type GenerationCall, type RunProgress } from '../../src/llm/run-calls.js';
import { fakeAnswer, faultsByPrompt, startFakeServer, type FakeServer, type FakeServerOptions, type Fault } from '../helpers/fake-llm-server.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-llm-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const servers: FakeServer[] = [];
const openCaches: GenerationCache[] = [];
afterEach(async () => {
  await Promise.all([...servers.splice(0).map((s) => s.close()), ...openCaches.splice(0).map((c) => c.close())]);
});
async function server(options: FakeServerOptions = {}): Promise<FakeServer> {
  const s = await startFakeServer({ lifetimeMs: 30_000, ...options });
  servers.push(s);
  return s;
}

let cacheCount = 0;
async function freshCache(): Promise<GenerationCache> {
  const cache = await GenerationCache.open(path.join(dir, `cache-${cacheCount++}.jsonl`));
  openCaches.push(cache);
  return cache;
}

function registry(baseUrl: string, extra: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}): ModelRegistry {
  return ModelRegistry.fromObject({ models: { m: { base_url: baseUrl, model: 'fake-model', max_concurrency: 4, max_retries: 3, timeout_s: 0.5, ...extra } } }, { env });
}

const calls = (n: number, extra: Partial<GenerationCall> = {}): GenerationCall[] =>
  Array.from({ length: n }, (_, i) => ({ model: 'm', prompt: `prompt ${i}`, params: { temperature: 0, max_tokens: 16 }, sampleIndex: 0, label: `sample ${i} (idx ${i}), generation 0`, ...extra }));

const cacheLines = (file: string): { key: string }[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { key: string });

async function rejection(promise: Promise<unknown>): Promise<LlmCallError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof LlmCallError) return e;
    throw e;
  }
  throw new Error('expected the run to fail');
}

describe('runGenerationCalls against a local server with scheduled faults', () => {
  it('completes every call with output identical to a fault-free run; no duplicates in the cache; a rerun calls nothing', async () => {
    const clean = await server();
    const expected = await runGenerationCalls(calls(40), { registry: registry(clean.baseUrl), cache: await freshCache() });
    expect(expected.map((t) => t[0])).toEqual(calls(40).map((c) => fakeAnswer('fake-model', c.prompt as string, 0)));

    const faults: Fault[] = [{ kind: 'rate-limit', retryAfterSeconds: 0.2 }, { kind: 'server-error' }, { kind: 'hang', ms: 3000 }, { kind: 'truncated-json' }, { kind: 'drop-connection' }];
    // Every prompt's first attempt fails, with each fault in turn; prompt 0's second attempt too.
    const schedule = Object.fromEntries(calls(40).map((c, i) => [c.prompt as string, i === 0 ? faults.slice(1, 3) : [faults[i % faults.length]]]));
    const faulty = await server({ faultFor: faultsByPrompt(schedule) });
    const cache = await freshCache();
    let last: RunProgress | undefined;
    const got = await runGenerationCalls(calls(40), { registry: registry(faulty.baseUrl), cache, onProgress: (p) => (last = p) });
    expect(got).toEqual(expected);
    expect(last).toEqual({ done: 40, total: 40, cached: 0, retries: 41, errors: 0 });
    expect(new Set(faulty.received.map((r) => r.status))).toEqual(new Set([429, 500, 'hang', 'truncated', 'dropped', 200]));
    expect(faulty.completed()).toBe(40);
    const keys = cacheLines(cache.file).map((l) => l.key);
    expect(keys).toHaveLength(40);
    expect(new Set(keys).size).toBe(40);
    await cache.close();

    const before = faulty.received.length;
    const reopened = await GenerationCache.open(cache.file);
    openCaches.push(reopened);
    let rerun: RunProgress | undefined;
    const again = await runGenerationCalls(calls(40), { registry: registry(faulty.baseUrl), cache: reopened, onProgress: (p) => (rerun = p) });
    expect(again).toEqual(expected);
    expect(rerun).toMatchObject({ done: 40, cached: 40 });
    expect(faulty.received.length).toBe(before);
  });

  it('sends the parameters (model defaults under call parameters), n choices, chat messages, completion mode; identical calls once', async () => {
    const s = await server();
    const reg = registry(s.baseUrl, { params: { temperature: 0.9, max_tokens: 5, stop: ['\n'] } });
    const messages = [
      { role: 'system' as const, content: 'be brief' },
      { role: 'user' as const, content: 'hi' },
    ];
    const chat = await runGenerationCalls(
      [
        { model: 'm', prompt: messages, params: { n: 2, seed: 7, temperature: 0.5, max_tokens: undefined }, sampleIndex: 0, label: 'chat' },
        { model: 'm', prompt: messages, params: { n: 2, seed: 7, temperature: 0.5 }, sampleIndex: 0, label: 'same call' },
      ],
      { registry: reg, cache: await freshCache() },
    );
    expect(chat[0]).toEqual([0, 1].map((i) => fakeAnswer('fake-model', 'be brief\nhi', i, 7)));
    expect(chat[1]).toEqual(chat[0]);
    expect(s.received).toHaveLength(1);
    expect(s.received[0]).toMatchObject({ path: '/v1/chat/completions', n: 2, seed: 7 });
    expect(s.received[0].body).toMatchObject({ model: 'fake-model', messages, temperature: 0.5, max_tokens: 5, stop: ['\n'], n: 2, seed: 7 });

    const completion = await runGenerationCalls(calls(3, { params: { n: 3, temperature: 0.7 } }), { registry: registry(s.baseUrl, { mode: 'completion' }), cache: await freshCache() });
    expect(completion[0]).toEqual([0, 1, 2].map((i) => fakeAnswer('fake-model', 'prompt 0', i)));
    expect(s.received.slice(1).map((r) => r.path)).toEqual(Array(3).fill('/v1/completions'));
    expect(s.received[1].body).toMatchObject({ prompt: 'prompt 0', n: 3, temperature: 0.7 });
  });

  it('keeps at most max_concurrency requests in flight and spaces starts by requests_per_minute', async () => {
    const s = await server({ delayMs: 30 });
    await runGenerationCalls(calls(24), { registry: registry(s.baseUrl, { max_concurrency: 3 }), cache: await freshCache() });
    expect(s.maxInFlight()).toBeLessThanOrEqual(3);
    expect(s.maxInFlight()).toBeGreaterThanOrEqual(2);

    const r = await server();
    await runGenerationCalls(calls(6), { registry: registry(r.baseUrl, { requests_per_minute: 600 }), cache: await freshCache() });
    // 600/min = one start per 100 ms: the sixth arrives at least ~0.5 s after the first (a lower bound only: slow machines pass).
    const at = r.received.map((q) => q.at);
    expect(at[5] - at[0]).toBeGreaterThanOrEqual(450);
  });

  it('honours Retry-After in seconds and retry-after-ms over its own (shorter) backoff', async () => {
    const s = await server({
      faultFor: faultsByPrompt({
        'prompt 0': [{ kind: 'rate-limit', retryAfterSeconds: 0.8 }],
        'prompt 1': [{ kind: 'rate-limit', retryAfterMs: 800 }],
        'prompt 2': [{ kind: 'server-error' }],
      }),
    });
    const events: RetryEvent[] = [];
    await runGenerationCalls(calls(3), { registry: registry(s.baseUrl), cache: await freshCache(), onRetry: (e) => events.push(e) });
    const gap = (prompt: string): number => {
      const [first, retry] = s.received.filter((q) => q.prompt === prompt);
      return retry.at - first.at;
    };
    // The first backoff is under 0.5 s; 0.8 s can only come from the header.
    expect(gap('prompt 0')).toBeGreaterThanOrEqual(750);
    expect(gap('prompt 1')).toBeGreaterThanOrEqual(750);
    expect(Object.fromEntries(events.map((e) => [e.label.split(' (')[0], e.waitSeconds]))).toMatchObject({ 'sample 0': 0.8, 'sample 1': 0.8 });
    expect(events.find((e) => e.label.startsWith('sample 2'))?.waitSeconds).toBeLessThan(0.5);
    expect(events.map((e) => e.reason).sort()).toEqual(['429 rate limited', '429 rate limited', '500 internal error']);
  });

  it('draws the backoff jitter from the seed and the call: two runs wait the same', async () => {
    // One server for every run (the base URL is part of each call's key, hence of its jitter):
    // each prompt's attempts fail, then succeed, round after round.
    const s = await server({ faultFor: ({ perPromptCount }) => (perPromptCount % 2 === 0 ? { kind: 'server-error' } : undefined) });
    const waits = async (seed: number): Promise<Record<string, number>> => {
      const events: RetryEvent[] = [];
      await runGenerationCalls(calls(6), { registry: registry(s.baseUrl, { max_concurrency: 6 }), cache: await freshCache(), seed, onRetry: (e) => events.push(e) });
      return Object.fromEntries(events.map((e) => [`${e.label}/${e.failures}`, e.waitSeconds]));
    };
    const a = await waits(5);
    expect(Object.keys(a)).toHaveLength(6);
    expect(await waits(5)).toEqual(a);
    expect(await waits(6)).not.toEqual(a);
    for (const [name, wait] of Object.entries(a)) expect(wait, name).toBeLessThan(0.5);
  });

  it('rotates keys: a rate-limited key yields to the next; a rejected (401/403) key is dropped without costing a retry', async () => {
    const s = await server({ keys: ['key-limited-1111', 'key-good-2222'], rateLimitedKeys: ['key-limited-1111'] });
    const out = await runGenerationCalls(calls(8), {
      registry: registry(s.baseUrl, { api_key_env: 'API', max_concurrency: 1 }, { API: 'key-limited-1111', API_2: 'key-good-2222' }),
      cache: await freshCache(),
    });
    expect(out).toHaveLength(8);
    expect(s.received.filter((r) => r.status === 429)).toHaveLength(1);
    expect(s.received.filter((r) => r.status === 200).every((r) => r.keyIndex === 1)).toBe(true);

    const t = await server({ keys: ['forbidden-key-5555', 'right-key-3333'], faultFor: ({ keyIndex }) => (keyIndex === 0 ? { kind: 'forbidden' } : undefined) });
    await runGenerationCalls(calls(5), {
      registry: registry(
        t.baseUrl,
        { api_key_env: ['WRONG', 'FORBIDDEN', 'RIGHT'], max_concurrency: 1, max_retries: 0 },
        { WRONG: 'wrong-key-4444', FORBIDDEN: 'forbidden-key-5555', RIGHT: 'right-key-3333' },
      ),
      cache: await freshCache(),
    });
    expect(t.received.map((r) => r.status)).toEqual([401, 403, 200, 200, 200, 200, 200]);
  });

  it('an invalid key: one clear error naming the model and the sample, exit code 4, the key nowhere', async () => {
    const secret = 'sk-live-SECRET-abcdef123456';
    // The server echoes the key it got, as some providers do.
    const s = await server({ keys: ['some-other-key'] });
    const cache = await freshCache();
    const events: RetryEvent[] = [];
    const error = await rejection(runGenerationCalls(calls(3), { registry: registry(s.baseUrl, { api_key_env: 'KEY' }, { KEY: secret }), cache, onRetry: (e) => events.push(e) }));
    expect(error.exitCode).toBe(EXIT_LLM_FAILURE);
    expect(error.message).toMatch(/^model 'm' \(http:\/\/127\.0\.0\.1:\d+\/v1\): sample \d \(idx \d\), generation 0: every API key was rejected \(401 invalid api key\)$/);
    await cache.close();
    const captured = [error.message, String(error.stack), JSON.stringify(error), ...events.map((e) => JSON.stringify(e)), readFileSync(cache.file, 'utf8')];
    for (const text of captured) expect(text).not.toContain(secret);
  });

  it('redacts key values and key-like fragments from every message', () => {
    const secret = 'sk-live-SECRET-abcdef123456';
    expect(redactKeys(`Incorrect API key provided: ${secret} or sk-proj-****wxyz`, [secret])).toBe('Incorrect API key provided: [redacted] or [redacted]');
    expect(redactKeys('key zzzz-plain-value-9 rejected', ['zzzz-plain-value-9'])).toBe('key [redacted] rejected');
  });

  it('gives up after the last retry naming the model and the sample; starts no new call after that, but caches the ones in flight', async () => {
    const s = await server({ faultFor: ({ prompt }) => (prompt === 'prompt 12' ? { kind: 'server-error' } : undefined), delayMs: 20 });
    const cache = await freshCache();
    let last: RunProgress | undefined;
    const error = await rejection(runGenerationCalls(calls(200), { registry: registry(s.baseUrl, { max_retries: 2, max_concurrency: 2 }), cache, onProgress: (p) => (last = p) }));
    expect(error.message).toMatch(/^model 'm' \(http:\/\/127\.0\.0\.1:\d+\/v1\): sample 12 \(idx 12\), generation 0 failed after 2 retries: 500 internal error$/);
    expect(error.exitCode).toBe(4);
    expect(s.received.filter((r) => r.prompt === 'prompt 12')).toHaveLength(3);
    // After the final failure no call starts, but for one that may race it into the freed slot.
    const finalFailure = s.received.filter((r) => r.prompt === 'prompt 12')[2].at;
    expect(s.received.filter((r) => r.at > finalFailure).length).toBeLessThanOrEqual(2);
    expect(last?.errors).toBe(1);
    // Every answer the server sent is in the cache (the calls in flight at the failure included).
    expect(cacheLines(cache.file)).toHaveLength(s.completed());
  });

  // Not the 30 s the server asks prompt 1 to wait: a run that sat out that wait would pass this test's timeout.
  it("a 4xx other than 401/403/408/409/429 fails at once, cutting short the other calls' Retry-After waits; an abort stops the run", { timeout: 15_000 }, async () => {
    const s = await server({
      delayMs: 20,
      faultFor: faultsByPrompt({ 'prompt 0': [{ kind: 'bad-request' }], 'prompt 1': [{ kind: 'rate-limit', retryAfterSeconds: 30 }] }),
    });
    const error = await rejection(runGenerationCalls(calls(20), { registry: registry(s.baseUrl, { max_concurrency: 2 }), cache: await freshCache() }));
    expect(error.message).toMatch(/sample 0 \(idx 0\), generation 0: 400 This model's maximum context length is 4096 tokens$/);
    expect(s.received.filter((r) => r.prompt === 'prompt 0')).toHaveLength(1);
    expect(s.received.filter((r) => r.prompt === 'prompt 1')).toHaveLength(1);

    const slow = await server({ delayMs: 50 });
    const controller = new AbortController();
    const cache = await freshCache();
    const run = runGenerationCalls(calls(50), {
      registry: registry(slow.baseUrl, { max_concurrency: 2 }),
      cache,
      signal: controller.signal,
      onProgress: (p) => p.done >= 4 && controller.abort(new Error('stopped by the user')),
    });
    await expect(run).rejects.toThrow('stopped by the user');
    expect(slow.received.length).toBeLessThan(50);
  });

  it('estimates calls, cached calls and prompt tokens for --dry-run without calling', async () => {
    const s = await server();
    const reg = registry(s.baseUrl);
    const cache = await freshCache();
    await runGenerationCalls(calls(4), { registry: reg, cache });
    const before = s.received.length;
    const estimate = estimateCalls([...calls(10), ...calls(2)], reg, cache);
    expect(estimate).toMatchObject({ calls: 12, cached: 6, toMake: 6, perModel: { m: { calls: 12, cached: 6 } } });
    expect(estimate.promptTokens).toBe(Math.ceil((6 * 'prompt 4'.length) / 4));
    expect(s.received.length).toBe(before);
  });
});

describe('retry timing helpers', () => {
  it('reads Retry-After as seconds, milliseconds or an HTTP date', () => {
    expect(retryAfterSeconds(new Headers({ 'retry-after': '2' }))).toBe(2);
    expect(retryAfterSeconds(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(0.25);
    expect(retryAfterSeconds(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6);
    expect(retryAfterSeconds(new Headers({ 'retry-after': new Date(1_000).toUTCString() }), 4_000)).toBe(0);
    expect(retryAfterSeconds(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterSeconds(new Headers({}))).toBeUndefined();
  });

  it('full jitter: uniform below min(30 s, 0.5 s · 2^failures), the same for the same seed', () => {
    const draw = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 12 }, (_, f) => backoffSeconds(f, rng));
    };
    const a = draw(1);
    expect(draw(1)).toEqual(a);
    a.forEach((s, f) => {
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(Math.min(30, 0.5 * 2 ** f));
    });
  });
});
