// Issue 13 items 7–8: bodies over --max-body get 413 (not a reset); close() stops keep-alive clients
// (Connection: close) and is bounded by the drain timeout.
import { request as httpRequest, Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseByteSize } from '../../src/cli/commands/serve.js';
import { ModelRegistry } from '../../src/llm/registry.js';
import { startFakeServer, type FakeServer } from '../../src/llm/testing/fake-server.js';
import { createRouter } from '../../src/route/router.js';
import { serveRouter } from '../../src/route/serve.js';

const answer = (model: string, prompt: string): string => (prompt.includes('AI Generated Answer:') ? 'Verification Decision: The AI generated answer is Correct.' : `${model} says hi`);

/** POST through a keep-alive agent; resolves with the status and the Connection header. */
function post(url: string, body: string | Buffer, agent?: Agent): Promise<{ status: number; connection?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(`${url}/v1/chat/completions`);
    const req = httpRequest(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const chat = JSON.stringify({ messages: [{ role: 'user', content: 'hello' }] });

describe('serve: body limit and draining', () => {
  let upstream: FakeServer;
  let slow: FakeServer;
  let registry: ModelRegistry;
  let slowRegistry: ModelRegistry;
  beforeAll(async () => {
    upstream = await startFakeServer({ answer });
    slow = await startFakeServer({ answer, delayMs: 4000 });
    registry = ModelRegistry.fromObject({ models: { small: { base_url: upstream.baseUrl, model: 'small' }, large: { base_url: upstream.baseUrl, model: 'large' } } });
    slowRegistry = ModelRegistry.fromObject({ models: { small: { base_url: slow.baseUrl, model: 'small' }, large: { base_url: slow.baseUrl, model: 'large' } } });
  });
  afterAll(async () => {
    await upstream.close();
    await slow.close();
  });

  it('answers 413 with a JSON error for 5 MB and 20 MB bodies; the limit is an option', async () => {
    const s = await serveRouter(await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large', k: 1 }, { registry }), { port: 0, maxBodyBytes: parseByteSize('4mib') });
    for (const mb of [5, 20]) {
      const big = JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(mb * 2 ** 20) }] });
      const r = await post(s.url, big);
      expect(r.status).toBe(413);
      expect((JSON.parse(r.body) as { error: { message: string } }).error.message).toMatch(/request body over 4194304 bytes/);
    }
    expect((await post(s.url, chat)).status).toBe(200);
    await s.close();
    const roomy = await serveRouter(await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large', k: 1 }, { registry }), { port: 0, maxBodyBytes: parseByteSize('32MB') });
    expect((await post(roomy.url, JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(5 * 2 ** 20) }] }))).status).toBe(200);
    await roomy.close();
    expect(parseByteSize('20MiB')).toBe(20 * 2 ** 20);
    expect(() => parseByteSize('lots')).toThrow(/--max-body/);
  });

  it('close() with keep-alive clients that keep sending: they are told Connection: close and it returns at once', { timeout: 20_000 }, async () => {
    const s = await serveRouter(await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large', k: 1 }, { registry }), { port: 0, drainTimeoutMs: 60_000 });
    const agents = Array.from({ length: 4 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    let stopped = false;
    const statuses: number[] = [];
    const closeHeaders: (string | undefined)[] = [];
    const clients = agents.map(async (agent) => {
      while (!stopped) {
        try {
          const r = await post(s.url, chat, agent);
          statuses.push(r.status);
          if (r.status === 503) closeHeaders.push(r.connection);
        } catch {
          await new Promise((r) => setTimeout(r, 5)); // refused after close: keep trying, as a busy client does
        }
      }
    });
    // Every client has had answers on its keep-alive connection before the close.
    await vi.waitFor(() => expect(statuses.filter((x) => x === 200).length).toBeGreaterThanOrEqual(agents.length), { timeout: 10_000, interval: 5 });
    // drainTimeoutMs far beyond the test's timeout: a close() that waited for these clients to stop would time the test out.
    const result = await s.close();
    stopped = true;
    await Promise.all(clients);
    for (const a of agents) a.destroy();
    expect(result.drained).toBe(true);
    expect(statuses.filter((x) => x === 200).length).toBeGreaterThan(0);
    for (const c of closeHeaders) expect(c).toBe('close');
  });

  it('the drain is bounded by drainTimeoutMs', async () => {
    const s = await serveRouter(await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large', k: 1 }, { registry: slowRegistry }), { port: 0, drainTimeoutMs: 300 });
    const inFlight = post(s.url, chat).catch((e: unknown) => e);
    await vi.waitFor(() => expect(slow.inFlight()).toBeGreaterThan(0), { timeout: 10_000, interval: 5 });
    // The upstream answers after 4 s: drained false means close() stopped at the 300 ms timeout, not at the answer.
    const result = await s.close();
    expect(result.drained).toBe(false);
    expect(await inFlight).toBeInstanceOf(Error);
  });
});
