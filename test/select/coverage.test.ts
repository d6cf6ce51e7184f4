import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/compute/rng.js';
import { coverageSelect, neighbourhoodMeans, supportMasses } from '../../src/select/coverage.js';
import { mbrFromTexts } from '../../src/select/mbr.js';
import { Idf, wordTokens } from '../../src/select/text.js';

const VOCAB = Array.from({ length: 400 }, (_, i) => `w${i}x`);

/**
 * Open-ended instructions: each has 12 "points" (words). The strong voter makes 10 of them; four weak
 * voters make 3 each, plus generic filler words they share with each other.
 */
function openEnded(n: number, seed: number): string[][] {
  const rng = new Rng(seed);
  const filler = ['generally', 'important', 'consider', 'various', 'factors', 'overall'];
  return Array.from({ length: n }, () => {
    const points = rng.shuffled(VOCAB).slice(0, 12);
    const strong = rng.shuffled(points).slice(0, 10).join(' ');
    const weak = () => [...rng.shuffled(points).slice(0, 3), ...filler].join(' ');
    return [weak(), weak(), strong, weak(), weak()];
  });
}

/**
 * Convergent questions: everyone states an answer, voter 1 is right most often; voter 0 (the rambler,
 * right 30 % of the time) adds off-topic words nobody echoes.
 */
function convergent(n: number, seed: number): { texts: string[][]; truth: string[] } {
  const rng = new Rng(seed);
  const acc = [0.3, 0.9, 0.6, 0.6, 0.6];
  const truth: string[] = [];
  const texts = Array.from({ length: n }, () => {
    const t = `city${rng.int(50)}x`;
    truth.push(t);
    return acc.map((a, v) => {
      const said = `the capital is ${rng.next() < a ? t : `town${rng.int(1000)}x`}`;
      return v === 0 ? `${said}. ${rng.shuffled(VOCAB).slice(0, 15).join(' ')}` : said;
    });
  });
  return { texts, truth };
}

describe('supported coverage (ours)', () => {
  it('words and idf', () => {
    expect(wordTokens('Hello, World! a b2 __')).toEqual(['hello', 'world', 'b2', '__']);
    const idf = new Idf([new Set(['a', 'b']), new Set(['a'])]);
    expect(idf.weight('a')).toBeCloseTo(1, 12);
    expect(idf.weight('b')).toBeCloseTo(Math.log(3 / 2) + 1, 12);
    expect(idf.weight('zzz')).toBeCloseTo(Math.log(3) + 1, 12);
  });

  it('supported and unsupported masses count each distinct word once', () => {
    const { supported, unsupported } = supportMasses([['a1 b1 b1', 'a1 c1', '']], false);
    expect(Array.from(supported)).toEqual([1, 1, 0]);
    expect(Array.from(unsupported)).toEqual([1, 1, 0]);
  });

  it('picks the comprehensive answer when the majority is weak, where MBR picks a weak typical one', () => {
    const texts = openEnded(150, 5);
    const ours = coverageSelect(texts);
    const oursStrong = Array.from(ours.selected).filter((v) => v === 2).length / texts.length;
    const mbr = mbrFromTexts(texts);
    const mbrStrong = Array.from(mbr.selected).filter((v) => v === 2).length / texts.length;
    expect(oursStrong).toBeGreaterThan(0.9);
    expect(mbrStrong).toBeLessThan(0.2);
    expect(new Set(coverageSelect(texts, { scope: 'global' }).selected)).toEqual(new Set([2]));
  });

  it('on convergent answers the majority answer wins and unechoed rambling costs: the rambler only wins ties without the cost (λ = 0)', () => {
    const { texts, truth } = convergent(200, 9);
    const right = (sel: Int32Array): number => Array.from(sel).filter((v, s) => texts[s][v].includes(`is ${truth[s]}`)).length / texts.length;
    const rambler = (sel: Int32Array): number => Array.from(sel).filter((v) => v === 0).length / sel.length;
    const ours = coverageSelect(texts);
    const naive = coverageSelect(texts, { lambda: 0 });
    expect(rambler(ours.selected)).toBeLessThan(0.02);
    expect(rambler(naive.selected)).toBeGreaterThan(0.15);
    expect(right(ours.selected)).toBeGreaterThan(0.85);
    expect(right(ours.selected)).toBeGreaterThanOrEqual(right(naive.selected));
  });

  it('neighbourhood averaging routes each kind of input to the voter best on it', () => {
    // two kinds of input; voter 0 is comprehensive on even samples, voter 1 on odd ones
    const a = openEnded(100, 1);
    const b = openEnded(100, 2);
    const texts = Array.from({ length: 200 }, (_, s) => {
      const src = s % 2 === 0 ? a[s >> 1] : b[s >> 1];
      return s % 2 === 0 ? [src[2], src[0], src[1], src[3], src[4]] : [src[0], src[2], src[1], src[3], src[4]];
    });
    const k = 10;
    const indices = new Int32Array(200 * k);
    for (let s = 0; s < 200; s++) for (let r = 0; r < k; r++) indices[s * k + r] = (s + 2 * r) % 200; // same parity
    const r = coverageSelect(texts, { neighbours: { indices, k } });
    const good = Array.from(r.selected).filter((v, s) => v === s % 2).length / 200;
    expect(good).toBeGreaterThan(0.95);
    const means = neighbourhoodMeans(r.sampleScores, 200, 5, { indices, k });
    expect(Array.from(means)).toEqual(Array.from(r.scores));
    expect(() => coverageSelect(texts, { lambda: -1 })).toThrow(/lambda/);
  });
});
