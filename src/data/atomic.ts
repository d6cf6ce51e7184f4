/**
 * File access shared by the data formats. Writes are atomic: a temp file in the target's folder,
 * flushed to disk, then renamed over the target, so a reader (or a killed run) sees the old file
 * or the whole new one, never a partial one. Reads turn OS errors into one-line user errors.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileSystemError } from '../errors/file-system.js';
import { UserInputError } from '../errors/index.js';

/** What the writers accept: text (UTF-8), bytes, or chunks (to avoid concatenating large buffers). */
export type FileData = string | Uint8Array | readonly Uint8Array[];

function chunksOf(data: FileData): readonly Uint8Array[] {
  if (typeof data === 'string') return [Buffer.from(data, 'utf8')];
  return data instanceof Uint8Array ? [data] : data;
}

/** Same folder as the target (rename is only atomic within a file system); pid + random: unique across concurrent writers. */
function tempPathFor(file: string): string {
  const target = path.resolve(file);
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Creates `dir` (and its parents); a failure is a one-line user error naming the folder and the cause. */
export async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw fileSystemError(error, dir, 'create folder');
  }
}

/**
 * Writes `data` to `file` atomically, creating parent folders; the temp file is removed on failure
 * and the old file is left as it was. OS failures (read-only folder, full disk, `file` is a
 * directory) are one-line user errors naming `file` and the cause.
 */
export async function writeFileAtomic(file: string, data: FileData): Promise<void> {
  try {
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    // rename() would replace an empty directory on some systems and fail obscurely on others.
    if ((await stat(file).catch(() => undefined))?.isDirectory()) {
      throw Object.assign(new Error(`EISDIR: ${file}`), { code: 'EISDIR', path: file });
    }
  } catch (error) {
    throw fileSystemError(error, file);
  }
  const temp = tempPathFor(file);
  try {
    const handle = await open(temp, 'w');
    try {
      for (const chunk of chunksOf(data)) {
        for (let done = 0; done < chunk.length; ) done += (await handle.write(chunk, done, chunk.length - done)).bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw fileSystemError(error, file);
  }
}

/** Appends to a log file (creating it and its folder); OS failures are one-line user errors naming `file`. */
export async function appendToFile(file: string, data: string): Promise<void> {
  try {
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await appendFile(file, data);
  } catch (error) {
    throw fileSystemError(error, file, 'append to');
  }
}

/** Reads a whole input file; a missing or unreadable file is a one-line {@link UserInputError}. */
export async function readInputFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserInputError(code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? (error as Error).message})`, { file });
  }
}
