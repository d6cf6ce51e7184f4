/**
 * The label-free selectors as dataset runs (`smoothie mbr | vote | coverage`): dataset config →
 * the test split's candidates (cleaned when the config says so) → embeddings where the method needs
 * them → the selection → the standard method file `<method dir>/<name>_test.json`, which
 * `smoothie evaluate` scores beside Smoothie and the baselines.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Backend } from '../compute/backend.js';
import { cleanGeneration } from '../data/clean.js';
import type { DatasetConfig } from '../data/config.js';
import { methodDir, type RunDirs, type VoterMode } from '../data/paths.js';
import { changedSettings, writeSelectionFile } from '../data/selection.js';
import { loadSplitData } from '../data/split.js';
import { embedSplit } from '../embed/samples.js';
import type { Embedder } from '../embed/types.js';
import { InvalidParameterError } from '../errors/index.js';
import { COVERAGE_DEFAULTS, coverageSelect } from './coverage.js';
import { mbrFromEmbeddings, mbrFromTexts, type MbrUtility, type ScoredSelection, type SelectionScope } from './mbr.js';
import { inputNeighbourhoods } from './neighbours.js';
import { vote, type AnswerKind } from './vote.js';

export const SELECT_METHODS = ['mbr', 'vote', 'coverage'] as const;
export type SelectMethod = (typeof SELECT_METHODS)[number];

export interface SelectRunOptions {
  readonly config: DatasetConfig;
  readonly mode: VoterMode;
  readonly dirs: RunDirs;
  readonly method: SelectMethod;
  /** Embeds candidates (mbr cosine, vote tie-breaks) or inputs (coverage neighbourhoods). */
  readonly embedder?: Embedder;
  /** Embedder name for the file name (the `--embedder` spec). */
  readonly embedderName?: string;
  readonly backend?: Backend;
  /** mbr. @default 'cosine' */
  readonly utility?: MbrUtility;
  /** mbr, coverage. @default 'sample' */
  readonly scope?: SelectionScope;
  /** vote. @default 'auto' */
  readonly kind?: AnswerKind;
  /** coverage. @default 0.07 */
  readonly lambda?: number;
  /** coverage neighbourhood size. @default 50 */
  readonly k?: number;
  readonly seed?: number;
  readonly redo?: boolean;
}

export interface SelectRunResult {
  readonly method: SelectMethod;
  readonly outputFile: string;
  readonly skipped: boolean;
  /** The file existed with other settings (an embedder version) and was rewritten: what changed. */
  readonly replaced?: string;
  readonly n?: number;
  readonly voters?: readonly string[];
  readonly selectionShare?: number[];
}

const safe = (name: string): string => name.replace(/[^\w.-]+/g, '-');

/** The method file's stem, e.g. `mbr_cosine_hash`, `mbr_rougeL_global`, `vote_auto_hash`, `coverage_k50_l0.07_hash`. */
export function selectFileStem(opts: Omit<SelectRunOptions, 'config' | 'mode' | 'dirs'>): string {
  const emb = safe(opts.embedderName ?? opts.embedder?.id ?? 'none');
  const scope = opts.scope === 'global' ? '_global' : '';
  if (opts.method === 'mbr') return (opts.utility ?? 'cosine') === 'rougeL' ? `mbr_rougeL${scope}` : `mbr_cosine${scope}_${emb}`;
  if (opts.method === 'vote') return `vote_${opts.kind ?? 'auto'}_${emb}`;
  const k = opts.scope === 'global' ? 'global' : `k${opts.k ?? COVERAGE_DEFAULTS.k}`;
  return `coverage_${k}_l${opts.lambda ?? COVERAGE_DEFAULTS.lambda}${k === 'k1' || k === 'global' ? '' : `_${emb}`}`;
}

/** Whether the method needs an embedder with these options. */
export function needsEmbedder(opts: Pick<SelectRunOptions, 'method' | 'utility' | 'scope' | 'k'>): boolean {
  if (opts.method === 'mbr') return (opts.utility ?? 'cosine') === 'cosine';
  if (opts.method === 'vote') return true;
  return opts.scope !== 'global' && (opts.k ?? COVERAGE_DEFAULTS.k) > 1;
}

