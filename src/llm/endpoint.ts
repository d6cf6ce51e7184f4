/**
 * One model's endpoint: JSON POSTs over keep-alive connections that fail as the official `openai` SDK
 * fails (`http-post.ts`; the SDK's request path costs several times more CPU per call) behind our concurrency and
 * rate limits (p-queue), with retries on 429 / 5xx / timeouts / dropped connections / malformed
 * bodies — exponential backoff with full jitter from a seeded Rng, or the server's Retry-After — and
 * rotation across the model's API keys (a rate-limited key yields to the next; a rejected key is
 * dropped, and trying the next one costs no retry). Errors name the model and the call; key values
 * are redacted from every message.
 */
import { STATUS_CODES } from 'node:http';
import type { ChatCompletion, Completion } from 'openai/resources';
import PQueue from 'p-queue';
import { DEFAULT_SEED, Rng } from '../compute/rng.js';
import { EmptyAnswerError, LlmCallError, UserInputError } from '../errors/index.js';
import { JsonPoster, loadedOpenAI } from './http-post.js';
import type { ResolvedModel } from './registry.js';
import type { ChatMessage, SamplingParams } from './sampling.js';

export { EXIT_LLM_FAILURE, EmptyAnswerError, LlmCallError } from '../errors/index.js';
const BACKOFF_BASE_S = 0.5;
const BACKOFF_CAP_S = 30;
const MAX_REASON_CHARS = 300;

export { SamplingParamsSchema, type ChatMessage, type SamplingParams } from './sampling.js';

export interface CompletionRequest {
  /** A prompt (one user message in chat mode) or chat messages. */
  readonly prompt: string | readonly ChatMessage[];
  readonly params: SamplingParams;
  /** Names the call in errors, e.g. `test sample 12, generation 0`. */
  readonly label: string;
}

export interface CompletionResult {
  /** One text per choice, in choice order. */
  readonly texts: string[];
  readonly finishReasons: (string | null)[];
  readonly usage?: { readonly prompt_tokens?: number; readonly completion_tokens?: number };
  /** Attempts it took (1 = first try). */
  readonly attempts: number;
}

/** The call's parameters over the model's defaults (an undefined call parameter keeps the default). */
export function effectiveParams(model: Pick<ResolvedModel, 'params'>, params: SamplingParams): SamplingParams {
  const out: Record<string, unknown> = { ...model.params };
  for (const [name, value] of Object.entries(params)) if (value !== undefined) out[name] = value;
  return out as SamplingParams;
}

/** Carries a failure of `onAnswer` past the retry classification. */
class AnswerNotKept extends Error {
  constructor(override readonly cause: unknown) {
    super('the answer could not be kept');
  }
}

/** Thrown for a call that did not start because its batch had already failed. */
export class CallNotStarted extends Error {
  override readonly name = 'CallNotStarted';
}

/** A failed attempt that will be retried (for logs; the reason is already redacted). */
export interface RetryEvent {
  readonly model: string;
  readonly label: string;
  /** Failed attempts of this call so far (1 = the first try failed). */
  readonly failures: number;
  readonly reason: string;
  /** Seconds until the retry: the server's Retry-After, or the backoff. */
  readonly waitSeconds: number;
}

export interface CompleteOptions {
  readonly signal?: AbortSignal;
  /**
   * Once aborted, no attempt of this call starts (it throws CallNotStarted) and a backoff wait ends at
   * once; a request in flight goes on (unlike `signal`, which aborts it), so its answer can be kept.
   */
  readonly stop?: AbortSignal;
  /** Draws this call's backoff jitter; one per call keeps the delays independent of scheduling. @default the endpoint's */
  readonly rng?: Rng;
  readonly onRetry?: (event: RetryEvent) => void;
  /**
   * Accept a choice without content (`content: null`, e.g. `finish_reason: content_filter`) as "".
   * Otherwise such an answer is a failed attempt: retried, then reported with its finish reason.
   */
  readonly allowEmpty?: boolean;
  /**
   * Runs on the answer before the call gives its concurrency slot back (the batch runner caches it
   * here), so a process killed at any moment has at most `max_concurrency` answers received and not kept.
   */
  readonly onAnswer?: (result: Omit<CompletionResult, 'attempts'>) => Promise<void>;
}

