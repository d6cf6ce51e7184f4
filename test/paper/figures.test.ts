import { describe, expect, it } from 'vitest';
import { barChartSvg, competitionRanks, lineChartSvg, rankFrequencies } from '../../src/paper/figures.js';

describe('ranks of the selected voter (routing_results.py compute_ranks)', () => {
  it('ties share the smallest rank and the next rank skips', () => {
    // The reference's docstring example: {a: 95, b: 90, c: 95, d: 85} → a 1, c 1, b 3, d 4.
    expect(competitionRanks([95, 90, 95, 85])).toEqual([1, 3, 1, 4]);
    expect(competitionRanks([1, 1, 1])).toEqual([1, 1, 1]);
    expect(competitionRanks([3, 1, 2], false)).toEqual([3, 1, 2]);
  });

  it('relative frequency of the picked voter\'s rank over samples', () => {
    // 3 voters × 4 samples: scores[v][s].
    const scores = [
      [1, 0, 0.5, 0],
      [0, 1, 0.5, 0],
      [0, 0, 0.2, 0],
    ];
    // Picks: best, worst (rank 2, since voters 0 and 2 tie at 0), tied best, all tied.
    expect(rankFrequencies(scores, [0, 0, 1, 2])).toEqual([0.75, 0.25, 0]);
  });
});

describe('SVG figures', () => {
  it('bars handle negative values and keep labels', () => {
    const svg = barChartSvg({ title: 'Δ', xLabel: 'trial', yLabel: 'gain', labels: ['T0', 'T1'], values: [3, -2] });
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
    expect(svg).toContain('T1: -2');
    expect(svg).not.toMatch(/height="-/);
  });

  it('lines skip missing points', () => {
    const svg = lineChartSvg({ title: 'n0', xLabel: 'n0', yLabel: 'score', xs: [1, 5, 10], series: [{ name: 'a', ys: [1, null, 3] }] });
    expect((svg.match(/<circle/g) ?? []).length).toBe(2);
  });
});

describe('axis ticks', () => {
  it('round steps covering the range', async () => {
    const { niceTicks } = await import('../../src/paper/figures.js');
    expect(niceTicks(0, 1.1)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(45.67, 97.67)).toEqual([50, 60, 70, 80, 90]);
    const t = niceTicks(45.67, 97.67);
    expect(t[0]).toBeGreaterThanOrEqual(45.67);
    expect(t.every((v, i) => i === 0 || Math.abs(v - t[i - 1] - (t[1] - t[0])) < 1e-9)).toBe(true);
    expect(niceTicks(-3.3, 5.5)).toContain(0);
  });
});
