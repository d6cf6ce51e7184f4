/**
 * `smoothie serve`: a router behind an OpenAI-compatible chat completions endpoint. Responses carry
 * the model that answered (`model`, `x-smoothie-model`) and the routing facts (`smoothie`: strategy,
 * escalation, confidence, weights, cost). Streaming sends the answer as server-sent events once routed.
 * Requests run at most `maxConcurrency` at a time with at most `maxQueue` waiting (503 beyond); bad
 * requests get 400 JSON errors, bodies over `maxBodyBytes` 413, failed upstream calls 502 with the
 * reason. `close()` drains: the listener stops, idle keep-alive connections close, every later request
 * on an open connection gets 503 with `Connection: close`, responses in flight carry `Connection:
 * close`, and after `drainTimeoutMs` the connections still open are cut. `GET /metrics` answers in
 * Prometheus' text format (see `metrics.ts`); every response carries `x-request-id` (the client's,
 * or one we make), and `onLog` receives one structured entry per request (never a key or a body).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { SmoothieError, UserInputError } from '../errors/index.js';
import { LlmCallError } from '../llm/endpoint.js';
import type { Registry } from 'prom-client';
import { createServeMetrics } from './metrics.js';
import { Slots } from './slots.js';
import type { RouteResult, Router } from './router.js';

/**
 * How `serveRouter` serves: address, concurrency, limits and the request log.
 *
 * @example
 * ```ts
 * const options: ServeOptions = { port: 0, maxConcurrency: 8, onLog: (entry) => console.log(JSON.stringify(entry)) };
 * const server = await serveRouter(router, options);
 * ```
 */
export interface ServeOptions {
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** 0 picks a free port. @default 8000 */
  readonly port?: number;
  /** Requests routed at once. @default 32 */
  readonly maxConcurrency?: number;
  /** Requests waiting beyond those; more get 503. @default 1024 */
  readonly maxQueue?: number;
  /** Largest request body; larger ones get 413. @default 4 MiB */
  readonly maxBodyBytes?: number;
  /** How long `close()` waits for the requests in flight before cutting the connections. @default 30000 */
  readonly drainTimeoutMs?: number;
  /** Called once per finished request with its log entry (e.g. written as a JSON line). */
  readonly onLog?: (entry: RequestLogEntry) => void;
  /** What `GET /metrics` answers instead of this server's registry (replicas: the sum over every worker). */
  readonly metricsText?: () => Promise<string>;
}

/** One request, as `onLog` receives it: what happened, never the body or a key. */
export interface RequestLogEntry {
  readonly time: string;
  readonly request_id: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ms: number;
  readonly strategy?: string;
  readonly model?: string;
  readonly escalated?: boolean;
  readonly error?: string;
}

/**
 * A running router server (`serveRouter`): its URL, the Node server and its metrics.
 *
 * @example
 * ```ts
 * const server: RouterServer = await serveRouter(router, { port: 0 });
 * console.log(`POST ${server.url}/v1/chat/completions`);
 * const { drained } = await server.close();
 * ```
 */
export interface RouterServer {
  readonly url: string;
  readonly server: Server;
  /** The server's Prometheus registry (what `GET /metrics` serves). */
  readonly metrics: Registry;
  /**
   * Stops accepting requests and resolves when the requests in flight are answered, or when the drain
   * timeout cut them (`drained: false`).
   */
  close(): Promise<{ readonly drained: boolean }>;
}

