/**
 * What the `select` router needs of its reference store. Two implementations: `ReferenceStore` (in
 * memory, the default; synchronous) and `LanceStore` (a LanceDB table several processes share, with a
 * local in-memory copy that `nearest` and `distancesOf` read, so the per-request path stays synchronous).
 * `add` returns nothing for an in-memory store and a promise for a shared one: it resolves once the rows
 * are committed (durable), and the router awaits it before answering.
 */
import type { StoreSample } from './reference-store.js';

export interface SampleStore {
  /** Input-embedding dimension (undefined while a shared store is empty and has not learnt it yet). */
  readonly dim: number | undefined;
  /** Number of voters (candidates per input). */
  readonly voters: number;
  /** Rows visible to this process. */
  readonly size: number;
  /** Whether `nearest` is approximate (a graph) rather than an exact scan. */
  readonly approximate: boolean;
  /** Row indices of the k stored inputs nearest to `query` (Euclidean), nearest first. */
  nearest(query: Float32Array, k: number): number[];
  /** The stored m × m squared candidate distances of row i. */
  distancesOf(i: number): Float64Array;
  /** Appends samples; a promise when the store commits them elsewhere (resolved once durable). */
  add(samples: readonly StoreSample[]): void | Promise<void>;
}

/** A store shared between processes: rows others added appear after `refresh` (run every `refreshMs`). */
export interface SharedSampleStore extends SampleStore {
  readonly kind: 'lance';
  readonly uri: string;
  readonly table: string;
  /** Reads the rows other processes committed since the last refresh; resolves to how many were new. */
  refresh(): Promise<number>;
  /** Stops refreshing and releases the table. */
  close(): Promise<void>;
}

export const isSharedStore = (store: SampleStore | undefined): store is SharedSampleStore => store !== undefined && 'refresh' in store;

/** Whether a store location is a URI with a scheme (s3://, gs://, file://…), kept as given, rather than a local folder path. */
export const hasUriScheme = (location: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
