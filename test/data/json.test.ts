import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJsonLenient, readJsonFile, readJsonl, stringifyStrict, writeJsonFile, writeJsonl } from '../../src/data/json.js';
import { UserInputError } from '../../src/errors/index.js';
import { FIXTURES, fixtureExists } from '../helpers/shared.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'smoothie-json-'));

/** The UserInputError `f` throws (fails the test if it throws something else or nothing). */
function errorOf(f: () => unknown): UserInputError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return error as UserInputError;
  }
  throw new Error('expected an error');
}

describe('parseJsonLenient', () => {
  it('parses strict JSON as JSON.parse does', () => {
    const text = '{"a": [1, -2.5e-3, true, null, "x"], "b": {"c": {}}}';
    expect(parseJsonLenient(text)).toEqual(JSON.parse(text));
  });

  it("accepts Python's bare NaN / Infinity / -Infinity in arrays and nested objects", () => {
    const v = parseJsonLenient('{"w": [[NaN, 0.5], [Infinity, -Infinity]], "n": {"deep": {"x": NaN, "y": [-Infinity]}}, "top": NaN}') as {
      w: number[][];
      n: { deep: { x: number; y: number[] } };
      top: number;
    };
    expect(v.w[0][0]).toBeNaN();
    expect(v.w.flat().slice(1)).toEqual([0.5, Infinity, -Infinity]);
    expect(v.n.deep.x).toBeNaN();
    expect(v.n.deep.y).toEqual([-Infinity]);
    expect(v.top).toBeNaN();
    expect(parseJsonLenient('NaN')).toBeNaN();
    expect(parseJsonLenient(' -Infinity\n')).toBe(-Infinity);
    const own = parseJsonLenient('{"__proto__": NaN}') as object; // an own key after JSON.parse, not the prototype
    expect(Object.getOwnPropertyDescriptor(own, '__proto__')?.value).toBeNaN();
    expect(Object.getPrototypeOf(own)).toBe(Object.prototype);
  });

  it('leaves strings with NaN / Infinity and escaped quotes untouched', () => {
    const text = String.raw`{"s": "NaN Infinity -Infinity", "q": "say \"NaN\" \\", "k": "\\\"Infinity\\", "NaN": [NaN, "NaN"]}`;
    const v = parseJsonLenient(text) as Record<string, unknown>;
    expect(v.s).toBe('NaN Infinity -Infinity');
    expect(v.q).toBe('say "NaN" \\');
    expect(v.k).toBe('\\"Infinity\\');
    expect((v.NaN as unknown[])[0]).toBeNaN();
    expect((v.NaN as unknown[])[1]).toBe('NaN');
  });

  it('does not mistake a string equal to the internal NaN placeholder for NaN', () => {
    for (const text of [String.raw`["\u0000smoothie-router:NaN", NaN]`, String.raw`{"a": NaN, "b": "\u0000\u0073moothie-router:NaN"}`]) {
      const v = Object.values(parseJsonLenient(text) as object) as unknown[];
      expect(v.filter((x) => x === '\u0000smoothie-router:NaN')).toHaveLength(1);
      expect(v.filter((x) => Number.isNaN(x))).toHaveLength(1);
    }
  });

  it('rejects tokens glued to other characters', () => {
    for (const text of ['[1Infinity]', '[Infinity1]', '[NaNa]', '[nan]', '[-NaN]']) {
      expect(() => parseJsonLenient(text, 'g.json')).toThrow(/^g\.json, line 1: malformed JSON \(column \d+: /);
    }
  });

  it('names the file, line and column of a syntax error', () => {
    const e = errorOf(() => parseJsonLenient('{\n"a": 1,\n oops}', 'f.json'));
    expect(e.message).toBe(`f.json, line 3: malformed JSON (column 2: expected a double-quoted property name, found "o")`);
    expect([e.file, e.row]).toEqual(['f.json', 3]);
    const cases: [string, string][] = [
      ['[1,\n 2,\n]', `line 3: malformed JSON (column 1: trailing comma)`],
      ['{"w": [NaN, NaN,\n  NaN NaN]}', `line 2: malformed JSON (column 7: expected ',' or ']' after an array element, found "N")`],
      ['{"a": "x\ny"}', `line 1: malformed JSON (column 9: line break inside a string (escape it as \\n))`],
      ['{"a": 01}', `line 1: malformed JSON (column 8: numbers cannot have leading zeros)`],
      ['[1.]', `line 1: malformed JSON (column 4: expected a digit after the decimal point, found "]")`],
      ['{"a": 1} x', `line 1: malformed JSON (column 10: unexpected "x" after the JSON value)`],
      ['', `line 1: malformed JSON (column 1: unexpected end of input)`],
      ['\n\n{"a": "b', `line 3: malformed JSON (column 7: unterminated string)`],
      ['{"a" 1}', `line 1: malformed JSON (column 6: expected ':' after the property name, found "1")`],
      ['["\\x"]', `line 1: malformed JSON (column 3: invalid escape \\x in a string)`],
    ];
    for (const [text, message] of cases) expect(errorOf(() => parseJsonLenient(text)).message).toBe(message);
  });

  // Its speed against JSON.parse is measured by `npm run bench loaders`.
  it('parses a 10 MB file with bare tokens', () => {
    const rows: string[] = [];
    for (let i = 0, size = 0; size < 10 * 2 ** 20; i++) {
      const row = `[${[0, 1, 2, 3, 4].map((j) => ((i + j) % 7 === 0 ? 'NaN' : String(i / 1000 + j / 3))).join(', ')}]`;
      rows.push(row);
      size += row.length + 2;
    }
    const text = `{"note": "NaN inside a string", "smoothie_weights": [${rows.join(', ')}], "inf": [Infinity, -Infinity]}`;
    const v = parseJsonLenient(text) as { smoothie_weights: number[][]; inf: number[] };
    expect(v.smoothie_weights.length).toBe(rows.length);
    expect(v.smoothie_weights[0][0]).toBeNaN();
    expect(v.smoothie_weights[0][1]).toBeCloseTo(1 / 3);
    expect(v.inf).toEqual([Infinity, -Infinity]);
  });
});

describe('strict writing', () => {
  it('stringifyStrict writes null for NaN and ±Infinity', () => {
    expect(stringifyStrict([NaN, Infinity, -Infinity, 1, { w: NaN }])).toBe('[null,null,null,1,{"w":null}]');
    expect(stringifyStrict({ a: [1] }, 2)).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(() => stringifyStrict(undefined)).toThrow(/no JSON representation/);
  });

  it('writeJsonFile writes strict JSON atomically; readJsonFile reads it back', async () => {
    const dir = tmp();
    const file = path.join(dir, 'sub', 'x.json');
    await writeJsonFile(file, { w: [NaN, 0.5], s: 'NaN' });
    expect(readFileSync(file, 'utf8')).toBe('{"w":[null,0.5],"s":"NaN"}\n');
    expect(await readJsonFile(file)).toEqual({ w: [null, 0.5], s: 'NaN' });
    expect(readdirSync(path.join(dir, 'sub'))).toEqual(['x.json']);
    await writeJsonFile(file, [1], { indent: 2 });
    expect(readFileSync(file, 'utf8')).toBe('[\n  1\n]\n');
  });

  it('readJsonFile accepts a BOM and reports missing files and syntax errors with the path', async () => {
    const dir = tmp();
    const file = path.join(dir, 'bom.json');
    writeFileSync(file, '\ufeff{"a": NaN}');
    expect((await readJsonFile(file)) as { a: number }).toEqual({ a: NaN });
    writeFileSync(file, '{\n  "a": [1, 2\n}');
    await expect(readJsonFile(file)).rejects.toThrow(`${file}, line 3: malformed JSON (column 1: expected ',' or ']' after an array element, found "}")`);
    await expect(readJsonFile(path.join(dir, 'none.json'))).rejects.toThrow(/none\.json: file not found/);
  });
});

describe('JSON Lines', () => {
  it('round-trips rows, skipping blank lines, with their line numbers', async () => {
    const file = path.join(tmp(), 'd.jsonl');
    await writeJsonl(file, [
      { idx: 0, w: NaN },
      { idx: 1, s: 'a\nb' },
    ]);
    expect(readFileSync(file, 'utf8')).toBe('{"idx":0,"w":null}\n{"idx":1,"s":"a\\nb"}\n');
    writeFileSync(file, '{"a": 1}\r\n\n  \n{"a": NaN}\n');
    const rows = await readJsonl(file);
    expect(rows.map((r) => r.line)).toEqual([1, 4]);
    expect(rows[0].value).toEqual({ a: 1 });
    expect((rows[1].value as { a: number }).a).toBeNaN();
  });

  it('names the line of a malformed row', async () => {
    const file = path.join(tmp(), 'x.jsonl');
    writeFileSync(file, '{"a": 1}\n\n{"a": 2\n{"a": 3}\n');
    await expect(readJsonl(file)).rejects.toThrow(`${file}, line 3: malformed JSON (column 8: expected ',' or '}' after a property value, found end of input)`);
  });
});

const M2_REFERENCE = path.join(FIXTURES, 'smoothie', 'synthetic_m2', 'reference_output_dependent_k5.json');
const haveFixture = fixtureExists(M2_REFERENCE);

describe.skipIf(!haveFixture)('reference output with bare NaN (../shared fixture)', () => {
  it('parses every weight as NaN, other fields intact', async () => {
    const text = readFileSync(M2_REFERENCE, 'utf8');
    expect(() => JSON.parse(text)).toThrow(); // really has bare NaN tokens
    const ref = (await readJsonFile(M2_REFERENCE)) as { generations: string[]; smoothie_weights: number[][] };
    expect(ref.smoothie_weights.length).toBe(ref.generations.length);
    expect(ref.smoothie_weights.every((row) => row.length === 2)).toBe(true);
    expect(ref.smoothie_weights.flat().every(Number.isNaN)).toBe(true);
    expect(ref.generations[0]).toBe('s0_v0');
  });
});