const MessageSchema = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });
const ChatRequestSchema = z.object({
  model: z.string().optional(),
  messages: z.array(MessageSchema).min(1),
  stream: z.boolean().optional(),
  /** Extensions: `select` candidates (one per voter) and the `cascade` verification context. */
  candidates: z.array(z.string()).optional(),
  context: z.string().optional(),
});

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * The body as text; over `limit` bytes a 413. The rest of a body that is too large is read and
 * dropped (up to a bound), so the client gets the 413 instead of a connection reset.
 */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const declared = Number(req.headers['content-length']);
    let tooLarge = Number.isFinite(declared) && declared > limit;
    const tooLargeError = (): HttpError => new HttpError(413, `request body over ${limit} bytes (the server's --max-body)`, 'invalid_request_error');
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(c);
      // Past a generous bound, stop reading: the connection is closed after the 413.
      else if (size > limit + DRAIN_BODY_BYTES) {
        req.pause();
        reject(tooLargeError());
      }
    });
    req.on('end', () => (tooLarge ? reject(tooLargeError()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

/** Bytes of an over-limit body read and dropped before the server stops reading it. */
const DRAIN_BODY_BYTES = 64 * 2 ** 20;

/** Routing facts returned beside the answer. */
function routingFacts(r: RouteResult): Record<string, unknown> {
  return r.strategy === 'select'
    ? { strategy: r.strategy, model: r.model, escalated: false, weights: r.weights, neighbours: r.neighbours, calls: r.calls }
    : { strategy: r.strategy, model: r.model, escalated: r.escalated, confidence: r.confidence, cost: r.cost, calls: r.calls };
}

export async function serveRouter(router: Router, options: ServeOptions = {}): Promise<RouterServer> {
  const queue = new Slots(options.maxConcurrency ?? 32);
  const maxQueue = options.maxQueue ?? 1024;
  const maxBody = options.maxBodyBytes ?? 4 * 2 ** 20;
  const drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
  let counter = 0;
  let draining = false;
  const metrics = createServeMetrics(queue);
  /** Headers every response gets: once draining, `Connection: close` so keep-alive clients go away. */
  const closing = (): Record<string, string> => (draining ? { connection: 'close' } : {});

  const complete = async (req: IncomingMessage, res: ServerResponse, requestId: string): Promise<RouteResult> => {
    let parsed: z.infer<typeof ChatRequestSchema>;
    try {
      parsed = ChatRequestSchema.parse(JSON.parse(await readBody(req, maxBody)));
    } catch (error) {
      if (error instanceof HttpError) throw error;
      const message = error instanceof z.ZodError ? `${error.issues[0].path.join('.') || 'body'}: ${error.issues[0].message}` : 'the body is not JSON';
      throw new HttpError(400, message, 'invalid_request_error');
    }
    if (queue.size >= maxQueue) throw new HttpError(503, `overloaded: ${queue.size} requests waiting`, 'overloaded');
    const id = `chatcmpl-smoothie-${process.pid}-${++counter}`;
    let result: RouteResult;
    const started = performance.now();
    try {
      const request = { input: parsed.messages, candidates: parsed.candidates, context: parsed.context };
      result = await queue.run((): Promise<RouteResult> => router.route(request));
    } catch (error) {
      if (error instanceof LlmCallError) {
        metrics.upstreamError(router.strategy);
        throw new HttpError(502, error.message, 'upstream_error');
      }
      if (UserInputError.isUserInputError(error)) throw new HttpError(400, error.message, 'invalid_request_error');
      metrics.upstreamError(router.strategy);
      throw new HttpError(502, `routing failed: ${SmoothieError.isInstance(error) ? error.message : (error as Error).message}`, 'upstream_error');
    }
    metrics.routed(result, (performance.now() - started) / 1000);
    const created = Math.floor(Date.now() / 1000);
    const headers = { 'x-smoothie-model': result.model, 'x-smoothie-escalated': String(result.escalated), 'x-request-id': requestId };
    if (!parsed.stream) {
      sendJson(
        res,
        200,
        {
          id,
          object: 'chat.completion',
          created,
          model: result.model,
          choices: [{ index: 0, message: { role: 'assistant', content: result.output }, finish_reason: 'stop' }],
          smoothie: routingFacts(result),
        },
        { ...headers, ...closing() },
      );
      return result;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers, ...closing() });
    const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: result.model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
    res.write(chunk({ role: 'assistant' }, null));
    res.write(chunk({ content: result.output }, null));
    res.write(chunk({}, 'stop', { smoothie: routingFacts(result) }));
    res.end('data: [DONE]\n\n');
    return result;
  };

  const server = createServer((req, res) => {
    const url = req.url?.split('?')[0] ?? '/';
    const started = performance.now();
    const given = req.headers['x-request-id'];
    // A client's id is kept when it is a plain token (it is echoed into headers and logs).
    const requestId = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : `req-${process.pid}-${++counter}`;
    let routedResult: RouteResult | undefined;
    let failure: string | undefined;
    const handle = async (): Promise<void> => {
      // A keep-alive client that sends after close() began: not accepted, and told to go away.
      if (draining) {
        req.resume();
        throw new HttpError(503, 'shutting down', 'overloaded');
      }
      if (url === '/health' || url === '/v1/health') {
        if (req.method !== 'GET') throw new HttpError(405, 'use GET', 'invalid_request_error');
        return sendJson(res, 200, { status: 'ok', strategy: router.strategy, in_flight: queue.pending, queued: queue.size });
      }
      if (url === '/metrics') {
        if (req.method !== 'GET') throw new HttpError(405, 'use GET', 'invalid_request_error');
        const text = await (options.metricsText ?? (() => metrics.registry.metrics()))();
        res.writeHead(200, { 'content-type': metrics.registry.contentType, 'content-length': Buffer.byteLength(text), ...closing() });
        res.end(text);
        return;
      }
      if (url === '/v1/chat/completions') {
        if (req.method !== 'POST') throw new HttpError(405, 'use POST', 'invalid_request_error');
        routedResult = await complete(req, res, requestId);
        return;
      }
      throw new HttpError(404, `no route ${req.method} ${url}`, 'invalid_request_error');
    };
    handle().catch((error: unknown) => {
      const e = error instanceof HttpError ? error : new HttpError(500, 'internal error', 'server_error');
      failure = e.message;
      // After a 413 the rest of the body may be unread: the connection cannot be reused.
      const extra = { ...(e.status === 503 ? { 'retry-after': '1' } : {}), ...(e.status === 413 || draining ? { connection: 'close' } : {}) };
      if (!res.headersSent) sendJson(res, e.status, { error: { message: e.message, type: e.type } }, { ...extra, 'x-request-id': requestId });
      else res.end();
    });
    res.on('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      // Paths are a closed set in the metrics (no label per unknown URL).
      const known = ['/health', '/v1/health', '/metrics', '/v1/chat/completions'].includes(url) ? url : 'other';
      metrics.request(known, res.statusCode, seconds);
      options.onLog?.({
        time: new Date().toISOString(),
        request_id: requestId,
        method: req.method ?? '',
        path: known,
        status: res.statusCode,
        ms: Math.round(seconds * 1e4) / 10,
        ...(routedResult ? { strategy: routedResult.strategy, model: routedResult.model, escalated: routedResult.escalated } : {}),
        ...(failure ? { error: failure } : {}),
      });
      // While draining, a connection is closed as soon as it has nothing in flight.
      if (draining) server.closeIdleConnections();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8000, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    server,
    metrics: metrics.registry,
    close: async () => {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), drainTimeoutMs);
      });
      const drained = !(await Promise.race([Promise.all([queue.onIdle(), closed]).then(() => false), timedOut]));
      clearTimeout(timer);
      if (!drained) {
        server.closeAllConnections();
        await closed;
      }
      return { drained };
    },
  };
}
