import { describe, expect, it } from 'vitest';
import { barChartSvg, competitionRanks, lineChartSvg, rankFrequencies } from '../../src/paper/figures.js';

describe('ranks of the selected voter (routing_results.py compute_ranks)', () => {
  it('ties share the smallest rank and the next rank skips', () => {
    // The reference's docstring example: {a: 95, b: 90, c: 95, d: 85} → a 1, c 1, b 3, d 4.
    expect(competitionRanks([95, 90, 95, 85])).toEqual([1, 3, 1, 4]);
    expect(competitionRanks([1, 1, 1])).toEqual([1, 1, 1]);
    expect(competitionRanks([3, 1, 2], false)).toEqual([3, 1, 2]);
  });

  it("relative frequency of the picked voter's rank over samples", () => {
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
  it('round, evenly spaced steps inside the data range (the plotting layer, no nice extension)', () => {
    const svg = lineChartSvg({ title: 'n0', xLabel: 'n0', yLabel: 'score', xs: [1, 5, 10], series: [{ name: 'a', ys: [50.87, null, 92.47] }] });
    const ticks = [...svg.matchAll(/class="tick-y">([^<]*)</g)].map((m) => Number(m[1]));
    expect(ticks).toEqual([50, 60, 70, 80, 90]);
    const bars = barChartSvg({ title: 'Δ', xLabel: 'trial', yLabel: 'gain', labels: ['T0', 'T1'], values: [-3, 5] });
    expect([...bars.matchAll(/class="tick-y">([^<]*)</g)].map((m) => Number(m[1]))).toContain(0);
  });
});
