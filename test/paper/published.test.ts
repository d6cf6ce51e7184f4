/**
 * The shipped published numbers are exactly the papers': every number of src/paper/published.ts is
 * checked against the source files, copied under test/fixtures/paper/ (Smoothie: MIT; AutoMix:
 * Apache-2.0; their licences sit beside them).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTexTable } from '../../src/paper/tex.js';
import {
  ALPACA_ENSEMBLES,
  ALPACA_LEADERBOARD,
  ALPACA_TABLE,
  AUTOMIX_TABLE,
  EMBEDDING_ABLATION_TABLE,
  PROMPTING_TABLE,
  PUBLISHED_TABLES,
  ROUTING_TABLE,
  SELECTION_TABLE,
  TRAIN_TEST_ROUTING_TABLE,
  TRAIN_TEST_SELECTION_TABLE,
  type PublishedTable,
} from '../../src/paper/published.js';
import { REPO_ROOT } from '../helpers/shared.js';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'paper');
const read = (...p: string[]): string => readFileSync(path.join(FIXTURES, ...p), 'utf8');

/** The table's numbers row by row, as the .tex prints them (rows × columns in order). */
function gridOf(table: PublishedTable): number[][] {
  return table.rows.map((r) =>
    table.columns.map((c) => {
      const cell = table.values[r.key]?.[c.key];
      if (!cell) throw new Error(`${table.id}: no published value for ${r.key} × ${c.key}`);
      return cell.value;
    }),
  );
}

describe('published Smoothie tables equal the .tex files of HazyResearch/smoothie', () => {
  const cases: [PublishedTable, string][] = [
    [ROUTING_TABLE, 'smoothie_combined_routing_table.tex'],
    [EMBEDDING_ABLATION_TABLE, 'smoothie_routing_embedding_ablation.tex'],
    [TRAIN_TEST_ROUTING_TABLE, 'smoothie_train_test_routing_comparison.tex'],
    [SELECTION_TABLE, 'smoothie_nlg_selection_table.tex'],
    [TRAIN_TEST_SELECTION_TABLE, 'smoothie_train_test_selection_comparison.tex'],
    [PROMPTING_TABLE, 'smoothie_nlg_prompting_table.tex'],
  ];
  for (const [table, file] of cases) {
    it(`${table.id} = ${file}`, () => {
      const tex = parseTexTable(read('smoothie', file));
      expect(tex.map((r) => r.values)).toEqual(gridOf(table));
      expect(table.source.path).toBe(`tables/${file}`);
    });
  }

  it('the parser sees the labels the rows stand for', () => {
    const labels = parseTexTable(read('smoothie', 'smoothie_combined_routing_table.tex')).map((r) => r.label);
    expect(labels).toEqual(['\\random', '\\pairrm', '\\lknn', '\\bestensemble', '\\nameglobal', '\\namelocal']);
  });
});

describe('published AlpacaEval numbers equal alpaca/leaderboard.csv (eac5179)', () => {
  const lines = read('smoothie', 'alpaca_leaderboard.csv').trim().split('\n');
  const header = lines[0].split(',');
  const entries = lines.slice(1).map((l) => l.split(','));
  it('every leaderboard entry, full precision', () => {
    expect(Object.keys(ALPACA_LEADERBOARD).sort()).toEqual(entries.map((e) => e[0]).sort());
    for (const e of entries) {
      expect(ALPACA_LEADERBOARD[e[0]].winRate).toBe(Number(e[header.indexOf('win_rate')]));
      expect(ALPACA_LEADERBOARD[e[0]].lcWinRate).toBe(Number(e[header.indexOf('length_controlled_winrate')]));
    }
  });
  it("the table rows are the trials' entries; ensembles name leaderboard models", () => {
    for (let i = 0; i < 10; i++) {
      expect(ALPACA_TABLE.values.smoothie_local[`trial_${i}`].value).toBe(ALPACA_LEADERBOARD[`smoothie_${i}`].winRate);
      expect(ALPACA_TABLE.values.pick_random[`trial_${i}`].value).toBe(ALPACA_LEADERBOARD[`pick_random_${i}`].winRate);
      for (const m of ALPACA_ENSEMBLES[i]) expect(ALPACA_LEADERBOARD[m]).toBeDefined();
    }
    // The mean Smoothie-Local − pick-random difference: 12.56 points on this leaderboard.
    expect(ALPACA_TABLE.values.difference.mean.value).toBeCloseTo(12.56, 2);
  });
});

describe('published AutoMix numbers equal results/paper_eval_multi_seed_final.json (531af3e)', () => {
  const json = JSON.parse(read('automix', 'paper_eval_multi_seed_final.json')) as Record<string, Record<string, Record<string, unknown>>>;
  const methodOf = (key: string): string => (key.includes('AutomixUnion') ? 'POMDP' : key.includes('Threshold') ? 'Threshold' : 'SelfConsistency');
  it('ΔIBC mean and std, cost and performance of every dataset × method', () => {
    let n = 0;
    for (const [dataset, byMethod] of Object.entries(json.avg_lift)) {
      for (const [key, lift] of Object.entries(byMethod)) {
        const cell = (what: string) => AUTOMIX_TABLE.values[methodOf(key)][`${dataset}/${what}`];
        expect(cell('dibc').value).toBe(100 * (lift as number));
        expect(cell('dibc').std).toBe(100 * (json.std_lift[dataset][key] as number));
        const costs = json.costs[dataset][key] as number[];
        const perfs = json.perfs[dataset][key] as number[];
        expect(cell('cost').value).toBe(costs.reduce((a, b) => a + b, 0) / costs.length);
        expect(cell('perf').value).toBe(100 * (perfs.reduce((a, b) => a + b, 0) / perfs.length));
        n++;
      }
    }
    expect(n).toBe(15);
    // As printed in the paper's main table: CNLI POMDP 88.7, CoQA self-consistency 55.5.
    expect(AUTOMIX_TABLE.values.POMDP['cnli/dibc'].value.toFixed(1)).toBe('88.7');
    expect(AUTOMIX_TABLE.values.SelfConsistency['coqa/dibc'].value.toFixed(1)).toBe('55.5');
  });

  it('every published table has a source with a licence', () => {
    for (const t of Object.values(PUBLISHED_TABLES)) {
      expect(t.source.repository).toMatch(/^github\.com\//);
      expect(t.source.licence.length).toBeGreaterThan(0);
    }
  });
});
