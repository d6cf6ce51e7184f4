import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy, readNpy, toFloatNdArray, toInt32Array, toNumberArray, writeNpy, type NpyArray } from '../../src/data/npy.js';
import { UserInputError } from '../../src/errors/index.js';
import { FIXTURES, fixtureExists } from '../helpers/shared.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'smoothie-npy-'));
const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

/** Header bytes (magic .. newline) as NumPy 2.x's np.save writes them. */
function numpyHeader(dict: string, headerLength: number): string {
  return `\x93NUMPY\x01\x00${String.fromCharCode(headerLength & 0xff, headerLength >> 8)}${dict.padEnd(headerLength - 1, ' ')}\n`;
}

/** Returns a copy of `bytes` with a new header dict (same header length) and optionally byte-swapped data. */
function withHeader(bytes: Uint8Array, dict: string, swapItemSize = 0): Uint8Array {
  const out = bytes.slice();
  const length = out[8] | (out[9] << 8);
  out.set(Buffer.from(`${dict.padEnd(length - 1, ' ')}\n`, 'latin1'), 10);
  if (swapItemSize > 1) for (let o = 10 + length; o < out.length; o += swapItemSize) out.subarray(o, o + swapItemSize).reverse();
  return out;
}

describe('npy header layout (as np.save writes it)', () => {
  it('matches NumPy byte for byte: 2-d, 1-d, 0-d, i8', () => {
    const cases: [NpyArray['data'], number[], string][] = [
      [new Float64Array(6), [3, 2], `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }`],
      [new Float32Array(5), [5], `{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }`],
      [new Float64Array(1), [], `{'descr': '<f8', 'fortran_order': False, 'shape': (), }`],
      [new BigInt64Array(1000), [200, 5], `{'descr': '<i8', 'fortran_order': False, 'shape': (200, 5), }`],
    ];
    for (const [data, shape, dict] of cases) {
      const bytes = encodeNpy({ data, shape });
      // NumPy pads to a 64-byte boundary, leaving 21 digits of room to grow the first axis.
      expect(latin1(bytes.subarray(0, 128))).toBe(numpyHeader(dict, 118));
      expect(bytes.length).toBe(128 + data.byteLength);
    }
  });

  it('pads a whole extra block when the header is already aligned, as NumPy does', () => {
    const shape = [0, ...Array<number>(14).fill(3)];
    const bytes = encodeNpy({ data: new Float32Array(0), shape });
    const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
    expect(latin1(bytes)).toBe(numpyHeader(dict, 182));
  });

  it('stores the data little-endian right after the header', () => {
    const bytes = encodeNpy({ data: Float32Array.from([1, -2]), shape: [2] });
    expect(Array.from(bytes.subarray(128))).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
  });
});

describe('npy round trip', () => {
  const cases: { name: string; data: NpyArray['data']; shape: number[] }[] = [
    { name: 'f4 2-d with non-finite values', data: Float32Array.from([1.5, -2, NaN, Infinity, -0, 3e-38]), shape: [3, 2] },
    { name: 'f4 3-d', data: Float32Array.from({ length: 24 }, (_, i) => i / 7), shape: [2, 3, 4] },
    { name: 'f8 0-d', data: Float64Array.from([Math.PI]), shape: [] },
    { name: 'f8 1-d', data: Float64Array.from([1e-300, -1e300, 0.1]), shape: [3] },
    { name: 'f8 empty first axis', data: new Float64Array(0), shape: [0, 4] },
    { name: 'f8 empty inner axis', data: new Float64Array(0), shape: [3, 0, 2] },
    { name: 'i8 beyond 2^53', data: BigInt64Array.from([1n, -7n, 9007199254740993n, -(2n ** 63n)]), shape: [2, 2] },
    { name: 'i4', data: Int32Array.from([0, -1, 2 ** 31 - 1]), shape: [3, 1] },
  ];
  it.each(cases)('$name', async ({ data, shape }) => {
    const file = path.join(tmp(), 'a.npy');
    await writeNpy(file, { data, shape });
    const back = await readNpy(file);
    expect(back.shape).toEqual(shape);
    expect(back.data.constructor).toBe(data.constructor);
    expect(Array.from(back.data as ArrayLike<unknown>)).toEqual(Array.from(data as ArrayLike<unknown>));
    expect(readdirSync(path.dirname(file))).toEqual(['a.npy']); // no temp file left behind
  });

  it('converts to the requested dtype when writing', async () => {
    const file = path.join(tmp(), 'w.npy');
    await writeNpy(file, { data: Float32Array.from([0.5, 0.25]), shape: [1, 2] }, '<f8');
    const back = await readNpy(file);
    expect([back.dtype, Array.from(back.data as Float64Array)]).toEqual(['<f8', [0.5, 0.25]]);
    await writeNpy(file, { data: Int32Array.from([3, 1]), shape: [2] }, '<i8');
    expect((await readNpy(file)).data).toEqual(BigInt64Array.from([3n, 1n]));
    expect(() => encodeNpy({ data: Float64Array.from([0.5]), shape: [1] }, '<i4')).toThrow(/cannot store 0.5/);
    expect(() => encodeNpy({ data: new Float64Array(3), shape: [2, 2] })).toThrow(/needs 4 values, got 3/);
  });
});

