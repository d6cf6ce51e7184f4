/**
 * Errors a user can cause (bad files, bad options) are `UserInputError`s: they carry the file, the
 * row, the field or the library option at fault and an exit code (2), and the CLI prints them as one
 * line. Library messages name the library's options (`k`, `bins`); the CLI names its flags instead.
 */
import { SmoothieError } from './smoothie-error.js';

const USER_MARKER = Symbol.for('smoothie-router.user-input-error');

/**
 * Where a user's problem is: what `new UserInputError(message, details)` takes.
 *
 * @example
 * ```ts
 * const details: UserInputErrorDetails = { file: 'data.jsonl', row: 12, field: 'reference' };
 * throw new UserInputError('expected a string', details);
 * ```
 */
export interface UserInputErrorDetails {
  /** File the problem was found in. */
  readonly file?: string;
  /**
   * Where in the file: a 1-based line number (`rowLabel` 'line', the default: text files), or a 0-based
   * row index (`row`, `sample`: a split, array or table). Messages count both from 1 (`row 1` is the
   * first row), one convention for every message; `UserInputError.row` keeps the value given.
   */
  readonly row?: number;
  readonly rowLabel?: 'line' | 'row' | 'sample';
  /** Field or column name in the file (or, from the CLI, the flag). */
  readonly field?: string;
  /** The library option at fault, by its name in the options object (`k`, `nGenerations`); the CLI shows its flag. */
  readonly option?: string;
  /** Process exit code the CLI uses. @default 2 */
  readonly exitCode?: number;
}

/**
 * A problem in the user's files, options or config: the message names the file, row and field; `exitCode` is what the CLI exits with.
 *
 * @example
 * ```ts
 * try {
 *   await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large' });
 * } catch (e) {
 *   if (UserInputError.isUserInputError(e)) console.error(e.field, e.message); // 'registry', …
 * }
 * ```
 */
export class UserInputError extends SmoothieError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: read by `isUserInputError` through `in`
  private readonly [USER_MARKER] = true;
  override readonly name: string = 'UserInputError';
  readonly file?: string;
  readonly row?: number;
  readonly field?: string;
  readonly option?: string;
  /** The message without its location prefix. */
  readonly reason: string;
  readonly details: UserInputErrorDetails;

  constructor(message: string, details: UserInputErrorDetails = {}) {
    super(formatLocation(details) + message, { exitCode: details.exitCode ?? 2 });
    this.file = details.file;
    this.row = details.row;
    this.field = details.field;
    this.option = details.option;
    this.reason = message;
    this.details = details;
  }

  /** The message with other location details (the CLI names the flag of `option` as the field). */
  describe(overrides: UserInputErrorDetails): string {
    return formatLocation({ ...this.details, ...overrides }) + this.reason;
  }

  static isUserInputError(error: unknown): error is UserInputError {
    return SmoothieError.isInstance(error) && USER_MARKER in error;
  }
}

function formatLocation(d: UserInputErrorDetails): string {
  const parts: string[] = [];
  if (d.file !== undefined) parts.push(d.file);
  if (d.row !== undefined) parts.push(`${d.rowLabel ?? 'line'} ${d.rowLabel === undefined || d.rowLabel === 'line' ? d.row : d.row + 1}`);
  if (d.field !== undefined) parts.push(`field '${d.field}'`);
  if (d.option !== undefined) parts.push(`option '${d.option}'`);
  return parts.length > 0 ? `${parts.join(', ')}: ` : '';
}
