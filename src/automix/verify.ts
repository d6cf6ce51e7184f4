/**
 * Self-verification (spec §2): the few-shot prompt in which the small model judges its own answer
 * against the context, and the confidence read from k sampled judgements: the share of parsable
 * verdicts that say "correct", 0 when none parses.
 */
import { loadTemplateFile, renderTemplate, shippedPath, type PromptTemplate } from '../data/templates.js';

export const DEFAULT_VERIFICATION_TEMPLATE = shippedPath('prompt_templates/automix/verification.txt');
/** Sampling of the reference: temperature 1, stop at the block separator, up to 250 tokens. */
export const VERIFICATION_SAMPLING = { temperature: 1, max_tokens: 250, stop: ['---'] } as const;

export type Verdict = 'correct' | 'incorrect' | null;

/** A judgement's decision, robust to case, spacing, markdown emphasis and line breaks; null when it has none. */
export function parseVerdict(text: string | null | undefined): Verdict {
  if (typeof text !== 'string') return null;
  const flat = text.toLowerCase().replace(/[*_`]/g, '').replace(/\s+/g, ' ');
  const m = /the ai generated answer is:? (in)?correct/.exec(flat);
  if (!m) return null;
  return m[1] ? 'incorrect' : 'correct';
}

export interface VerifierConfidence {
  /** correct / valid, or 0 when no verdict parses (as the reference). */
  readonly p: number;
  readonly valid: number;
  readonly correct: number;
}

export function verifierConfidence(samples: readonly (string | null)[] | null | undefined): VerifierConfidence {
  let valid = 0;
  let correct = 0;
  for (const s of samples ?? []) {
    const v = parseVerdict(s);
    if (v === null) continue;
    valid++;
    if (v === 'correct') correct++;
  }
  return { p: valid === 0 ? 0 : correct / valid, valid, correct };
}

export function loadVerificationTemplate(file: string = DEFAULT_VERIFICATION_TEMPLATE): Promise<PromptTemplate> {
  return loadTemplateFile(file);
}

/** The verification prompt for one answer (`{context}`, `{question}`, `{answer}`). */
export function renderVerificationPrompt(template: PromptTemplate, row: { readonly context: string; readonly question: string; readonly answer: string }): string {
  return renderTemplate(template, { context: row.context, question: row.question, answer: row.answer.trim() });
}
