/**
 * Arrow IPC files (the `.arrow` file format, readable by pyarrow, polars, DuckDB).
 *
 * Matrices (embeddings, weights): an (n, …rest) float array is a table with one column `values`
 * of FixedSizeList<Float32|Float64>[prod(rest)], one row per sample; the schema metadata holds
 * the full shape as JSON under `shape`, next to the caller's entries (embedder id, version, …).
 *
 * Tables (selected indices, voter names, …): named columns of numbers or strings, one value per row.
 */
import { DataType, Field, FixedSizeList, Float32, Float64, Int32, makeBuilder, makeData, Precision, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC, Utf8, type Data } from 'apache-arrow';
import type { FloatArray, NdArray } from '../compute/ndarray.js';
import { UserInputError } from '../errors/index.js';
import { readInputFile, writeFileAtomic } from './atomic.js';

/** Schema metadata key of a matrix's shape (JSON array). */
const SHAPE_KEY = 'shape';
const VALUES = 'values';

/** One record batch holding `columns` (all of the same length), written as an IPC file. */
async function writeTable(file: string, fields: Field[], columns: Data[], length: number, metadata: Map<string, string>): Promise<void> {
  const schema = new Schema(fields, metadata);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length, nullCount: 0, children: columns }));
  await writeFileAtomic(file, tableToIPC(new Table(schema, [batch]), 'file'));
}

async function readTable(file: string): Promise<Table> {
  const bytes = await readInputFile(file);
  try {
    return tableFromIPC(bytes);
  } catch (error) {
    throw new UserInputError(`not an Arrow IPC file (${(error as Error).message.split('\n')[0]})`, { file });
  }
}

/** Writes a float array of rank ≥ 1 as a one-column matrix table, atomically. */
export async function writeArrowMatrix(file: string, array: NdArray, metadata: Readonly<Record<string, string>> = {}): Promise<void> {
  if (array.shape.length === 0) throw new Error('writeArrowMatrix: a 0-d array has no rows');
  if (SHAPE_KEY in metadata) throw new Error(`writeArrowMatrix: metadata key '${SHAPE_KEY}' is reserved for the array's shape`);
  const n = array.shape[0];
  const width = array.shape.slice(1).reduce((a, b) => a * b, 1);
  if (n * width !== array.data.length) throw new Error(`writeArrowMatrix: shape [${array.shape.join(', ')}] does not match ${array.data.length} values`);
  const valueType = array.data instanceof Float32Array ? new Float32() : new Float64();
  const listType = new FixedSizeList(width, new Field('item', valueType, false));
  // makeData's overloads are per type; the union of the two float cases is fine at run time.
  const child = makeData({ type: valueType as Float64, length: n * width, nullCount: 0, data: array.data as Float64Array });
  const values = makeData({ type: listType, length: n, nullCount: 0, child });
  const meta = new Map([...Object.entries(metadata), [SHAPE_KEY, JSON.stringify(array.shape)]]);
  await writeTable(file, [new Field(VALUES, listType, false)], [values], n, meta);
}

/** Reads what {@link writeArrowMatrix} writes: the array (dtype and shape restored) and the caller's metadata. */
export async function readArrowMatrix(file: string): Promise<{ array: NdArray; metadata: Record<string, string> }> {
  const table = await readTable(file);
  const { [SHAPE_KEY]: shapeText, ...metadata } = Object.fromEntries(table.schema.metadata);
  const column = table.getChild(VALUES);
  const type = column?.type as DataType | undefined;
  const item = type instanceof FixedSizeList ? (type.children[0].type as DataType) : undefined;
  if (column === null || !(type instanceof FixedSizeList) || !DataType.isFloat(item) || item.precision === Precision.HALF || shapeText === undefined) {
    throw new UserInputError(`not an embedding/weights matrix (expected a FixedSizeList<float32|float64> column '${VALUES}' and '${SHAPE_KEY}' schema metadata)`, { file });
  }
  const shape = parseShape(shapeText);
  const width = shape?.slice(1).reduce((a, b) => a * b, 1);
  if (shape === undefined || shape.length === 0 || shape[0] !== table.numRows || width !== type.listSize) {
    throw new UserInputError(`shape metadata ${shapeText} does not match ${table.numRows} rows of ${type.listSize} values`, { file });
  }
  if (column.nullCount > 0) throw new UserInputError(`column '${VALUES}' has ${column.nullCount} null rows`, { file });
  const chunks = column.data.map((chunk) => {
    // A chunk's child is already sliced to the chunk's rows, so its values start at index 0.
    const values = chunk.children[0].values as FloatArray;
    return values.subarray(0, chunk.length * type.listSize);
  });
  // One chunk (what we write): a view into the file's bytes, no copy.
  if (chunks.length === 1) return { array: { data: chunks[0], shape }, metadata };
  const data: FloatArray = item.precision === Precision.SINGLE ? new Float32Array(shape[0] * type.listSize) : new Float64Array(shape[0] * type.listSize);
  let offset = 0;
  for (const values of chunks) {
    data.set(values, offset);
    offset += values.length;
  }
  return { array: { data, shape }, metadata };
}

