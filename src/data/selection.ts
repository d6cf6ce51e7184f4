/** Reading and writing selection files (Smoothie's output, and every method's after it). */
import { readJsonFile, writeJsonFile } from './json.js';
import { SelectionFileSchema, TrialSelectionFileSchema, type SelectionFile, type TrialSelectionFile } from './schemas.js';
import { parseWith } from './validate.js';

/** Reads ours or the reference's (bare NaN/Infinity accepted). */
export async function readSelectionFile(file: string): Promise<SelectionFile> {
  return parseWith(SelectionFileSchema, await readJsonFile(file), { file });
}

/** Strict JSON, atomically; undefined weights become null. */
export async function writeSelectionFile(file: string, selection: SelectionFile): Promise<void> {
  await writeJsonFile(file, selection, { indent: 2 });
}

/** Reads a trial-based method's file (ours or the reference's). */
export async function readTrialSelectionFile(file: string): Promise<TrialSelectionFile> {
  return parseWith(TrialSelectionFileSchema, await readJsonFile(file), { file });
}

export async function writeTrialSelectionFile(file: string, selection: TrialSelectionFile): Promise<void> {
  await writeJsonFile(file, selection, { indent: 2 });
}

/**
 * What changes a method's result besides the data, compared with the `meta` recorded in an existing
 * output: a rerun with another embedder, k, seed or sample size is not skipped as done. Undefined
 * when they match, or when the file records no `meta` (the reference's files).
 */
export async function changedSettings(file: string, expected: Readonly<Record<string, unknown>>): Promise<string | undefined> {
  let meta: Record<string, unknown> | undefined;
  try {
    meta = ((await readJsonFile(file)) as { meta?: Record<string, unknown> } | null)?.meta;
  } catch {
    return 'unreadable before';
  }
  if (meta === undefined) return undefined; // written elsewhere (the reference): nothing to compare
  const show = (v: unknown): string => (v === undefined ? 'unrecorded' : typeof v === 'object' && v !== null && 'id' in v ? String((v as { id: unknown }).id) : JSON.stringify(v));
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const changes = Object.entries(expected)
    .filter(([key, value]) => !same(meta?.[key], value))
    .map(([key, value]) => `${key} ${show(meta?.[key])} → ${show(value)}`);
  return changes.length > 0 ? changes.join(', ') : undefined;
}
