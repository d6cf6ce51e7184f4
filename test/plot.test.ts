import { describe, expect, it } from 'vitest';
import { heatmapSvg } from '../src/plot/heatmap.js';

describe('heatmapSvg', () => {
  it('draws one labelled cell per value, escapes text, greys undefined cells', () => {
    const svg = heatmapSvg({
      title: 'a <b>',
      rows: ['v0', 'v1'],
      columns: ['all', 'x&y'],
      values: [
        [0.5, null],
        [1, 0],
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<rect x=/g)).toHaveLength(4);
    expect(svg).toContain('a &lt;b&gt;');
    expect(svg).toContain('x&amp;y');
    expect(svg).toContain('fill="#ccc"');
    expect(svg).toContain('>n/a<');
    expect(svg).toContain('>0.50<');
  });
});
