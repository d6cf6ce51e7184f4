import { describe, expect, it } from 'vitest';
import { scoresChartSvg } from '../../src/evaluate/chart.js';
import type { EvaluationResult } from '../../src/evaluate/score-methods.js';
import { linearAxis } from '../../src/plot/axes.js';
import { costQualitySvg, type CostQualityPanel } from '../../src/plot/cost-quality.js';
import { heatmapSvg } from '../../src/plot/heatmap.js';
import { boxesOverlap, textBox, textWidth, wrapText, type Box } from '../../src/plot/svg.js';

interface ParsedText {
  readonly text: string;
  readonly box: Box;
  readonly className?: string;
}

const unescapeXml = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

/** The canvas size and every <text> with its estimated extent, read back from the markup. */
function parse(svg: string): { width: number; height: number; viewBox: string | undefined; texts: ParsedText[] } {
  const root = /<svg ([^>]*)>/.exec(svg)?.[1] ?? '';
  const attr = (attrs: string, name: string): string | undefined => new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(attrs)?.[1];
  const texts = [...svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)].map((m): ParsedText => {
    const a = m[1];
    const text = unescapeXml(m[2]);
    const style = {
      size: Number(attr(a, 'font-size') ?? 12),
      anchor: (attr(a, 'text-anchor') ?? 'start') as 'start' | 'middle' | 'end',
      bold: attr(a, 'font-weight') === 'bold',
      vertical: /rotate\(-90/.test(attr(a, 'transform') ?? ''),
    };
    return { text, box: textBox(Number(attr(a, 'x')), Number(attr(a, 'y')), text, style), className: attr(a, 'class') };
  });
  return { width: Number(attr(root, 'width')), height: Number(attr(root, 'height')), viewBox: attr(root, 'viewBox'), texts };
}

function expectAllTextInside(svg: string): void {
  const { width, height, viewBox, texts } = parse(svg);
  expect(viewBox).toBe(`0 0 ${width} ${height}`);
  expect(texts.length).toBeGreaterThan(0);
  for (const t of texts) {
    expect({ text: t.text, inside: t.box.x0 >= 0 && t.box.y0 >= 0 && t.box.x1 <= width && t.box.y1 <= height }).toEqual({ text: t.text, inside: true });
  }
}

function expectTicksReadable(svg: string, className: string): void {
  const ticks = parse(svg).texts.filter((t) => t.className === className);
  expect(ticks.length).toBeGreaterThanOrEqual(3);
  for (let i = 1; i < ticks.length; i++) expect(boxesOverlap(ticks[i - 1].box, ticks[i].box)).toBe(false);
  // Round values, evenly spaced, all with the same number of decimals (at most 2).
  const values = ticks.map((t) => Number(t.text));
  const decimals = new Set(ticks.map((t) => t.text.split('.')[1]?.length ?? 0));
  expect(decimals.size).toBe(1);
  expect([...decimals][0]).toBeLessThanOrEqual(2);
  const step = values[1] - values[0];
  for (let i = 1; i < values.length; i++) expect(values[i] - values[i - 1]).toBeCloseTo(step, 9);
}

const LONG = 'smoothie_sample_dependent_test_time_20_hash-1024';

function scoresResult(): EvaluationResult {
  const voters = ['calc-7b', 'generalist-7b', 'rambler-3b'].map((name, i) => ({ name, mean: [0.592, 0.706, 0.183][i] }));
  return {
    dir: 'results/demo/demo_ensemble',
    metric: 'squad_acc',
    n: 360,
    higherIsBetter: true,
    oracle: { mean: 0.997 },
    voters,
    bestVoter: voters[1],
    methods: [
      { name: LONG, mean: 0.95, category: 'smoothie' },
      { name: 'pick_random', mean: 0.513, std: 0.016, category: 'baseline' },
    ],
  } as unknown as EvaluationResult;
}

const searchPanel: CostQualityPanel = {
  title: 'architecture search: 30 evaluated on 12 dev questions',
  series: [
    {
      name: 'architectures',
      curve: [0.2, 1, 2.2, 3, 3.1, 4.2, 5, 6.2, 7, 14.2].flatMap((cost, i) => [
        { cost, performance: [0.583, 0.667, 0.333, 1, 0.417, 0.583, 1, 0.333, 0.667, 1][i] },
        { cost: cost + 0.1, performance: 0.28 + i / 20 },
      ]),
      chosen: { cost: 3, performance: 1 },
    },
  ],
  chosenLabel: 'best',
};

const automixPanel: CostQualityPanel = {
  title: 'demoqa: 600 test rows, costs 1/50 + verifier 1',
  slm: { cost: 1, performance: 0.503 },
  llm: { cost: 50, performance: 0.75 },
  oracle: { cost: 19, performance: 0.843 },
  series: ['POMDP', 'Threshold', 'DoubleThreshold', 'TripleThreshold', 'SelfConsistency', 'POMDPSimple', 'GreedyPOMDP', 'BayesPOMDP'].map((name, i) => {
    const chosen = i === 4 ? { cost: 26, performance: 0.82 } : i % 2 === 0 ? { cost: 21.5, performance: 0.765 } : { cost: 22.4, performance: 0.78 };
    return { name, curve: [{ cost: 2, performance: 0.503 }, { cost: 10 + i, performance: 0.6 + i / 100 }, chosen, { cost: 40 + i, performance: 0.7 }], chosen };
  }),
  chosenLabel: 'chosen (seed 0 fit)',
};

