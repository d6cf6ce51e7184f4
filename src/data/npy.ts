/**
 * NumPy `.npy` files. Reads format versions 1.0–3.0, C order, dtypes f4/f8/i4/i8 in either byte
 * order (big-endian data is converted) and u1/b1. Writes version 1.0 byte for byte as `np.save`
 * does, so files we write and files NumPy writes are interchangeable.
 */
import { ndarray, type FloatArray, type NdArray } from '../compute/ndarray.js';
import { UserInputError } from '../errors/index.js';
import { readInputFile, writeFileAtomic } from './atomic.js';

/** Dtypes as NumPy spells them; data in memory is always little-endian (every platform Node runs on). */
export type NpyDtype = '<f4' | '<f8' | '<i4' | '<i8' | '|u1' | '|b1';
export type NpyData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

export interface NpyArray {
  /** Row-major values; a `|b1` array holds 0/1 bytes. */
  readonly data: NpyData;
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** np.save pads the header so the data starts at a multiple of this (lets NumPy memory-map it). */
const ALIGN = 64;
/** np.save leaves room for the first axis to grow to this many digits (GROWTH_AXIS_MAX_DIGITS). */
const GROWTH_DIGITS = 21;

interface Kind {
  readonly dtype: NpyDtype;
  readonly bytes: number;
  readonly view: (buffer: ArrayBufferLike, byteOffset: number, length: number) => NpyData;
}

/** Keyed by NumPy's kind + item size (the descr without its byte-order character). */
const KINDS: Readonly<Record<string, Kind>> = {
  f4: { dtype: '<f4', bytes: 4, view: (b, o, n) => new Float32Array(b, o, n) },
  f8: { dtype: '<f8', bytes: 8, view: (b, o, n) => new Float64Array(b, o, n) },
  i4: { dtype: '<i4', bytes: 4, view: (b, o, n) => new Int32Array(b, o, n) },
  i8: { dtype: '<i8', bytes: 8, view: (b, o, n) => new BigInt64Array(b, o, n) },
  u1: { dtype: '|u1', bytes: 1, view: (b, o, n) => new Uint8Array(b, o, n) },
  b1: { dtype: '|b1', bytes: 1, view: (b, o, n) => new Uint8Array(b, o, n) },
};

function fail(file: string | undefined, message: string): never {
  throw new UserInputError(message, { file });
}

const shapeText = (shape: readonly number[]): string => `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;

/** Parses the header, a Python dict literal: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), } */
function parseHeader(header: string, file?: string): { descr: string; fortran: boolean; shape: number[] } {
  if (/['"]descr['"]\s*:\s*\[/.test(header)) fail(file, 'structured (record) dtypes are not supported');
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const dims = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || dims === undefined) fail(file, `not a valid .npy header: ${header.trim()}`);
  const shape = dims
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => Number(s.replace(/L$/, ''))); // Python 2 wrote long integers as 3L
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) fail(file, `invalid shape (${dims}) in the .npy header`);
  return { descr, fortran: fortran === 'True', shape };
}

/**
 * Decodes `.npy` bytes. When the data is little-endian and suitably aligned in `bytes` the result
 * is a view that shares memory with `bytes` (no copy of large embedding files); otherwise a copy.
 */
export function parseNpy(bytes: Uint8Array, file?: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail(file, 'not a .npy file (bad magic bytes)');
  const major = bytes[6];
  if (major < 1 || major > 3) fail(file, `unsupported .npy format version ${major}.${bytes[7]}`);
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart) fail(file, `truncated: ${bytes.length} bytes is shorter than the .npy preamble`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) fail(file, `truncated: the header needs ${dataStart} bytes, the file has ${bytes.length}`);
  // Version 3.0 differs from 2.0 only in allowing UTF-8 in the header.
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const { descr, fortran, shape } = parseHeader(header, file);
  if (fortran) fail(file, 'Fortran order (fortran_order: True) is not supported; save a C-order array: np.save(f, np.ascontiguousarray(a))');
  const order = descr[0];
  const kind = KINDS[descr.slice(1)];
  if (kind === undefined || !'<>|='.includes(order)) fail(file, `unsupported dtype '${descr}' (supported: f4, f8, i4, i8, u1, b1)`);
  const n = shape.reduce((a, b) => a * b, 1);
  const expected = n * kind.bytes;
  const actual = bytes.length - dataStart;
  if (actual < expected) {
    fail(file, `truncated: shape ${shapeText(shape)} of '${descr}' needs ${expected} data bytes, the file has ${actual}`);
  }
  const offset = bytes.byteOffset + dataStart;
  const swap = order === '>' && kind.bytes > 1;
  if (!swap && offset % kind.bytes === 0) return { data: kind.view(bytes.buffer, offset, n), dtype: kind.dtype, shape };
  // Typed arrays need element-aligned offsets (np.save aligns to 64, other writers may not).
  // A copy via the constructor: Buffer#slice would return a view, not a copy.
  const copy = new Uint8Array(bytes.subarray(dataStart, dataStart + expected));
  if (swap) for (let i = 0; i < expected; i += kind.bytes) copy.subarray(i, i + kind.bytes).reverse();
  return { data: kind.view(copy.buffer, 0, n), dtype: kind.dtype, shape };
}

/**
 * Reads an `.npy` file (NumPy's format: float32/64, int, bool) into a typed array with its shape.
 *
 * @example
 * ```ts
 * const G = await readNpy('G.npy'); // n × m × d generation embeddings
 * const fitted = await new Smoothie({ type: 'sample_independent' }).fit({ generations: G });
 * ```
 */
export async function readNpy(file: string): Promise<NpyArray> {
  return parseNpy(await readInputFile(file), file);
}

/** A float32/float64 array as an NdArray; other dtypes are a one-line error naming the file. */
export function toFloatNdArray(npy: NpyArray, file: string): NdArray {
  if (!(npy.data instanceof Float32Array || npy.data instanceof Float64Array)) {
    throw new UserInputError(`expected a float32 or float64 array, got dtype '${npy.dtype}'`, { file });
  }
  return ndarray<FloatArray>(npy.data, npy.shape);
}

/** The first-axis row of flat index `i`, for error messages. */
function rowOf(npy: NpyArray, i: number): number {
  const perRow = npy.shape.slice(1).reduce((a, b) => a * b, 1);
  return perRow === 0 ? 0 : Math.floor(i / perRow);
}

/** Values as plain numbers; int64 values beyond ±(2^53 − 1), which a number cannot hold exactly, are an error. */
export function toNumberArray(npy: NpyArray, file: string): number[] {
  if (!(npy.data instanceof BigInt64Array)) return Array.from(npy.data);
  const out = new Array<number>(npy.data.length);
  for (let i = 0; i < npy.data.length; i++) {
    const v = Number(npy.data[i]);
    if (!Number.isSafeInteger(v)) {
      throw new UserInputError(`int64 value ${npy.data[i]} is too large to use exactly`, { file, row: rowOf(npy, i), rowLabel: 'row' });
    }
    out[i] = v;
  }
  return out;
}

/** Integer data (indices, labels) as an Int32Array; float dtypes and values outside int32 are an error. */
export function toInt32Array(npy: NpyArray, file: string): Int32Array {
  const { data } = npy;
  if (data instanceof Int32Array) return data;
  if (data instanceof Uint8Array) return Int32Array.from(data);
  if (!(data instanceof BigInt64Array)) throw new UserInputError(`expected an integer array, got dtype '${npy.dtype}'`, { file });
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < -0x80000000n || v > 0x7fffffffn) {
      throw new UserInputError(`int64 value ${v} is outside the int32 range`, { file, row: rowOf(npy, i), rowLabel: 'row' });
    }
    out[i] = Number(v);
  }
  return out;
}

function dtypeOf(data: NpyData): NpyDtype {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof BigInt64Array) return '<i8';
  return '|u1';
}

/** `data` as `dtype`'s typed array; integer targets need integral, in-range values (a programming error otherwise). */
function convert(data: NpyData, dtype: NpyDtype): NpyData {
  if (dtypeOf(data) === dtype) return data;
  const values: ArrayLike<number> = data instanceof BigInt64Array ? Array.from(data, Number) : data;
  if (dtype === '<f4') return Float32Array.from(values);
  if (dtype === '<f8') return Float64Array.from(values);
  if (dtype === '|b1') return Uint8Array.from(values, (v) => (v ? 1 : 0));
  if (dtype === '<i8') return BigInt64Array.from(values, (v) => BigInt(v)); // BigInt() throws on non-integers
  const out = dtype === '<i4' ? Int32Array.from(values) : Uint8Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (out[i] !== values[i]) throw new Error(`writeNpy: cannot store ${values[i]} as ${dtype}`);
  }
  return out;
}

/** The header np.save writes (version 1.0; 2.0 only if it outgrows 1.0's 16-bit length field). */
function encodeHeader(dtype: NpyDtype, shape: readonly number[]): Uint8Array {
  const growth = shape.length > 0 ? ' '.repeat(Math.max(0, GROWTH_DIGITS - String(shape[0]).length)) : '';
  const dict = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText(shape)}, }${growth}`;
  const hlen = dict.length + 1; // + the closing newline
  let major = 1;
  let prefix = 10;
  // Like NumPy, pad with a whole block when already aligned (padlen is never 0).
  let padded = hlen + ALIGN - ((prefix + hlen) % ALIGN);
  if (padded > 0xffff) {
    major = 2;
    prefix = 12;
    padded = hlen + ALIGN - ((prefix + hlen) % ALIGN);
  }
  const out = new Uint8Array(prefix + padded);
  out.set(MAGIC, 0);
  out[6] = major;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, padded, true);
  else view.setUint32(8, padded, true);
  out.set(Buffer.from(`${dict.padEnd(padded - 1, ' ')}\n`, 'latin1'), prefix);
  return out;
}

