import { describe, expect, it } from 'vitest';
import { ROUTING_TABLE } from '../../src/paper/published.js';
import { paperJson, paperLatex, paperMarkdown, publishedMarkdown } from '../../src/paper/render.js';
import { CellGrid, compareCells, maxAbsDifference, type PaperTableResult } from '../../src/paper/result.js';
import { latexTable, parseTexTable } from '../../src/paper/tex.js';

function result(): PaperTableResult {
  const grid = new CellGrid();
  grid.set('random', '3b_ensemble/acc_group', 50.21, 1.5);
  grid.set('smoothie_local', '7b_ensemble/rouge2_group', 20);
  return {
    id: 'routing',
    title: ROUTING_TABLE.title,
    unit: ROUTING_TABLE.unit,
    rows: ROUTING_TABLE.rows,
    columns: ROUTING_TABLE.columns,
    ours: grid.cells,
    published: ROUTING_TABLE,
    parity: [{ folder: 'multi_model_results/acc_group/3b_ensemble', compared: 6, maxAbsDiff: 0, where: 'pair_rm' }],
    notes: ['a note'],
    figures: [],
    seconds: 1.25,
  };
}

describe('ours beside published', () => {
  it('per-cell difference is ours − published, missing cells are null', () => {
    const cells = compareCells(result());
    const c = cells.find((x) => x.row === 'random' && x.column === '3b_ensemble/acc_group');
    expect(c?.diff).toBeCloseTo(50.21 - 48.7, 12);
    expect(c?.oursStd).toBe(1.5);
    expect(cells.find((x) => x.row === 'pair_rm' && x.column === '3b_ensemble/acc_group')?.diff).toBeNull();
    expect(maxAbsDifference(result())).toBeCloseTo(26.9 - 20, 12);
  });

  it('Markdown, LaTeX and JSON carry the cells, the source and the parity', () => {
    const md = paperMarkdown(result());
    expect(md).toContain('| Random (pick-random) | 50.2 ± 1.5 / 48.7 (+1.5)');
    expect(md).toContain('tables/smoothie_combined_routing_table.tex');
    expect(md).toContain('multi_model_results/acc_group/3b_ensemble');
    const tex = paperLatex(result());
    // Our LaTeX reads back through the same parser as the papers' tables.
    expect(parseTexTable(tex).length).toBe(0); // cells are "ours / published (Δ)" strings, not bare numbers
    expect(tex).toContain('\\toprule');
    const json = paperJson(result()) as { cells: unknown[]; max_abs_difference: number };
    expect(json.cells).toHaveLength(ROUTING_TABLE.rows.length * ROUTING_TABLE.columns.length);
  });

  it('latexTable round-trips numbers through parseTexTable', () => {
    const tex = latexTable({
      caption: 'c',
      label: 'l',
      header: ['m', 'a', 'b'],
      rows: [
        ['x_1', '1.5', '-2.0'],
        ['y', '3', '4'],
      ],
    });
    expect(parseTexTable(tex)).toEqual([
      { label: 'x\\_1', values: [1.5, -2] },
      { label: 'y', values: [3, 4] },
    ]);
  });

  it('publishedMarkdown prints the published table as the paper does', () => {
    const md = publishedMarkdown(ROUTING_TABLE);
    expect(md).toContain('| Smoothie-Local (k=1) | 58.7 | 20.2 | 75.0 | 26.9 |');
  });
});
