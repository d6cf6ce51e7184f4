/**
 * Errors a user can cause (bad files, bad flags) are `UserInputError`s: they carry the file, the
 * row and the field at fault and an exit code, and the CLI prints them as one line. Programming
 * errors are ordinary `Error`s and keep their stack traces.
 */
const MARKER = Symbol.for('smoothie-router.error');

/**
 * The base of the library's own errors; `SmoothieError.isInstance` works across copies of the package.
 *
 * @example
 * ```ts
 * try {
 *   await loadRouter('router.json');
 * } catch (e) {
 *   if (SmoothieError.isInstance(e)) console.error(e.message);
 * }
 * ```
 */
export class SmoothieError extends Error {
  private readonly [MARKER] = true;
  override readonly name: string = 'SmoothieError';

  static isInstance(error: unknown): error is SmoothieError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}

export interface UserInputErrorDetails {
  /** File (or flag) the problem was found in. */
  readonly file?: string;
  /**
   * Where in the file: a 1-based line number (`rowLabel` 'line', the default: text files), or a 0-based
   * row index (`row`, `sample`: a split, array or table). Messages count both from 1 (`row 1` is the
   * first row), one convention for every message; `UserInputError.row` keeps the value given.
   */
  readonly row?: number;
  readonly rowLabel?: 'line' | 'row' | 'sample';
  /** Field, column or flag name. */
  readonly field?: string;
  /** Process exit code the CLI uses. @default 2 */
  readonly exitCode?: number;
}

/**
 * A problem in the user's files, flags or config: the message names the file, row and field; `exitCode` is what the CLI exits with.
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
  override readonly name = 'UserInputError';
  readonly file?: string;
  readonly row?: number;
  readonly field?: string;
  readonly exitCode: number;

  constructor(message: string, details: UserInputErrorDetails = {}) {
    super(formatLocation(details) + message);
    this.file = details.file;
    this.row = details.row;
    this.field = details.field;
    this.exitCode = details.exitCode ?? 2;
  }

  static isUserInputError(error: unknown): error is UserInputError {
    return SmoothieError.isInstance(error) && (error as SmoothieError).name === 'UserInputError';
  }
}

/**
 * An estimator used before `fit()`, or asked for what its fit did not keep.
 *
 * @example
 * ```ts
 * try {
 *   await fitted.predict({ inputs }); // a FittedSmoothie fitted without inputs has no neighbourhoods
 * } catch (e) {
 *   if (e instanceof NotFittedError) console.error(e.message);
 * }
 * ```
 */
export class NotFittedError extends SmoothieError {
  override readonly name = 'NotFittedError';
  constructor(what: string) {
    super(`${what} is not fitted yet: call fit() first`);
  }
}

function formatLocation(d: UserInputErrorDetails): string {
  const parts: string[] = [];
  if (d.file !== undefined) parts.push(d.file);
  if (d.row !== undefined) parts.push(`${d.rowLabel ?? 'line'} ${d.rowLabel === undefined || d.rowLabel === 'line' ? d.row : d.row + 1}`);
  if (d.field !== undefined) parts.push(`field '${d.field}'`);
  return parts.length > 0 ? `${parts.join(', ')}: ` : '';
}
