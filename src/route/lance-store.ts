/**
 * A `select` reference store in a LanceDB table, shared by every process that opens the same URI (a
 * local folder; object-storage URIs such as `s3://bucket/path` are passed to LanceDB as they are).
 *
 * One row per stored input: `id` (unique: `<source>:<start>:<seq>`, or `migrated:<prefix>:<row>`),
 * `input` (d float32), `pairwise` (the m × m squared candidate distances, float64), `created_ms` and
 * `source` (host:pid of the writer). The table's schema metadata records the store format
 * (`LANCE_STORE_FORMAT`), d, m and the embedder; another format, voter count or embedder is refused.
 *
 * Searching: every process keeps an in-memory copy (a `ReferenceStore`: exact scan, HNSW above
 * `exactBelow` rows) that `nearest` and `distancesOf` read synchronously, so a request costs what it
 * costs with the in-memory store (a LanceDB query per request measured ~10 ms, the local scan well under
 * 1 ms; see `npm run bench store`). The copy follows the table: `add` appends to the table and, once
 * LanceDB has committed the new version (durable: an append is one atomic version), to the copy;
 * every `refreshMs` the table's newest version is read and the rows other processes added since the
 * last refresh join the copy. The table is append-only: rows keep their order, so a refresh reads
 * from the count it has already seen.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import type * as Arrow from 'apache-arrow';
import type { Connection, Table } from '@lancedb/lancedb';
import { UserInputError } from '../errors/index.js';
import { LANCE_STORE_FORMAT } from './config.js';
import { candidateDistances } from '../smoothie/weights.js';
import { ReferenceStore, type StoreSample } from './reference-store.js';
import type { SharedSampleStore } from './store.js';

export { LANCE_STORE_FORMAT };
export const DEFAULT_LANCE_TABLE = 'reference_store';
export const DEFAULT_REFRESH_MS = 1000;
/** The version `npm install` is told to add when the package is missing (the one tested). */
export const LANCEDB_VERSION = '0.37.1';
const META_KEY = 'smoothie';

export interface LanceStoreOptions {
  /** LanceDB database: a folder, or an object-storage URI (s3://, gs://, az://; untested here). */
  readonly uri: string;
  /** Table name inside the database. @default 'reference_store' */
  readonly table?: string;
  /** Number of voters (candidates per input). */
  readonly voters: number;
  /** The embedder whose vectors the table holds: recorded when the table is created, checked on open. */
  readonly embedder: { readonly id: string; readonly version: string };
  /** How often rows other processes added are read (ms); 0: only on `refresh()`. @default 1000 */
  readonly refreshMs?: number;
  /** The local copy uses its HNSW graph from this many rows on. @default 4096 */
  readonly exactBelow?: number;
  /** HNSW level seed of the local copy. @default 42 */
  readonly seed?: number;
  /** Written in each row's `source` column. @default `<hostname>:<pid>` */
  readonly source?: string;
  /** Passed to LanceDB (object-storage credentials, endpoint, region…). @default {} */
  readonly storageOptions?: Readonly<Record<string, string>>;
  /** Called when a background refresh fails (the next one retries). @default ignored */
  readonly onRefreshError?: (error: Error) => void;
}

/** What the table's schema metadata records. */
interface StoreMeta {
  readonly format: string;
  readonly dim: number;
  readonly voters: number;
  readonly embedder_id: string;
  readonly embedder_version: string;
}

/** @internal */
interface LanceModules {
  readonly lancedb: typeof import('@lancedb/lancedb');
  /** The apache-arrow instance LanceDB itself loads (CommonJS): its classes are the ones it recognises. */
  readonly arrow: typeof Arrow;
}

let modules: Promise<LanceModules> | undefined;

/**
 * `@lancedb/lancedb`, imported on first use; missing → one line saying how to install it.
 * @internal
 */
export function loadLance(): Promise<LanceModules> {
  modules ??= (async () => {
    let lancedb: LanceModules['lancedb'];
    try {
      lancedb = await import('@lancedb/lancedb');
    } catch (error) {
      modules = undefined;
      const e = error as NodeJS.ErrnoException;
      if (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND' || /lancedb/i.test(e.message)) {
        throw new UserInputError(`a LanceDB store needs the optional package @lancedb/lancedb: npm install @lancedb/lancedb@${LANCEDB_VERSION} (${e.message.split('\n')[0]})`, {
          field: 'store',
        });
      }
      throw error;
    }
    const require = createRequire(import.meta.url);
    const arrow = createRequire(require.resolve('@lancedb/lancedb'))('apache-arrow') as typeof Arrow;
    return { lancedb, arrow };
  })();
  return modules;
}

