import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSelectionFile, writeSelectionFile } from '../../src/data/selection.js';
import { fixture } from '../helpers/shared.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'smoothie-selection-'));

describe('selection files', () => {
  const m2 = fixture('smoothie', 'synthetic_m2', 'reference_output_dependent_k5.json');
  it.skipIf(!m2.exists)("reads the reference's output, bare NaN weights included", async () => {
    const selection = await readSelectionFile(m2.path);
    expect(selection.generations.length).toBe(selection.smoothie_weights!.length);
    expect(selection.smoothie_weights!.flat().every((w) => Number.isNaN(w))).toBe(true);
  });

  it('round-trips ours, undefined weights as null, and names the bad field', async () => {
    const file = path.join(tmp(), 'sel.json');
    await writeSelectionFile(file, {
      generations: ['a', 'b'],
      smoothie_weights: [
        [NaN, 1],
        [0.5, 0.5],
      ],
      selected: [0, 0],
      voters: ['x', 'y'],
      meta: { method: 'smoothie' },
    });
    expect(readFileSync(file, 'utf8')).toContain('null');
    const back = await readSelectionFile(file);
    expect(back.smoothie_weights).toEqual([
      [null, 1],
      [0.5, 0.5],
    ]);
    writeFileSync(file, '{"generations": [1]}');
    await expect(readSelectionFile(file)).rejects.toThrow(/sel\.json, field 'generations\.0'/);
  });
});
