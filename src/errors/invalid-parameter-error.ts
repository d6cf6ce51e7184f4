/**
 * A library option (a hyperparameter such as `k` or `bins`, a setting such as `backend`) has a value
 * the library cannot use. The message names the option as the options object spells it; the CLI
 * replaces it with the flag.
 */
import { UserInputError, type UserInputErrorDetails } from './user-input-error.js';

/**
 * An option the library cannot use; `option` names it as the options object spells it.
 *
 * @example
 * ```ts
 * try {
 *   new Smoothie({ type: 'sample_dependent' }).fit({ candidates }); // no k
 * } catch (e) {
 *   if (e instanceof InvalidParameterError) console.error(e.option, e.message); // 'k', …
 * }
 * ```
 */
export class InvalidParameterError extends UserInputError {
  override readonly name: string = 'InvalidParameterError';
  declare readonly option: string;

  constructor(option: string, message: string, details: Omit<UserInputErrorDetails, 'option'> = {}) {
    super(message, { ...details, option });
  }
}
