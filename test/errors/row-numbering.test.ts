// Issue 13 item 6: one numbering convention in messages: "line N" and "row N" both count from 1, as the
// README states.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserInputError } from '../../src/errors/index.js';
import { REPO_ROOT } from '../helpers/shared.js';

describe('row and line numbers in messages', () => {
  it('both count from 1; the error keeps the index it was given', () => {
    expect(new UserInputError('bad', { file: 'x.jsonl', row: 1 }).message).toBe('x.jsonl, line 1: bad');
    const e = new UserInputError('bad', { file: 'G.npy', row: 0, rowLabel: 'row' });
    expect(e.message).toBe('G.npy, row 1: bad');
    expect(e.row).toBe(0);
    expect(new UserInputError('bad', { file: 'x.json', row: 4, rowLabel: 'sample', field: 'f' }).message).toBe("x.json, sample 5, field 'f': bad");
  });

  it('the first line of a jsonl split and its first row are the same number', () => {
    // A split's row i is its line i + 1; both messages now say 1 for the first.
    const line = new UserInputError('no reference', { file: 'demo_test.jsonl', row: 1 }).message;
    const row = new UserInputError('no reference', { file: 'demo_test.jsonl', row: 0, rowLabel: 'row' }).message;
    expect(/(\d+):/.exec(line)?.[1]).toBe(/(\d+):/.exec(row)?.[1]);
  });

  it('the README states the convention', () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(/`line N` and `row N` count from 1/);
  });
});
