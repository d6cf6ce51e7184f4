/** Reading and writing selection files (Smoothie's output, and every method's after it). */
import type { CandidateTable } from './candidates.js';
import { readJsonFile, writeJsonFile } from './json.js';
import { SelectionFileSchema, TrialSelectionFileSchema, type SelectionFile, type TrialSelectionFile } from './schemas.js';
import { parseWith } from './validate.js';

/**
 * What a selection method returns (Smoothie, the label-free selectors, every baseline): the voter it
 * chose for each of n samples among m, and, for methods that score the voters, what the choice
 * maximised. Written to the method folder as a `SelectionFile` (`selectionFile`).
 */
export interface Selection {
  /** Chosen voter per sample (n). */
  readonly selected: Int32Array;
  /** n × m row-major scores the choice maximised (Smoothie: its weights, NaN where undefined); absent when the method scores nothing. */
  readonly scores?: Float64Array;
  readonly n: number;
  readonly m: number;
}

/** A selection whose method scores every voter of every sample. */
export interface ScoredSelection extends Selection {
  readonly scores: Float64Array;
}

/** What a randomised method returns: one selection per seeded trial (pick-random, the labelled baselines). */
export interface TrialSelections {
  readonly trials: readonly Selection[];
}

/** A selection of the given voters (n = their count); scores, when given, are n × m. */
export function selectionOf(selected: ArrayLike<number>, m: number, scores: Float64Array): ScoredSelection;
export function selectionOf(selected: ArrayLike<number>, m: number, scores?: Float64Array): Selection;
export function selectionOf(selected: ArrayLike<number>, m: number, scores?: Float64Array): Selection {
  const n = selected.length;
  if (scores !== undefined && scores.length !== n * m) throw new RangeError(`selectionOf: ${scores.length} scores for ${n} samples × ${m} voters`);
  return scores === undefined ? { selected: Int32Array.from(selected), n, m } : { selected: Int32Array.from(selected), scores, n, m };
}

/** The voters chosen per trial as plain arrays: choices[t][s]. */
export function trialChoices(selections: TrialSelections): number[][] {
  return selections.trials.map((t) => Array.from(t.selected));
}

/** The selection's scores as one array per sample (n × m). */
export function scoreRows(selection: Selection): number[][] {
  const { scores, m } = selection;
  if (scores === undefined) throw new Error('scoreRows: this selection has no scores');
  return Array.from({ length: selection.n }, (_, s) => Array.from(scores.subarray(s * m, (s + 1) * m)));
}

/** The raw generation each sample's chosen voter wrote. */
export function chosenGenerations(selection: Selection, table: CandidateTable): string[] {
  return Array.from(selection.selected, (v, s) => table.texts[s][v]);
}

/**
 * A selection's method file: the chosen raw generations, the scores as `smoothie_weights` when
 * `smoothieWeights` (Smoothie's files, as the reference's), the choices, the voters and `meta`.
 */
export function selectionFile(
  selection: Selection,
  table: CandidateTable,
  meta: { readonly method: string } & Readonly<Record<string, unknown>>,
  options: {
    /** Write the scores as `smoothie_weights`. @default false */
    readonly smoothieWeights?: boolean;
  } = {},
): SelectionFile {
  return {
    generations: chosenGenerations(selection, table),
    ...(options.smoothieWeights ? { smoothie_weights: scoreRows(selection) } : {}),
    selected: Array.from(selection.selected),
    voters: [...table.voters],
    meta: { ...meta },
  };
}

/** A trial method's file: the reference's `{generations}` per trial plus the choices, the voters and `meta`. */
export function trialsFile(selections: TrialSelections, table: CandidateTable, meta: { readonly method: string } & Readonly<Record<string, unknown>>): TrialSelectionFile {
  return {
    generations: selections.trials.map((t) => chosenGenerations(t, table)),
    selected: trialChoices(selections),
    voters: [...table.voters],
    meta: { ...meta },
  };
}

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
