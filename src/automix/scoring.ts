/**
 * Scoring AutoMix answers (spec §1): SQuAD-style token F1 for every dataset, and for QuALITY 0/1
 * accuracy on the option letter, with the reference's quirks (a null gold letter equals a null
 * predicted letter; the predicted letter is the first A–D anywhere in the first token).
 */
import { UserInputError } from '../errors/index.js';

export const AUTOMIX_DATASETS = ['cnli', 'coqa', 'narrative_qa', 'qasper', 'quality'] as const;

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/** lowercase → drop ASCII punctuation → articles to spaces → collapse whitespace. */
export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(PUNCTUATION, '')
    .replace(/\b(a|an|the)\b/g, ' ')
    .split(/\s+/)
    .filter((t) => t !== '')
    .join(' ');
}

export function tokenF1(prediction: string, gold: string): number {
  const pred = normalizeAnswer(prediction)
    .split(' ')
    .filter((t) => t !== '');
  const ref = normalizeAnswer(gold)
    .split(' ')
    .filter((t) => t !== '');
  const counts = new Map<string, number>();
  for (const t of ref) counts.set(t, (counts.get(t) ?? 0) + 1);
  let overlap = 0;
  for (const t of pred) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      overlap++;
      counts.set(t, c - 1);
    }
  }
  if (overlap === 0) return 0;
  const p = overlap / pred.length;
  const r = overlap / ref.length;
  return (2 * p * r) / (p + r);
}

/** The gold option letter: the first `(X) text` in the question whose text equals the gold answer. */
export function qualityGoldLetter(question: string, gold: string): string | null {
  const target = gold.replace(/'/g, '').trim();
  for (const m of question.matchAll(/\(([A-Z])\)([\w ]+)/g)) {
    if (m[2].trim() === target) return m[1];
  }
  return null;
}

/** The predicted letter: the first A–D in the answer's first whitespace token. */
export function qualityPredictedLetter(answer: string): string | null {
  const first = answer.replace(/'/g, '').trim().split(/\s+/)[0] ?? '';
  return /[ABCD]/.exec(first)?.[0] ?? null;
}

/** A row's score for its dataset; an unknown dataset is a UserInputError the caller locates (file, row). */
export function scoreAutomixAnswer(dataset: string, answer: string, gold: string, question: string): number {
  if (dataset === 'quality') return qualityPredictedLetter(answer) === qualityGoldLetter(question, gold) ? 1 : 0;
  if (!(AUTOMIX_DATASETS as readonly string[]).includes(dataset)) {
    throw new UserInputError(`unknown dataset '${dataset}': answers can be scored for ${AUTOMIX_DATASETS.join(', ')} (or give score columns)`);
  }
  return tokenF1(answer.replace(/'/g, ''), gold);
}
