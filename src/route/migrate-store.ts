/**
 * `migrateStore(routerFile, { uri })`: copies a saved `select` router's in-memory store (its
 * `<prefix>.inputs.arrow` and `<prefix>.pairwise.arrow`; the `.hnsw` graph is not copied, each process
 * rebuilds its own) into a LanceDB table. Rows get ids `migrated:<prefix>:<row>` and are merged on that
 * id, so a rerun inserts nothing twice. With `out`, a router file pointing to the table is written.
 */
import path from 'node:path';
import { readArrowMatrix } from '../data/arrow.js';
import { readJsonFile } from '../data/json.js';
import { parseWith } from '../data/validate.js';
import { UserInputError } from '../errors/index.js';
import { LANCE_STORE_FORMAT, RouterFileSchema } from './config.js';
import { DEFAULT_LANCE_TABLE, LanceStore } from './lance-store.js';
import { storeFiles } from './reference-store.js';
import { writeRouterFile } from './request.js';
import { hasUriScheme } from './store.js';

export interface MigrateStoreOptions {
  /** The LanceDB database: a folder or an object-storage URI. */
  readonly uri: string;
  /** @default 'reference_store' */
  readonly table?: string;
  /** Write a router file here that uses the table (same config and embedder). @default none */
  readonly out?: string;
  /** Passed to LanceDB. @default {} */
  readonly storageOptions?: Readonly<Record<string, string>>;
}

export interface MigrateStoreResult {
  readonly uri: string;
  readonly table: string;
  /** Rows in the router's files. */
  readonly rows: number;
  /** Rows this run inserted (0 on a rerun). */
  readonly inserted: number;
  /** Rows the table holds now. */
  readonly tableRows: number;
  readonly out?: string;
}

/** A URI without a scheme is a local folder: made absolute so the router file written by `out` finds it from anywhere. */
const absoluteUri = (uri: string): string => (hasUriScheme(uri) ? uri : path.resolve(uri));

export async function migrateStore(routerFile: string, options: MigrateStoreOptions): Promise<MigrateStoreResult> {
  const saved = parseWith(RouterFileSchema, await readJsonFile(routerFile), { file: routerFile });
  if (saved.config.strategy !== 'select') throw new UserInputError(`a ${saved.config.strategy} router has no reference store to migrate`, { file: routerFile, field: 'config.strategy' });
  if (!saved.store || !('prefix' in saved.store) || !saved.embedder) {
    throw new UserInputError('the router file names no in-memory store (store.prefix and embedder) to migrate', { file: routerFile, field: 'store' });
  }
  const { dim } = saved.embedder;
  const m = saved.config.voters.length;
  const files = storeFiles(path.join(path.dirname(routerFile), saved.store.prefix));
  const { array: inputs } = await readArrowMatrix(files.inputs);
  const { array: pairwise } = await readArrowMatrix(files.pairwise);
  const n = inputs.shape[0];
  if (inputs.shape.length !== 2 || inputs.shape[1] !== dim || !(inputs.data instanceof Float32Array)) {
    throw new UserInputError(`expected float32 inputs of shape [n, ${dim}], got ${JSON.stringify(inputs.shape)}`, { file: files.inputs });
  }
  if (pairwise.shape.join() !== [n, m, m].join() || !(pairwise.data instanceof Float64Array)) {
    throw new UserInputError(`expected float64 distances of shape [${n}, ${m}, ${m}], got ${JSON.stringify(pairwise.shape)}`, { file: files.pairwise });
  }
  if (n !== saved.store.size) throw new UserInputError(`the store files hold ${n} rows, the router file says ${saved.store.size}`, { file: routerFile, field: 'store.size' });
  const uri = absoluteUri(options.uri);
  const table = options.table ?? DEFAULT_LANCE_TABLE;
  const store = await LanceStore.open({ uri, table, voters: m, embedder: saved.embedder, refreshMs: 0, storageOptions: options.storageOptions, exactBelow: saved.config.exact_below });
  let inserted = 0;
  let tableRows = 0;
  try {
    const mm = m * m;
    const x = inputs.data;
    const p = pairwise.data;
    // Batches keep memory bounded; each is one LanceDB commit.
    const BATCH = 8192;
    for (let start = 0; start < n; start += BATCH) {
      const rows = [];
      for (let i = start; i < Math.min(n, start + BATCH); i++) {
        rows.push({ id: `migrated:${saved.store.prefix}:${i}`, input: x.subarray(i * dim, (i + 1) * dim), distances: p.subarray(i * mm, (i + 1) * mm) });
      }
      inserted += await store.append(rows, true);
    }
    tableRows = await store.tableRows();
  } finally {
    await store.close();
  }
  if (options.out) {
    await writeRouterFile(options.out, { config: saved.config, embedder: saved.embedder, store: { kind: 'lance', uri, table, format: LANCE_STORE_FORMAT } });
  }
  return { uri, table, rows: n, inserted, tableRows, out: options.out };
}
