/**
 * The library's errors, one class per file. Errors a user can cause (bad files, bad options) are
 * `UserInputError`s (exit code 2); a failed model call is an `LlmCallError` (exit code 4); both are
 * `SmoothieError`s carrying the exit code the CLI uses. Programming errors are ordinary `Error`s and
 * keep their stack traces.
 */
export { SmoothieError, type SmoothieErrorOptions } from './smoothie-error.js';
export { UserInputError, type UserInputErrorDetails } from './user-input-error.js';
export { InvalidParameterError } from './invalid-parameter-error.js';
export { NotFittedError } from './not-fitted-error.js';
export { LlmCallError, EXIT_LLM_FAILURE } from './llm-call-error.js';
export { EmptyAnswerError } from './empty-answer-error.js';