/** Removes key values (and key-like fragments servers echo back) from a message. */
export function redactKeys(text: string, keys: readonly string[]): string {
  let out = text;
  for (const key of keys) if (key.length >= 4) out = out.split(key).join('[redacted]');
  return out.replace(/\b(sk|pk|rk|gsk|tgp|key)[-_][A-Za-z0-9*._-]{3,}/gi, '[redacted]').replace(/\*{3,}[A-Za-z0-9]{1,}/g, '[redacted]');
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const v = (headers as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

/** Seconds the server asks us to wait (`retry-after-ms`, `retry-after` seconds or HTTP date). */
export function retryAfterSeconds(headers: unknown, now = Date.now()): number | undefined {
  const ms = Number(headerValue(headers, 'retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0 && headerValue(headers, 'retry-after-ms') !== undefined) return ms / 1000;
  const value = headerValue(headers, 'retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

type Outcome = { kind: 'retry'; reason: string; wait?: number; rotate: boolean } | { kind: 'reject-key'; reason: string } | { kind: 'fatal'; reason: string };

/** One short line: server bodies can be whole HTML pages. */
function firstLine(text: string): string {
  const line = text.split('\n')[0].trim();
  return line.length > MAX_REASON_CHARS ? `${line.slice(0, MAX_REASON_CHARS)}…` : line;
}

function classify(error: unknown): Outcome {
  // The SDK's classes exist once a call has loaded them (http-post.ts), and only calls throw them.
  const sdk = loadedOpenAI();
  if (sdk && error instanceof sdk.APIError && error.status !== undefined) {
    const status = error.status;
    // The SDK's message already starts with the status; without a body, say what the status means.
    const reason = firstLine(error.message.replace(/^(\d+) status code \(no body\)$/, (_m, code: string) => `${code} ${STATUS_CODES[Number(code)] ?? 'no body'}`));
    if (status === 429) return { kind: 'retry', reason, wait: retryAfterSeconds(error.headers), rotate: true };
    if (status === 401 || status === 403) return { kind: 'reject-key', reason };
    if (status === 408 || status === 409 || status >= 500) return { kind: 'retry', reason, wait: retryAfterSeconds(error.headers), rotate: false };
    return { kind: 'fatal', reason };
  }
  if (sdk && error instanceof sdk.APIConnectionError) return { kind: 'retry', reason: firstLine(error.message) || 'connection error', rotate: false };
  if (error instanceof EmptyAnswerError) return { kind: 'retry', reason: error.message, rotate: false };
  // Anything else thrown while reading a response (truncated JSON, missing choices) is a bad body.
  return { kind: 'retry', reason: `malformed response (${firstLine((error as Error)?.message ?? String(error))})`, rotate: false };
}

/** Full-jitter exponential backoff: uniform in [0, min(cap, base · 2^failures)) seconds. */
export function backoffSeconds(failures: number, rng: Rng): number {
  return rng.next() * Math.min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** failures);
}

/** Waits; `signal` rejects the wait with its reason, `stop` ends it early. */
const sleep = (seconds: number, signal?: AbortSignal, stop?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    if (stop?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      stop?.removeEventListener('abort', done);
      resolve();
    };
    const onAbort = (): void => {
      done();
      reject(signal?.reason);
    };
    const timer = setTimeout(done, seconds * 1000);
    signal?.addEventListener('abort', onAbort, { once: true });
    stop?.addEventListener('abort', done, { once: true });
  });

export class Endpoint {
  private readonly queue: PQueue;
  private readonly poster = new JsonPoster();
  private readonly chatUrl: URL;
  private readonly completionUrl: URL;
  private keys: string[];
  private next = 0;
  /** Why the last key was dropped (for the error once none is left). */
  private rejection = '';

  constructor(
    readonly model: ResolvedModel,
    private readonly rng: Rng = new Rng(DEFAULT_SEED),
  ) {
    this.keys = [...model.keys];
    this.chatUrl = JsonPoster.url(model.base_url, '/chat/completions');
    this.completionUrl = JsonPoster.url(model.base_url, '/completions');
    const rate = model.requests_per_minute;
    // A request-per-minute limit spaces call starts evenly (one per 60/rate seconds).
    this.queue = new PQueue({ concurrency: model.max_concurrency, ...(rate ? { intervalCap: 1, interval: Math.ceil(60_000 / rate) } : {}) });
  }

  /** Calls now in flight (at most max_concurrency). */
  get pending(): number {
    return this.queue.pending;
  }

  /** Closes the idle keep-alive connections to the model's server. */
  close(): void {
    this.poster.close();
  }

  private async once(key: string, request: CompletionRequest, signal?: AbortSignal, allowEmpty = false): Promise<Omit<CompletionResult, 'attempts'>> {
    const texts = (raw: readonly (string | null | undefined)[], reasons: readonly (string | null)[]): string[] =>
      raw.map((t, i) => {
        if (typeof t === 'string') return t;
        if (!allowEmpty) throw new EmptyAnswerError(reasons[i]);
        return '';
      });
    const p = effectiveParams(this.model, request.params);
    const common = {
      model: this.model.model,
      temperature: p.temperature,
      max_tokens: p.max_tokens,
      top_p: p.top_p,
      n: p.n,
      stop: p.stop ? [...p.stop] : undefined,
      seed: p.seed,
    };
    const post = { key, timeoutMs: this.model.timeout_s * 1000, signal };
    if (this.model.mode === 'completion') {
      const prompt = typeof request.prompt === 'string' ? request.prompt : request.prompt.map((m) => m.content).join('\n\n');
      const r = (await this.poster.post(this.completionUrl, { ...common, prompt, stream: false }, post)) as Completion;
      if (!Array.isArray(r.choices) || r.choices.length === 0) throw new Error('no choices in the response');
      const choices = [...r.choices].sort((a, b) => a.index - b.index);
      const finishReasons = choices.map((c) => c.finish_reason ?? null);
      return {
        texts: texts(
          choices.map((c) => c.text),
          finishReasons,
        ),
        finishReasons,
        usage: r.usage ?? undefined,
      };
    }
    const messages = typeof request.prompt === 'string' ? [{ role: 'user' as const, content: request.prompt }] : request.prompt.map((m) => ({ ...m }));
    const r = (await this.poster.post(this.chatUrl, { ...common, messages, stream: false }, post)) as ChatCompletion;
    if (!Array.isArray(r.choices) || r.choices.length === 0) throw new Error('no choices in the response');
    const choices = [...r.choices].sort((a, b) => a.index - b.index);
    const finishReasons = choices.map((c) => c.finish_reason ?? null);
    return {
      texts: texts(
        choices.map((c) => c.message?.content),
        finishReasons,
      ),
      finishReasons,
      usage: r.usage ?? undefined,
    };
  }

  /**
   * One completion, retried and rotated as the module says; throws LlmCallError when it gives up.
   * A rejected key is not a failed attempt: the call moves on to the next key at once (each
   * rejection removes a key, so this ends).
   */
  async complete(request: CompletionRequest, options: CompleteOptions = {}): Promise<CompletionResult> {
    const { signal, stop } = options;
    const rng = options.rng ?? this.rng;
    const where = `model '${this.model.name}' (${this.model.base_url}): ${request.label}`;
    const redact = (text: string): string => redactKeys(text, this.model.keys);
    let failures = 0;
    let attempts = 0;
    // A failure of onAnswer (the cache's disk is full, say) is the caller's, not a failed attempt.
    const kept = async (result: Omit<CompletionResult, 'attempts'>): Promise<void> => {
      try {
        await options.onAnswer?.(result);
      } catch (error) {
        throw new AnswerNotKept(error);
      }
    };
    for (;;) {
      if (this.keys.length === 0) throw new LlmCallError(`${where}: every API key was rejected (${redact(this.rejection)})`);
      let outcome: Outcome | { kind: 'ok'; result: Omit<CompletionResult, 'attempts'> } | { kind: 'no-key' };
      try {
        // The key is chosen when the call starts and key state is updated before the queue starts
        // the next call, so no queued call reuses a key just found rate-limited or rejected.
        outcome = await this.queue.add(
          async () => {
            signal?.throwIfAborted();
            if (stop?.aborted) throw new CallNotStarted(request.label);
            if (this.keys.length === 0) return { kind: 'no-key' as const };
            const key = this.keys[this.next % this.keys.length];
            attempts++;
            try {
              const result = await this.once(key, request, signal, options.allowEmpty);
              await kept(result);
              return { kind: 'ok' as const, result };
            } catch (error) {
              if (error instanceof AnswerNotKept) throw error.cause;
              // The SDK reports an abort as its own error; the caller's reason says why.
              if (signal?.aborted) throw signal.reason;
              const o = classify(error);
              if (o.kind === 'reject-key') {
                this.rejection = o.reason;
                this.keys = this.keys.filter((k) => k !== key);
              } else if (o.kind === 'retry' && o.rotate && this.keys[this.next % this.keys.length] === key) this.next++;
              return o;
            }
          },
          // Retries go before calls that have not started yet.
          { priority: failures },
        );
      } catch (error) {
        if (UserInputError.isUserInputError(error)) throw error;
        throw error instanceof CallNotStarted || signal?.aborted ? error : new LlmCallError(`${where}: ${redact((error as Error).message)}`);
      }
      switch (outcome.kind) {
        case 'ok':
          return { ...outcome.result, attempts };
        case 'no-key':
        case 'reject-key':
          continue;
        case 'fatal':
          throw new LlmCallError(`${where}: ${redact(outcome.reason)}`);
        case 'retry': {
          if (failures === this.model.max_retries) throw new LlmCallError(`${where} failed after ${failures} retries: ${redact(outcome.reason)}`);
          failures++;
          const waitSeconds = outcome.wait ?? backoffSeconds(failures - 1, rng);
          options.onRetry?.({ model: this.model.name, label: request.label, failures, reason: redact(outcome.reason), waitSeconds });
          await sleep(waitSeconds, signal, stop);
        }
      }
    }
  }
}

/**
 * One Endpoint per model name, created on first use, so every caller of a model shares its
 * concurrency and rate limits and its key rotation. `endpoints` lets several runs share a pool.
 */
export function endpointPool(resolve: (name: string) => ResolvedModel, options: { readonly seed?: number; readonly endpoints?: Map<string, Endpoint> } = {}): (name: string) => Endpoint {
  const endpoints = options.endpoints ?? new Map<string, Endpoint>();
  return (name) => {
    let e = endpoints.get(name);
    if (!e) {
      e = new Endpoint(resolve(name), new Rng(options.seed ?? DEFAULT_SEED));
      endpoints.set(name, e);
    }
    return e;
  };
}
