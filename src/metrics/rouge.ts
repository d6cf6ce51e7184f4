/**
 * ROUGE exactly as Google's rouge_score 0.1.2 computes it (`RougeScorer.score` / `score_multi`),
 * which HuggingFace `evaluate.load("rouge")` wraps and Smoothie uses for its rouge2 metric.
 * Every P/R/F is computed with the same float64 operations in the same order as the Python, so
 * results are bit-identical.
 */
import { rougeTokenize } from './rouge-tokenize.js';
import { UserInputError } from '../errors/index.js';

export type RougeScore = { precision: number; recall: number; fmeasure: number };
export type RougeType = 'rouge1' | 'rouge2' | 'rougeL' | 'rougeLsum';

export const ROUGE_TYPES: readonly RougeType[] = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'];

const ZERO: Readonly<RougeScore> = { precision: 0, recall: 0, fmeasure: 0 };

/** `scoring.fmeasure`: `2 * p * r / (p + r)`, evaluated left to right like Python. */
function score(precision: number, recall: number): RougeScore {
  const fmeasure = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, fmeasure };
}

/** Maps tokens to small integers, so n-gram keys are unambiguous and LCS compares numbers. */
class Interner {
  private readonly ids = new Map<string, number>();

  encode(tokens: readonly string[]): Int32Array {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      let id = this.ids.get(tokens[i]);
      if (id === undefined) {
        id = this.ids.size;
        this.ids.set(tokens[i], id);
      }
      out[i] = id;
    }
    return out;
  }
}

/** Multiset of n-grams (`_create_ngrams`): key = the ids joined by spaces. */
function ngramCounts(ids: Int32Array, n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= ids.length; i++) {
    const key = ids.subarray(i, i + n).join(' ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** `_score_ngrams`: clipped overlap over max(#n-grams, 1) on each side. */
export function rougeN(predTokens: readonly string[], refTokens: readonly string[], n: number): RougeScore {
  if (!Number.isInteger(n) || n < 1) throw new Error(`rougeN: n must be a positive integer, got ${n}`);
  const interner = new Interner();
  const ref = ngramCounts(interner.encode(refTokens), n);
  const pred = ngramCounts(interner.encode(predTokens), n);
  let overlap = 0;
  for (const [key, count] of ref) overlap += Math.min(count, pred.get(key) ?? 0);
  const refTotal = Math.max(0, refTokens.length - n + 1);
  const predTotal = Math.max(0, predTokens.length - n + 1);
  return score(overlap / Math.max(predTotal, 1), overlap / Math.max(refTotal, 1));
}

/** LCS length in O(min) memory: two rolling rows of the `_lcs_table` recurrence. */
function lcsLength(ref: Int32Array, pred: Int32Array): number {
  let prev = new Int32Array(pred.length + 1);
  let curr = new Int32Array(pred.length + 1);
  for (let i = 1; i <= ref.length; i++) {
    const r = ref[i - 1];
    for (let j = 1; j <= pred.length; j++) {
      curr[j] = r === pred[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], curr[j - 1]);
    }
    [prev, curr] = [curr, prev];
  }
  return prev[pred.length];
}

/** `_score_lcs`: LCS over whole token lists; all zero when either side has no tokens. */
export function rougeL(predTokens: readonly string[], refTokens: readonly string[]): RougeScore {
  if (predTokens.length === 0 || refTokens.length === 0) return { ...ZERO };
  const interner = new Interner();
  const lcs = lcsLength(interner.encode(refTokens), interner.encode(predTokens));
  return score(lcs / predTokens.length, lcs / refTokens.length);
}

/**
 * Reference positions of one LCS, chosen exactly as `_backtrack_norec` does: walk back from the
 * end, take a match whenever the tokens are equal, move left in the prediction only when that
 * cell is strictly larger, otherwise (ties included) move up in the reference.
 */
function lcsRefPositions(ref: Int32Array, pred: Int32Array): number[] {
  const cols = pred.length + 1;
  const t = new Int32Array((ref.length + 1) * cols);
  for (let i = 1; i <= ref.length; i++) {
    const r = ref[i - 1];
    for (let j = 1; j <= pred.length; j++) {
      t[i * cols + j] = r === pred[j - 1] ? t[(i - 1) * cols + j - 1] + 1 : Math.max(t[(i - 1) * cols + j], t[i * cols + j - 1]);
    }
  }
  const positions: number[] = [];
  let i = ref.length;
  let j = pred.length;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === pred[j - 1]) {
      positions.push(i - 1);
      i--;
      j--;
    } else if (t[i * cols + j - 1] > t[(i - 1) * cols + j]) {
      j--;
    } else {
      i--;
    }
  }
  return positions;
}

