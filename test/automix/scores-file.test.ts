// Issue 13 item 15: `automix evaluate` runs every family by default and writes each seed's per-row
// routing into automix_scores.json; on the reference fixture every routing equals the reference's.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { META_VERIFIERS } from '../../src/automix/meta-verifier.js';
import { smoothie } from '../cli/helpers.js';
import { fixture } from '../helpers/shared.js';

const dir = fixture('automix');

interface ScoresFile {
  datasets: Record<string, { test_ids: string[]; methods: Record<string, { per_seed: { seed: number; route_to_llm: string; cost: number; ibc_lift: number }[] }> }>;
}
interface Expected {
  test_ids: string[];
  seeds: Record<string, Record<string, { test_route_to_llm: string; test_avg_cost: number; test_ibc_lift: number }>>;
}

describe.skipIf(!dir.exists)('automix evaluate: every family, per-row routing per seed', () => {
  it('defaults to every family and matches the reference routing, cost and lift bit for bit', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'smoothie-automix-scores-'));
    const r = smoothie(['automix', 'evaluate', '--data', path.join(dir.path, 'rows.jsonl'), '--out-dir', out, '--quiet'], out);
    expect(r.code, r.stderr).toBe(0);
    const scores = JSON.parse(readFileSync(path.join(out, 'automix_scores.json'), 'utf8')) as ScoresFile;
    const expected = JSON.parse(readFileSync(path.join(dir.path, 'expected.json'), 'utf8')) as Expected;
    const synth = scores.datasets.synthqa;
    expect(Object.keys(synth.methods)).toEqual([...META_VERIFIERS]);
    expect(synth.test_ids).toEqual(expected.test_ids);
    let compared = 0;
    for (const [method, seeds] of Object.entries(expected.seeds)) {
      for (const [seed, want] of Object.entries(seeds)) {
        const got = synth.methods[method].per_seed[Number(seed)];
        expect(got.route_to_llm, `${method} seed ${seed}`).toBe(want.test_route_to_llm);
        expect(got.cost).toBe(want.test_avg_cost);
        expect(got.ibc_lift).toBe(want.test_ibc_lift);
        compared++;
      }
    }
    expect(compared).toBe(60);
  });
});
