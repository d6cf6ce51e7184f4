/**
 * On-disk embedding cache: reruns do not recompute, and a killed run resumes where it stopped.
 *
 * One append-only file per embedder id and version, `<dir>/<sanitised id>-<12 hex of
 * sha256(id, version)>.emb`, so another version never reuses stale vectors (its file is separate;
 * old files stay until deleted). Layout:
 *
 *   MAGIC 'SMEMB001' | u32 LE header length | header JSON {id, version, dim, keyBytes, endianness}
 *   | records: [16-byte SHA-256 prefix of the text's UTF-8][dim float32, host byte order] ...
 *
 * The header (written atomically) fixes dim: an embedder that produces another dim under the same
 * id and version is an error, not a silent new file. Missing texts are embedded in chunks and each
 * chunk is appended as soon as it is computed, so a kill loses at most one chunk; a torn trailing
 * record is truncated away on the next load. Records are found by scanning the file on every
 * `embed` call, which also keeps duplicates out. One process at a time per cache file: concurrent
 * calls on one `CachedEmbedder` are serialised, separate processes are not coordinated.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ndarray, type NdArray } from '../compute/ndarray.js';
import { UserInputError } from '../errors/index.js';
import { writeFileAtomic } from '../data/atomic.js';
import type { EmbedOptions, Embedder } from './types.js';

export const DEFAULT_EMBEDDING_CACHE_DIR = path.join('.smoothie-cache', 'embeddings');
export const DEFAULT_CACHE_CHUNK = 256;

const MAGIC = Buffer.from('SMEMB001', 'latin1');
const KEY_BYTES = 16;
/** Scan reads are about this many bytes, in whole records. */
const SCAN_BYTES = 1 << 22;

export interface EmbeddingCacheOptions {
  /** Directory of the cache files. @default '.smoothie-cache/embeddings' (relative to the cwd) */
  readonly dir?: string;
  /** Texts embedded and appended at a time. @default 256 */
  readonly chunkSize?: number;
}

export interface EmbeddingCacheStats {
  /** Input texts whose vector was read from the file. */
  hits: number;
  /** Input texts that were not in the file (duplicates within a call included). */
  misses: number;
  /** Distinct texts passed to the wrapped embedder. */
  computed: number;
}

interface CacheHeader {
  readonly id: string;
  readonly version: string;
  readonly dim: number;
  readonly keyBytes: number;
  readonly endianness: 'BE' | 'LE';
}

/** A distinct text of one `embed` call and the input rows it fills. */
interface Entry {
  readonly text: string;
  readonly key: Buffer;
  readonly rows: number[];
  vector?: Float32Array;
}

/**
 * Lone surrogates are not valid UTF-8 (they all encode as U+FFFD), so such texts hash their UTF-16
 * code units behind a 0xff byte, which never occurs in UTF-8: distinct texts keep distinct keys.
 */
function textKey(text: string): Buffer {
  const hash = createHash('sha256');
  if (/\p{Cs}/u.test(text)) hash.update(Buffer.from([0xff])).update(Buffer.from(text, 'utf16le'));
  else hash.update(text, 'utf8');
  return hash.digest().subarray(0, KEY_BYTES);
}

/** The cache file of an embedder id and version inside `dir`. */
export function embeddingCacheFile(dir: string, id: string, version: string): string {
  const safe = id.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100);
  const tag = createHash('sha256').update(`${id}\n${version}`, 'utf8').digest('hex').slice(0, 12);
  return path.join(dir, `${safe}-${tag}.emb`);
}

/**
 * Wraps `embedder` so that vectors are read from and appended to a file under `options.dir`.
 *
 * @example
 * ```ts
 * const cached = withCache(await createEmbedder('use'), { dir: '.smoothie-cache/embeddings' });
 * await cached.embed(texts); // computed and stored
 * await cached.embed(texts); // read back
 * ```
 */
export function withCache(embedder: Embedder, options: EmbeddingCacheOptions = {}): CachedEmbedder {
  return new CachedEmbedder(embedder, options);
}

