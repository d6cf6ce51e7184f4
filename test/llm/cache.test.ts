import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserInputError } from '../../src/errors/index.js';
import { callKey, GenerationCache } from '../../src/llm/call-cache.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-gencache-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (k: string, t: string): string => JSON.stringify({ key: k.repeat(64), model: 'm', texts: [t] });

describe('GenerationCache', () => {
  it('cuts a torn last line, keeps the first of duplicate keys, rejects a corrupt middle line', async () => {
    const file = path.join(dir, 'torn.jsonl');
    writeFileSync(file, `${line('a', 'first')}\n${line('a', 'second')}\n${line('b', 'x')}\n{"key":"cc`);
    const cache = await GenerationCache.open(file);
    expect(cache.repaired).toBe(1);
    expect(cache.size).toBe(2);
    expect(cache.get('a'.repeat(64))?.texts).toEqual(['first']);
    await cache.append({ key: 'c'.repeat(64), model: 'm', texts: ['y'] });
    await cache.append({ key: 'a'.repeat(64), model: 'm', texts: ['ignored: key already there'] });
    await cache.close();
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(4);
    writeFileSync(file, `${line('a', 'x')}\nnot json\n${line('b', 'y')}\n`);
    await expect(GenerationCache.open(file)).rejects.toSatisfy((e: unknown) => UserInputError.isUserInputError(e) && e.row === 2 && e.exitCode === 2);
  });

  it('cuts a line torn inside a multi-byte character at the right byte', async () => {
    const file = path.join(dir, 'utf8.jsonl');
    const whole = `${line('a', 'café ∑ 😀')}\n`;
    const torn = Buffer.from(`${line('b', '😀😀')}\n`).subarray(0, 40); // ends mid-emoji
    writeFileSync(file, Buffer.concat([Buffer.from(whole), torn]));
    const cache = await GenerationCache.open(file);
    expect(cache.repaired).toBe(1);
    await cache.append({ key: 'd'.repeat(64), model: 'm', texts: ['ok'] });
    await cache.close();
    const reopened = await GenerationCache.open(file);
    expect(reopened.repaired).toBe(0);
    expect(reopened.get('a'.repeat(64))?.texts).toEqual(['café ∑ 😀']);
    expect(reopened.get('d'.repeat(64))?.texts).toEqual(['ok']);
    await reopened.close();
  });

  it('concurrent appends each land as one whole line', async () => {
    const file = path.join(dir, 'concurrent.jsonl');
    const cache = await GenerationCache.open(file);
    const big = 'x'.repeat(200_000); // larger than a pipe buffer: would interleave if writes overlapped
    await Promise.all(Array.from({ length: 50 }, (_, i) => cache.append({ key: i.toString(16).padStart(64, '0'), model: 'm', texts: [`${i}${big}`] })));
    await cache.close();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(50);
    expect(new Set(lines.map((l) => (JSON.parse(l) as { key: string }).key)).size).toBe(50);
  });

  it('keys ignore parameter order and undefined values, and separate everything that changes the answer', () => {
    const base = { baseUrl: 'http://127.0.0.1:1/v1', model: 'x', mode: 'chat' as const, prompt: 'p', params: { temperature: 0, max_tokens: 5 }, sampleIndex: 0 };
    const key = callKey(base);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(callKey({ ...base, baseUrl: 'http://127.0.0.1:1/v1/', params: { max_tokens: 5, temperature: 0, seed: undefined } })).toBe(key);
    const variants = [
      { baseUrl: 'http://127.0.0.1:2/v1' },
      { model: 'y' },
      { mode: 'completion' as const },
      { prompt: 'q' },
      { prompt: [{ role: 'user' as const, content: 'p' }] },
      { params: { temperature: 0, max_tokens: 6 } },
      { params: { temperature: 0, max_tokens: 5, seed: 1 } },
      { sampleIndex: 1 },
    ];
    const keys = variants.map((v) => callKey({ ...base, ...v }));
    expect(new Set([key, ...keys]).size).toBe(variants.length + 1);
  });
});
