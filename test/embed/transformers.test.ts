import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransformersEmbedder } from '../../src/embed/transformers.js';
import type { Embedder } from '../../src/embed/types.js';
import { UserInputError } from '../../src/errors/index.js';
import { buildTinyBert, type TinyBert } from '../helpers/tiny-bert.js';

// Mixed lengths (so batches pad), subwords (cats → cat ##s), an unknown word, case and punctuation.
const TEXTS = ['Hello, world!', 'the cats sat on the mat.', 'A big red dog running', 'zebra fish', 'The Big Blue Bird?', 'Hello, world!', ''];

/** Independent BERT-uncased WordPiece: lowercase, split on spaces and punctuation, greedy longest match. */
function tokenize(text: string, vocab: readonly string[]): number[] {
  const id = (t: string) => vocab.indexOf(t);
  const ids = [id('[CLS]')];
  for (const word of text.toLowerCase().match(/[a-z0-9]+|[^\sa-z0-9]/g) ?? []) {
    const pieces: number[] = [];
    for (let start = 0; start < word.length; ) {
      let end = word.length;
      while (end > start && id((start > 0 ? '##' : '') + word.slice(start, end)) < 0) end--;
      if (end === start) break;
      pieces.push(id((start > 0 ? '##' : '') + word.slice(start, end)));
      start = end;
    }
    const whole = pieces.length > 0 && pieces.reduce((n, p) => n + vocab[p].replace(/^##/, '').length, 0) === word.length;
    ids.push(...(whole ? pieces : [id('[UNK]')]));
  }
  ids.push(id('[SEP]'));
  return ids;
}

/** The tiny model's forward pass, mean pooling and L2 norm, in float64. */
function reference(m: TinyBert, text: string): Float64Array {
  const h = m.hidden;
  const ids = tokenize(text, m.vocab);
  const mean = new Float64Array(h);
  for (const t of ids) {
    for (let j = 0; j < h; j++) {
      let sum = m.bias[j];
      for (let k = 0; k < h; k++) sum += (m.wordEmbeddings[t * h + k] + m.typeEmbeddings[k]) * m.weight[k * h + j];
      mean[j] += Math.tanh(sum) / ids.length;
    }
  }
  const norm = Math.hypot(...mean);
  return mean.map((v) => v / norm);
}

const row = (data: Float32Array, i: number, dim: number) => data.subarray(i * dim, (i + 1) * dim);

describe('transformers embedder on a tiny local BERT', () => {
  let model: TinyBert;
  let embedder: Embedder;

  beforeAll(async () => {
    model = await buildTinyBert(8);
    embedder = await createTransformersEmbedder(model.dir, { allowRemote: false, batchSize: 2 });
  });
  afterAll(async () => {
    await embedder?.dispose?.();
    await model?.cleanup();
  });

  it('reports id, version and dim', () => {
    expect(embedder.id).toBe(`transformers:${path.basename(model.dir)}`);
    expect(embedder.version).toMatch(/^@huggingface\/transformers@\d+\.\d+\.\d+\S* sha256:[0-9a-f]{16} dtype:default$/);
    expect(embedder.dim).toBe(model.hidden);
  });

  it('matches an independent computation, rows unit-norm, with progress after each batch', async () => {
    const progress: [number, number][] = [];
    const out = await embedder.embed(TEXTS, { onProgress: (done, total) => progress.push([done, total]) });
    expect(out.shape).toEqual([TEXTS.length, model.hidden]);
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(progress).toEqual([
      [2, 7],
      [4, 7],
      [6, 7],
      [7, 7],
    ]);
    TEXTS.forEach((text, i) => {
      const got = row(out.data, i, model.hidden);
      expect(Math.hypot(...got)).toBeCloseTo(1, 5);
      const want = reference(model, text);
      for (let j = 0; j < model.hidden; j++) expect(Math.abs(got[j] - want[j])).toBeLessThan(1e-5);
    });
    expect(row(out.data, 5, model.hidden)).toEqual(row(out.data, 0, model.hidden));
  });

  it('gives the same vectors whatever the batch size (padding stays out of the mean)', async () => {
    const big = await createTransformersEmbedder(model.dir, { allowRemote: false, batchSize: 100 });
    try {
      expect(big.version).toBe(embedder.version);
      const [a, b] = [await embedder.embed(TEXTS), await big.embed(TEXTS)];
      for (let i = 0; i < a.data.length; i++) expect(Math.abs(a.data[i] - b.data[i])).toBeLessThan(1e-6);
    } finally {
      await big.dispose?.();
    }
  });

  it('embeds no texts to a (0, dim) array', async () => {
    expect((await embedder.embed([])).shape).toEqual([0, model.hidden]);
  });

  it('loads a hub id from a populated cache (<cacheDir>/<owner>/<name>) without the network', async () => {
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'hf-cache-'));
    try {
      await cp(model.dir, path.join(cacheDir, 'Org', 'tiny-bert'), { recursive: true });
      const e = await createTransformersEmbedder('Org/tiny-bert', { allowRemote: false, cacheDir });
      try {
        expect(e.id).toBe('transformers:Org/tiny-bert');
        expect(e.version).toMatch(/ Org\/tiny-bert@main dtype:default$/);
        expect((await e.embed(TEXTS)).data).toEqual((await embedder.embed(TEXTS)).data);
      } finally {
        await e.dispose?.();
      }
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it('finds <localModelPath>/<name>', async () => {
    const name = path.basename(model.dir);
    const e = await createTransformersEmbedder(name, { localModelPath: path.dirname(model.dir), allowRemote: false });
    try {
      expect(e.id).toBe(`transformers:${name}`);
      expect(e.version).toBe(embedder.version);
    } finally {
      await e.dispose?.();
    }
  });
});

describe('transformers embedder options', () => {
  let model: TinyBert;
  beforeAll(async () => {
    model = await buildTinyBert(8);
  });
  afterAll(() => model?.cleanup());

  it("truncates at sentence_bert_config.json's max_seq_length, as sentence-transformers does, or at maxLength", async () => {
    const long = 'the cat sat on the mat the dog sat on the mat';
    const dir = await mkdtemp(path.join(tmpdir(), 'st-bert-'));
    try {
      await cp(model.dir, dir, { recursive: true });
      await writeFile(path.join(dir, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: 5, do_lower_case: false }));
      const e = await createTransformersEmbedder(dir, { allowRemote: false });
      try {
        expect(e.version).toMatch(/ max_length:5$/);
        expect(e.maxLength).toBe(5);
        // 5 tokens: [CLS], three words, [SEP].
        const got = (await e.embed([long])).data;
        const want = reference(model, 'the cat sat');
        for (let j = 0; j < model.hidden; j++) expect(Math.abs(got[j] - want[j])).toBeLessThan(1e-5);
      } finally {
        await e.dispose?.();
      }
      const wider = await createTransformersEmbedder(dir, { allowRemote: false, maxLength: 7 });
      try {
        const got = (await wider.embed([long])).data;
        const want = reference(model, 'the cat sat on the');
        for (let j = 0; j < model.hidden; j++) expect(Math.abs(got[j] - want[j])).toBeLessThan(1e-5);
      } finally {
        await wider.dispose?.();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('loads the weights of the asked dtype (onnx/model_fp16.onnx) and names the dtype in its version', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dtype-bert-'));
    try {
      await cp(model.dir, dir, { recursive: true });
      await cp(path.join(dir, 'onnx', 'model.onnx'), path.join(dir, 'onnx', 'model_fp16.onnx'));
      const e = await createTransformersEmbedder(dir, { allowRemote: false, dtype: 'fp16', batchSize: 3 });
      try {
        expect(e.version).toMatch(/ dtype:fp16$/);
        expect((await e.embed(TEXTS)).shape).toEqual([TEXTS.length, model.hidden]);
      } finally {
        await e.dispose?.();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a bad maxLength or device', async () => {
    await expect(createTransformersEmbedder(model.dir, { maxLength: 0 })).rejects.toThrow(/field 'maxLength'/);
    await expect(createTransformersEmbedder(model.dir, { device: 'tpu' as 'cpu' })).rejects.toThrow(/field 'device'/);
  });
});

describe('transformers embedder load failures', () => {
  /** The rejection of `promise`: a one-line UserInputError. */
  async function failure(promise: Promise<unknown>): Promise<{ message: string }> {
    const error = await promise.then(
      () => expect.unreachable('expected a rejection'),
      (e: unknown) => e,
    );
    expect(UserInputError.isUserInputError(error), String(error)).toBe(true);
    const { message } = error as UserInputError;
    expect(message).not.toContain('\n');
    return { message };
  }

  // Offline, nothing is fetched: a load that tried the network would hang past this test's timeout.
  it('an unknown hub id offline fails fast with one clear line', { timeout: 30_000 }, async () => {
    const cacheDir = path.join(tmpdir(), `smoothie-empty-hf-cache-${process.pid}`);
    try {
      const { message } = await failure(createTransformersEmbedder('Xenova/no-such-model-here', { allowRemote: false, cacheDir }));
      expect(message).toMatch(/^cannot load transformers model 'Xenova\/no-such-model-here': not found locally .*remote loading is disabled/);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it('a missing folder', async () => {
    const { message } = await failure(createTransformersEmbedder('./no/such/model-folder', { allowRemote: false }));
    expect(message).toBe(`cannot load transformers model './no/such/model-folder': no such folder ${path.resolve('no/such/model-folder')}`);
  });

  it('a folder without the weights of the asked dtype', async () => {
    const m = await buildTinyBert(4);
    try {
      const { message } = await failure(createTransformersEmbedder(m.dir, { dtype: 'q8' }));
      expect(message).toBe(`cannot load transformers model '${m.dir}': folder ${m.dir} has no file onnx/model_quantized.onnx`);
    } finally {
      await m.cleanup();
    }
  });

  it('bad options', async () => {
    expect((await failure(createTransformersEmbedder('x', { dtype: 'fp7' }))).message).toMatch(/^field 'dtype': must be one of/);
    expect((await failure(createTransformersEmbedder('x', { batchSize: 0 }))).message).toMatch(/^field 'batchSize'/);
  });
});
