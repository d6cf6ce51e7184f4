/**
 * The committed notebooks: real .ipynb files on the Deno kernel, importing the library by its package
 * name, one per paper table, every code cell executed with its output saved (npm run notebooks executes
 * them; this checks what is committed, without Jupyter).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PAPER_TABLE_IDS } from '../../src/paper/tables.js';
import { REPO_ROOT } from '../helpers/shared.js';

const DIR = path.join(REPO_ROOT, 'notebooks');
interface Cell {
  cell_type: string;
  source: string[] | string;
  outputs?: { output_type: string; data?: Record<string, unknown> }[];
  execution_count?: number | null;
}
interface Notebook {
  cells: Cell[];
  metadata: { kernelspec?: { name: string } };
}
const notebooks = readdirSync(DIR)
  .filter((f) => f.endsWith('.ipynb'))
  .sort();
const load = (f: string): Notebook => JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) as Notebook;
const text = (c: Cell): string => (Array.isArray(c.source) ? c.source.join('') : c.source);

describe('notebooks/', () => {
  it('has the tutorial, algorithm, automix, route and real-data notebooks and one per paper table', () => {
    const names = notebooks.map((f) => f.replace(/\.ipynb$/, ''));
    expect(names).toEqual(expect.arrayContaining(['tutorial', 'algorithm', 'automix', 'route', 'real-data', ...PAPER_TABLE_IDS.map((id) => `paper-${id}`)]));
  });

  for (const f of notebooks) {
    it(`${f}: Deno kernel, imports 'smoothie-router', every code cell executed with output`, () => {
      const nb = load(f);
      expect(nb.metadata.kernelspec?.name).toBe('deno');
      const code = nb.cells.filter((c) => c.cell_type === 'code');
      expect(code.length).toBeGreaterThan(0);
      expect(code.some((c) => /from 'smoothie-router(\/[a-z]+)?'/.test(text(c)))).toBe(true);
      for (const c of code) {
        expect(c.execution_count, `${f}: a cell was not executed`).toBeTypeOf('number');
        expect(c.outputs?.length, `${f}: a cell has no saved output`).toBeGreaterThan(0);
        expect(c.outputs?.some((o) => o.output_type === 'error')).toBe(false);
      }
    });
  }

  it('real-data scores real outputs: the shipped AlpacaEval slice, with its attribution', () => {
    const nb = load('real-data.ipynb');
    const out = JSON.stringify(nb.cells.map((c) => c.outputs ?? []));
    for (const row of ['pick-random', 'pick-longest', 'Smoothie-Global', 'Smoothie-Local', 'best single model', 'oracle']) expect(out).toContain(row);
    expect(readFileSync(path.join(DIR, 'data', 'alpaca_eval_slice', 'README.md'), 'utf8')).toMatch(/Apache-2\.0[\s\S]*cite AlpacaEval/);
  });
});