describe('npy reading', () => {
  const base = encodeNpy({ data: Float64Array.from([1, 2, 3, 4]), shape: [2, 2] });

  it('reads format versions 2.0 and 3.0', () => {
    for (const major of [2, 3]) {
      const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }`;
      const header = Buffer.from(`${dict.padEnd(115, ' ')}\n`, 'latin1'); // 12 + 116 = 128
      const bytes = new Uint8Array(128 + 32);
      bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0, header.length, 0, 0, 0]);
      bytes.set(header, 12);
      bytes.set(base.subarray(128), 128);
      const a = parseNpy(bytes, 'v.npy');
      expect([a.shape, Array.from(a.data as Float64Array)]).toEqual([
        [2, 2],
        [1, 2, 3, 4],
      ]);
    }
  });

  it('converts big-endian data', () => {
    const be = withHeader(base, `{'descr': '>f8', 'fortran_order': False, 'shape': (2, 2), }`, 8);
    const a = parseNpy(be, 'be.npy');
    expect([a.dtype, Array.from(a.data as Float64Array)]).toEqual(['<f8', [1, 2, 3, 4]]);
    const i4 = encodeNpy({ data: Int32Array.from([1, -2]), shape: [2] });
    expect(Array.from(parseNpy(withHeader(i4, `{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }`, 4)).data as Int32Array)).toEqual([1, -2]);
  });

  it('copies data at an unaligned offset; shares memory when aligned', () => {
    const shifted = new Uint8Array(base.length + 3);
    shifted.set(base, 3);
    const unaligned = parseNpy(shifted.subarray(3));
    expect(Array.from(unaligned.data as Float64Array)).toEqual([1, 2, 3, 4]);
    const buffer = Buffer.concat([Buffer.alloc(5), withHeader(base, `{'descr': '>f8', 'fortran_order': False, 'shape': (2, 2), }`, 8)]);
    const before = Buffer.from(buffer);
    expect(Array.from(parseNpy(buffer.subarray(5)).data as Float64Array)).toEqual([1, 2, 3, 4]); // Buffer input, swapped
    expect(buffer.equals(before)).toBe(true); // the caller's bytes are left alone
    expect(parseNpy(base).data.buffer).toBe(base.buffer);
  });

  it('reads booleans as 0/1 bytes', () => {
    const b = parseNpy(encodeNpy({ data: Uint8Array.from([1, 0, 1]), shape: [3] }, '|b1'));
    expect([b.dtype, Array.from(b.data as Uint8Array)]).toEqual(['|b1', [1, 0, 1]]);
  });

  it('rejects fortran order, naming the file', () => {
    const f = withHeader(base, `{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }`);
    expect(() => parseNpy(f, 'f.npy')).toThrow(UserInputError);
    expect(() => parseNpy(f, 'f.npy')).toThrow(/^f\.npy: Fortran order \(fortran_order: True\) is not supported; save a C-order array/);
  });

  it('rejects truncated files with expected vs actual bytes', () => {
    expect(() => parseNpy(base.subarray(0, 150), 't.npy')).toThrow(/^t\.npy: truncated: shape \(2, 2\) of '<f8' needs 32 data bytes, the file has 22$/);
    expect(() => parseNpy(base.subarray(0, 60), 't.npy')).toThrow(/^t\.npy: truncated: the header needs 128 bytes, the file has 60$/);
  });

  it('rejects other files and dtypes with one line', () => {
    expect(() => parseNpy(Buffer.from('PK\x03\x04 zip file'), 'z.npy')).toThrow(/^z\.npy: not a \.npy file/);
    const c8 = withHeader(base, `{'descr': '<c8', 'fortran_order': False, 'shape': (2, 2), }`);
    expect(() => parseNpy(c8, 'c.npy')).toThrow(/^c\.npy: unsupported dtype '<c8'/);
    const structured = withHeader(base, `{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (4,), }`);
    expect(() => parseNpy(structured, 's.npy')).toThrow(/structured/);
  });

  it('reports a missing file as a user error', async () => {
    await expect(readNpy(path.join(tmp(), 'nope.npy'))).rejects.toThrow(/nope\.npy: file not found/);
  });
});

describe('npy conversions', () => {
  const i8 = (values: bigint[], shape = [values.length]): NpyArray => ({ data: BigInt64Array.from(values), dtype: '<i8', shape });

  it('toFloatNdArray accepts floats only', () => {
    const f = parseNpy(encodeNpy({ data: new Float32Array(6), shape: [2, 3] }));
    expect(toFloatNdArray(f, 'x.npy').shape).toEqual([2, 3]);
    expect(() => toFloatNdArray(i8([1n]), 'i.npy')).toThrow(/^i\.npy: expected a float32 or float64 array, got dtype '<i8'$/);
  });

  it('toInt32Array and toNumberArray convert int64 safely', () => {
    expect(toInt32Array(i8([0n, 4n, -3n]), 'n.npy')).toEqual(Int32Array.from([0, 4, -3]));
    expect(() => toInt32Array(i8([0n, 1n, 2n, 2n ** 40n], [2, 2]), 'n.npy')).toThrow(/^n\.npy, row 2: int64 value 1099511627776 is outside the int32 range$/);
    expect(() => toInt32Array({ data: new Float64Array(1), dtype: '<f8', shape: [1] }, 'n.npy')).toThrow(/expected an integer array/);
    expect(toNumberArray(i8([2n ** 53n - 1n]), 'n.npy')).toEqual([2 ** 53 - 1]);
    expect(() => toNumberArray(i8([2n ** 53n + 1n]), 'n.npy')).toThrow(/too large/);
    expect(toNumberArray({ data: Float32Array.from([0.5]), dtype: '<f4', shape: [1] }, 'f.npy')).toEqual([0.5]);
  });
});

const SYNTHETIC = path.join(FIXTURES, 'smoothie', 'synthetic');
const haveFixtures = fixtureExists(SYNTHETIC);

describe.skipIf(!haveFixtures)('npy files written by NumPy (../shared fixtures)', () => {
  const fixture = (name: string): string => path.join(SYNTHETIC, name);
  const json = (name: string): Record<string, unknown> => JSON.parse(readFileSync(fixture(name), 'utf8')) as Record<string, unknown>;

  it('reads X (200, 32) <f4 and G (200, 5, 32) <f4, and writes them back byte for byte', async () => {
    for (const [name, shape] of [
      ['X.npy', [200, 32]],
      ['G.npy', [200, 5, 32]],
    ] as const) {
      const original = readFileSync(fixture(name));
      const a = await readNpy(fixture(name));
      expect([a.dtype, a.shape]).toEqual(['<f4', shape]);
      expect(Buffer.from(encodeNpy(a)).equals(original)).toBe(true);
    }
  });

  it('reads weights (200, 5) <f8 matching the JSON export', async () => {
    const W = await readNpy(fixture('weights_dependent_k5.npy'));
    expect([W.dtype, W.shape]).toEqual(['<f8', [200, 5]]);
    const expected = json('weights_dependent_k5.json').smoothie_weights as number[][];
    expect(Array.from(W.data as Float64Array)).toEqual(expected.flat());
  });

  it('reads NaN weights where the JSON export has null', async () => {
    const W = await readNpy(fixture('weights_dependent_k1.npy'));
    const expected = (json('weights_dependent_k1.json').smoothie_weights as (number | null)[][]).flat();
    expect(expected).toContain(null);
    expect(Array.from(W.data as Float64Array)).toEqual(expected.map((v) => v ?? NaN));
  });

  it('reads int64 neighbours (200, 5) and selections', async () => {
    const nb = await readNpy(fixture('neighbors_k5.npy'));
    expect([nb.dtype, nb.shape]).toEqual(['<i8', [200, 5]]);
    const idx = toInt32Array(nb, 'neighbors_k5.npy');
    expect(Array.from(idx.subarray(0, 5))).toEqual([0, 151, 121, idx[3], idx[4]]);
    expect(idx.every((v) => v >= 0 && v < 200)).toBe(true);
    const selected = toNumberArray(await readNpy(fixture('selected_dependent_k5.npy')), 'selected_dependent_k5.npy');
    expect(selected).toEqual(json('weights_dependent_k5.json').selected);
  });
});