function share(selected: Int32Array, m: number): number[] {
  const counts = new Array<number>(m).fill(0);
  for (const v of selected) counts[v]++;
  return counts.map((c) => (selected.length === 0 ? 0 : c / selected.length));
}

export async function runSelect(opts: SelectRunOptions): Promise<SelectRunResult> {
  const outputFile = path.join(methodDir(opts.dirs, opts.config, opts.mode), `${selectFileStem(opts)}_test.json`);
  const embedderInfo = opts.embedder ? { id: opts.embedder.id, version: opts.embedder.version } : null;
  let replaced: string | undefined;
  if (!opts.redo && existsSync(outputFile)) {
    replaced = await changedSettings(outputFile, { embedder: embedderInfo });
    if (replaced === undefined) return { method: opts.method, outputFile, skipped: true };
  }
  if (opts.k !== undefined && (!Number.isInteger(opts.k) || opts.k < 1)) throw new InvalidParameterError('k', `must be a positive integer, got ${opts.k}`);
  if (opts.lambda !== undefined && !(opts.lambda >= 0)) throw new InvalidParameterError('lambda', `must be a number ≥ 0, got ${opts.lambda}`);
  const test = await loadSplitData(opts.config, opts.mode, opts.dirs, 'test');
  const { table } = test;
  const n = table.texts.length;
  const m = table.voters.length;
  const texts = opts.config.cleanGenerations ? table.texts.map((row) => row.map(cleanGeneration)) : table.texts;
  let emb: Awaited<ReturnType<typeof embedSplit>> | undefined;
  if (needsEmbedder(opts)) {
    if (!opts.embedder) throw new InvalidParameterError('embedder', `${opts.method} needs an embedder`);
    emb = await embedSplit(test, opts.embedder, { clean: opts.config.cleanGenerations, stage: 'test' });
  }
  let selection: ScoredSelection;
  const meta: Record<string, unknown> = { method: opts.method, dataset_config: opts.config.path, embedder: embedderInfo };
  if (opts.method === 'mbr') {
    const scope = opts.scope ?? 'sample';
    selection = (opts.utility ?? 'cosine') === 'rougeL' ? mbrFromTexts(texts, { scope }) : mbrFromEmbeddings(emb!.generations, { scope });
    Object.assign(meta, { utility: opts.utility ?? 'cosine', scope });
  } else if (opts.method === 'vote') {
    const tie = mbrFromEmbeddings(emb!.generations);
    const r = vote(texts, { kind: opts.kind ?? 'auto', tieBreak: tie.scores });
    selection = r;
    const kinds: Record<string, number> = {};
    for (const k of r.kinds) kinds[k] = (kinds[k] ?? 0) + 1;
    Object.assign(meta, { kind: opts.kind ?? 'auto', kinds_used: kinds, tie_break: 'mbr cosine', answers: r.answers });
  } else {
    const scope = opts.scope ?? 'sample';
    const k = opts.k ?? COVERAGE_DEFAULTS.k;
    const neighbours = emb && scope === 'sample' && k > 1 ? await inputNeighbourhoods(emb.inputs, k, { backend: opts.backend, seed: opts.seed }) : undefined;
    selection = coverageSelect(texts, { lambda: opts.lambda, neighbours, scope });
    Object.assign(meta, { lambda: opts.lambda ?? COVERAGE_DEFAULTS.lambda, k: neighbours?.k ?? 1, scope });
  }
  const rows: number[][] = [];
  for (let s = 0; s < n; s++) rows.push(Array.from(selection.scores.subarray(s * m, (s + 1) * m)));
  await writeSelectionFile(outputFile, {
    generations: Array.from(selection.selected, (v, s) => table.texts[s][v]),
    selected: Array.from(selection.selected),
    voters: [...table.voters],
    meta: { ...meta, method: opts.method, scores: rows },
  });
  return { method: opts.method, outputFile, skipped: false, replaced, n, voters: table.voters, selectionShare: share(selection.selected, m) };
}
