/**
 * Operating-system failures on the user's files (a full disk, a read-only or missing folder, an
 * output path that is a directory) as one-line {@link UserInputError}s naming the path and the
 * cause: exit code 2, like any other bad input.
 */
import { UserInputError } from './user-input-error.js';

const CAUSES: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device (disk full)',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent in the path is a file, not a folder',
  ENOENT: 'no such file or folder',
  EEXIST: 'already exists',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'file name too long',
  EBUSY: 'resource busy',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  ELOOP: 'too many symbolic links',
};

/** An error from `node:fs` (it carries an errno `code`). */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return error instanceof Error && typeof code === 'string' && Object.hasOwn(CAUSES, code);
}

/** The cause in words, with the errno code: `disk full (ENOSPC)`. */
export function fileSystemCause(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code !== undefined && Object.hasOwn(CAUSES, code) ? `${CAUSES[code]} (${code})` : String((error as Error).message ?? error).split('\n')[0];
}

/**
 * `cannot write <path>: <cause>` (or `read`, `create folder`); user errors pass through unchanged.
 * `file` is the path the user named; the OS error's own path (a parent, a temp file) is added when it differs.
 */
export function fileSystemError(error: unknown, file: string, action: 'write' | 'read' | 'create folder' | 'append to' = 'write'): UserInputError {
  if (UserInputError.isUserInputError(error)) return error;
  const at = (error as NodeJS.ErrnoException).path;
  const where = at !== undefined && at !== file && !at.includes('.tmp') && (error as NodeJS.ErrnoException).code !== 'EISDIR' ? ` (at ${at})` : '';
  return new UserInputError(`cannot ${action} ${file}: ${fileSystemCause(error)}${where}`);
}
