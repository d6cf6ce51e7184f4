/**
 * `hf:<dataset id>` sources: the Hugging Face dataset viewer lists a split's Parquet files, which are
 * downloaded once into the cache (atomically, then a completion marker) and read like local files.
 * Without a network this fails at once with one line saying how to use a local file instead.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UserInputError, type UserInputErrorDetails } from '../errors/index.js';
import { writeFileAtomic } from './atomic.js';
import { readJsonFile, writeJsonFile } from './json.js';
import { readRecords, type SourceRecord } from './records.js';

export const DEFAULT_HF_DATASETS_SERVER = 'https://datasets-server.huggingface.co';
/** Environment variables: another dataset-viewer endpoint (a mirror), and a token for gated datasets. */
export const HF_SERVER_ENV = 'SMOOTHIE_HF_DATASETS_SERVER';
export const HF_TOKEN_ENV = 'HF_TOKEN';

const ParquetListSchema = z.object({ parquet_files: z.array(z.object({ url: z.string().url(), filename: z.string().optional() })) });
const CompleteMarkerSchema = z.object({ files: z.array(z.string()) });

export interface HfSplitRequest {
  /** Dataset id, e.g. `cnn_dailymail` or `hazyresearch/based-squad`. */
  readonly id: string;
  readonly config: string;
  readonly split: string;
}

export interface HfSourceOptions {
  /** Downloads go under `<cacheDir>/hf/`. */
  readonly cacheDir: string;
  /** @default $SMOOTHIE_HF_DATASETS_SERVER or https://datasets-server.huggingface.co */
  readonly endpoint?: string;
  /** @default $HF_TOKEN */
  readonly token?: string;
  /** Where errors point (the config file and field that named the source). */
  readonly where?: UserInputErrorDetails;
}

const safeName = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '__');

async function fetchOrFail(url: string, headers: Record<string, string>, what: string, options: HfSourceOptions, timeoutMs: number): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new UserInputError(`cannot fetch ${what} (${reason}); without network access, save the split as a local parquet, jsonl or csv file and name it in 'from'`, options.where);
  }
  if (!response.ok) {
    const hint = response.status === 401 || response.status === 403 ? ` (gated or private: set ${HF_TOKEN_ENV})` : response.status === 404 ? ' (check the dataset id, config and split)' : '';
    throw new UserInputError(`cannot fetch ${what}: HTTP ${response.status}${hint}`, options.where);
  }
  return response;
}

/** The rows of one split of a Hugging Face dataset, downloading its Parquet files on first use. */
export async function readHfSplit(request: HfSplitRequest, options: HfSourceOptions): Promise<SourceRecord[]> {
  const dir = path.join(options.cacheDir, 'hf', safeName(request.id), safeName(request.config), safeName(request.split));
  const marker = path.join(dir, 'complete.json');
  let files: string[];
  if (existsSync(marker)) {
    files = CompleteMarkerSchema.parse(await readJsonFile(marker)).files.map((f) => path.join(dir, f));
  } else {
    const endpoint = (options.endpoint ?? process.env[HF_SERVER_ENV] ?? DEFAULT_HF_DATASETS_SERVER).replace(/\/+$/, '');
    const token = options.token ?? process.env[HF_TOKEN_ENV];
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const what = `hf:${request.id} (config '${request.config}', split '${request.split}') from ${endpoint}`;
    const query = new URLSearchParams({ dataset: request.id, config: request.config, split: request.split });
    const listing = await fetchOrFail(`${endpoint}/parquet?${query}`, headers, what, options, 30_000);
    const parsed = ParquetListSchema.safeParse(await listing.json().catch(() => undefined));
    if (!parsed.success || parsed.data.parquet_files.length === 0) {
      throw new UserInputError(`cannot fetch ${what}: the server listed no parquet files for it`, options.where);
    }
    await mkdir(dir, { recursive: true });
    const names: string[] = [];
    for (const [i, entry] of parsed.data.parquet_files.entries()) {
      const name = `${String(i).padStart(4, '0')}.parquet`;
      const body = await fetchOrFail(entry.url, headers, `${what}, file ${i + 1}`, options, 600_000);
      await writeFileAtomic(path.join(dir, name), new Uint8Array(await body.arrayBuffer()));
      names.push(name);
    }
    await writeJsonFile(marker, { files: names, source: { ...request, endpoint } });
    files = names.map((f) => path.join(dir, f));
  }
  const rows: SourceRecord[] = [];
  for (const file of files) rows.push(...(await readRecords(file)));
  return rows;
}
