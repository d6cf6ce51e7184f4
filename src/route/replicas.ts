/**
 * Replicas of `smoothie serve` on one port: node:cluster forks `workers` processes that each load
 * the router and serve it (the primary only supervises). Connections are spread over the workers
 * (round-robin); a keep-alive connection stays with its worker. `GET /metrics` on any worker answers
 * the sum over every worker (prom-client's AggregatorRegistry, asked through the primary). Draining:
 * the primary's SIGTERM/SIGINT asks every worker to drain (`RouterServer.close()`), and it returns
 * once all have exited; a worker that dies while serving is replaced. One worker starts first, the
 * others once it listens, so a router that fails to load fails once (one error line).
 */
import cluster, { type Worker } from 'node:cluster';
import os from 'node:os';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { UserInputError } from '../errors/index.js';

/** Messages between the primary and its workers. */
type ReplicaMessage =
  | { readonly type: 'smoothie:drain' }
  | { readonly type: 'smoothie:stopped'; readonly drained: boolean }
  | { readonly type: 'smoothie:metrics-request'; readonly id: number }
  | { readonly type: 'smoothie:metrics'; readonly id: number; readonly text?: string; readonly error?: string };

const isReplicaMessage = (m: unknown): m is ReplicaMessage =>
  typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string' && (m as { type: string }).type.startsWith('smoothie:');

/** `auto` (one per core the process may use) or a positive integer. */
export function parseWorkers(value: string | number): number {
  if (value === 'auto') return os.availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserInputError(`must be a positive integer or auto, got '${value}'`, { field: '--workers' });
  return n;
}

/** Whether this process is a replica forked by `superviseReplicas`. */
export const isReplica = (): boolean => cluster.isWorker;

export interface SuperviseOptions {
  readonly workers: number;
  /** The listening address, once every worker listens. */
  readonly onListening?: (url: string) => void;
  /** A worker that died while serving (it is replaced). */
  readonly onReplaced?: (exitCode: number | null, signal: string | null) => void;
  /** Seconds each worker's drain may take; the primary kills workers still alive 5 s later. @default 30 */
  readonly drainTimeoutS?: number;
}

export interface SupervisedResult {
  /** Every worker answered its requests in flight. */
  readonly drained: boolean;
  /** Set when a worker failed before serving (its exit code): the others were stopped. */
  readonly failedExitCode?: number;
}

/**
 * The primary: forks the workers, answers their metrics requests with the cluster's sum, and on
 * SIGTERM/SIGINT asks them to drain; resolves when every worker has exited.
 */
export function superviseReplicas(options: SuperviseOptions): Promise<SupervisedResult> {
  if (!cluster.isPrimary) throw new Error('superviseReplicas runs in the cluster primary');
  const aggregator = new AggregatorRegistry();
  const listening = new Set<number>();
  const drained = new Map<number, boolean>();
  let stopping = false;
  let announced = false;
  let failedExitCode: number | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  return new Promise((resolve) => {
    const alive = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      for (const w of alive()) if (w.isConnected()) w.send({ type: 'smoothie:drain' } satisfies ReplicaMessage);
      killTimer = setTimeout(() => alive().forEach((w) => w.kill('SIGKILL')), ((options.drainTimeoutS ?? 30) + 5) * 1000);
      killTimer.unref();
    };
    const fork = (): void => {
      const w = cluster.fork();
      w.on('message', (m: unknown) => {
        if (!isReplicaMessage(m)) return;
        if (m.type === 'smoothie:stopped') drained.set(w.id, m.drained);
        else if (m.type === 'smoothie:metrics-request') {
          aggregator.clusterMetrics().then(
            (text) => w.isConnected() && w.send({ type: 'smoothie:metrics', id: m.id, text } satisfies ReplicaMessage),
            (error: Error) => w.isConnected() && w.send({ type: 'smoothie:metrics', id: m.id, error: error.message } satisfies ReplicaMessage),
          );
        }
      });
      w.on('listening', (address) => {
        listening.add(w.id);
        // The first worker up shows the router loads and the port opens: then the others start.
        if (listening.size === 1 && !stopping) for (let i = 1; i < options.workers; i++) fork();
        if (!announced && listening.size === options.workers) {
          announced = true;
          const host = address.address?.includes(':') ? `[${address.address}]` : (address.address ?? '127.0.0.1');
          options.onListening?.(`http://${host}:${address.port}`);
        }
      });
      w.on('exit', (code, signal) => {
        if (!stopping && !listening.has(w.id)) {
          // Failed before serving (a bad router file, a port in use): the worker printed why.
          failedExitCode = code ?? 1;
          stop();
        } else if (!stopping) {
          options.onReplaced?.(code, signal);
          fork();
        } else if (!drained.has(w.id)) drained.set(w.id, false);
        if (stopping && alive().length === 0) {
          clearTimeout(killTimer);
          resolve({ drained: failedExitCode === undefined && [...drained.values()].every(Boolean), ...(failedExitCode !== undefined ? { failedExitCode } : {}) });
        }
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    fork();
  });
}

/**
 * In a worker: the server's registry joins the cluster's metrics, `drain` is called when the
 * primary asks, and `stopped` tells the primary how the drain went.
 */
export function joinReplicas(registry: Registry, drain: () => void): { readonly metricsText: () => Promise<string>; stopped(drained: boolean): Promise<void> } {
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  const pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  let next = 0;
  process.on('message', (m: unknown) => {
    if (!isReplicaMessage(m)) return;
    if (m.type === 'smoothie:drain') drain();
    else if (m.type === 'smoothie:metrics') {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.text !== undefined) p?.resolve(m.text);
      else p?.reject(new Error(m.error ?? 'no metrics'));
    }
  });
  return {
    metricsText: () =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        process.send!({ type: 'smoothie:metrics-request', id } satisfies ReplicaMessage);
      }),
    /** Tells the primary, then leaves the cluster (the IPC channel would keep the process alive). */
    stopped: (drained) =>
      new Promise<void>((resolve) => {
        if (!process.connected) return resolve();
        process.send!({ type: 'smoothie:stopped', drained } satisfies ReplicaMessage, () => {
          cluster.worker?.disconnect();
          resolve();
        });
      }),
  };
}
