/**
 * `smoothie paper` end to end through the CLI on miniatures of the published data layouts that the
 * test builds (same folder and file names as smoothie_data and the AutoMix outputs file).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateAutomix, loadAutomixData } from '../../src/automix/index.js';
import { ALPACA_ENSEMBLES, ALPACA_LEADERBOARD, PUBLISHED_TABLES } from '../../src/paper/published.js';
import { PAPER_TABLE_IDS } from '../../src/paper/tables.js';
import { buildAlpacaMiniature, buildAutomixMiniature, buildSmoothieMiniature, GROUPS } from '../../src/paper/miniature.js';
import { expectOneLineError, smoothie } from './helpers.js';

let work: string;
let data: string;

interface Cell {
  row: string;
  column: string;
  ours: number | null;
  published: number | null;
  diff: number | null;
}
interface TableJson {
  id: string;
  cells: Cell[];
  parity: { folder: string; compared: number; maxAbsDiff: number }[];
  notes: string[];
  figures: string[];
  files: { markdown: string; latex: string; json: string; figures: string[] };
}

const readJson = (f: string): unknown => JSON.parse(readFileSync(f, 'utf8'));
const readJsonl = (f: string): Record<string, unknown>[] =>
  readFileSync(f, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** The accuracy metrics of Dist-Acc, written out independently: the reference (or an alias) appears in the answer. */
function accuracy(row: Record<string, unknown>, text: string): number {
  const refs = Array.isArray(row.reference) ? (row.reference as string[]) : [row.reference as string];
  return refs.some((r) => text.toLowerCase().includes(r.toLowerCase())) ? 1 : 0;
}

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'smoothie-paper-'));
  data = path.join(work, 'smoothie_data');
  buildSmoothieMiniature(data);
  buildAlpacaMiniature(data, [...new Set(ALPACA_ENSEMBLES.flat())], 'yi-large-preview');
  buildAutomixMiniature(path.join(data, 'automix_llama2_outputs.jsonl'));
  // The reference's own outputs in one method folder: a Smoothie file and its scores.json.
  const rows = readJsonl(path.join(data, 'datasets', 'acc_group_test.jsonl'));
  const folder = path.join(data, 'multi_model_results', 'acc_group', '3b_ensemble');
  const gens = GROUPS['3b_ensemble'].map((m) => (readJson(path.join(data, 'multi_model_results', 'acc_group', 'model_gens', `${m}_test.json`)) as { generations: string[] }).generations);
  const picked = rows.map((_, s) => gens[s % gens.length][s]);
  writeFileSync(
    path.join(folder, 'smoothie_sample_dependent_test_time_1_all-mpnet-base-v2_test.json'),
    JSON.stringify({ generations: picked, smoothie_weights: rows.map(() => [NaN]) }).replace(/null/g, 'NaN'),
  );
  const mean = (texts: string[]): number => texts.reduce((a, t, s) => a + accuracy(rows[s], t), 0) / texts.length;
  const pairRm = (readJson(path.join(folder, 'pair_rm_test.json')) as { generations: string[] }).generations;
  writeFileSync(
    path.join(folder, 'scores.json'),
    JSON.stringify({
      ensemble: Object.fromEntries(GROUPS['3b_ensemble'].map((m, v) => [m, mean(gens[v])])),
      smoothie: { 'smoothie_sample_dependent_test_time_1_all-mpnet-base-v2': mean(picked) },
      pair_rm: mean(pairRm),
    }),
  );
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('smoothie paper list', () => {
  it('names every table of both papers with its published source', () => {
    const r = smoothie(['paper', 'list'], work);
    expect(r.code).toBe(0);
    for (const id of PAPER_TABLE_IDS) expect(r.stdout).toContain(id);
    for (const t of Object.values(PUBLISHED_TABLES)) expect(r.stdout).toContain(t.source.path);
    expect(PAPER_TABLE_IDS).toEqual(expect.arrayContaining(['routing', 'selection', 'prompting', 'embedding-ablation', 'train-test-routing', 'alpaca', 'automix']));
  });

  it('--json with --data says which tables have their inputs', () => {
    const r = smoothie(['paper', 'list', '--data', data, '--json'], work);
    const rows = JSON.parse(r.stdout) as { id: string; ready: boolean }[];
    expect(rows.map((x) => x.id)).toEqual(PAPER_TABLE_IDS);
    expect(rows.every((x) => x.ready)).toBe(true);
  });
});

