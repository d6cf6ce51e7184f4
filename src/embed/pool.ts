/**
 * A pool of worker threads that embed in parallel, one embedder per worker, loaded once per worker
 * (model weights, tfjs backend or ONNX session). The pool plans batches exactly as a single
 * embedder does (`planBatches`) and sends whole batches, so every text meets the same batch-mates
 * and the vectors equal a single thread's bit for bit; batches go to whichever worker is free.
 *
 * Worth it for compute-bound embedders on many texts: `use` on the tfjs runtime (wasm uses one
 * core) and `transformers:`. `start` resolves once every worker has loaded its embedder.
 */
import { Worker } from 'node:worker_threads';
import { ndarray, type NdArray } from '../compute/ndarray.js';
import { UserInputError } from '../errors/index.js';
import { planBatches } from './batches.js';
import type { EmbedOptions, Embedder } from './types.js';

/** What a worker needs to build its embedder: `createEmbedder(spec, options)` without a cache. */
export interface PoolEmbedderSpec {
  readonly spec: string;
  readonly options: Readonly<Record<string, unknown>>;
}

export interface EmbedderPoolOptions {
  /** Worker threads. */
  readonly workers: number;
  /** Texts per batch; must equal the workers' embedder batch size. */
  readonly batchSize: number;
}

type Reply =
  | { readonly type: 'ready'; readonly id: string; readonly version: string; readonly dim: number }
  | { readonly type: 'result'; readonly job: number; readonly data: Float32Array }
  | { readonly type: 'error'; readonly job: number; readonly message: string; readonly user: boolean }
  | { readonly type: 'fatal'; readonly message: string; readonly user: boolean };

interface PoolWorker {
  readonly worker: Worker;
}

/** The worker entry, next to this file in the build (dist/embed/pool-worker.js). */
const WORKER_URL = new URL('./pool-worker.js', import.meta.url);

export class EmbedderPool implements Embedder {
  private nextJob = 0;
  private readonly pending = new Map<number, { resolve: (data: Float32Array) => void; reject: (error: Error) => void }>();
  private workers: PoolWorker[] = [];

  private constructor(
    private readonly options: EmbedderPoolOptions,
    readonly id: string,
    readonly version: string,
    readonly dim: number,
  ) {}

  /** Starts `options.workers` workers that each build `embedder`, and waits until all are loaded. */
  static async start(embedder: PoolEmbedderSpec, options: EmbedderPoolOptions): Promise<EmbedderPool> {
    for (const [field, value] of Object.entries({ workers: options.workers, batchSize: options.batchSize })) {
      if (!Number.isInteger(value) || value < 1) throw new UserInputError(`must be a positive integer, got ${value}`, { field });
    }
    const started: { worker: Worker; ready: Promise<Extract<Reply, { type: 'ready' }>> }[] = [];
    for (let w = 0; w < options.workers; w++) {
      const worker = new Worker(WORKER_URL, { workerData: embedder });
      const ready = new Promise<Extract<Reply, { type: 'ready' }>>((resolve, reject) => {
        const onError = (error: Error): void => reject(error);
        worker.once('error', onError);
        worker.once('message', (reply: Reply) => {
          worker.off('error', onError);
          if (reply.type === 'ready') resolve(reply);
          else if (reply.type === 'fatal') reject(reply.user ? new UserInputError(reply.message) : new Error(reply.message));
          else reject(new Error(`pool worker: unexpected first message ${reply.type}`));
        });
      });
      started.push({ worker, ready });
    }
    let identities: Extract<Reply, { type: 'ready' }>[];
    try {
      identities = await Promise.all(started.map((s) => s.ready));
    } catch (error) {
      await Promise.all(started.map((s) => s.worker.terminate()));
      throw error;
    }
    const { id, version, dim } = identities[0];
    const pool = new EmbedderPool(options, id, version, dim);
    pool.workers = started.map(({ worker }) => {
      const entry: PoolWorker = { worker };
      worker.on('message', (reply: Reply) => pool.settle(reply));
      worker.on('error', (error) => pool.failAll(error));
      // A worker that dies without an error event (killed, out of memory) fails what it held.
      worker.on('exit', (code) => {
        if (pool.workers.includes(entry)) pool.failAll(new Error(`embedder pool worker exited with code ${code}`));
      });
      return entry;
    });
    return pool;
  }

  private settle(reply: Reply): void {
    if (reply.type === 'ready' || reply.type === 'fatal') return;
    const job = this.pending.get(reply.job);
    if (!job) return;
    this.pending.delete(reply.job);
    if (reply.type === 'result') job.resolve(reply.data);
    else job.reject(reply.user ? new UserInputError(reply.message) : new Error(reply.message));
  }

  private failAll(error: Error): void {
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }

  private run(worker: PoolWorker, texts: readonly string[]): Promise<Float32Array> {
    const job = this.nextJob++;
    return new Promise((resolve, reject) => {
      this.pending.set(job, { resolve, reject });
      worker.worker.postMessage({ job, texts });
    });
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<NdArray<Float32Array>> {
    const batches = planBatches(texts, this.options.batchSize);
    const out = new Float32Array(texts.length * this.dim);
    if (this.workers.length === 0) throw new Error(`embedder pool ${this.id} is disposed`);
    const workers = this.workers;
    let next = 0;
    let done = 0;
    // Each worker takes the next batch as soon as it is free.
    const drain = async (worker: PoolWorker): Promise<void> => {
      while (next < batches.length) {
        const rows = batches[next++];
        const data = await this.run(
          worker,
          rows.map((i) => texts[i]),
        );
        rows.forEach((i, j) => out.set(data.subarray(j * this.dim, (j + 1) * this.dim), i * this.dim));
        done += rows.length;
        options.onProgress?.(done, texts.length);
      }
    };
    await Promise.all(workers.map(drain));
    return ndarray(out, [texts.length, this.dim]);
  }

  async dispose(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}
