/**
 * A library option (a hyperparameter such as `k` or `bins`, a setting such as `backend`) has a value
 * the library cannot use. The message names the option as the options object spells it; the CLI
 * replaces it with the flag.
 */
import { UserInputError, type UserInputErrorDetails } from './user-input-error.js';

export class InvalidParameterError extends UserInputError {
  override readonly name: string = 'InvalidParameterError';
  declare readonly option: string;

  constructor(option: string, message: string, details: Omit<UserInputErrorDetails, 'option'> = {}) {
    super(message, { ...details, option });
  }
}
