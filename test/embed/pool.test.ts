/**
 * The embedder pool runs worker threads, which load the built files: these tests import the
 * package build (dist/, made by `npm test`'s build step) rather than the TypeScript sources.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createEmbedder } from '../../dist/embed/factory.js';
import { UserInputError } from '../../dist/errors/index.js';
import { planBatches } from '../../dist/embed/batches.js';
import { Rng } from '../../src/compute/rng.js';

/** Texts of very different lengths (short answers to 300-word ones), some empty or repeated. */
function corpus(n: number, seed: number): string[] {
  const rng = new Rng(seed);
  const words = 'the model answer routing embedding question capital river because however first city number'.split(' ');
  return Array.from({ length: n }, (_, i) => {
    if (i % 37 === 0) return '';
    if (i % 41 === 0) return 'repeated text';
    const length = 1 + rng.int(i % 3 === 0 ? 300 : 20);
    return `${i} ${Array.from({ length }, () => rng.choice(words)).join(' ')}.`;
  });
}

const disposers: (() => unknown)[] = [];
afterAll(async () => {
  for (const d of disposers) await d();
});

describe('planBatches', () => {
  it('sorts longest first, ties by position, and a planned batch plans to itself', () => {
    const texts = ['bb', 'a', 'cccc', 'dd', '', 'eeee'];
    expect(planBatches(texts, 4)).toEqual([
      [2, 5, 0, 3],
      [1, 4],
    ]);
    const batch = [2, 5, 0, 3].map((i) => texts[i]);
    expect(planBatches(batch, 4)).toEqual([[0, 1, 2, 3]]);
  });
});

describe('embedder pool', () => {
  const texts = corpus(300, 1);

  it.each(['onnx', 'tfjs'] as const)('gives the vectors of one thread bit for bit (use, %s runtime)', async (runtime) => {
    const single = await createEmbedder('use', { runtime, backend: 'wasm', workers: 1, threads: 2 });
    const pool = await createEmbedder('use', { runtime, backend: 'wasm', workers: 2 });
    disposers.push(
      () => single.dispose?.(),
      () => pool.dispose?.(),
    );
    expect([pool.id, pool.version, pool.dim]).toEqual([single.id, single.version, single.dim]);
    const progress: number[] = [];
    // tfjs-wasm is ~6× slower: fewer texts keep the test short.
    const sample = runtime === 'tfjs' ? texts.slice(0, 80) : texts;
    const [a, b] = [await single.embed(sample), await pool.embed(sample, { onProgress: (done) => progress.push(done) })];
    expect(b.shape).toEqual(a.shape);
    expect(Buffer.from(b.data.buffer).equals(Buffer.from(a.data.buffer))).toBe(true);
    expect(progress.at(-1)).toBe(sample.length);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
  });

  it('embeds inside the cache like one thread, and resumes from it', async () => {
    const dir = (await import('node:fs/promises')).mkdtemp((await import('node:path')).join((await import('node:os')).tmpdir(), 'pool-cache-'));
    const cacheDir = await dir;
    const pooled = await createEmbedder('use', { runtime: 'onnx', workers: 2, cacheDir });
    disposers.push(() => pooled.dispose?.());
    const first = await pooled.embed(texts.slice(0, 120));
    const single = await createEmbedder('use', { runtime: 'onnx', workers: 1 });
    disposers.push(() => single.dispose?.());
    const direct = await single.embed(texts.slice(0, 120));
    expect(Buffer.from(first.data.buffer).equals(Buffer.from(direct.data.buffer))).toBe(true);
    // A second embedder over the same cache reads every vector back (same id and version).
    const again = await createEmbedder('use', { runtime: 'onnx', workers: 1, cacheDir });
    disposers.push(() => again.dispose?.());
    const cached: number[] = [];
    await again.embed(texts.slice(0, 120), { onProgress: (_d, _t, c) => cached.push(c ?? -1) });
    expect(cached[0]).toBe(120);
  });

  it('reports a worker that cannot load its embedder as one user error', async () => {
    const error = await createEmbedder('transformers:./no/such/model/folder', { workers: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as Error).message).toMatch(/no such folder/);
  });

  it('rejects a bad worker count', async () => {
    await expect(createEmbedder('use', { workers: 0 })).rejects.toThrow(/positive integer/);
  });
});
