/**
 * Majority vote for short answers: every candidate is reduced to its answer (task-aware
 * normalisation), candidates with the most common answer win, and ties between candidates — several
 * equally common answers, or several candidates of the winning answer — go to the one with the
 * highest tie-break score (MBR's expected utility). Candidates whose answer normalises to nothing
 * abstain; a sample where all abstain is decided by the tie-break alone.
 */
import type { ScoredSelection } from './mbr.js';

export const ANSWER_KINDS = ['auto', 'number', 'letter', 'text'] as const;
export type AnswerKind = (typeof ANSWER_KINDS)[number];

const NUMBER = /-?\d[\d,]*(?:\.\d+)?/g;
const LETTER_PATTERNS = [
  /^\s*\(?([A-J])\)?\s*$/u, // "B", "(B)"
  /^\s*\(?([A-J])[).:]/u, // "B) …", "(B) …", "B. …", "B: …"
  /\b(?:answer|option|choice)\s*(?:is|:)?\s*\(?([A-J])\b\)?/iu, // "the answer is (B)"
];

/** The last number in the text, thousands separators removed, in canonical form ("3.50" → "3.5"). */
export function extractNumber(text: string): string {
  const found = text.match(NUMBER);
  if (!found) return '';
  const value = Number(found[found.length - 1].replace(/,/g, ''));
  return Number.isFinite(value) ? String(value) : '';
}

/** An option letter (A–J) in the usual answer formats, upper-cased; '' when none. */
export function extractLetter(text: string): string {
  for (const pattern of LETTER_PATTERNS) {
    const m = pattern.exec(text);
    if (m) return m[1].toUpperCase();
  }
  return '';
}

/** SQuAD-style normalisation of the first non-empty line: lower case, no punctuation or articles, single spaces. */
export function normaliseText(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\b(a|an|the)\b/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

export function normaliseAnswer(text: string, kind: Exclude<AnswerKind, 'auto'>): string {
  if (kind === 'number') return extractNumber(text);
  if (kind === 'letter') return extractLetter(text);
  return normaliseText(text);
}

/**
 * The answer kind of one sample's candidates: `letter` when most candidates name an option letter,
 * else `number` when most contain a number, else `text`.
 */
export function detectAnswerKind(candidates: readonly string[]): Exclude<AnswerKind, 'auto'> {
  const half = candidates.length / 2;
  if (candidates.filter((c) => extractLetter(c) !== '').length > half) return 'letter';
  if (candidates.filter((c) => extractNumber(c) !== '').length > half) return 'number';
  return 'text';
}

export interface VoteOptions {
  /** @default 'auto' (per sample) */
  readonly kind?: AnswerKind;
  /** n × m tie-break scores (higher wins), e.g. MBR's expected utilities; absent: the lowest voter index. */
  readonly tieBreak?: Float64Array;
}

export interface VoteResult extends ScoredSelection {
  /** The normalised answers, n × m. */
  readonly answers: string[][];
  /** The kind used per sample. */
  readonly kinds: Exclude<AnswerKind, 'auto'>[];
}

/** scores[s, v]: the share of the sample's candidates that gave v's answer (0 for an abstention). */
export function vote(texts: readonly (readonly string[])[], options: VoteOptions = {}): VoteResult {
  const n = texts.length;
  const m = texts[0]?.length ?? 0;
  const scores = new Float64Array(n * m);
  const selected = new Int32Array(n);
  const answers: string[][] = [];
  const kinds: Exclude<AnswerKind, 'auto'>[] = [];
  const tie = (s: number, v: number): number => options.tieBreak?.[s * m + v] ?? 0;
  texts.forEach((row, s) => {
    const kind = !options.kind || options.kind === 'auto' ? detectAnswerKind(row) : options.kind;
    const ans = row.map((t) => normaliseAnswer(t, kind));
    const counts = new Map<string, number>();
    for (const a of ans) if (a !== '') counts.set(a, (counts.get(a) ?? 0) + 1);
    let best = -1;
    for (let v = 0; v < m; v++) {
      const share = ans[v] === '' ? 0 : (counts.get(ans[v]) as number) / m;
      scores[s * m + v] = share;
      if (best === -1 || share > scores[s * m + best] || (share === scores[s * m + best] && tie(s, v) > tie(s, best))) best = v;
    }
    selected[s] = best;
    answers.push(ans);
    kinds.push(kind);
  });
  return { selected, scores, n, m, answers, kinds };
}