function countIds(sentences: readonly Int32Array[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const s of sentences) for (const id of s) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/** rougeLsum sentences: split on "\n" only, drop empty strings (punctuation-only lines stay, with 0 tokens). */
function sentences(text: string): string[] {
  return text.split('\n').filter((s) => s.length > 0);
}

/**
 * `_summary_level_lcs`: per reference sentence, the union of LCS positions against every
 * prediction sentence; hits are capped by whole-text token counts on both sides.
 */
export function rougeLsum(predText: string, refText: string, stem: boolean): RougeScore {
  const interner = new Interner();
  const refSents = sentences(refText).map((s) => interner.encode(rougeTokenize(s, stem)));
  const predSents = sentences(predText).map((s) => interner.encode(rougeTokenize(s, stem)));
  const m = refSents.reduce((acc, s) => acc + s.length, 0);
  const n = predSents.reduce((acc, s) => acc + s.length, 0);
  if (m === 0 || n === 0) return { ...ZERO };
  const refCounts = countIds(refSents);
  const predCounts = countIds(predSents);
  let hits = 0;
  for (const r of refSents) {
    const union = new Set<number>();
    for (const c of predSents) for (const p of lcsRefPositions(r, c)) union.add(p);
    for (const p of [...union].sort((a, b) => a - b)) {
      const id = r[p];
      const inPred = predCounts.get(id) ?? 0;
      const inRef = refCounts.get(id) ?? 0;
      if (inPred > 0 && inRef > 0) {
        hits++;
        predCounts.set(id, inPred - 1);
        refCounts.set(id, inRef - 1);
      }
    }
  }
  return score(hits / n, hits / m);
}

export type RougeOptions<T extends RougeType> = {
  /** Porter stemming of tokens longer than 3 characters (rouge_score `use_stemmer`); default false. */
  stem?: boolean;
  /** Which scores to compute; default all four. */
  types?: readonly T[];
};

/** `RougeScorer.score(target=reference, prediction)`. */
function scoreOne<T extends RougeType>(prediction: string, reference: string, types: readonly T[], stem: boolean): Record<T, RougeScore> {
  const predTokens = rougeTokenize(prediction, stem);
  const refTokens = rougeTokenize(reference, stem);
  const out = {} as Record<T, RougeScore>;
  for (const type of types) {
    switch (type) {
      case 'rouge1':
        out[type] = rougeN(predTokens, refTokens, 1);
        break;
      case 'rouge2':
        out[type] = rougeN(predTokens, refTokens, 2);
        break;
      case 'rougeL':
        out[type] = rougeL(predTokens, refTokens);
        break;
      case 'rougeLsum':
        out[type] = rougeLsum(prediction, reference, stem);
        break;
    }
  }
  return out;
}

/**
 * ROUGE of `prediction` against `reference`. A list of references follows
 * `RougeScorer.score_multi`: for each type separately, the whole score (P, R, F) of the reference
 * with the highest F-measure, the first one on ties; an empty list throws (numpy argmax of an
 * empty sequence raises in the reference).
 */
export function rougeScores<T extends RougeType = RougeType>(prediction: string, reference: string | readonly string[], options: RougeOptions<T> = {}): Record<T, RougeScore> {
  const types = options.types ?? (ROUGE_TYPES as readonly T[]);
  const stem = options.stem ?? false;
  if (typeof reference === 'string') return scoreOne(prediction, reference, types, stem);
  if (reference.length === 0) throw new UserInputError('the reference list is empty (score_multi needs at least one reference)', { field: 'reference' });
  const perReference = reference.map((r) => scoreOne(prediction, r, types, stem));
  const best = {} as Record<T, RougeScore>;
  for (const type of types) {
    let winner = perReference[0][type];
    for (const s of perReference) if (s[type].fmeasure > winner.fmeasure) winner = s[type];
    best[type] = winner;
  }
  return best;
}

/**
 * Smoothie's per-sample `compute_rouge2_score`: the rouge2 F-measure, no stemming, list
 * references via `score_multi`. Pass the already cleaned generation; references are used raw.
 * Difference from the batch reference: HF `evaluate` decides single vs multi reference for the
 * whole batch from the type of the first sample's reference, whereas this decides per sample
 * from the sample's own reference. They agree whenever a dataset's references share one shape.
 */
export function rouge2F(prediction: string, reference: string | readonly string[]): number {
  return rougeScores(prediction, reference, { types: ['rouge2'] }).rouge2.fmeasure;
}