/** A LanceDB failure as one line naming the store. */
function storeError(uri: string, doing: string, error: unknown): UserInputError {
  if (UserInputError.isUserInputError(error)) return error;
  const message = ((error as Error).message ?? String(error)).split('\n')[0];
  return new UserInputError(`LanceDB store: ${doing} failed: ${message}`, { file: uri });
}

/** A row as the table stores it. */
type LanceRecord = {
  readonly id: string;
  readonly input: number[];
  readonly pairwise: number[];
  readonly created_ms: number;
  readonly source: string;
};

/** Retries of an append whose commit failed (e.g. lost to another process's commit). */
const APPEND_RETRIES = 4;

export class LanceStore implements SharedSampleStore {
  readonly kind = 'lance';
  readonly uri: string;
  readonly table: string;
  readonly voters: number;
  readonly refreshMs: number;
  private readonly options: LanceStoreOptions;
  private readonly idPrefix: string;
  private seq = 0;
  private handle: Table | undefined;
  private creating: Promise<Table> | undefined;
  private local: ReferenceStore | undefined;
  private readonly ids = new Set<string>();
  /** Table rows read by refreshes so far (in table order). */
  private scanned = 0;
  private refreshing: Promise<number> | undefined;
  /** This process's appends, one commit at a time: concurrent commits from one process would only conflict with each other. */
  private writes: Promise<unknown> = Promise.resolve();
  /** Appends waiting for the commit in flight; they go in the next commit together (group commit). */
  private waiting: { readonly records: readonly LanceRecord[]; readonly done: (error?: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The input dimension the table records (known once the table exists). */
  private tableDim: number | undefined;

  private constructor(
    options: LanceStoreOptions,
    private readonly db: Connection,
    private readonly arrow: typeof Arrow,
  ) {
    this.options = options;
    this.uri = options.uri;
    this.table = options.table ?? DEFAULT_LANCE_TABLE;
    this.voters = options.voters;
    this.refreshMs = options.refreshMs ?? DEFAULT_REFRESH_MS;
    const source = options.source ?? `${os.hostname()}:${process.pid}`;
    this.idPrefix = `${source}:${Date.now().toString(36)}`;
  }

  /** Opens (or prepares to create, on the first `add`) the table at `uri`, reads its rows and starts refreshing. */
  static async open(options: LanceStoreOptions): Promise<LanceStore> {
    const { lancedb, arrow } = await loadLance();
    let db: Connection;
    try {
      db = await lancedb.connect(options.uri, { storageOptions: { ...options.storageOptions } });
    } catch (error) {
      throw storeError(options.uri, 'connecting', error);
    }
    const store = new LanceStore(options, db, arrow);
    try {
      if ((await db.tableNames()).includes(store.table)) {
        store.handle = await db.openTable(store.table);
        await store.checkMeta(store.handle);
        await store.refresh();
      }
    } catch (error) {
      db.close();
      throw storeError(options.uri, `opening table ${store.table}`, error);
    }
    if (store.refreshMs > 0) {
      store.timer = setInterval(() => {
        store.refresh().catch((error: unknown) => store.options.onRefreshError?.(error as Error));
      }, store.refreshMs);
      store.timer.unref();
    }
    return store;
  }

  get dim(): number | undefined {
    return this.local?.dim ?? this.tableDim;
  }

  get size(): number {
    return this.local?.size ?? 0;
  }

  get approximate(): boolean {
    return this.local?.approximate ?? false;
  }

  nearest(query: Float32Array, k: number): number[] {
    return this.local ? this.local.nearest(query, k) : [];
  }

  distancesOf(i: number): Float64Array {
    if (!this.local) throw new RangeError(`row ${i} of an empty store`);
    return this.local.distancesOf(i);
  }

  /** Table version this process last read (LanceDB versions count commits). */
  async version(): Promise<number> {
    return this.handle ? this.handle.version() : 0;
  }

  /** Rows the table's newest version holds (every process's). */
  async tableRows(): Promise<number> {
    if (!this.handle) return 0;
    await this.handle.checkoutLatest();
    return this.handle.countRows();
  }

  /** Appends samples; resolves once LanceDB has committed them (then they are in this process's copy too). */
  async add(samples: readonly StoreSample[]): Promise<void> {
    if (samples.length === 0) return;
    const dim = samples[0].input.length;
    for (const s of samples) {
      if (s.input.length !== dim || (this.dim !== undefined && s.input.length !== this.dim)) {
        throw new UserInputError(`input embedding has ${s.input.length} values, the store ${this.dim ?? dim}`, { field: 'input' });
      }
    }
    const rows = samples.map((s) => ({ id: `${this.idPrefix}:${this.seq++}`, input: s.input, distances: candidateDistances(s.candidates, this.voters) }));
    await this.append(rows, false);
  }

  /**
   * Appends rows whose distances are computed (migration); with `skipExisting` rows whose id the table
   * holds already are left out (an idempotent rerun). Resolves to the rows inserted.
   */
  async append(rows: readonly { readonly id: string; readonly input: Float32Array; readonly distances: Float64Array }[], skipExisting: boolean): Promise<number> {
    if (rows.length === 0) return 0;
    const table = await this.tableFor(rows[0].input.length);
    const now = Date.now();
    const source = this.options.source ?? `${os.hostname()}:${process.pid}`;
    const records = rows.map((r) => ({ id: r.id, input: Array.from(r.input), pairwise: Array.from(r.distances), created_ms: now, source }));
    const inserted = skipExisting ? await this.commitAlone(table, records) : await this.commitGrouped(table, records);
    this.remember(rows);
    return inserted;
  }

  /**
   * Commits `records` together with every append that arrives while a commit is in flight (one LanceDB
   * version for all of them, instead of one each); resolves when they are committed.
   */
  private commitGrouped(table: Table, records: readonly LanceRecord[]): Promise<number> {
    return new Promise((resolve, reject) => {
      const first = this.waiting.length === 0;
      this.waiting.push({ records, done: (error) => (error === undefined ? resolve(records.length) : reject(error)) });
      if (!first) return;
      // The first waiting append schedules the commit of the whole group behind the one in flight.
      const write = this.writes.then(async () => {
        const group = this.waiting;
        this.waiting = [];
        try {
          await this.commitRecords(
            table,
            group.flatMap((g) => g.records),
            false,
          );
          for (const g of group) g.done();
        } catch (error) {
          for (const g of group) g.done(error);
        }
      });
      this.writes = write.catch(() => undefined);
    });
  }

  /** Commits `records` on their own (migration: merged on `id`); resolves to the rows inserted. */
  private commitAlone(table: Table, records: readonly LanceRecord[]): Promise<number> {
    const write = this.writes.then(() => this.commitRecords(table, records, true));
    this.writes = write.catch(() => undefined);
    return write;
  }

  /** One commit, retried: a commit can lose a race with another process's; a retry merges on `id`, so a row that did land is not added twice. */
  private async commitRecords(table: Table, records: readonly LanceRecord[], skipExisting: boolean): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (skipExisting || attempt > 0)
          return (
            await table
              .mergeInsert('id')
              .whenNotMatchedInsertAll()
              .execute([...records])
          ).numInsertedRows;
        await table.add([...records]);
        return records.length;
      } catch (error) {
        if (attempt >= APPEND_RETRIES) throw storeError(this.uri, `adding ${records.length} rows to ${this.table}`, error);
        await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
        // Retry from the newest version: the handle still reads the one its failed commit conflicted with.
        await table.checkoutLatest().catch(() => undefined);
      }
    }
  }

  /** Reads the rows committed since the last refresh (by any process); resolves to how many were new here. */
  refresh(): Promise<number> {
    this.refreshing ??= this.readNew().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async readNew(): Promise<number> {
    if (this.closed) return 0;
    if (!this.handle) {
      // Another process may have created the table since.
      if (!(await this.db.tableNames()).includes(this.table)) return 0;
      const table = await this.db.openTable(this.table);
      await this.checkMeta(table);
      this.handle ??= table;
    }
    const table = this.handle;
    await table.checkoutLatest();
    const total = await table.countRows();
    if (total <= this.scanned) return 0;
    const batch = await table
      .query()
      .select(['id', 'input', 'pairwise'])
      .offset(this.scanned)
      .limit(total - this.scanned)
      .toArrow();
    const ids = batch.getChild('id')!;
    const inputs = batch.getChild('input')!;
    const pairwise = batch.getChild('pairwise')!;
    const rows: { id: string; input: Float32Array; distances: Float64Array }[] = [];
    for (let r = 0; r < batch.numRows; r++) {
      rows.push({ id: ids.get(r) as string, input: Float32Array.from(inputs.get(r) as Iterable<number>), distances: Float64Array.from(pairwise.get(r) as Iterable<number>) });
    }
    this.scanned += batch.numRows;
    return this.remember(rows);
  }

  /** Puts rows not seen yet into the local copy; returns how many were new. */
  private remember(rows: readonly { readonly id: string; readonly input: Float32Array; readonly distances: Float64Array }[]): number {
    const fresh = rows.filter((r) => !this.ids.has(r.id));
    if (fresh.length === 0) return 0;
    for (const r of fresh) this.ids.add(r.id);
    this.local ??= new ReferenceStore({ dim: fresh[0].input.length, voters: this.voters, exactBelow: this.options.exactBelow, seed: this.options.seed });
    this.local.addDistances(fresh);
    return fresh.length;
  }

  /** The table, created (with its metadata) by the first `add` when no process has created it yet. */
  private async tableFor(dim: number): Promise<Table> {
    if (this.handle) return this.handle;
    this.creating ??= (async () => {
      const a = this.arrow;
      const meta: StoreMeta = { format: LANCE_STORE_FORMAT, dim, voters: this.voters, embedder_id: this.options.embedder.id, embedder_version: this.options.embedder.version };
      const list = (n: number, type: Arrow.DataType) => new a.FixedSizeList(n, new a.Field('item', type, true));
      const schema = new a.Schema(
        [
          new a.Field('id', new a.Utf8(), false),
          new a.Field('input', list(dim, new a.Float32()), false),
          new a.Field('pairwise', list(this.voters * this.voters, new a.Float64()), false),
          new a.Field('created_ms', new a.Float64(), false),
          new a.Field('source', new a.Utf8(), false),
        ],
        new Map([[META_KEY, JSON.stringify(meta)]]),
      );
      try {
        // Never an overwrite: a table another process made meanwhile is opened (existOk can commit an
        // Overwrite over a table created a moment earlier, dropping its rows), and its metadata checked.
        let table: Table;
        if ((await this.db.tableNames()).includes(this.table)) table = await this.db.openTable(this.table);
        else {
          try {
            table = await this.db.createEmptyTable(this.table, schema, { mode: 'create' });
          } catch (error) {
            if (!(await this.db.tableNames()).includes(this.table)) throw error;
            table = await this.db.openTable(this.table);
          }
        }
        await this.checkMeta(table, dim);
        return table;
      } catch (error) {
        this.creating = undefined;
        throw storeError(this.uri, `creating table ${this.table}`, error);
      }
    })();
    this.handle = await this.creating;
    return this.handle;
  }

  /** The table's recorded format, shapes and embedder against this store's. */
  private async checkMeta(table: Table, dim?: number): Promise<void> {
    const where = `${this.uri} table ${this.table}`;
    const text = (await table.schema()).metadata.get(META_KEY);
    let meta: Partial<StoreMeta>;
    try {
      meta = JSON.parse(text ?? 'null') ?? {};
    } catch {
      meta = {};
    }
    if (meta.format !== LANCE_STORE_FORMAT) {
      throw new UserInputError(`${where}: store format ${meta.format ?? '(none: not a smoothie store)'}, this version reads ${LANCE_STORE_FORMAT}`, { field: 'store' });
    }
    if (meta.voters !== this.voters) throw new UserInputError(`${where} holds distances of ${meta.voters} voters, the router has ${this.voters}`, { field: 'store' });
    if (dim !== undefined && meta.dim !== dim) throw new UserInputError(`${where} holds ${meta.dim}-d inputs, the embedder gives ${dim}`, { field: 'store' });
    const { id, version } = this.options.embedder;
    if (meta.embedder_id !== id || meta.embedder_version !== version) {
      throw new UserInputError(`${where} was embedded with ${meta.embedder_id} ${meta.embedder_version}, this router has ${id} ${version}`, { field: 'embedder' });
    }
    this.tableDim = meta.dim;
  }

  /**
   * Merges the table's small fragments (each `add` is one) and deletes versions older than
   * `keepVersionsMs`: run it now and then from one process (rows keep their order, so the other
   * processes' refreshes are unaffected). Resolves to the fragments removed and added.
   */
  async compact(keepVersionsMs = 10 * 60_000): Promise<{ readonly fragmentsRemoved: number; readonly fragmentsAdded: number }> {
    if (!this.handle) return { fragmentsRemoved: 0, fragmentsAdded: 0 };
    try {
      await this.handle.checkoutLatest();
      const stats = await this.handle.optimize({ cleanupOlderThan: new Date(Date.now() - keepVersionsMs) });
      return { fragmentsRemoved: stats.compaction.fragmentsRemoved, fragmentsAdded: stats.compaction.fragmentsAdded };
    } catch (error) {
      throw storeError(this.uri, `compacting ${this.table}`, error);
    }
  }

  /** Stops refreshing and releases the table (a refresh in flight is awaited). */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    await this.refreshing?.catch(() => 0);
    this.closed = true;
    this.handle?.close();
    this.db.close();
  }
}
