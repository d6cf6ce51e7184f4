// Issue 17 item 3 (slice): GET /metrics in Prometheus format, a request id on every response, and one
// structured log entry per request that carries neither the body nor a key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../src/llm/registry.js';
import { startFakeServer, type FakeServer } from '../../src/llm/testing/fake-server.js';
import { createRouter } from '../../src/route/router.js';
import { serveRouter, type RequestLogEntry } from '../../src/route/serve.js';

const answer = (model: string, prompt: string): string => (prompt.includes('AI Generated Answer:') ? 'Verification Decision: The AI generated answer is Correct.' : `${model} says hi`);

const chat = (content: string) => JSON.stringify({ messages: [{ role: 'user', content }] });

/** The value of one sample line of the exposition, or undefined. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('serve: metrics, request ids, structured logs', () => {
  let upstream: FakeServer;
  let broken: FakeServer;
  beforeAll(async () => {
    upstream = await startFakeServer({ answer });
    broken = await startFakeServer({ answer, faultFor: () => ({ kind: 'bad-request' }) });
  });
  afterAll(async () => {
    await upstream.close();
    await broken.close();
  });

  it('counts requests, routings, calls, cost and upstream errors, and logs each request once', async () => {
    const registry = ModelRegistry.fromObject({
      models: { small: { base_url: upstream.baseUrl, model: 'small', api_keys: ['sk-secret-test-key'] }, large: { base_url: upstream.baseUrl, model: 'large' } },
    });
    const log: RequestLogEntry[] = [];
    const s = await serveRouter(await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large', k: 1 }, { registry }), { port: 0, onLog: (e) => log.push(e) });
    try {
      let calls = 0;
      let cost = 0;
      for (let i = 0; i < 3; i++) {
        const r = await fetch(`${s.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(i === 0 ? { 'x-request-id': 'client-id-1' } : {}) },
          body: chat(`private question ${i}`),
        });
        expect(r.status).toBe(200);
        if (i === 0) expect(r.headers.get('x-request-id')).toBe('client-id-1');
        else expect(r.headers.get('x-request-id')).toMatch(/^req-\d+-\d+$/);
        const body = (await r.json()) as { smoothie: { calls: number; cost: number } };
        calls += body.smoothie.calls;
        cost += body.smoothie.cost;
      }
      const bad = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', body: '{not json' });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('x-request-id')).toMatch(/^req-/);

      const m = await fetch(`${s.url}/metrics`);
      expect(m.status).toBe(200);
      expect(m.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await m.text();
      expect(sample(text, 'smoothie_http_requests_total', 'path="/v1/chat/completions",status="200"')).toBe(3);
      expect(sample(text, 'smoothie_http_requests_total', 'path="/v1/chat/completions",status="400"')).toBe(1);
      expect(sample(text, 'smoothie_routed_total', 'strategy="cascade",model="small",escalated="false"')).toBe(3);
      expect(sample(text, 'smoothie_upstream_calls_total', 'strategy="cascade"')).toBe(calls);
      expect(sample(text, 'smoothie_cost_total', 'strategy="cascade",model="small"')).toBeCloseTo(cost, 9);
      expect(sample(text, 'smoothie_route_duration_seconds_count', 'strategy="cascade"')).toBe(3);
      expect(text).toMatch(/^smoothie_queue_waiting 0$/m);
      expect(text).toMatch(/^smoothie_queue_in_flight 0$/m);

      expect(log).toHaveLength(5);
      expect(log[4]).toMatchObject({ method: 'GET', path: '/metrics', status: 200 });
      expect(log[0]).toMatchObject({ request_id: 'client-id-1', method: 'POST', path: '/v1/chat/completions', status: 200, strategy: 'cascade', model: 'small', escalated: false });
      expect(log[3]).toMatchObject({ status: 400, error: 'the body is not JSON' });
      const written = JSON.stringify(log);
      expect(written).not.toContain('private question');
      expect(written).not.toContain('sk-secret');
    } finally {
      await s.close();
    }
  });

  it('counts an upstream failure (502) and labels unknown paths as other', async () => {
    const registry = ModelRegistry.fromObject({ models: { small: { base_url: broken.baseUrl, model: 'small' }, large: { base_url: broken.baseUrl, model: 'large' } } });
    const s = await serveRouter(await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large', k: 1 }, { registry }), { port: 0 });
    try {
      const r = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', body: chat('hello') });
      expect(r.status).toBe(502);
      expect((await fetch(`${s.url}/nowhere/${Math.random()}`)).status).toBe(404);
      const text = await (await fetch(`${s.url}/metrics`)).text();
      expect(sample(text, 'smoothie_upstream_errors_total', 'strategy="cascade"')).toBe(1);
      expect(sample(text, 'smoothie_http_requests_total', 'path="other",status="404"')).toBe(1);
      expect(sample(text, 'smoothie_http_requests_total', 'path="/v1/chat/completions",status="502"')).toBe(1);
    } finally {
      await s.close();
    }
  });
});
