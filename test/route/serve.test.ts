import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmbedder } from '../../src/embed/factory.js';
import { ModelRegistry } from '../../src/llm/registry.js';
import { startFakeServer, type FakeServer } from '../../src/llm/testing/fake-server.js';
import { createRouter } from '../../src/route/router.js';
import { serveRouter, type RouterServer } from '../../src/route/serve.js';
import { CLI } from '../cli/helpers.js';

/** Small model: right on even items (and says so when verifying), wrong on odd ones; large: always right. */
function answer(model: string, prompt: string, index: number): string {
  if (prompt.includes('AI Generated Answer:')) {
    const answered = prompt.split('AI Generated Answer: ').at(-1)!.split('\n')[0];
    return `Verification Decision: The AI generated answer is ${answered.startsWith('colour') ? 'Correct' : 'Incorrect'}.`;
  }
  const n = Number(/item (\d+)/.exec(prompt)?.[1]);
  return model === 'large' || n % 2 === 0 ? `colour ${n}` : `no idea ${index}`;
}

const post = (url: string, body: unknown) => fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('smoothie serve: an OpenAI-compatible endpoint in front of a router', () => {
  let upstream: FakeServer;
  let registry: ModelRegistry;
  let served: RouterServer;
  beforeAll(async () => {
    upstream = await startFakeServer({ answer, delayMs: 5 });
    registry = ModelRegistry.fromObject({
      models: { small: { base_url: upstream.baseUrl, model: 'small', max_concurrency: 64 }, large: { base_url: upstream.baseUrl, model: 'large', max_concurrency: 64 } },
    });
    served = await serveRouter(await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large', k: 2 }, { registry }), { port: 0, maxConcurrency: 200 });
  });
  afterAll(async () => {
    await served.close();
    await upstream.close();
  });

  it('answers 200 concurrent requests, each with its own answer and the model that gave it', async () => {
    const responses = await Promise.all(
      Array.from({ length: 200 }, async (_, n) => {
        const r = await post(served.url, { model: 'router', messages: [{ role: 'user', content: `What colour is item ${n}?` }] });
        return {
          n,
          status: r.status,
          header: r.headers.get('x-smoothie-model'),
          body: (await r.json()) as { model: string; choices: { message: { content: string } }[]; smoothie: { escalated: boolean } },
        };
      }),
    );
    for (const { n, status, header, body } of responses) {
      expect(status).toBe(200);
      expect(body.choices[0].message.content).toBe(`colour ${n}`);
      expect(body.model).toBe(n % 2 === 0 ? 'small' : 'large');
      expect(header).toBe(body.model);
      expect(body.smoothie.escalated).toBe(n % 2 === 1);
    }
  });

  it('streams server-sent events ending with [DONE]', async () => {
    const r = await post(served.url, { messages: [{ role: 'user', content: 'What colour is item 8?' }], stream: true });
    expect(r.headers.get('content-type')).toBe('text/event-stream');
    const events = (await r.text())
      .trim()
      .split('\n\n')
      .map((e) => e.replace(/^data: /, ''));
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as { object: string; choices: { delta: { content?: string }; finish_reason: string | null }[] });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe('colour 8');
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
  });

  it('health, 4xx JSON errors for bad requests', async () => {
    expect(await (await fetch(`${served.url}/health`)).json()).toMatchObject({ status: 'ok', strategy: 'cascade' });
    const bad = await post(served.url, { messages: [] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string; type: string } }).error).toMatchObject({ type: 'invalid_request_error' });
    const notJson = await fetch(`${served.url}/v1/chat/completions`, { method: 'POST', body: '{oops' });
    expect(notJson.status).toBe(400);
    expect((await fetch(`${served.url}/v1/chat/completions`)).status).toBe(405);
    expect((await fetch(`${served.url}/nope`)).status).toBe(404);
  });

  it('an upstream failure is a 502 with the reason; too many waiting requests get 503', async () => {
    const down = ModelRegistry.fromObject({
      models: { small: { base_url: 'http://127.0.0.1:9/v1', model: 'small', max_retries: 0 }, large: { base_url: 'http://127.0.0.1:9/v1', model: 'large', max_retries: 0 } },
    });
    const broken = await serveRouter(await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large' }, { registry: down }), { port: 0 });
    const r = await post(broken.url, { messages: [{ role: 'user', content: 'hi' }] });
    expect(r.status).toBe(502);
    expect(((await r.json()) as { error: { message: string; type: string } }).error).toMatchObject({ type: 'upstream_error', message: expect.stringContaining("model 'small'") });
    await broken.close();

    const tight = await serveRouter(await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large', k: 2 }, { registry }), { port: 0, maxConcurrency: 1, maxQueue: 1 });
    const statuses = await Promise.all(Array.from({ length: 6 }, (_, n) => post(tight.url, { messages: [{ role: 'user', content: `item ${n}` }] }).then((x) => x.status)));
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    await tight.close();
  });

  it('select routers pick among the candidates a request brings (or generate them with the voters)', async () => {
    const embedder = await createEmbedder('hash');
    const router = await createRouter({ strategy: 'select', voters: ['small', 'large', 'small'], k: 1 }, { embedder, registry });
    const s = await serveRouter(router, { port: 0 });
    const r = (await (await post(s.url, { messages: [{ role: 'user', content: 'q' }], candidates: ['the cat sat', 'the cat sat down', 'dogs bark'] })).json()) as {
      model: string;
      smoothie: { weights: number[] };
    };
    expect(r.smoothie.weights).toHaveLength(3);
    expect(r.smoothie.weights[2]).toBeLessThan(Math.max(r.smoothie.weights[0], r.smoothie.weights[1]));
    const generated = (await (await post(s.url, { messages: [{ role: 'user', content: 'What colour is item 3?' }] })).json()) as {
      model: string;
      choices: { message: { content: string } }[];
      smoothie: { calls: number };
    };
    expect(generated.smoothie.calls).toBe(3);
    const wrong = await post(s.url, { messages: [{ role: 'user', content: 'q' }], candidates: ['x', 'y'] });
    expect(wrong.status).toBe(400);
    await s.close();
  });

  it('close() stops accepting and answers the requests in flight', async () => {
    const slowUpstream = await startFakeServer({ answer, delayMs: 300 });
    const slowRegistry = ModelRegistry.fromObject({ models: { small: { base_url: slowUpstream.baseUrl, model: 'small' }, large: { base_url: slowUpstream.baseUrl, model: 'large' } } });
    const s = await serveRouter(await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large', k: 2 }, { registry: slowRegistry }), { port: 0 });
    const inFlight = post(s.url, { messages: [{ role: 'user', content: 'What colour is item 2?' }] });
    await vi.waitFor(() => expect(slowUpstream.inFlight()).toBeGreaterThan(0), { timeout: 10_000, interval: 5 });
    const closing = s.close();
    const r = await inFlight;
    expect(r.status).toBe(200);
    expect(((await r.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content).toBe('colour 2');
    await closing;
    await expect(post(s.url, { messages: [{ role: 'user', content: 'late' }] })).rejects.toThrow();
    await slowUpstream.close();
  });

  it('the CLI serves a saved router and stops on SIGTERM', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-serve-'));
    const router = await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large', k: 2 }, { registry });
    await router.save(path.join(dir, 'router.json'));
    writeFileSync(path.join(dir, 'models.yaml'), `models:\n  small: {base_url: "${upstream.baseUrl}", model: small}\n  large: {base_url: "${upstream.baseUrl}", model: large}\n`);
    const child = spawn(process.execPath, [CLI, 'serve', '--router', 'router.json', '--port', '0'], { cwd: dir });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /at (http:\/\/[\d.:]+)\//.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', () => reject(new Error(`serve exited: ${out}`)));
    });
    const r = (await (await post(url, { messages: [{ role: 'user', content: 'What colour is item 3?' }] })).json()) as { model: string; choices: { message: { content: string } }[] };
    expect(r).toMatchObject({ model: 'large', choices: [{ message: { content: 'colour 3' } }] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('stopped');
    rmSync(dir, { recursive: true, force: true });
  });
});
