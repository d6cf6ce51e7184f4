/**
 * One worker of an `EmbedderPool`: builds its embedder once (no cache: the pool's owner caches),
 * then embeds each batch it is sent and replies with the vectors (transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { UserInputError } from '../errors/index.js';
import { createEmbedder } from './factory.js';
import type { Embedder } from './types.js';
import type { PoolEmbedderSpec } from './pool.js';

const { spec, options } = workerData as PoolEmbedderSpec;
const port = parentPort!;
let embedder: Embedder | undefined;
try {
  embedder = await createEmbedder(spec, { ...options, cacheDir: undefined, workers: 1 });
  port.postMessage({ type: 'ready', id: embedder.id, version: embedder.version, dim: embedder.dim });
} catch (error) {
  port.postMessage({ type: 'fatal', message: (error as Error).message, user: UserInputError.isUserInputError(error) });
}
port.on('message', async ({ job, texts }: { job: number; texts: string[] }) => {
  try {
    if (!embedder) throw new Error('embedder failed to load');
    const { data } = await embedder.embed(texts);
    port.postMessage({ type: 'result', job, data }, [data.buffer as ArrayBuffer]);
  } catch (error) {
    port.postMessage({ type: 'error', job, message: (error as Error).message, user: UserInputError.isUserInputError(error) });
  }
});
