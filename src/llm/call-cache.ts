/**
 * The resumable generation cache: one append-only JSON Lines file, one line per completed call,
 * keyed by a SHA-256 of (base URL, model id, mode, prompt, sampling parameters, sample index). A rerun
 * skips every call already in it. Each line is written by a single `write` on a file opened for
 * appending (appends are serialised, and a short write is completed before the next line), so a
 * process killed at any moment leaves at most one torn last line, which the next open cuts away.
 * Duplicate keys keep the first line. Lines hold texts, finish reasons and token counts, never API
 * keys or headers.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { fileSystemError } from '../errors/file-system.js';
import { UserInputError } from '../errors/index.js';
import type { ChatMessage, SamplingParams } from './endpoint.js';

export const DEFAULT_GENERATION_CACHE = path.join('.smoothie-cache', 'generations.jsonl');

const CacheLineSchema = z.object({
  key: z.string().regex(/^[0-9a-f]{64}$/),
  model: z.string(),
  texts: z.array(z.string()),
  finish_reasons: z.array(z.string().nullable()).optional(),
  usage: z.object({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() }).optional(),
});
export type CacheLine = z.infer<typeof CacheLineSchema>;

export interface CallIdentity {
  readonly baseUrl: string;
  readonly model: string;
  readonly mode: 'chat' | 'completion';
  readonly prompt: string | readonly ChatMessage[];
  readonly params: SamplingParams;
  readonly sampleIndex: number;
}

/** JSON with object keys sorted, so equal parameters give equal keys whatever their order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function callKey(call: CallIdentity): string {
  return createHash('sha256')
    .update(canonical({ base_url: call.baseUrl.replace(/\/+$/, ''), model: call.model, mode: call.mode, prompt: call.prompt, params: call.params, sample_index: call.sampleIndex }))
    .digest('hex');
}

export class GenerationCache {
  private constructor(
    readonly file: string,
    private readonly lines: Map<string, CacheLine>,
    private handle: FileHandle | undefined,
    /** Torn lines cut away on open (0 or 1). */
    readonly repaired: number,
  ) {}

  /** The chain of appends: one write at a time keeps every line whole. */
  private writes: Promise<void> = Promise.resolve();
  private writeError: unknown;

  /** Opens (creating) the cache file; a torn last line is truncated away, a corrupt middle line is an error. */
  static async open(file: string = DEFAULT_GENERATION_CACHE): Promise<GenerationCache> {
    await mkdir(path.dirname(file), { recursive: true }).catch((error: unknown) => {
      throw fileSystemError(error, path.dirname(file), 'create folder');
    });
    let bytes = Buffer.alloc(0);
    try {
      bytes = await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new UserInputError(`cannot read the generation cache (${(error as Error).message})`, { file });
    }
    let repaired = 0;
    // Bytes, not text: a line torn inside a multi-byte character must not shift the cut.
    const end = bytes.lastIndexOf(0x0a) + 1;
    if (end < bytes.length) {
      // A kill mid-write: keep the complete lines only.
      await truncate(file, end).catch((error: unknown) => {
        throw fileSystemError(error, file);
      });
      bytes = bytes.subarray(0, end);
      repaired = 1;
    }
    const lines = new Map<string, CacheLine>();
    bytes
      .toString('utf8')
      .split('\n')
      .forEach((raw, i) => {
        if (raw.trim() === '') return;
        let parsed: CacheLine;
        try {
          parsed = CacheLineSchema.parse(JSON.parse(raw));
        } catch {
          throw new UserInputError('corrupt cache line (delete the line or the file to regenerate it)', { file, row: i + 1 });
        }
        if (!lines.has(parsed.key)) lines.set(parsed.key, parsed);
      });
    const handle = await open(file, 'a').catch((error: unknown) => {
      throw fileSystemError(error, file, 'append to');
    });
    return new GenerationCache(file, lines, handle, repaired);
  }

  get size(): number {
    return this.lines.size;
  }

  get(key: string): CacheLine | undefined {
    return this.lines.get(key);
  }

  /** Appends one completed call (ignored if the key is already there). */
  append(line: CacheLine): Promise<void> {
    if (this.lines.has(line.key)) return Promise.resolve();
    if (!this.handle) return Promise.reject(new Error('GenerationCache: closed'));
    const handle = this.handle;
    this.lines.set(line.key, line);
    const bytes = Buffer.from(`${JSON.stringify(line)}\n`, 'utf8');
    const write = this.writes.then(async () => {
      // After a failed write the file may end in a partial line: appending more would bury it.
      if (this.writeError !== undefined) throw this.writeError;
      try {
        for (let done = 0; done < bytes.length; ) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
      } catch (error) {
        throw fileSystemError(error, this.file, 'append to');
      }
    });
    this.writes = write.catch((error: unknown) => void (this.writeError ??= error));
    return write;
  }

  /** Waits for pending appends, then closes the file. */
  async close(): Promise<void> {
    await this.writes;
    await this.handle?.close();
    this.handle = undefined;
  }
}
