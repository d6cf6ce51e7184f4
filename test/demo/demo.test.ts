import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_MODELS, writeDemo } from '../../src/demo/make-demo.js';
import { REPO_ROOT } from '../helpers/shared.js';

describe('shipped demo', () => {
  it('is exactly what the generator writes (deterministic, not hand-edited)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-demo-'));
    const files = await writeDemo({ dataDir: path.join(dir, 'results', 'datasets'), resultsDir: path.join(dir, 'results') });
    expect(files).toHaveLength(13);
    for (const file of files) {
      const rel = path.relative(dir, file);
      expect(readFileSync(file, 'utf8'), rel).toBe(readFileSync(path.join(REPO_ROOT, rel), 'utf8'));
    }
    expect(readdirSync(path.join(REPO_ROOT, 'results', 'demo', 'model_gens')).sort()).toEqual(
      Object.keys(DEMO_MODELS)
        .flatMap((m) => [`${m}_test.json`, `${m}_train.json`])
        .sort(),
    );
  });

  it('has ≥ 300 test samples and models whose quality differs by category', () => {
    const rows = readFileSync(path.join(REPO_ROOT, 'results', 'datasets', 'demo_test.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { category: string; reference: string });
    expect(rows.length).toBeGreaterThanOrEqual(300);
    // Each specialist answers its own category correctly far more often than the others do.
    const correct = (model: string, category: string): number => {
      const gens = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'results', 'demo', 'model_gens', `${model}_test.json`), 'utf8')) as { generations: string[] }).generations;
      const idx = rows.map((r, i) => (r.category === category ? i : -1)).filter((i) => i >= 0);
      return idx.filter((i) => gens[i].includes(` ${rows[i].reference}.`) || gens[i].includes(` ${rows[i].reference} `)).length / idx.length;
    };
    expect(correct('calc-7b', 'arithmetic')).toBeGreaterThan(0.9);
    expect(correct('atlas-7b', 'capitals')).toBeGreaterThan(0.9);
    expect(correct('lexi-7b', 'opposites')).toBeGreaterThan(0.9);
    expect(correct('calc-7b', 'capitals')).toBeLessThan(0.6);
  });
});
