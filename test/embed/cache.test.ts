import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ndarray, type NdArray } from '../../src/compute/ndarray.js';
import { CachedEmbedder, embeddingCacheFile, withCache } from '../../src/embed/cache.js';
import type { Embedder } from '../../src/embed/types.js';
import { REPO_ROOT } from '../helpers/shared.js';

const DIM = 6;

/** Deterministic vectors from the text (and version), counting every text it embeds. */
class CountingEmbedder implements Embedder {
  readonly id = 'fake/model:v1';
  readonly dim = DIM;
  readonly seen: string[] = [];
  constructor(readonly version = '1') {}
  async embed(texts: readonly string[]): Promise<NdArray<Float32Array>> {
    this.seen.push(...texts);
    const out = new Float32Array(texts.length * DIM);
    texts.forEach((text, i) => {
      const h = createHash('sha256').update(`${this.version}:${text}`).digest();
      for (let j = 0; j < DIM; j++) out[i * DIM + j] = h.readInt16LE(2 * j) / 1000;
    });
    return ndarray(out, [texts.length, DIM]);
  }
}

const HEADER_PREFIX = 12; // magic + u32 header length
function recordCount(file: string): number {
  const buf = readFileSync(file);
  const start = HEADER_PREFIX + buf.readUInt32LE(8);
  return (buf.length - start) / (16 + 4 * DIM);
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-embcache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const texts = (n: number, prefix = 't'): string[] => Array.from({ length: n }, (_, i) => `${prefix} ${i}`);

describe('CachedEmbedder', () => {
  it('returns what the embedder returns, and a second run computes nothing', async () => {
    const input = [...texts(600), 'café ☕', '', '\ud800 lone surrogate'];
    const expected = await new CountingEmbedder().embed(input);

    const first = new CountingEmbedder();
    const cached = withCache(first, { dir, chunkSize: 256 });
    expect(await cached.embed(input)).toEqual(expected);
    expect(first.seen).toHaveLength(input.length);
    expect(cached.stats).toEqual({ hits: 0, misses: input.length, computed: input.length });
    expect(recordCount(cached.file)).toBe(input.length);

    const second = new CountingEmbedder();
    const again = withCache(second, { dir });
    const progress: [number, number][] = [];
    expect(await again.embed(input, { onProgress: (d, t) => progress.push([d, t]) })).toEqual(expected);
    expect(second.seen).toEqual([]);
    expect(again.stats).toEqual({ hits: input.length, misses: 0, computed: 0 });
    expect(progress).toEqual([[input.length, input.length]]);
  });

  it('embeds duplicated texts once and never appends a text twice', async () => {
    const inner = new CountingEmbedder();
    const cached = withCache(inner, { dir, chunkSize: 2 });
    const input = ['a', 'b', 'a', 'c', 'b', 'a'];
    const out = await cached.embed(input);
    expect(inner.seen).toEqual(['a', 'b', 'c']);
    expect(out).toEqual(await new CountingEmbedder().embed(input));
    expect(cached.stats).toEqual({ hits: 0, misses: 6, computed: 3 });

    await cached.embed(['c', 'd', 'a', 'd']);
    expect(inner.seen).toEqual(['a', 'b', 'c', 'd']);
    expect(recordCount(cached.file)).toBe(4);
    expect(cached.stats).toEqual({ hits: 2, misses: 8, computed: 4 });
  });

  it('counts cached texts as done in progress reports', async () => {
    await withCache(new CountingEmbedder(), { dir }).embed(['x', 'y']);
    const progress: [number, number][] = [];
    await withCache(new CountingEmbedder(), { dir, chunkSize: 2 }).embed(['x', 'p', 'q', 'x', 'r', 'y'], {
      onProgress: (d, t) => progress.push([d, t]),
    });
    expect(progress).toEqual([
      [3, 6],
      [5, 6],
      [6, 6],
    ]);
  });

  it('repairs a torn trailing record and recomputes only what is missing', async () => {
    const input = texts(10);
    const cached = withCache(new CountingEmbedder(), { dir });
    await cached.embed(input);
    const recordBytes = 16 + 4 * DIM;
    const size = statSync(cached.file).size;
    truncateSync(cached.file, size - recordBytes - 7); // last record lost, the one before it torn

    const inner = new CountingEmbedder();
    const again = withCache(inner, { dir });
    expect(await again.embed(input)).toEqual(await new CountingEmbedder().embed(input));
    expect(inner.seen).toEqual(['t 8', 't 9']);
    expect(statSync(cached.file).size).toBe(size);
    expect(recordCount(cached.file)).toBe(10);
  });

  it('rewrites a file whose header was never completed', async () => {
    const file = embeddingCacheFile(dir, 'fake/model:v1', '1');
    writeFileSync(file, Buffer.from('SMEMB0'));
    const inner = new CountingEmbedder();
    const cached = withCache(inner, { dir });
    expect(await cached.embed(['a'])).toEqual(await new CountingEmbedder().embed(['a']));
    expect(recordCount(file)).toBe(1);
  });

  it('keeps versions apart and refuses a dim change', async () => {
    const v1 = withCache(new CountingEmbedder('1'), { dir });
    await v1.embed(['same text']);
    const innerV2 = new CountingEmbedder('2');
    const v2 = withCache(innerV2, { dir });
    expect(v2.file).not.toBe(v1.file);
    expect(await v2.embed(['same text'])).toEqual(await new CountingEmbedder('2').embed(['same text']));
    expect(innerV2.seen).toEqual(['same text']);

    const wider: Embedder = {
      id: 'fake/model:v1',
      version: '1',
      dim: DIM + 1,
      embed: async (t) => ndarray(new Float32Array(t.length * (DIM + 1)), [t.length, DIM + 1]),
    };
    await expect(withCache(wider, { dir }).embed(['other'])).rejects.toThrow(/holds 6-d vectors .* produced 7-d/);
  });

  it('reports the file dim before the inner embedder has loaded, and handles no texts', async () => {
    await withCache(new CountingEmbedder(), { dir }).embed(['a']);
    const lazy: Embedder = { id: 'fake/model:v1', version: '1', dim: 0, embed: () => Promise.reject(new Error('not used')) };
    const cached = new CachedEmbedder(lazy, { dir });
    expect((await cached.embed(['a'])).shape).toEqual([1, DIM]);
    expect(cached.dim).toBe(DIM);
    expect((await cached.embed([])).shape).toEqual([0, DIM]);
  });

  it('serialises concurrent calls so that nothing is appended twice', async () => {
    const inner = new CountingEmbedder();
    const cached = withCache(inner, { dir });
    await Promise.all([cached.embed(['a', 'b']), cached.embed(['b', 'c']), cached.embed(['a', 'c'])]);
    expect(inner.seen).toEqual(['a', 'b', 'c']);
    expect(recordCount(cached.file)).toBe(3);
  });

  it('resumes after the process is killed mid-run, without duplicates', async () => {
    // The child runs the real module from the build (npm test builds first).
    const build = path.join(dir, 'build');
    mkdirSync(build, { recursive: true });
    const dist = (rel: string): string => JSON.stringify(pathToFileURL(path.join(REPO_ROOT, 'dist', rel)).href);
    writeFileSync(path.join(build, 'package.json'), '{"type":"module"}');
    const cacheDir = path.join(dir, 'cache');
    const script = path.join(build, 'child.js');
    writeFileSync(
      script,
      `import { createHash } from 'node:crypto';
import { withCache } from ${dist('embed/cache.js')};
import { ndarray } from ${dist('compute/ndarray.js')};
const DIM = ${DIM};
const inner = { id: 'fake/model:v1', version: '1', dim: DIM, async embed(texts) {
  await new Promise((r) => setTimeout(r, 15));
  const out = new Float32Array(texts.length * DIM);
  texts.forEach((text, i) => { const h = createHash('sha256').update('1:' + text).digest();
    for (let j = 0; j < DIM; j++) out[i * DIM + j] = h.readInt16LE(2 * j) / 1000; });
  return ndarray(out, [texts.length, DIM]); } };
const input = Array.from({ length: 5000 }, (_, i) => 't ' + i);
await withCache(inner, { dir: ${JSON.stringify(cacheDir)}, chunkSize: 50 }).embed(input, {
  onProgress: (done) => { if (done >= 1000) process.send?.('go'); } });
process.send?.('finished');
`,
    );
    const child = fork(script, [], { stdio: 'ignore' });
    const message = await new Promise<unknown>((resolve, reject) => {
      child.once('message', resolve);
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    expect(message).toBe('go');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const file = embeddingCacheFile(cacheDir, 'fake/model:v1', '1');
    const written = recordCount(file);
    expect(written).toBeGreaterThanOrEqual(1000);
    expect(written).toBeLessThan(5000);
    // As if the kill had hit mid-write (unless it did).
    if (Number.isInteger(written)) appendFileSync(file, Buffer.alloc(11, 0xab));

    const input = texts(5000);
    const inner = new CountingEmbedder();
    const resumed = withCache(inner, { dir: cacheDir });
    expect(await resumed.embed(input)).toEqual(await new CountingEmbedder().embed(input));
    expect(inner.seen).toHaveLength(5000 - Math.floor(written));
    expect(new Set(inner.seen).size).toBe(inner.seen.length);
    expect(recordCount(file)).toBe(5000);
  });
});