export class CachedEmbedder implements Embedder {
  readonly file: string;
  readonly stats: EmbeddingCacheStats = { hits: 0, misses: 0, computed: 0 };
  private readonly chunkSize: number;
  /** Dim recorded in the file once it exists (the inner embedder may learn its own only on load). */
  private fileDim: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly inner: Embedder,
    options: EmbeddingCacheOptions = {},
  ) {
    this.file = embeddingCacheFile(options.dir ?? DEFAULT_EMBEDDING_CACHE_DIR, inner.id, inner.version);
    this.chunkSize = options.chunkSize ?? DEFAULT_CACHE_CHUNK;
    if (!Number.isInteger(this.chunkSize) || this.chunkSize < 1) {
      throw new UserInputError(`must be a positive integer, got ${this.chunkSize}`, { field: 'chunkSize' });
    }
  }

  get id(): string {
    return this.inner.id;
  }
  get version(): string {
    return this.inner.version;
  }
  get dim(): number {
    return this.fileDim ?? this.inner.dim;
  }

  embed(texts: readonly string[], options: EmbedOptions = {}): Promise<NdArray<Float32Array>> {
    const run = this.queue.then(() => this.embedNow(texts, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {
    await this.inner.dispose?.();
  }

  private async embedNow(texts: readonly string[], options: EmbedOptions): Promise<NdArray<Float32Array>> {
    if (texts.length === 0) {
      options.onProgress?.(0, 0);
      return ndarray(new Float32Array(0), [0, this.dim]);
    }
    const byText = new Map<string, Entry>();
    const byKey = new Map<string, Entry>();
    texts.forEach((text, row) => {
      let entry = byText.get(text);
      if (entry === undefined) {
        entry = { text, key: textKey(text), rows: [] };
        byText.set(text, entry);
        byKey.set(entry.key.toString('latin1'), entry);
      }
      entry.rows.push(row);
    });

    let done = await this.readCached(byKey);
    const cached = done;
    this.stats.hits += done;
    this.stats.misses += texts.length - done;
    options.onProgress?.(done, texts.length, cached);

    const missing = [...byText.values()].filter((e) => e.vector === undefined);
    if (missing.length > 0) {
      await mkdir(path.dirname(this.file), { recursive: true });
      let handle: FileHandle | undefined;
      try {
        for (let start = 0; start < missing.length; start += this.chunkSize) {
          const chunk = missing.slice(start, start + this.chunkSize);
          // Progress within a chunk counts distinct texts (duplicates arrive with their chunk).
          const before = done;
          const result = await this.inner.embed(
            chunk.map((e) => e.text),
            { onProgress: (inner) => options.onProgress?.(Math.min(texts.length, before + inner), texts.length, cached) },
          );
          const dim = result.shape[1];
          if (result.shape[0] !== chunk.length || result.shape.length !== 2) {
            throw new Error(`embedder ${this.id} returned shape [${result.shape.join(', ')}] for ${chunk.length} texts`);
          }
          if (this.fileDim === undefined) await this.createFile(dim);
          else if (dim !== this.fileDim) {
            throw new UserInputError(`holds ${this.fileDim}-d vectors of embedder '${this.id}' (${this.version}) but it now produced ${dim}-d ones; delete the file`, { file: this.file });
          }
          handle ??= await open(this.file, 'a');
          await appendAll(handle, records(chunk, result.data, dim));
          chunk.forEach((e, i) => (e.vector = result.data.slice(i * dim, (i + 1) * dim)));
          this.stats.computed += chunk.length;
          done += chunk.reduce((sum, e) => sum + e.rows.length, 0);
          options.onProgress?.(done, texts.length, cached);
        }
      } finally {
        await handle?.close();
      }
    }

    const dim = this.dim;
    const out = new Float32Array(texts.length * dim);
    for (const entry of byText.values()) {
      for (const row of entry.rows) out.set(entry.vector as Float32Array, row * dim);
    }
    return ndarray(out, [texts.length, dim]);
  }

  /**
   * Fills `vector` of every entry found in the file and returns how many input rows that covers.
   * Repairs a torn trailing record; a file without a complete header holds no records and is
   * rewritten when the first chunk is appended.
   */
  private async readCached(byKey: Map<string, Entry>): Promise<number> {
    this.fileDim = undefined; // the file may have been deleted since the last call
    let handle: FileHandle;
    try {
      handle = await open(this.file, 'r+');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    try {
      const size = (await handle.stat()).size;
      const header = await this.readHeader(handle, size);
      if (header === undefined) return 0;
      const { start: headerEnd, dim } = header;
      const recordBytes = KEY_BYTES + 4 * dim;
      const whole = Math.floor((size - headerEnd) / recordBytes);
      const end = headerEnd + whole * recordBytes;
      if (end < size) await handle.truncate(end);

      let rows = 0;
      let found = 0;
      const perRead = Math.max(1, Math.floor(SCAN_BYTES / recordBytes));
      const buf = Buffer.alloc(perRead * recordBytes);
      for (let pos = headerEnd; pos < end; ) {
        const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, end - pos), pos);
        if (bytesRead % recordBytes !== 0) throw new UserInputError('short read: the cache file is truncated (delete it to recompute)', { file: this.file });
        for (let at = 0; at < bytesRead; at += recordBytes) {
          const entry = byKey.get(buf.toString('latin1', at, at + KEY_BYTES));
          if (entry === undefined || entry.vector !== undefined) continue;
          // Copy through a fresh buffer: the read buffer is reused and need not be 4-byte aligned.
          const bytes = buf.buffer.slice(buf.byteOffset + at + KEY_BYTES, buf.byteOffset + at + recordBytes);
          entry.vector = new Float32Array(bytes);
          rows += entry.rows.length;
          found++;
        }
        if (found === byKey.size) break;
        pos += bytesRead;
      }
      return rows;
    } finally {
      await handle.close();
    }
  }

  /** Validates the header; returns where records start and their dim, or undefined if it is incomplete. */
  private async readHeader(handle: FileHandle, size: number): Promise<{ start: number; dim: number } | undefined> {
    const fixed = MAGIC.length + 4;
    if (size < fixed) return undefined;
    const head = Buffer.alloc(fixed);
    await handle.read(head, 0, fixed, 0);
    if (!head.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new UserInputError('is not an embedding cache file (bad magic); delete it', { file: this.file });
    }
    const length = head.readUInt32LE(MAGIC.length);
    if (size < fixed + length) return undefined;
    const json = Buffer.alloc(length);
    await handle.read(json, 0, length, fixed);
    const header = JSON.parse(json.toString('utf8')) as CacheHeader;
    if (header.id !== this.id || header.version !== this.version) {
      throw new UserInputError(`belongs to embedder '${header.id}' (${header.version}), not '${this.id}' (${this.version}); delete it`, { file: this.file });
    }
    if (header.keyBytes !== KEY_BYTES || header.endianness !== os.endianness() || !(header.dim > 0)) {
      throw new UserInputError('was written in another format or byte order; delete it', { file: this.file });
    }
    this.fileDim = header.dim;
    return { start: fixed + length, dim: header.dim };
  }

  /** Starts the file with its header (atomically, replacing any incomplete header). */
  private async createFile(dim: number): Promise<void> {
    const header: CacheHeader = {
      id: this.id,
      version: this.version,
      dim,
      keyBytes: KEY_BYTES,
      endianness: os.endianness(),
    };
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(json.length);
    await writeFileAtomic(this.file, [MAGIC, length, json]);
    this.fileDim = dim;
  }
}

/** Key and vector of each entry, back to back. */
function records(chunk: readonly Entry[], data: Float32Array, dim: number): Buffer {
  const recordBytes = KEY_BYTES + 4 * dim;
  const out = Buffer.alloc(chunk.length * recordBytes);
  const vectors = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  chunk.forEach((entry, i) => {
    entry.key.copy(out, i * recordBytes);
    vectors.copy(out, i * recordBytes + KEY_BYTES, i * dim * 4, (i + 1) * dim * 4);
  });
  return out;
}

async function appendAll(handle: FileHandle, data: Buffer): Promise<void> {
  for (let done = 0; done < data.length; ) {
    done += (await handle.write(data, done, data.length - done)).bytesWritten;
  }
}