function parseShape(text: string): number[] | undefined {
  try {
    const shape: unknown = JSON.parse(text);
    return Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && d >= 0) ? (shape as number[]) : undefined;
  } catch {
    return undefined;
  }
}

/** A table column: `number[]` is stored as float64; use an Int32Array for integer columns. */
export type ArrowColumn = number[] | string[] | Float64Array | Int32Array;

function columnData(name: string, values: ArrowColumn): Data {
  if (values.length > 0 && typeof values[0] === 'string') {
    const builder = makeBuilder({ type: new Utf8(), nullValues: [] });
    for (const v of values) {
      if (typeof v !== 'string') throw new Error(`writeArrowTable: column '${name}' mixes strings and numbers`);
      builder.append(v);
    }
    return builder.finish().flush();
  }
  if (values.some((v) => typeof v !== 'number')) throw new Error(`writeArrowTable: column '${name}' mixes strings and numbers`);
  const data = values instanceof Int32Array ? values : Float64Array.from(values as ArrayLike<number>);
  const type = data instanceof Int32Array ? new Int32() : new Float64();
  // makeData's overloads are per type; the union of the two cases is fine at run time.
  return makeData({ type: type as Float64, length: data.length, nullCount: 0, data: data as Float64Array });
}

/** Writes named columns of equal length as an Arrow IPC table, atomically. */
export async function writeArrowTable(file: string, columns: Readonly<Record<string, ArrowColumn>>): Promise<void> {
  const entries = Object.entries(columns);
  const length = entries[0]?.[1].length ?? 0;
  const uneven = entries.find(([, values]) => values.length !== length);
  if (uneven) throw new Error(`writeArrowTable: column '${uneven[0]}' has ${uneven[1].length} values, the first has ${length}`);
  const data = entries.map(([name, values]) => columnData(name, values));
  const fields = entries.map(([name], i) => new Field(name, data[i].type, false));
  await writeTable(file, fields, data, length, new Map());
}

/**
 * Reads an Arrow IPC table's columns as plain arrays: numeric columns as numbers (64-bit integers
 * must fit a number exactly), string columns as strings. Nulls and other types are an error.
 */
export async function readArrowTable(file: string): Promise<Record<string, number[] | string[]>> {
  const table = await readTable(file);
  const out: Record<string, number[] | string[]> = {};
  for (const field of table.schema.fields) {
    const column = table.getChild(field.name)!;
    if (column.nullCount > 0) throw new UserInputError(`column has ${column.nullCount} null values`, { file, field: field.name });
    const type = field.type as DataType;
    if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) {
      out[field.name] = Array.from(column, (v) => v as string);
    } else if (DataType.isInt(type) || DataType.isFloat(type)) {
      out[field.name] = Array.from(column, (v, i) => {
        const x = Number(v);
        if (typeof v === 'bigint' && !Number.isSafeInteger(x)) {
          throw new UserInputError(`value ${v} is too large to use exactly`, { file, row: i, rowLabel: 'row', field: field.name });
        }
        return x;
      });
    } else {
      throw new UserInputError(`unsupported column type ${String(type)} (expected numbers or strings)`, { file, field: field.name });
    }
  }
  return out;
}

/** Reads an Arrow IPC table as one plain object per row (nested lists and structs as arrays and objects). */
export async function readArrowRecords(file: string): Promise<Record<string, unknown>[]> {
  const table = await readTable(file);
  return table.toArray().map((row: { toJSON(): Record<string, unknown> }) => plainValue(row.toJSON()) as Record<string, unknown>);
}

/** Arrow row values as JSON-like data: vectors → arrays, struct rows → objects, 64-bit integers → numbers. */
function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number | bigint>, (x) => plainValue(x));
  const json = (value as { toJSON?: () => unknown }).toJSON;
  const plain = typeof json === 'function' && !Array.isArray(value) ? json.call(value) : value;
  if (Array.isArray(plain)) return plain.map(plainValue);
  if (plain !== value) return plainValue(plain);
  return Object.fromEntries(Object.entries(plain as Record<string, unknown>).map(([k, v]) => [k, plainValue(v)]));
}
