/**
 * The accuracy metrics of the reference's `src/evaluate/metrics.py` (spec §4), one sample at a
 * time, on the generation as given: cleaning is the caller's job (`scoreSample` in registry.ts).
 * Each returns 0 or 1, except `mixInstructRank` (a rank, lower is better).
 *
 * Lowercasing: JS `toLowerCase` equals Python 3 `str.lower()` on every code point both know,
 * İ → "i̇", K (Kelvin) → "k" and the final-sigma rule included (checked exhaustively against
 * CPython 3.11). They differ only on letters added after Unicode 14 (CPython 3.11's table), which
 * CPython leaves unchanged and Node 20 lowercases.
 */
import { UserInputError } from '../errors/index.js';

const isHigh = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

/** True when position `k` of `s` falls between the two halves of a surrogate pair. */
function splitsPair(s: string, k: number): boolean {
  return k > 0 && k < s.length && isHigh(s.charCodeAt(k - 1)) && isLow(s.charCodeAt(k));
}

/**
 * Python's `needle in haystack`. Python compares code points, JS `includes` UTF-16 units, so a
 * needle with a lone surrogate could match half of an astral character in JS only.
 */
function pyContains(haystack: string, needle: string): boolean {
  if (!/[\ud800-\udfff]/.test(needle)) return haystack.includes(needle);
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) {
    if (!splitsPair(haystack, i) && !splitsPair(haystack, i + needle.length)) return true;
  }
  return false;
}

/** `ref.lower() in gen.lower()`: a raw substring test, no tokenising or normalisation. */
function lowerSubstring(generation: string, reference: string): number {
  return pyContains(generation.toLowerCase(), reference.toLowerCase()) ? 1 : 0;
}

/** squad_acc: 1 when the lowercased reference is a substring of the lowercased generation. */
export function squadAcc(generation: string, reference: string): number {
  return lowerSubstring(generation, reference);
}

/** definition_extraction_acc: the same rule as squad_acc. */
export function definitionExtractionAcc(generation: string, reference: string): number {
  return lowerSubstring(generation, reference);
}

/** trivia_qa_acc: 1 when any alias passes the squad_acc test; an empty alias list gives 0. */
export function triviaQaAcc(generation: string, aliases: readonly string[]): number {
  const gen = generation.toLowerCase();
  return aliases.some((alias) => pyContains(gen, alias.toLowerCase())) ? 1 : 0;
}

const ANSWER_PHRASE = 'the answer is';

/**
 * gsm8k_acc, the reference's rule exactly: split on "." (decimal points too), take the FIRST piece
 * containing the case-sensitive "the answer is", and test whether the reference is a substring of
 * it, both lowercased and with commas removed. No such piece → 0.
 */
export function gsm8kAcc(generation: string, reference: string): number {
  const piece = generation.split('.').find((p) => p.includes(ANSWER_PHRASE));
  if (piece === undefined) return 0;
  const strip = (s: string): string => s.toLowerCase().replaceAll(',', '');
  return pyContains(strip(piece), strip(reference)) ? 1 : 0;
}

/** Numbers in free text; a minus sign counts only when no digit precedes it ("3-4" ends in 4). */
const NUMBER = /(?<!\d)-?\d[\d,]*(?:\.\d+)?/g;
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;

/**
 * OUR robust variant of gsm8k_acc, not the paper's metric (do not report it as Smoothie's number).
 * 1 when the reference rule gives 1 or, only when NO piece contains "the answer is" (e.g. "The
 * answer is 72", "18 is the answer", a bare "72"), when the last number of the generation equals
 * the reference numerically: commas stripped, so "1,000" = "1000" and "18.00" = "18". When the
 * phrase is present its verdict stands, so its decimal-point and substring quirks remain.
 */
export function gsm8kAccRobust(generation: string, reference: string): number {
  // The phrase has no ".", so some piece contains it exactly when the whole generation does.
  if (generation.includes(ANSWER_PHRASE)) return gsm8kAcc(generation, reference);
  const target = reference.replaceAll(',', '').trim();
  const last = generation.match(NUMBER)?.at(-1)?.replaceAll(',', '');
  if (last === undefined || !PLAIN_NUMBER.test(target)) return 0;
  return Number(last) === Number(target) ? 1 : 0;
}

/**
 * mix_instruct_rank: the rank the reference gives to this exact generation (1 = best). A
 * generation that is not a key (the reference raises KeyError) is a data error.
 */
export function mixInstructRank(generation: string, ranks: Readonly<Record<string, number>>): number {
  if (!Object.hasOwn(ranks, generation)) {
    throw new UserInputError(`mix_instruct_rank: generation ${JSON.stringify(generation)} is not one of the sample's ranked generations (KeyError in the reference)`, { field: 'reference' });
  }
  return ranks[generation];
}
