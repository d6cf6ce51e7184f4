import { describe, expect, it } from 'vitest';
import { pickLongest } from '../../src/baselines/pick-longest.js';
import { pickRandom } from '../../src/baselines/pick-random.js';
import { Rng } from '../../src/compute/rng.js';
import type { CandidateTable } from '../../src/data/candidates.js';
import { chosenGenerations } from '../../src/data/selection.js';
import { UserInputError } from '../../src/errors/index.js';
import { evaluateSelections } from '../../src/evaluate/evaluate-selections.js';
import { METRICS } from '../../src/metrics/registry.js';

const table: CandidateTable = {
  voters: ['a', 'b', 'c'],
  texts: [
    ['paris', 'it is paris indeed', 'london'],
    ['four', 'the answer is 4', 'five'],
    ['blue sky', 'green', 'the sky is blue'],
    ['x', 'yes', 'no'],
  ],
};
const references = ['paris', 'four', 'sky', 'no'];
const squad = Array.from({ length: 4 }, () => METRICS.squad_acc);
const tasks = ['geo', 'math', 'geo', 'math'];

describe('evaluateSelections', () => {
  it('scores a single selection per row and per task, from a Selection through chosenGenerations', () => {
    const longest = pickLongest(table);
    expect(Array.from(longest.selected)).toEqual([1, 1, 2, 0]);
    const [score] = evaluateSelections([{ name: 'pick_longest', kind: 'selection', generations: chosenGenerations(longest, table) }], references, squad, { tasks });
    // paris ✓, "the answer is 4" has no "four" ✗, "the sky is blue" ✓, "x" (ties go to the first) ✗
    expect(score.sampleScores).toEqual([1, 0, 1, 0]);
    expect(score.mean).toBe(0.5);
    expect(score.perTask).toEqual({ geo: 1, math: 0 });
    expect(score.kind).toBe('selection');
  });

  it('scores trials as the mean of trial means with their population std', () => {
    const random = pickRandom(table, { trials: 3, rng: new Rng(5) });
    const generations = random.trials.map((t) => chosenGenerations(t, table));
    const [score] = evaluateSelections([{ name: 'pick_random', kind: 'trials', generations }], references, squad);
    const means = generations.map((g) => g.filter((text, i) => text.includes(references[i])).length / 4);
    expect(score.trialMeans).toEqual(means);
    expect(score.mean).toBeCloseTo(means.reduce((a, b) => a + b) / 3, 12);
    const mu = score.mean;
    expect(score.std).toBeCloseTo(Math.sqrt(means.reduce((a, b) => a + (b - mu) ** 2, 0) / 3), 12);
    expect(Object.keys(score.perTask)).toEqual(['squad_acc']);
  });

  it('bad input: a selection of the wrong length, or a reference its metric cannot read, names the file', () => {
    expect(() => evaluateSelections([{ name: 'short', kind: 'selection', generations: ['paris'], file: 'm/short_test.json' }], references, squad)).toThrow(
      /short has 1 generations but the dataset has 4 rows/,
    );
    const ranks = Array.from({ length: 4 }, () => METRICS.mix_instruct_rank);
    let caught: unknown;
    try {
      evaluateSelections([{ name: 'x', kind: 'selection', generations: table.texts.map((r) => r[0]), file: 'm/x_test.json' }], references, ranks);
    } catch (e) {
      caught = e;
    }
    expect(UserInputError.isUserInputError(caught)).toBe(true);
    expect((caught as UserInputError).file).toBe('m/x_test.json');
  });
});