describe('the plotting layer', () => {
  it('measures text: wide letters wider, bold wider, size scales; wraps at a width', () => {
    expect(textWidth('WWWW')).toBeGreaterThan(textWidth('iiii') * 3);
    expect(textWidth('label', 12, true)).toBeGreaterThan(textWidth('label', 12));
    expect(textWidth('label', 24)).toBeCloseTo(2 * textWidth('label', 12), 9);
    // At least DejaVu Sans's advance (the usual fallback font): 'a' is 0.613 em there.
    expect(textWidth('a', 100)).toBeGreaterThanOrEqual(61.3);
    const lines = wrapText('one two three four five six seven', 80);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join(' ')).toBe('one two three four five six seven');
    for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(80);
  });

  it('picks round, non-overlapping ticks (d3-scale) and fewer of them when labels are wide', () => {
    const wide = linearAxis([0, 123456], [0, 200], { orientation: 'x' });
    const roomy = linearAxis([0, 123456], [0, 2000], { orientation: 'x' });
    expect(wide.ticks.length).toBeLessThan(roomy.ticks.length);
    for (let i = 1; i < wide.ticks.length; i++) {
      const a = wide.ticks[i - 1];
      const b = wide.ticks[i];
      expect(b.at - a.at).toBeGreaterThanOrEqual((textWidth(a.label) + textWidth(b.label)) / 2);
    }
    const y = linearAxis([0.28, 1.05], [300, 0], { orientation: 'y' });
    expect(y.ticks.map((t) => t.label)).toEqual(['0.2', '0.3', '0.4', '0.5', '0.6', '0.7', '0.8', '0.9', '1.0', '1.1']);
  });
});

describe('scores.svg', () => {
  it('keeps every label, the longest method name included, inside the picture', () => {
    const svg = scoresChartSvg(scoresResult());
    expectAllTextInside(svg);
    expect(svg).toContain(`>${LONG}<`);
    expect(svg).toContain('0.513 ± 0.016');
    expectTicksReadable(svg, 'tick-x');
    expect(svg).toContain('class="legend"');
  });
});

describe('search.svg (architecture search)', () => {
  it('has round, non-overlapping tick labels on both axes and every text inside', () => {
    const svg = costQualitySvg([searchPanel], 'line: the quality–cost Pareto front; dots: every evaluated architecture; ring: the best');
    expectAllTextInside(svg);
    expectTicksReadable(svg, 'tick-x');
    expectTicksReadable(svg, 'tick-y');
    expect(
      parse(svg)
        .texts.filter((t) => t.className === 'legend-label')
        .map((t) => t.text),
    ).toEqual(['architectures', 'candidate', 'best']);
  });
});

describe('automix_curves.svg', () => {
  const svg = costQualitySvg([automixPanel, { ...automixPanel, title: 'a second dataset with a much longer title than the first one has, to widen it' }]);

  it('has a legend naming every method, the chosen-point ring, the SLM → LLM line and the oracle', () => {
    const legend = parse(svg)
      .texts.filter((t) => t.className === 'legend-label')
      .map((t) => t.text);
    expect(legend.slice(0, 12)).toEqual([...automixPanel.series.map((s) => s.name), 'candidate', 'chosen (seed 0 fit)', 'SLM → LLM line', 'oracle']);
    expect(legend).toHaveLength(2 * (automixPanel.series.length + 4));
    expect(svg.match(/<g class="legend">/g)).toHaveLength(2);
  });

  it('draws a visible chosen-point marker for every method, above the curves, nested where methods chose the same point', () => {
    const rings = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)" fill="none" stroke="(#[0-9a-f]{6})"[^>]*class="chosen"\/>/g)];
    expect(rings).toHaveLength(2 * automixPanel.series.length);
    const first = rings.slice(0, automixPanel.series.length);
    // Each method's own colour, and no two rings the same circle.
    expect(new Set(first.map((r) => r[4])).size).toBe(automixPanel.series.length);
    expect(new Set(first.map((r) => `${r[1]},${r[2]},${r[3]}`)).size).toBe(automixPanel.series.length);
    // After every curve dot of its panel: nothing drawn later covers it.
    const lastDot = svg.slice(0, svg.indexOf('<g class="legend">')).lastIndexOf('r="2.5"');
    expect(svg.indexOf('class="chosen"')).toBeGreaterThan(lastDot);
  });

  it('keeps every text inside the picture and its ticks readable', () => {
    expectAllTextInside(svg);
    const one = costQualitySvg([automixPanel]);
    expectTicksReadable(one, 'tick-x');
    expectTicksReadable(one, 'tick-y');
  });
});

describe('heatmap', () => {
  it('keeps long row names and the title inside the picture', () => {
    expectAllTextInside(heatmapSvg({ title: 'weights', rows: [LONG, 'v1'], columns: ['all'], values: [[0.5], [1]], caption: 'a caption' }));
  });
});
