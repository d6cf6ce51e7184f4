/**
 * Runs a batch of calls against the registry's endpoints: cached calls are skipped, the rest run
 * concurrently within each endpoint's limits, and every completed call is appended to the cache at
 * once, so a killed run loses only the calls in flight. After a call fails for good, no new call or
 * retry starts and backoff waits end; the requests in flight finish (and are cached) before the
 * error is thrown. Each call's backoff jitter comes from the seed and the call's key, so it does not
 * depend on the order calls happened to run in.
 */
import { setMaxListeners } from 'node:events';
import { Rng, DEFAULT_SEED } from '../compute/rng.js';
import { callKey, type GenerationCache } from './call-cache.js';
import { CallNotStarted, effectiveParams, endpointPool, type Endpoint, type ChatMessage, type RetryEvent, type SamplingParams } from './endpoint.js';
import type { ModelRegistry } from './registry.js';

export interface GenerationCall {
  /** Registry name of the model. */
  readonly model: string;
  readonly prompt: string | readonly ChatMessage[];
  readonly params: SamplingParams;
  /** Which sample of the same prompt and parameters this is (part of the cache key). */
  readonly sampleIndex: number;
  /** Names the call in errors, e.g. `test sample 12`. */
  readonly label: string;
}

export interface RunProgress {
  readonly done: number;
  readonly total: number;
  /** Calls answered from the cache. */
  readonly cached: number;
  /** Failed attempts so far (each retried). */
  readonly retries: number;
  /** Calls that failed for good (the run then stops starting new ones). */
  readonly errors: number;
}

export interface RunCallsOptions {
  readonly registry: ModelRegistry;
  readonly cache: GenerationCache;
  readonly onProgress?: (progress: RunProgress) => void;
  readonly signal?: AbortSignal;
  /** Seeds the backoff jitter (each call's from this seed and its cache key). @default 42 */
  readonly seed?: number;
  /** Every failed attempt that will be retried, with the reason (keys redacted) and the wait. */
  readonly onRetry?: (event: RetryEvent) => void;
  /** Endpoints to reuse across runs (one per model name); created when absent. */
  readonly endpoints?: Map<string, Endpoint>;
  /** Keep answers without content as "" instead of failing the call (their finish reason is cached). */
  readonly allowEmpty?: boolean;
}

export interface CallEstimate {
  readonly calls: number;
  /** Calls already in the cache. */
  readonly cached: number;
  /** Requests left to send: uncached calls, identical ones counted once. */
  readonly toMake: number;
  /** Prompt tokens of those requests, estimated as characters / 4. */
  readonly promptTokens: number;
  readonly perModel: Readonly<Record<string, { readonly calls: number; readonly cached: number }>>;
}

const promptChars = (p: GenerationCall['prompt']): number => (typeof p === 'string' ? p.length : p.reduce((n, m) => n + m.content.length, 0));

/** The cache key: what is sent (the model's default parameters included), not the registry name. */
function keyOf(registry: ModelRegistry, call: GenerationCall): string {
  const model = registry.resolve(call.model);
  return callKey({ baseUrl: model.base_url, model: model.model, mode: model.mode, prompt: call.prompt, params: effectiveParams(model, call.params), sampleIndex: call.sampleIndex });
}

/** How many calls a batch would make and how much prompt it would send (for `--dry-run`). */
export function estimateCalls(calls: readonly GenerationCall[], registry: ModelRegistry, cache?: GenerationCache): CallEstimate {
  const perModel: Record<string, { calls: number; cached: number }> = {};
  const toMake = new Set<string>();
  let cached = 0;
  let chars = 0;
  for (const call of calls) {
    const entry = (perModel[call.model] ??= { calls: 0, cached: 0 });
    entry.calls++;
    const key = keyOf(registry, call);
    if (cache?.get(key)) {
      entry.cached++;
      cached++;
    } else if (!toMake.has(key)) {
      toMake.add(key);
      chars += promptChars(call.prompt);
    }
  }
  return { calls: calls.length, cached, toMake: toMake.size, promptTokens: Math.ceil(chars / 4), perModel };
}

/** Every call's texts (one per choice), in call order. */
export async function runGenerationCalls(calls: readonly GenerationCall[], options: RunCallsOptions): Promise<string[][]> {
  const { registry, cache } = options;
  const seed = options.seed ?? DEFAULT_SEED;
  const endpoint = endpointPool((name) => registry.resolve(name), { seed, endpoints: options.endpoints });
  const keys = calls.map((c) => keyOf(registry, c));
  const results: string[][] = new Array(calls.length);
  let done = 0;
  let cachedCount = 0;
  let retries = 0;
  let errors = 0;
  const report = (): void => options.onProgress?.({ done, total: calls.length, cached: cachedCount, retries, errors });
  // Identical calls in one batch run once.
  const firstOfKey = new Map<string, number>();
  const todo: number[] = [];
  keys.forEach((key, i) => {
    const hit = cache.get(key);
    if (hit) {
      results[i] = hit.texts;
      done++;
      cachedCount++;
    } else if (!firstOfKey.has(key)) {
      firstOfKey.set(key, i);
      todo.push(i);
    }
  });
  report();
  const onRetry = (event: RetryEvent): void => {
    retries++;
    options.onRetry?.(event);
    report();
  };
  let failure: unknown;
  // Aborted at the first failure: no new call or retry starts, backoff waits end, requests in flight finish.
  const stop = new AbortController();
  // Every waiting retry and request in flight listens to it: many at once is the design, not a leak.
  setMaxListeners(0, stop.signal);
  await Promise.all(
    todo.map(async (i) => {
      const call = calls[i];
      const e = endpoint(call.model);
      try {
        const r = await e.complete(
          { prompt: call.prompt, params: call.params, label: call.label },
          {
            signal: options.signal,
            stop: stop.signal,
            // A call's jitter depends on the seed and the call only, not on which calls ran before it.
            rng: new Rng(seed ^ Number.parseInt(keys[i].slice(0, 8), 16)),
            onRetry,
            allowEmpty: options.allowEmpty,
            // Cached while the call still holds its slot: a kill loses at most the calls in flight.
            onAnswer: (a) => cache.append({ key: keys[i], model: call.model, texts: a.texts, finish_reasons: a.finishReasons, usage: a.usage }),
          },
        );
        results[i] = r.texts;
        done++;
        report();
      } catch (error) {
        if (error instanceof CallNotStarted) return;
        failure ??= error;
        stop.abort();
        if (options.signal?.aborted) return; // stopped by the caller, not failed
        errors++;
        report();
      }
    }),
  );
  if (failure !== undefined) throw failure;
  keys.forEach((key, i) => {
    if (results[i] === undefined) {
      results[i] = results[firstOfKey.get(key)!];
      done++;
    }
  });
  report();
  return results;
}
