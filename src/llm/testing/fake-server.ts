/**
 * A deterministic OpenAI-compatible server on 127.0.0.1 for tests and benchmarks: `POST
 * /v1/chat/completions` and `/v1/completions`, answers a pure function of (model, prompt, choice
 * index, seed), checks bearer keys, and injects faults on a schedule: 429 with Retry-After (seconds
 * or milliseconds), 500, 400, a hang, a truncated JSON body, a dropped connection, 401, 403. It records
 * what it received, and stops on close or, as a safety net, when its lifetime is over.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds?: number; readonly retryAfterMs?: number }
  | { readonly kind: 'server-error' }
  | { readonly kind: 'bad-request' }
  | { readonly kind: 'hang'; readonly ms: number }
  | { readonly kind: 'truncated-json' }
  | { readonly kind: 'drop-connection' }
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'forbidden' }
  /** 200 with `content: null` and `finish_reason: content_filter` (a provider's moderation). */
  | { readonly kind: 'content-filter' };

export interface ReceivedRequest {
  readonly path: string;
  readonly model: string;
  readonly prompt: string;
  /** Index of the bearer key in `keys` (-1: not accepted / none configured). */
  readonly keyIndex: number;
  readonly status: number | 'dropped' | 'truncated' | 'hang';
  readonly n: number;
  readonly seed?: number;
  /** Milliseconds since the server started when the request arrived. */
  readonly at: number;
  /** The parsed JSON body (parameters included). */
  readonly body: Readonly<Record<string, unknown>>;
}

export interface FaultContext {
  /** Requests that reached the fault schedule before this one (0-based, arrival order). */
  readonly count: number;
  readonly prompt: string;
  /** Earlier requests with this prompt (0 = the first attempt). */
  readonly perPromptCount: number;
  /** Index of the bearer key in `keys` (-1: none configured). */
  readonly keyIndex: number;
}

export interface FakeServerOptions {
  /** Accepted bearer keys; empty/absent accepts any. */
  readonly keys?: readonly string[];
  /** Keys that always get 429 (rate-limited). */
  readonly rateLimitedKeys?: readonly string[];
  /** The fault to inject into a request, if any (see {@link faultsByPrompt}). */
  readonly faultFor?: (request: FaultContext) => Fault | undefined;
  /** Latency of every answer. @default 0 */
  readonly delayMs?: number;
  /** The text of a choice. @default fakeAnswer */
  readonly answer?: (model: string, prompt: string, index: number, seed?: number) => string;
  /** The server closes itself after this long, so a stuck test cannot keep it alive. @default 120000 */
  readonly lifetimeMs?: number;
  /** Loopback port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** Keep every request in `received` (tests); off for a long-running server. @default true */
  readonly record?: boolean;
}

export interface FakeServer {
  readonly baseUrl: string;
  readonly received: ReceivedRequest[];
  /** Largest number of requests in flight at once. */
  readonly maxInFlight: () => number;
  /** Requests arrived and not yet answered (for a test to wait until one is in flight). */
  readonly inFlight: () => number;
  /** Answers sent with status 200. */
  readonly completed: () => number;
  close(): Promise<void>;
}

/** A schedule: prompt → the faults of its successive attempts (attempts past the list succeed). */
export function faultsByPrompt(schedule: Readonly<Record<string, readonly Fault[]>>): (request: FaultContext) => Fault | undefined {
  return ({ prompt, perPromptCount }) => (Object.hasOwn(schedule, prompt) ? schedule[prompt][perPromptCount] : undefined);
}

