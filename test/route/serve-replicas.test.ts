// Issue 17 item 1: `smoothie serve --workers N` runs N replicas on one port; /metrics sums them;
// SIGTERM drains every worker.
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ModelRegistry } from '../../src/llm/registry.js';
import { startFakeServer, type FakeServer } from '../../src/llm/testing/fake-server.js';
import { parseWorkers } from '../../src/route/replicas.js';
import { createRouter } from '../../src/route/router.js';
import { CLI, expectOneLineError, smoothieAsync } from '../cli/helpers.js';

const answer = (model: string, prompt: string): string => (prompt.includes('AI Generated Answer:') ? 'Verification Decision: The AI generated answer is Correct.' : `${model} says hi`);

/** One request on its own connection (so the cluster may hand it to any worker). */
function call(url: string, method: 'GET' | 'POST', pathname: string, body?: string): Promise<{ status: number; requestId: string; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = httpRequest(
      { host: u.hostname, port: u.port, path: pathname, method, agent: false, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, requestId: String(res.headers['x-request-id']), text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const chat = (content: string): string => JSON.stringify({ messages: [{ role: 'user', content }] });

/** Servers started by the tests: any still running at the end (an assertion failed) are killed. */
const running = new Set<ChildProcess>();

/** `smoothie serve --workers 2 --json`: resolves with the address the primary announces. */
async function serveWorkers(dir: string, router: string): Promise<{ child: ChildProcess; url: string; out: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--router', router, '--port', '0', '--workers', '2', '--json'], { cwd: dir });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  running.add(child);
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"url":"(http:\/\/[\d.:]+)"/.exec(out);
      if (m) resolve(m[1]);
    });
    void exited.then(() => reject(new Error(`serve exited: ${out}${err}`)));
  });
  return { child, url, out: () => out, exited };
}

describe('smoothie serve --workers', () => {
  let fast: FakeServer;
  let slow: FakeServer;
  let dir: string;
  beforeAll(async () => {
    fast = await startFakeServer({ answer });
    slow = await startFakeServer({ answer, delayMs: 600 });
    dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-replicas-'));
    for (const [name, server] of [
      ['fast', fast],
      ['slow', slow],
    ] as const) {
      const registry = ModelRegistry.fromObject({ models: { small: { base_url: server.baseUrl, model: 'small' }, large: { base_url: server.baseUrl, model: 'large' } } });
      await (await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large', k: 2 }, { registry })).save(path.join(dir, `${name}.json`));
    }
  });
  afterAll(async () => {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
    await fast.close();
    await slow.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('parses --workers: a positive integer or auto', () => {
    expect(parseWorkers('3')).toBe(3);
    expect(parseWorkers('auto')).toBe(os.availableParallelism());
    expect(() => parseWorkers('0')).toThrow(/--workers.*positive integer or auto/);
    expect(() => parseWorkers('two')).toThrow(/positive integer or auto/);
  });

  it('a router that fails to load fails once: one error line, the exit code of the failure, no worker left', async () => {
    const r = await smoothieAsync(['serve', '--router', 'missing.json', '--port', '0', '--workers', '2'], dir);
    expectOneLineError(r, 'missing.json');
    const bad = await smoothieAsync(['serve', '--router', 'fast.json', '--port', '0', '--workers', 'many'], dir);
    expectOneLineError(bad, '--workers');
  });

  it('two workers answer on one port, /metrics counts both, SIGTERM stops them', async () => {
    writeFileSync(path.join(dir, 'models.yaml'), `models:\n  small: {base_url: "${fast.baseUrl}", model: small}\n  large: {base_url: "${fast.baseUrl}", model: large}\n`);
    const s = await serveWorkers(dir, 'fast.json');
    const responses = [];
    // Sequential new connections: the primary hands them to the workers in turn.
    for (let n = 0; n < 12; n++) responses.push(await call(s.url, 'POST', '/v1/chat/completions', chat(`question ${n}`)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(responses.map((r) => (JSON.parse(r.text) as { choices: { message: { content: string } }[] }).choices[0].message.content)).toEqual(Array(12).fill('small says hi'));
    // The default request id carries the worker's pid.
    const pids = new Set(responses.map((r) => /^req-(\d+)-/.exec(r.requestId)?.[1]));
    expect(pids.size).toBe(2);
    const metrics = await call(s.url, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^smoothie_http_requests_total\{path="\/v1\/chat\/completions",status="200"\} 12$/m);
    expect(metrics.text).toMatch(/^smoothie_routed_total\{strategy="cascade",model="small",escalated="false"\} 12$/m);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.out()).toContain('{"event":"stopped","drained":true,"workers":2}');
  });

  it('SIGTERM drains: requests in flight on both workers are answered before the workers exit', async () => {
    writeFileSync(path.join(dir, 'models.yaml'), `models:\n  small: {base_url: "${slow.baseUrl}", model: small}\n  large: {base_url: "${slow.baseUrl}", model: large}\n`);
    const s = await serveWorkers(dir, 'slow.json');
    const inFlight = Array.from({ length: 4 }, (_, n) => call(s.url, 'POST', '/v1/chat/completions', chat(`slow ${n}`)));
    // SIGTERM once all four are at the upstream (in flight on the workers), not after a guessed pause.
    await vi.waitFor(() => expect(slow.inFlight()).toBe(4), { timeout: 20_000, interval: 10 });
    s.child.kill('SIGTERM');
    const answered = await Promise.all(inFlight);
    expect(answered.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(answered.map((r) => /^req-(\d+)-/.exec(r.requestId)?.[1])).size).toBe(2);
    expect(await s.exited).toBe(0);
    expect(s.out()).toContain('"drained":true');
    await expect(call(s.url, 'GET', '/health')).rejects.toThrow();
  });
});
