/** A fitted model's method was called before `fit()`: a usage error in the calling code. */
import { SmoothieError } from './smoothie-error.js';

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
  override readonly name: string = 'NotFittedError';
  constructor(what: string) {
    super(`${what} is not fitted yet: call fit() first`);
  }
}
