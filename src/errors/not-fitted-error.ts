/** A fitted model's method was called before `fit()`: a usage error in the calling code. */
import { SmoothieError } from './smoothie-error.js';

export class NotFittedError extends SmoothieError {
  override readonly name: string = 'NotFittedError';
  constructor(what: string) {
    super(`${what} is not fitted yet: call fit() first`);
  }
}
