/**
 * The base of every error the library throws on purpose. It carries the process exit code the CLI
 * uses, so the CLI maps any of them to one line and that code without knowing the subclasses.
 */
const MARKER = Symbol.for('smoothie-router.error');

/**
 * What `new SmoothieError(message, options)` takes besides the message.
 *
 * @example
 * ```ts
 * const options: SmoothieErrorOptions = { exitCode: 3, cause: error };
 * throw new SmoothieError('the store could not be read', options);
 * ```
 */
export interface SmoothieErrorOptions {
  /** Process exit code the CLI uses. @default 1 */
  readonly exitCode?: number;
  /** The lower-level error this one explains. @default undefined */
  readonly cause?: unknown;
}

/**
 * The base of the library's own errors; `SmoothieError.isInstance` works across copies of the package.
 *
 * @example
 * ```ts
 * try {
 *   await loadRouter('router.json');
 * } catch (e) {
 *   if (SmoothieError.isInstance(e)) console.error(e.message, e.exitCode);
 * }
 * ```
 */
export class SmoothieError extends Error {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: read by `isInstance` through `in`, across copies of the package
  private readonly [MARKER] = true;
  override readonly name: string = 'SmoothieError';
  readonly exitCode: number;

  constructor(message: string, options: SmoothieErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }

  /** Any library error, also one thrown by another copy of the package (a marker, not `instanceof`). */
  static isInstance(error: unknown): error is SmoothieError {
    return typeof error === 'object' && error !== null && MARKER in error;
  }
}
