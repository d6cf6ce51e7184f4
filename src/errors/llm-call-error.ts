/**
 * A call to a model endpoint failed for good (retries spent, every key rejected, an unusable answer).
 * It is not a `UserInputError`: the input was fine, the upstream failed (the server answers 502, not 400).
 */
import { SmoothieError } from './smoothie-error.js';

/** Exit code of a command whose LLM calls failed. */
export const EXIT_LLM_FAILURE = 4;

export class LlmCallError extends SmoothieError {
  override readonly name: string = 'LlmCallError';
  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(message, { exitCode: EXIT_LLM_FAILURE, cause: options.cause });
  }
}
