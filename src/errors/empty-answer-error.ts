/** A 200 answer with a choice that has no content (its finish reason says why); retried, then an `LlmCallError`. */
export class EmptyAnswerError extends Error {
  override readonly name = 'EmptyAnswerError';
  constructor(readonly finishReason: string | null) {
    super(`no content in the answer (finish_reason: ${finishReason ?? 'none'}; allowEmpty keeps it as "")`);
  }
}
