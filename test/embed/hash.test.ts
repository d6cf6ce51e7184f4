import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHashEmbedder, featureIndex, hashTokens, murmurhash3_32 } from '../../src/embed/hash.js';
import { fixture } from '../helpers/shared.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

interface Vectors {
  settings: { n_features: number };
  token_hashes: { token: string; murmur3_32_signed: number; murmur3_32_unsigned: number; index: number }[];
  documents: { text: string; tokens: string[]; nonzero: Record<string, number> }[];
}

const vectors = fixture('smoothie', 'hashing_test_vectors.json');

describe.skipIf(!vectors.exists)('matches scikit-learn HashingVectorizer (hashing_test_vectors.json)', () => {
  const ref = vectors.exists ? (JSON.parse(readFileSync(vectors.path, 'utf8')) as Vectors) : undefined;
  const n = ref?.settings.n_features ?? 0;

  it.each(ref?.token_hashes ?? [])('token $token', (t) => {
    const h = murmurhash3_32(utf8(t.token));
    expect(h).toBe(t.murmur3_32_signed);
    expect(h >>> 0).toBe(t.murmur3_32_unsigned);
    expect(featureIndex(h, n)).toBe(t.index);
    // A prefix of a larger buffer hashes as the token alone (the embedder's scratch buffer).
    const padded = new Uint8Array(utf8(t.token).length + 7).fill(0xab);
    padded.set(utf8(t.token));
    expect(murmurhash3_32(padded, 0, utf8(t.token).length)).toBe(t.murmur3_32_signed);
  });

  it.each(ref?.documents ?? [])('document $text', async (doc) => {
    expect(hashTokens(doc.text)).toEqual(doc.tokens);
    const out = await createHashEmbedder({ nFeatures: n }).embed([doc.text]);
    expect(out.shape).toEqual([1, n]);
    const expected = new Float64Array(n);
    for (const [i, v] of Object.entries(doc.nonzero)) expected[Number(i)] = v;
    for (let i = 0; i < n; i++) expect(Math.abs(out.data[i] - expected[i])).toBeLessThan(1e-6);
  });
});

describe('murmurhash3_32', () => {
  // Published MurmurHash3_x86_32 vectors (unsigned), covering every tail length and seed handling.
  it.each([
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['\0\0\0\0', 0, 0x2362f9de],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['aaa', 0x9747b28c, 0x283e0130],
    ['aa', 0x9747b28c, 0x5d211726],
    ['a', 0x9747b28c, 0x7fa09ea6],
    ['abcd', 0x9747b28c, 0xf0478627],
    ['abc', 0x9747b28c, 0xc84a62dd],
    ['ab', 0x9747b28c, 0x74875592],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['ππππππππ', 0x9747b28c, 0xd58063c1],
    ['abc', 0, 0xb3dd93fa],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', 0, 0xee925b90],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
  ] as const)('%j seed %i', (text, seed, expected) => {
    const h = murmurhash3_32(utf8(text), seed);
    expect(h >>> 0).toBe(expected);
    expect(h).toBe(expected | 0); // signed, like sklearn
  });

  it('maps -2^31 to 2^31 mod n, as sklearn does', () => {
    expect(featureIndex(-2147483648, 1000)).toBe(2147483648 % 1000);
    expect(featureIndex(-2147483648, 1024)).toBe(0);
    expect(featureIndex(-5, 3)).toBe(2);
  });
});

describe('hashTokens (Python (?u)\\b\\w\\w+\\b on str.lower())', () => {
  // Expected values are CPython 3.11's re.findall(r"(?u)\b\w\w+\b", text.lower()).
  it.each([
    ['Café naïve CAFÉ', ['café', 'naïve', 'café']],
    ['cafe\u0301 nai\u0308ve', ['cafe', 'nai', 've']], // combining marks are not \w
    ['Ελληνικά ΟΔΟΣ γράμματα', ['ελληνικά', 'οδος', 'γράμματα']],
    ['東京は日本の首都です 北京', ['東京は日本の首都です', '北京']],
    ['x_1 snake_case __init__ 42 7 3.14 a1', ['x_1', 'snake_case', '__init__', '42', '14', 'a1']],
    ['İstanbul', ['stanbul']], // lower() gives i + U+0307
    ['𝐀𝐁 𝐂 x', ['𝐀𝐁']], // astral letters count as one code point each
    ['½ ²³ Ⅻ Ⅱx', ['²³', 'ⅱx']], // No and Nl are \w
    ["don't it's", ['don', 'it']],
    ['ab\u200bcd tab\tsep', ['ab', 'cd', 'tab', 'sep']],
    ['', []],
  ] as const)('%j', (text, tokens) => {
    expect(hashTokens(text)).toEqual(tokens);
  });
});

describe('createHashEmbedder', () => {
  it('names itself after n_features and defaults to 1024', () => {
    const e = createHashEmbedder();
    expect([e.id, e.dim, e.version]).toEqual(['hash-1024', 1024, 'sklearn-HashingVectorizer-compatible/1']);
    expect(createHashEmbedder({ nFeatures: 8 }).id).toBe('hash-8');
  });

  it('gives a zero vector for text without tokens and unit vectors otherwise', async () => {
    const out = await createHashEmbedder({ nFeatures: 64 }).embed(['', 'a ! ?', 'hello hello world', '東京']);
    expect(out.shape).toEqual([4, 64]);
    const norm = (r: number): number => Math.hypot(...out.data.subarray(r * 64, (r + 1) * 64));
    expect([norm(0), norm(1)]).toEqual([0, 0]);
    expect(norm(2)).toBeCloseTo(1, 6);
    expect(norm(3)).toBeCloseTo(1, 6);
  });

  it('counts terms before normalising, with indices |h| mod n for any n', async () => {
    for (const n of [1, 2, 7, 256, 1000, 2 ** 20]) {
      const out = await createHashEmbedder({ nFeatures: n }).embed(['alpha beta alpha', 'gamma']);
      const a = featureIndex(murmurhash3_32(utf8('alpha')), n);
      const b = featureIndex(murmurhash3_32(utf8('beta')), n);
      const counts = new Map<number, number>([[a, 2]]);
      counts.set(b, (counts.get(b) ?? 0) + 1);
      const norm = Math.hypot(...counts.values());
      for (const [i, c] of counts) expect(out.data[i]).toBeCloseTo(c / norm, 6);
      expect(out.data[n + featureIndex(murmurhash3_32(utf8('gamma')), n)]).toBe(1);
    }
  });

  it('rejects a bad n_features with a one-line error', () => {
    expect(() => createHashEmbedder({ nFeatures: 0 })).toThrow(/field 'nFeatures': must be an integer/);
    expect(() => createHashEmbedder({ nFeatures: 1.5 })).toThrow(/nFeatures/);
  });

  it('reports progress and handles an empty batch', async () => {
    const calls: [number, number][] = [];
    const out = await createHashEmbedder().embed([], { onProgress: (d, t) => calls.push([d, t]) });
    expect(out.shape).toEqual([0, 1024]);
    expect(calls).toEqual([[0, 0]]);
  });
});
