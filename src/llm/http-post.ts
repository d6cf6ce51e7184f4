/**
 * One JSON POST to an OpenAI-compatible endpoint over a keep-alive connection (node:http/https),
 * failing the way the `openai` SDK fails — `APIError.generate` for an HTTP error status (same
 * message, status and headers), `APIConnectionError` for a refused or dropped connection,
 * `APIConnectionTimeoutError` past the timeout — so the endpoint's retry rules read both alike.
 * The SDK's request path (header building, logging, WHATWG fetch and streams) costs about 0.5–1 ms
 * of CPU per call on loopback; this one about 0.1 ms, which is what a router in front of fast
 * models pays per upstream call.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** The SDK (for its error classes), loaded with the first call rather than when the library is imported. */
let openaiSdk: typeof import('openai') | undefined;
async function loadOpenAI(): Promise<typeof import('openai')> {
  openaiSdk ??= await import('openai');
  return openaiSdk;
}

/** The SDK once a call has loaded it: every error of its classes comes from a call, so none exists before. */
export const loadedOpenAI = (): typeof import('openai') | undefined => openaiSdk;

export interface PostJsonOptions {
  readonly key: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** Keep-alive agents of one endpoint (one per protocol), so calls reuse their connections. */
export class JsonPoster {
  private readonly http = new HttpAgent({ keepAlive: true });
  private readonly https = new HttpsAgent({ keepAlive: true });

  /** `base` + `path` as the SDK joins them (one slash between). */
  static url(base: string, path: string): URL {
    return new URL(base.endsWith('/') ? base + path.slice(1) : base + path);
  }

  /** The parsed JSON body of a 2xx answer; throws the SDK's error classes otherwise. */
  async post(url: URL, body: unknown, options: PostJsonOptions): Promise<unknown> {
    const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = openaiSdk ?? (await loadOpenAI());
    const text = JSON.stringify(body);
    const secure = url.protocol === 'https:';
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) return reject(new APIUserAbortError());
      let settled = false;
      const settle = (f: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        f();
      };
      const req = (secure ? httpsRequest : httpRequest)(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method: 'POST',
          agent: secure ? this.https : this.http,
          headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(text), authorization: `Bearer ${options.key}` },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (error) => settle(() => reject(new APIConnectionError({ cause: error }))));
          res.on('end', () =>
            settle(() => {
              const raw = Buffer.concat(chunks).toString('utf8');
              const status = res.statusCode ?? 0;
              if (status >= 200 && status < 300) {
                try {
                  resolve(JSON.parse(raw));
                } catch (error) {
                  reject(error);
                }
                return;
              }
              let json: unknown;
              try {
                json = JSON.parse(raw);
              } catch {
                json = undefined;
              }
              reject(APIError.generate(status, json as object | undefined, json === undefined ? raw : undefined, toHeaders(res.headers)));
            }),
          );
          res.on('aborted', () => settle(() => reject(new APIConnectionError({ message: 'the connection closed before the answer ended' }))));
        },
      );
      const timer = setTimeout(() => {
        settle(() => reject(new APIConnectionTimeoutError()));
        req.destroy();
      }, options.timeoutMs);
      const onAbort = (): void => {
        settle(() => reject(new APIUserAbortError()));
        req.destroy();
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (error) => settle(() => reject(new APIConnectionError({ cause: error }))));
      req.end(text);
    });
  }

  /** Closes the idle keep-alive connections. */
  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

function toHeaders(headers: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) for (const v of value) out.append(name, v);
    else if (value !== undefined) out.set(name, value);
  }
  return out;
}