/** Header and data of an `.npy` file, separately so large arrays need not be copied to be written. */
function npyParts(array: { readonly data: NpyData; readonly shape: readonly number[] }, dtype?: NpyDtype): [Uint8Array, Uint8Array] {
  const size = array.shape.reduce((a, b) => a * b, 1);
  if (size !== array.data.length) throw new Error(`writeNpy: shape ${shapeText(array.shape)} needs ${size} values, got ${array.data.length}`);
  const target = dtype ?? dtypeOf(array.data);
  const data = convert(array.data, target);
  return [encodeHeader(target, array.shape), new Uint8Array(data.buffer, data.byteOffset, data.byteLength)];
}

/**
 * The bytes `np.save` writes for a C-order array; `dtype` defaults to the data's own type and
 * otherwise converts (e.g. float32 weights stored as '<f8').
 */
export function encodeNpy(array: { readonly data: NpyData; readonly shape: readonly number[] }, dtype?: NpyDtype): Uint8Array {
  const [header, data] = npyParts(array, dtype);
  const out = new Uint8Array(header.length + data.length);
  out.set(header, 0);
  out.set(data, header.length);
  return out;
}

/**
 * Writes an `.npy` file (version 1.0, as np.save; see {@link encodeNpy}) atomically.
 *
 * @example
 * ```ts
 * await writeNpy('weights.npy', fitted.weights); // np.load('weights.npy') reads it
 * ```
 */
export async function writeNpy(file: string, array: { readonly data: NpyData; readonly shape: readonly number[] }, dtype?: NpyDtype): Promise<void> {
  await writeFileAtomic(file, npyParts(array, dtype));
}
