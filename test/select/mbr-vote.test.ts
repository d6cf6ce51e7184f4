import { describe, expect, it } from 'vitest';
import { ndarray } from '../../src/compute/ndarray.js';
import { Rng } from '../../src/compute/rng.js';
import { mbrFromEmbeddings, mbrFromTexts } from '../../src/select/mbr.js';
import { detectAnswerKind, extractLetter, extractNumber, normaliseText, vote } from '../../src/select/vote.js';

/** n samples × m voters: voter v's embedding is truth + noise of scale sigma[v] (d dims). */
function noisy(n: number, sigma: readonly number[], d: number, seed: number) {
  const rng = new Rng(seed);
  const m = sigma.length;
  const G = new Float32Array(n * m * d);
  for (let s = 0; s < n; s++) {
    const truth = Array.from({ length: d }, () => rng.normal());
    for (let v = 0; v < m; v++) for (let x = 0; x < d; x++) G[(s * m + v) * d + x] = truth[x] + sigma[v] * rng.normal();
  }
  return ndarray(G, [n, m, d]);
}

describe('MBR', () => {
  it('per sample picks the medoid; global picks the least noisy voter', () => {
    const G = noisy(200, [1.2, 0.2, 1.0, 0.8, 1.5], 16, 3);
    const sample = mbrFromEmbeddings(G);
    const share1 = Array.from(sample.selected).filter((v) => v === 1).length / 200;
    expect(share1).toBeGreaterThan(0.8);
    const global = mbrFromEmbeddings(G, { scope: 'global' });
    expect(new Set(global.selected)).toEqual(new Set([1]));
    // the scores are the expected utilities: the chosen candidate has the largest
    for (let s = 0; s < 200; s++) {
      const row = Array.from(sample.scores.subarray(s * 5, s * 5 + 5));
      expect(row[sample.selected[s]]).toBe(Math.max(...row));
    }
  });

  it('ROUGE-L utility picks the text that shares most with the others', () => {
    const texts = [
      ['completely different words here', 'the cat sat on the mat today', 'the cat sat on a mat', 'the cat sat on the mat'],
      ['paris is the capital of france', 'the capital of france is paris', 'lyon', 'paris is the capital city of france'],
    ];
    const r = mbrFromTexts(texts);
    expect(r.selected[0]).toBe(3); // F with the others: 0.923 + 0.833 + 0 beats 0.923 + 0.769 and 0.833 + 0.769
    expect([0, 1, 3]).toContain(r.selected[1]);
    expect(r.selected[1]).not.toBe(2);
  });
});

describe('vote', () => {
  it('normalises numbers, option letters and text', () => {
    expect(extractNumber('So the total is 1,250.')).toBe('1250');
    expect(extractNumber('#### 3.50')).toBe('3.5');
    expect(extractNumber('no digits')).toBe('');
    expect(extractLetter('(B) because …')).toBe('B');
    expect(extractLetter('The answer is c.')).toBe('C');
    expect(extractLetter('d')).toBe('');
    expect(extractLetter('D')).toBe('D');
    expect(normaliseText('The  Eiffel Tower!\nsecond line')).toBe('eiffel tower');
    expect(detectAnswerKind(['A) x', '(B)', 'answer: C'])).toBe('letter');
    expect(detectAnswerKind(['it is 4', '5', 'four'])).toBe('number');
    expect(detectAnswerKind(['red', 'blue', 'red'])).toBe('text');
  });

  it('majority of normalised answers wins; ties go to the tie-break; abstentions never win a vote', () => {
    const texts = [
      ['It is 1,000.', 'The answer is 999', '1000.0', 'I think 999'],
      ['(A)', 'B) since', 'Answer: B', 'A.'],
      ['', 'Paris.', 'paris', 'Lyon'],
    ];
    const tie = new Float64Array([0, 0, 0, 0, 0.9, 0.1, 0.2, 0.5, 1, 0, 0.3, 0]);
    const r = vote(texts, { tieBreak: tie });
    expect([0, 2]).toContain(r.selected[0]); // 1000 vs 999: 2–2, tie-break 0 everywhere → first maximum
    expect(r.selected[0]).toBe(0);
    expect(r.selected[1]).toBe(0); // A and B both twice; the best tie-break among them is voter 0 (0.9)
    expect(r.selected[2]).toBe(2); // the empty answer abstains despite its tie-break; paris ×2, voter 2 > voter 1
    expect(r.answers[0]).toEqual(['1000', '999', '1000', '999']);
    expect(r.kinds).toEqual(['number', 'letter', 'text']);
  });

  it('recovers the truth from noisy voters more often than the best single voter (simulated short answers)', () => {
    const rng = new Rng(11);
    const acc = [0.6, 0.55, 0.5, 0.5, 0.45];
    const n = 300;
    const texts: string[][] = [];
    const truth: string[] = [];
    for (let s = 0; s < n; s++) {
      const t = String(rng.int(1000));
      truth.push(t);
      texts.push(acc.map((a) => (rng.next() < a ? `The answer is ${t}.` : `The answer is ${rng.int(1000) + 1000}.`)));
    }
    const r = vote(texts);
    const correct = Array.from(r.selected).filter((v, s) => texts[s][v].includes(` ${truth[s]}.`)).length / n;
    expect(correct).toBeGreaterThan(0.7);
  });
});
