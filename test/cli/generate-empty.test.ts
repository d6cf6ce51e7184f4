// Issue 13 item 4: a 200 answer without content is a failed call (retried, then reported with its
// finish reason) unless --allow-empty; a run that retries prints no MaxListenersExceededWarning.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../../src/llm/testing/fake-server.js';
import { demoWorkspace, smoothieAsync } from './helpers.js';

const run = smoothieAsync;

const MODELS = ['calc-7b', 'atlas-7b', 'lexi-7b', 'generalist-7b', 'rambler-3b'];
const BASE = ['generate', '--dataset-config', 'dataset_configs/demo.yaml', '--multi-model', '--models', 'models.yaml', '--results-dir', 'gen'];

describe('generate: answers without content, and retries without listener warnings', () => {
  let dir: string;
  let filtered: FakeServer;
  let limited: FakeServer;
  let firstPrompt: string;
  beforeAll(async () => {
    dir = demoWorkspace();
    firstPrompt = (JSON.parse(readFileSync(path.join(dir, 'results/datasets/demo_test.jsonl'), 'utf8').split('\n')[0]) as { multi_model_prompt: string }).multi_model_prompt;
    filtered = await startFakeServer({ faultFor: ({ prompt }) => (prompt === firstPrompt ? { kind: 'content-filter' } : undefined) });
    // Every first attempt is rate-limited for 150 ms: many retries wait at once.
    limited = await startFakeServer({ faultFor: ({ perPromptCount }) => (perPromptCount === 0 ? { kind: 'rate-limit', retryAfterMs: 150 } : undefined) });
  });
  afterAll(async () => {
    await filtered.close();
    await limited.close();
  });

  const models = (server: FakeServer, extra = ''): string =>
    `models:\n${MODELS.map((m) => `  ${m}: {base_url: "${server.baseUrl}", model: ${m}, max_retries: 2, max_concurrency: 32${extra}}`).join('\n')}\n`;

  it('content null (content_filter): retried, then one line with the finish reason, exit 4', async () => {
    writeFileSync(path.join(dir, 'models.yaml'), models(filtered));
    const before = filtered.received.length;
    const r = await run([...BASE, '--limit', '2', '--cache-file', 'c1.jsonl', '--quiet'], dir);
    expect(r.code).toBe(4);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/failed after 2 retries: no content in the answer \(finish_reason: content_filter/);
    // The filtered prompt was asked 3 times (1 + 2 retries) by the model that failed first.
    expect(filtered.received.slice(before).filter((q) => q.prompt === firstPrompt).length).toBeGreaterThanOrEqual(3);
  });

  it('--allow-empty keeps it as "" and the cache records the finish reason', async () => {
    writeFileSync(path.join(dir, 'models.yaml'), models(filtered));
    const r = await run([...BASE, '--limit', '2', '--cache-file', 'c2.jsonl', '--allow-empty', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(path.join(dir, 'c2.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { texts: string[]; finish_reasons: string[] });
    const empty = lines.filter((l) => l.texts[0] === '');
    expect(empty.length).toBe(5);
    for (const l of empty) expect(l.finish_reasons).toEqual(['content_filter']);
  });

  it('a run with many concurrent retries prints no MaxListenersExceededWarning', async () => {
    writeFileSync(path.join(dir, 'models.yaml'), models(limited));
    const r = await run([...BASE, '--limit', '30', '--cache-file', 'c3.jsonl', '--quiet'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('MaxListenersExceededWarning');
    expect(r.stderr).toBe('');
  });
});
