/**
 * Source tables for `smoothie make-dataset`: a local file read as one plain object per row, by
 * extension — JSON Lines, a JSON array, CSV (header row), Parquet or Arrow IPC.
 */
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parquetReadObjects } from 'hyparquet';
import { UserInputError } from '../errors/index.js';
import { readArrowRecords } from './arrow.js';
import { readInputFile } from './atomic.js';
import { parseJsonLenient, readJsonl } from './json.js';

export type SourceRecord = Record<string, unknown>;

export const RECORD_FILE_EXTENSIONS = ['.jsonl', '.json', '.csv', '.parquet', '.arrow', '.feather', '.ipc'] as const;

function asRecord(value: unknown, file: string, row: number, rowLabel: 'line' | 'row'): SourceRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserInputError('expected an object per row', { file, row, rowLabel });
  }
  return value as SourceRecord;
}

/** Parquet integers may come back as bigint; rows are plain JSON-like values everywhere else. */
function withNumbers(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(withNumbers);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withNumbers(v)]));
  }
  return value;
}

/** Every row of a local table file; an unknown extension or an unreadable file is a one-line error. */
export async function readRecords(file: string): Promise<SourceRecord[]> {
  const ext = path.extname(file).toLowerCase();
  switch (ext) {
    case '.jsonl':
      return (await readJsonl(file)).map(({ line, value }) => asRecord(value, file, line, 'line'));
    case '.json': {
      const value = parseJsonLenient((await readInputFile(file)).toString('utf8'), file);
      if (!Array.isArray(value)) throw new UserInputError('expected a JSON array of row objects', { file });
      return value.map((v, i) => asRecord(v, file, i, 'row'));
    }
    case '.csv': {
      try {
        return parseCsv((await readInputFile(file)).toString('utf8'), { columns: true, skip_empty_lines: true, bom: true }) as SourceRecord[];
      } catch (error) {
        if (UserInputError.isUserInputError(error)) throw error;
        const e = error as { lines?: number; message: string };
        throw new UserInputError(`invalid CSV: ${e.message.split('\n')[0]}`, { file, row: e.lines });
      }
    }
    case '.parquet': {
      const bytes = await readInputFile(file);
      try {
        const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
        return rows.map((r) => withNumbers(r) as SourceRecord);
      } catch (error) {
        throw new UserInputError(`not a readable Parquet file (${(error as Error).message.split('\n')[0]})`, { file });
      }
    }
    case '.arrow':
    case '.feather':
    case '.ipc':
      return readArrowRecords(file);
    default:
      throw new UserInputError(`unknown table format '${ext || '(none)'}'; use one of ${RECORD_FILE_EXTENSIONS.join(', ')}`, { file });
  }
}