/** The text the server answers for one choice. */
export function fakeAnswer(model: string, prompt: string, index: number, seed?: number): string {
  const h = createHash('sha256')
    .update(`${model}\u0000${prompt}\u0000${seed ?? ''}`)
    .digest('hex')
    .slice(0, 12);
  return `answer ${h} #${index}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const promptOf = (body: Record<string, unknown>): string =>
  typeof body.prompt === 'string' ? body.prompt : Array.isArray(body.messages) ? (body.messages as { content: string }[]).map((m) => m.content).join('\n') : '';

export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const received: ReceivedRequest[] = [];
  const perPrompt = new Map<string, number>();
  const hangs = new Set<NodeJS.Timeout>();
  let count = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let completed = 0;
  const started = performance.now();

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server: Server = createServer(async (req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      // An unparseable body, or a client that went away while sending it.
      json(res, 400, { error: { message: 'invalid JSON body' } });
      return;
    }
    const path = req.url ?? '';
    const prompt = promptOf(body);
    const model = String(body.model ?? '');
    const n = typeof body.n === 'number' ? body.n : 1;
    const seed = typeof body.seed === 'number' ? body.seed : undefined;
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const keys = options.keys ?? [];
    const keyIndex = keys.indexOf(bearer);
    const perPromptCount = perPrompt.get(prompt) ?? 0;
    perPrompt.set(prompt, perPromptCount + 1);
    const at = performance.now() - started;
    const record = (status: ReceivedRequest['status']): void => {
      if (options.record !== false) received.push({ path, model, prompt, keyIndex, status, n, seed, at, body });
    };
    const fault: Fault | undefined =
      keys.length > 0 && keyIndex < 0
        ? { kind: 'unauthorized' }
        : options.rateLimitedKeys?.includes(bearer)
          ? { kind: 'rate-limit', retryAfterSeconds: 0 }
          : options.faultFor?.({ count: count++, prompt, perPromptCount, keyIndex });
    if (path !== '/v1/chat/completions' && path !== '/v1/completions') {
      record(404);
      json(res, 404, { error: { message: `no route ${path}` } });
      return;
    }
    switch (fault?.kind) {
      case 'unauthorized':
        record(401);
        return json(res, 401, { error: { message: 'invalid api key', type: 'invalid_request_error' } });
      case 'forbidden':
        record(403);
        return json(res, 403, { error: { message: 'key not allowed for this model' } });
      case 'rate-limit':
        record(429);
        return json(
          res,
          429,
          { error: { message: 'rate limited' } },
          {
            ...(fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {}),
            ...(fault.retryAfterMs !== undefined ? { 'retry-after-ms': String(fault.retryAfterMs) } : {}),
          },
        );
      case 'bad-request':
        record(400);
        return json(res, 400, { error: { message: "This model's maximum context length is 4096 tokens", type: 'invalid_request_error' } });
      case 'server-error':
        record(500);
        return json(res, 500, { error: { message: 'internal error' } });
      case 'hang': {
        record('hang');
        const t = setTimeout(() => res.destroy(), fault.ms);
        hangs.add(t);
        res.on('close', () => {
          clearTimeout(t);
          hangs.delete(t);
        });
        return;
      }
      case 'drop-connection':
        record('dropped');
        req.socket.destroy();
        return;
      default:
    }
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    const chat = path === '/v1/chat/completions';
    const answer = options.answer ?? fakeAnswer;
    const filtered = fault?.kind === 'content-filter';
    const choices = Array.from({ length: n }, (_, i) =>
      chat
        ? { index: i, message: { role: 'assistant', content: filtered ? null : answer(model, prompt, i, seed) }, finish_reason: filtered ? 'content_filter' : 'stop' }
        : { index: i, text: filtered ? null : answer(model, prompt, i, seed), finish_reason: filtered ? 'content_filter' : 'stop' },
    );
    const payload = JSON.stringify({
      id: `fake-${received.length}`,
      object: chat ? 'chat.completion' : 'text_completion',
      created: 0,
      model,
      choices,
      usage: { prompt_tokens: Math.ceil(prompt.length / 4), completion_tokens: 8 * n, total_tokens: Math.ceil(prompt.length / 4) + 8 * n },
    });
    if (fault?.kind === 'truncated-json') {
      record('truncated');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(payload.slice(0, Math.floor(payload.length / 2)));
      return;
    }
    record(200);
    completed++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(payload);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port, address } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      for (const t of hangs) clearTimeout(t);
      server.closeAllConnections();
      server.close(() => resolve());
    }));
  // unref: the safety net itself must not keep the process alive.
  const lifetime = setTimeout(() => void close(), options.lifetimeMs ?? 120_000).unref();
  const host = address.includes(':') ? `[${address}]` : address;
  return { baseUrl: `http://${host}:${port}/v1`, received, maxInFlight: () => maxInFlight, inFlight: () => inFlight, completed: () => completed, close };
}
