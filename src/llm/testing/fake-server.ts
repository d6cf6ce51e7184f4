/**
 * A deterministic OpenAI-compatible server on 127.0.0.1 for tests and benchmarks: `POST
 * /v1/chat/completions` and `/v1/completions`, answers a pure function of (model, prompt, choice
 * index, seed), checks bearer keys, and injects faults on a schedule: 429 with Retry-After, 500, a
 * hang, a truncated JSON body, a dropped connection, 401. It records what it received and stops on close.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds?: number }
  | { readonly kind: 'server-error' }
  | { readonly kind: 'hang'; readonly ms: number }
  | { readonly kind: 'truncated-json' }
  | { readonly kind: 'drop-connection' }
  | { readonly kind: 'unauthorized' };

export interface ReceivedRequest {
  readonly path: string;
  readonly model: string;
  readonly prompt: string;
  /** Index of the bearer key in `keys` (-1: not accepted / none configured). */
  readonly keyIndex: number;
  readonly status: number | 'dropped' | 'truncated' | 'hang';
  readonly n: number;
  readonly seed?: number;
}

export interface FakeServerOptions {
  /** Accepted bearer keys; empty/absent accepts any. */
  readonly keys?: readonly string[];
  /** Keys that always get 429 (rate-limited). */
  readonly rateLimitedKeys?: readonly string[];
  /** The fault for the n-th request (0-based, in arrival order) with this prompt, if any. */
  readonly faultFor?: (request: { readonly count: number; readonly prompt: string; readonly perPromptCount: number }) => Fault | undefined;
  /** Latency of every answer. @default 0 */
  readonly delayMs?: number;
  /** The text of a choice. @default fakeAnswer */
  readonly answer?: (model: string, prompt: string, index: number, seed?: number) => string;
}

export interface FakeServer {
  readonly baseUrl: string;
  readonly received: ReceivedRequest[];
  /** Largest number of requests in flight at once. */
  readonly maxInFlight: () => number;
  /** Answers sent with status 200. */
  readonly completed: () => number;
  close(): Promise<void>;
}

/** The text the server answers for one choice. */
export function fakeAnswer(model: string, prompt: string, index: number, seed?: number): string {
  const h = createHash('sha256').update(`${model}\u0000${prompt}\u0000${seed ?? ''}`).digest('hex').slice(0, 12);
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

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server: Server = createServer(async (req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const raw = await readBody(req);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
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
    const record = (status: ReceivedRequest['status']): void => void received.push({ path, model, prompt, keyIndex, status, n, seed });
    const fault: Fault | undefined =
      keys.length > 0 && keyIndex < 0
        ? { kind: 'unauthorized' }
        : options.rateLimitedKeys?.includes(bearer)
          ? { kind: 'rate-limit', retryAfterSeconds: 0 }
          : options.faultFor?.({ count: count++, prompt, perPromptCount });
    if (path !== '/v1/chat/completions' && path !== '/v1/completions') {
      record(404);
      json(res, 404, { error: { message: `no route ${path}` } });
      return;
    }
    switch (fault?.kind) {
      case 'unauthorized':
        record(401);
        return json(res, 401, { error: { message: 'invalid api key', type: 'invalid_request_error' } });
      case 'rate-limit':
        record(429);
        return json(res, 429, { error: { message: 'rate limited' } }, fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {});
      case 'server-error':
        record(500);
        return json(res, 500, { error: { message: 'internal error' } });
      case 'hang': {
        record('hang');
        const t = setTimeout(() => res.destroy(), fault.ms);
        hangs.add(t);
        res.on('close', () => (clearTimeout(t), hangs.delete(t)));
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
    const choices = Array.from({ length: n }, (_, i) =>
      chat
        ? { index: i, message: { role: 'assistant', content: answer(model, prompt, i, seed) }, finish_reason: 'stop' }
        : { index: i, text: answer(model, prompt, i, seed), finish_reason: 'stop' },
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    received,
    maxInFlight: () => maxInFlight,
    completed: () => completed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of hangs) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