describe('smoothie paper routing on a miniature', () => {
  let table: TableJson;
  beforeAll(() => {
    const r = smoothie(['paper', 'routing', '--data', data, '--embedder', 'hash', '--out', path.join(work, 'out'), '--json'], work);
    if (r.code !== 0) throw new Error(r.stderr);
    table = JSON.parse(r.stdout) as TableJson;
  });
  const cell = (row: string, column: string): Cell => table.cells.find((c) => c.row === row && c.column === column) as Cell;

  it('fills every published cell with ours and the difference', () => {
    const published = PUBLISHED_TABLES.routing;
    for (const row of published.rows) {
      for (const col of published.columns) {
        const c = cell(row.key, col.key);
        expect(c.published).toBe(published.values[row.key][col.key].value);
        expect(c.ours).not.toBeNull();
        expect(c.diff).toBeCloseTo((c.ours as number) - (c.published as number), 12);
      }
    }
  });

  it('scores with the task metrics: best-in-ensemble is the best voter; Smoothie-Local beats pick-random', () => {
    const rows = readJsonl(path.join(data, 'datasets', 'acc_group_test.jsonl'));
    for (const [g, models] of Object.entries(GROUPS)) {
      const means = models.map((m) => {
        const gens = (readJson(path.join(data, 'multi_model_results', 'acc_group', 'model_gens', `${m}_test.json`)) as { generations: string[] }).generations;
        return (100 * gens.reduce((a, t, s) => a + accuracy(rows[s], t), 0)) / gens.length;
      });
      expect(cell('best_in_ensemble', `${g}/acc_group`).ours).toBeCloseTo(Math.max(...means), 10);
      expect(cell('smoothie_local', `${g}/acc_group`).ours as number).toBeGreaterThan(cell('random', `${g}/acc_group`).ours as number);
    }
  });

  it('metric parity: our scores of the reference files equal its stored scores.json', () => {
    expect(table.parity).toHaveLength(1);
    expect(table.parity[0].folder).toBe(path.join('multi_model_results', 'acc_group', '3b_ensemble'));
    expect(table.parity[0].compared).toBe(6);
    expect(table.parity[0].maxAbsDiff).toBeLessThan(1e-12);
  });

  it('writes Markdown, LaTeX, JSON and the rank-frequency SVGs', () => {
    expect(readFileSync(table.files.markdown, 'utf8')).toContain('| method |');
    expect(readFileSync(table.files.latex, 'utf8')).toContain('\\begin{tabular}');
    expect((readJson(table.files.json) as { id: string }).id).toBe('routing');
    expect(table.files.figures).toHaveLength(4);
    for (const f of table.files.figures) expect(readFileSync(f, 'utf8')).toMatch(/^<svg[^>]*>[\s\S]*<\/svg>\s*$/);
  });
});

describe('smoothie paper all on the miniatures', () => {
  let tables: TableJson[];
  beforeAll(() => {
    const r = smoothie(['paper', 'all', '--data', data, '--embedder', 'hash', '--ablation-embedder', 'hash:256', '--out', path.join(work, 'all'), '--json'], work);
    if (r.code !== 0) throw new Error(r.stderr);
    tables = (JSON.parse(r.stdout) as { tables: TableJson[] }).tables;
  });

  it('runs every table end to end', () => {
    expect(tables.map((t) => t.id)).toEqual(PAPER_TABLE_IDS);
    for (const t of tables) {
      expect(t.cells.some((c) => c.ours !== null)).toBe(true);
      expect(existsSync(t.files.markdown) && existsSync(t.files.latex) && existsSync(t.files.json)).toBe(true);
    }
    expect(tables.find((t) => t.id === 'neighbourhood')?.files.figures).toHaveLength(2);
  });

  it('alpaca: Smoothie-Global finds the consensus model and takes its leaderboard win rate', () => {
    const alpaca = tables.find((t) => t.id === 'alpaca') as TableJson;
    const c = alpaca.cells.find((x) => x.row === 'smoothie_global' && x.column === 'trial_0') as Cell;
    expect(c.ours).toBe(ALPACA_LEADERBOARD['yi-large-preview'].winRate);
    // Against the reference's stored picks (the miniature's: yi-large-preview where the ensemble has it).
    const at = (row: string, col: string) => (alpaca.cells.find((x) => x.row === row && x.column === col) as Cell).ours;
    expect(at('agreement_global', 'trial_0')).toBe(100);
    expect(at('reference_global', 'trial_0')).toBe(ALPACA_LEADERBOARD['yi-large-preview'].winRate);
    const local = at('agreement_local', 'trial_0') as number;
    expect(local).toBeGreaterThanOrEqual(0);
    expect(local).toBeLessThanOrEqual(100);
  });

  it('automix: the paper protocol of `automix evaluate`, × 100', async () => {
    const automix = tables.find((t) => t.id === 'automix') as TableJson;
    const file = path.join(data, 'automix_llama2_outputs.jsonl');
    const e = evaluateAutomix((await loadAutomixData(file)).rows, { methods: ['POMDP', 'Threshold', 'SelfConsistency'] });
    for (const d of e.datasets) {
      for (const [m, r] of Object.entries(d.methods)) {
        const c = automix.cells.find((x) => x.row === m && x.column === `${d.dataset}/dibc`) as Cell;
        expect(c.ours).toBeCloseTo(100 * r.lift.mean, 10);
      }
    }
  });
});

describe('missing or partial data', () => {
  it('a missing generation file: one line naming it and what to download, exit 2', () => {
    const partial = path.join(work, 'partial');
    cpSync(data, partial, { recursive: true });
    const gone = path.join(partial, 'multi_model_results', 'acc_group', 'model_gens', 'dolly-3b_test.json');
    rmSync(gone);
    expectOneLineError(smoothie(['paper', 'routing', '--data', partial, '--embedder', 'hash'], work), gone, 'smoothie_data', 'huggingface.co/datasets/hazyresearch/smoothie_data');
    // Tables whose inputs are all present still run; the others are named.
    const all = smoothie(['paper', 'all', '--data', partial, '--embedder', 'hash', '--out', path.join(work, 'partial-out')], work);
    expect(all.code).toBe(0);
    expect(all.stderr).toContain('skipped routing');
    expect(all.stdout).toContain('NLG selection');
  });

  it('no AutoMix file, no data folder, an unknown table', () => {
    const empty = mkdtempSync(path.join(work, 'empty-'));
    expectOneLineError(smoothie(['paper', 'automix', '--data', empty], work), 'automix_llama2_outputs.jsonl', 'drive.google.com');
    expectOneLineError(smoothie(['paper', 'selection', '--data', empty], work), 'smoothie_data');
    expectOneLineError(smoothie(['paper', 'routing'], work), '--data');
    expectOneLineError(smoothie(['paper', 'nope', '--data', empty], work), 'unknown table', 'routing');
  });
});
