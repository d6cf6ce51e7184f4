/**
 * A call to a model endpoint failed for good (retries spent, every key rejected, an unusable answer).
 * It is not a `UserInputError`: the input was fine, the upstream failed (the server answers 502, not 400).
 */
import { SmoothieError } from './smoothie-error.js';

/** Exit code of a command whose LLM calls failed. */
export const EXIT_LLM_FAILURE = 4;

/**
 * A model call that failed for good (retries spent, key rejected, bad request); it names the model and the call, never a key.
 *
 * @example
 * ```ts
 * try {
 *   await router.route({ input: 'Hi' });
 * } catch (e) {
 *   if (e instanceof LlmCallError) console.error(e.message); // exit code 4 in the CLI
 * }
 * ```
 */
export class LlmCallError extends SmoothieError {
  override readonly name: string = 'LlmCallError';
  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(message, { exitCode: EXIT_LLM_FAILURE, cause: options.cause });
  }
}
