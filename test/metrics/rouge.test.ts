import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanGeneration } from '../../src/data/clean.js';
import { porterStem } from '../../src/metrics/porter.js';
import { rouge2F, rougeL, rougeLsum, rougeN, rougeScores, type RougeScore, type RougeType } from '../../src/metrics/rouge.js';
import { rougeTokenize } from '../../src/metrics/rouge-tokenize.js';
import { fixture } from '../helpers/shared.js';

const TOL = 1e-12;
const TYPES: readonly RougeType[] = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'];
const MODES = ['no_stem', 'stem'] as const;

type Scores = Record<RougeType, RougeScore> | { error: string };
type TokenPair = { no_stem: string[]; stem: string[] };
type RougeRow = {
  id: string;
  prediction: string;
  reference: string | string[];
  scores: Record<(typeof MODES)[number], Scores>;
  smoothie: { cleaned_prediction: string; rouge2_fmeasure?: number; error?: string };
  tokens?: { prediction: TokenPair; reference: TokenPair[] };
};

function readJsonl<T>(p: string): T[] {
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

function expectScores(actual: Record<RougeType, RougeScore>, expected: Record<RougeType, RougeScore>): void {
  for (const type of TYPES) {
    for (const k of ['precision', 'recall', 'fmeasure'] as const) {
      const diff = Math.abs(actual[type][k] - expected[type][k]);
      expect(diff, `${type}.${k}: ${actual[type][k]} vs ${expected[type][k]}`).toBeLessThanOrEqual(TOL);
    }
  }
}

function checkRow(r: RougeRow): void {
  for (const mode of MODES) {
    const expected = r.scores[mode];
    const run = () => rougeScores(r.prediction, r.reference, { stem: mode === 'stem' });
    if ('error' in expected) expect(run).toThrow(/reference list is empty/);
    else expectScores(run(), expected);
  }
  expect(cleanGeneration(r.prediction)).toBe(r.smoothie.cleaned_prediction);
  const smoothie = () => rouge2F(cleanGeneration(r.prediction), r.reference);
  if (r.smoothie.error !== undefined) expect(smoothie).toThrow(/reference list is empty/);
  else expect(Math.abs(smoothie() - (r.smoothie.rouge2_fmeasure as number))).toBeLessThanOrEqual(TOL);
}

const pairs = fixture('metrics', 'rouge_pairs.jsonl');
describe.skipIf(!pairs.exists)('rouge_pairs.jsonl: rouge_score 0.1.2 on real generations', () => {
  const rows = pairs.exists ? readJsonl<RougeRow>(pairs.path) : [];
  it('has 200 rows', () => expect(rows).toHaveLength(200));
  it.each(rows.map((r) => [r.id, r] as const))('%s', (_id, r) => checkRow(r));
});

const edges = fixture('metrics', 'rouge_edge_cases.jsonl');
describe.skipIf(!edges.exists)('rouge_edge_cases.jsonl: hand-made edge cases', () => {
  const rows = edges.exists ? readJsonl<RougeRow>(edges.path) : [];
  it('has 53 rows', () => expect(rows).toHaveLength(53));
  it.each(rows.map((r) => [r.id, r] as const))('%s', (_id, r) => {
    checkRow(r);
    if (r.tokens === undefined) return;
    const refs = typeof r.reference === 'string' ? [r.reference] : r.reference;
    expect(r.tokens.reference).toHaveLength(refs.length);
    for (const mode of MODES) {
      expect(rougeTokenize(r.prediction, mode === 'stem')).toEqual(r.tokens.prediction[mode]);
      refs.forEach((ref, k) => expect(rougeTokenize(ref, mode === 'stem')).toEqual(r.tokens!.reference[k][mode]));
    }
  });
});

const tokenizeCases = fixture('metrics', 'tokenize_cases.jsonl');
describe.skipIf(!tokenizeCases.exists)('tokenize_cases.jsonl: rouge_score tokenize()', () => {
  const rows = tokenizeCases.exists ? readJsonl<{ id: string; text: string } & TokenPair>(tokenizeCases.path) : [];
  it('has 109 rows', () => expect(rows).toHaveLength(109));
  it.each(rows.map((r) => [r.id, r] as const))('%s', (_id, r) => {
    expect(rougeTokenize(r.text, false)).toEqual(r.no_stem);
    expect(rougeTokenize(r.text, true)).toEqual(r.stem);
  });
});

const stems = fixture('metrics', 'porter_stems.json');
describe.skipIf(!stems.exists)('porter_stems.json: nltk 3.8 PorterStemmer (NLTK_EXTENSIONS)', () => {
  const table = stems.exists ? (JSON.parse(readFileSync(stems.path, 'utf8')) as { stems: Record<string, string> }).stems : {};
  it('reproduces every entry (tokens of ≤ 3 chars are not stemmed, via rougeTokenize)', () => {
    const entries = Object.entries(table);
    expect(entries).toHaveLength(15_097);
    const mismatches = entries.filter(([token, stem]) => rougeTokenize(token, true).join(' ') !== stem);
    expect(mismatches.slice(0, 20)).toEqual([]);
    const direct = entries.filter(([token, stem]) => token.length > 3 && porterStem(token) !== stem);
    expect(direct.slice(0, 20)).toEqual([]);
  });
});

describe('rouge without fixtures', () => {
  it('empty and token-less texts score zero without dividing by zero', () => {
    for (const [p, r] of [
      ['', ''],
      ['', 'a b'],
      ['a b', ''],
      ['!!!', '...\n?'],
    ]) {
      for (const s of Object.values(rougeScores(p, r))) expect(s).toEqual({ precision: 0, recall: 0, fmeasure: 0 });
    }
  });

  it('lowercases like Python and treats every other non-ASCII character as a separator', () => {
    expect(rougeTokenize('\u212Aelvin', false)).toEqual(['kelvin']); // KELVIN SIGN → k
    expect(rougeTokenize('\u0130stanbul', false)).toEqual(['i', 'stanbul']); // İ → i + U+0307
    expect(rougeTokenize('Café ÅNGSTRÖM ｘ２ 😀ok', false)).toEqual(['caf', 'ngstr', 'm', 'ok']);
    expect(rougeTokenize("don't STOP-9", false)).toEqual(['don', 't', 'stop', '9']);
  });

  it('stems only tokens longer than 3 characters', () => {
    expect(rougeTokenize('runs running dies lying skies', true)).toEqual(['run', 'run', 'die', 'lie', 'sky']);
    expect(rougeTokenize('was has ties', true)).toEqual(['was', 'has', 'tie']);
    expect(porterStem('generalization')).toBe('gener');
    expect(porterStem('happy')).toBe('happi');
    expect(porterStem('enjoy')).toBe('enjoy');
  });

  it('clips repeated n-grams by the reference count', () => {
    const s = rougeN(['the', 'the', 'the', 'the'], ['the', 'cat', 'the'], 1);
    expect(s.precision).toBe(2 / 4);
    expect(s.recall).toBe(2 / 3);
    expect(s.fmeasure).toBe((2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3));
    expect(rougeN(['a', 'b', 'a', 'b'], ['a', 'b'], 2)).toMatchObject({ precision: 1 / 3, recall: 1 });
  });

  it('keeps n-grams of multi-word tokens apart', () => {
    expect(rougeN(['a b', 'c'], ['a', 'b c'], 1).fmeasure).toBe(0);
  });

  it('computes rougeL from the LCS and rougeLsum per newline-separated sentence', () => {
    expect(rougeL(['a', 'x', 'b', 'c'], ['a', 'b', 'c', 'd'])).toMatchObject({ precision: 3 / 4, recall: 3 / 4 });
    expect(rougeLsum('b a', 'a b', false).recall).toBe(1 / 2);
    expect(rougeLsum('b\na', 'a b', false).recall).toBe(1);
  });

  it('picks the best reference per type, the first on ties', () => {
    const refs = ['the dog sat', 'the cat', 'cat sat the'];
    const scores = rougeScores('the cat sat', refs, { types: ['rouge1', 'rouge2', 'rougeL'] });
    expect(Object.keys(scores)).toEqual(['rouge1', 'rouge2', 'rougeL']);
    expect(scores.rouge1).toEqual(rougeScores('the cat sat', refs[2]).rouge1); // F = 1
    expect(scores.rouge2).toEqual(rougeScores('the cat sat', refs[1]).rouge2); // F = 2/3
    expect(scores.rougeL).toEqual(rougeScores('the cat sat', refs[1]).rougeL); // F = 0.8
    // Equal F (2/3) from (P, R) = (1/2, 1) and (1, 1/2): the first reference wins.
    expect(rougeScores('a b', ['a', 'a b c d']).rouge1).toMatchObject({ precision: 0.5, recall: 1 });
    expect(rougeScores('a b', ['a b c d', 'a']).rouge1).toMatchObject({ precision: 1, recall: 0.5 });
  });

  it('rejects an empty reference list', () => {
    expect(() => rougeScores('a', [])).toThrow(/reference list is empty/);
    expect(() => rouge2F('a', [])).toThrow(/reference list is empty/);
  });

  it('rouge2F is the rouge2 F-measure without stemming', () => {
    expect(rouge2F('the cats sat', 'the cat sat')).toBe(0);
    expect(rouge2F('the cat sat', ['x y', 'the cat sat'])).toBe(1);
  });
});
