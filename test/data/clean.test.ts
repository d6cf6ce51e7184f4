import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanGeneration, pythonStrip } from '../../src/data/clean.js';
import { fixture } from '../helpers/shared.js';

const cases = fixture('metrics', 'clean_generation_cases.jsonl');

describe.skipIf(!cases.exists)('cleanGeneration matches the reference clean_generation', () => {
  const rows = cases.exists
    ? readFileSync(cases.path, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { id: string; input: string; output: string })
    : [];
  it.each(rows.map((r) => [r.id, r] as const))('%s', (_id, r) => {
    expect(cleanGeneration(r.input)).toBe(r.output);
  });
});

describe('pythonStrip', () => {
  it('strips what Python strips and keeps what it keeps', () => {
    expect(pythonStrip('\x1c\x85 a b \u3000')).toBe('a b');
    expect(pythonStrip('\uFEFFa')).toBe('\uFEFFa'); // not whitespace in Python
    expect(cleanGeneration('first\\nsecond')).toBe('first');
  });
});
