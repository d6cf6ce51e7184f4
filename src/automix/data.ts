/**
 * AutoMix data (spec §1): one JSON object per (context, question) with the small model's (SLM) and
 * large model's (LLM) answers, their scores and the SLM's self-verification samples or confidence.
 * Column names follow model prefixes (`llama13b`, `llama70b` by default): `<slm>_pred_ans`,
 * `<slm>_f1`, `<slm>_ver`, `p_ver_<…>`. Missing scores are computed from the answers; a missing
 * confidence is computed from the verification samples.
 */
import { z } from 'zod';
import { readJsonl } from '../data/json.js';
import { parseWith } from '../data/validate.js';
import { UserInputError } from '../errors/index.js';
import { scoreAutomixAnswer } from './scoring.js';
import { verifierConfidence } from './verify.js';

export interface AutomixColumns {
  /** SLM prefix. @default 'llama13b' */
  readonly slm: string;
  /** LLM prefix. @default 'llama70b' */
  readonly llm: string;
  /** @default `<slm>_f1` */
  readonly slmScore?: string;
  /** @default `<llm>_f1` */
  readonly llmScore?: string;
  /** @default `p_ver_<slm size>` (`p_ver_13b` for `llama13b`), else `p_ver_<slm>` */
  readonly confidence?: string;
  /** @default `<slm>_ver` */
  readonly verifications?: string;
}

export const DEFAULT_COLUMNS: AutomixColumns = { slm: 'llama13b', llm: 'llama70b' };

/** A score or a confidence: a number in [0, 1] (true/false count as 1/0). */
const Unit = z.unknown().transform((value, ctx) => {
  const x = typeof value === 'boolean' ? Number(value) : value;
  if (typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= 1) return x;
  ctx.addIssue({ code: 'custom', message: `expected a number in [0, 1], got ${JSON.stringify(value)}` });
  return z.NEVER;
});

/** One AutoMix row as the methods use it. */
export const AutomixRowSchema = z.object({
  id: z.string(),
  dataset: z.string(),
  split: z.string(),
  slmScore: z.number(),
  llmScore: z.number(),
  /** Verifier confidence p ∈ [0, 1]. */
  confidence: z.number().min(0).max(1),
  slmAnswer: z.string(),
  /** Kept for the categories and replays; any other column is dropped. */
  category: z.string().optional(),
});
/**
 * One AutoMix row: both models' scores, the verifier confidence and the small model's answer.
 *
 * @example
 * ```ts
 * const row: AutomixRow = { id: '0', dataset: 'qasper', split: 'train', slmScore: 0.4, llmScore: 0.9, confidence: 0.25, slmAnswer: 'unanswerable' };
 * const fitted = new MetaVerifier({ method: 'Threshold' }).fit([row, ...rows]);
 * ```
 */
export type AutomixRow = Readonly<z.infer<typeof AutomixRowSchema>>;

const Text = z.string({ error: (issue) => (issue.input === undefined ? 'missing' : `expected a string, got ${issue.input === null ? 'null' : typeof issue.input}`) });

/**
 * A line of the file with these column names. A score or confidence that is absent (or null) is
 * computed: from the answers (which are then required) or from the verification samples.
 */
export function automixLineSchema(c: Required<AutomixColumns>) {
  return z.looseObject({
    dataset: Text,
    [c.slmScore]: Unit.nullish(),
    [c.llmScore]: Unit.nullish(),
    [c.confidence]: Unit.nullish(),
    [c.verifications]: z.array(z.string({ error: 'expected a list of verification texts' }).nullable(), { error: 'expected a list of verification texts' }).nullish(),
    id: z.unknown().refine((v) => v !== undefined, { error: 'missing' }),
    split: Text,
  });
}

/**
 * An AutoMix file as `loadAutomixData` read it: its rows and the columns they came from.
 *
 * @example
 * ```ts
 * const data: AutomixData = await loadAutomixData('automix.jsonl', { slm: 'llama13b', llm: 'llama70b' });
 * console.log(data.rows.length, data.columns.confidence); // 'p_ver_13b'
 * ```
 */
export interface AutomixData {
  readonly file: string;
  readonly rows: readonly AutomixRow[];
  readonly columns: Required<AutomixColumns>;
}

export function resolveColumns(c: Partial<AutomixColumns> = {}): Required<AutomixColumns> {
  const slm = c.slm ?? DEFAULT_COLUMNS.slm;
  const llm = c.llm ?? DEFAULT_COLUMNS.llm;
  const size = /\d+[a-z]*$/i.exec(slm)?.[0] ?? slm;
  return {
    slm,
    llm,
    slmScore: c.slmScore ?? `${slm}_f1`,
    llmScore: c.llmScore ?? `${llm}_f1`,
    confidence: c.confidence ?? `p_ver_${size}`,
    verifications: c.verifications ?? `${slm}_ver`,
  };
}

type Raw = Record<string, unknown>;

/** A text column that only some rows need (the answers when a score is computed). */
function text(raw: Raw, name: string, file: string, line: number): string {
  const parsed = Text.safeParse(raw[name]);
  if (!parsed.success) throw new UserInputError(parsed.error.issues[0].message, { file, row: line, field: name });
  return parsed.data;
}

/**
 * Reads and validates an AutoMix jsonl file.
 *
 * @example
 * ```ts
 * const { rows } = await loadAutomixData('automix.jsonl');
 * const fitted = new MetaVerifier({ method: 'POMDP' }).fit(rows);
 * ```
 */
export async function loadAutomixData(file: string, columns: Partial<AutomixColumns> = {}): Promise<AutomixData> {
  const c = resolveColumns(columns);
  const lines = await readJsonl(file);
  if (lines.length === 0) throw new UserInputError('the file has no rows', { file });
  let anyVerificationsParsed = false;
  let computedConfidence = false;
  const LineSchema = automixLineSchema(c);
  const rows = lines.map(({ line, value }): AutomixRow => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UserInputError('expected a JSON object', { file, row: line });
    const raw: Raw = parseWith(LineSchema, value, { file, row: line });
    const dataset = raw.dataset as string;
    const score = (column: string, answerColumn: string): number => {
      if (raw[column] !== undefined && raw[column] !== null) return raw[column] as number;
      const answer = text(raw, answerColumn, file, line);
      const gold = text(raw, 'output', file, line);
      const question = text(raw, 'question', file, line);
      try {
        return scoreAutomixAnswer(dataset, answer, gold, question);
      } catch (e) {
        // The only user error scoring raises is an unknown dataset: locate it.
        if (UserInputError.isUserInputError(e)) throw new UserInputError(e.message, { file, row: line, field: 'dataset' });
        throw e;
      }
    };
    let confidence: number;
    if (raw[c.confidence] !== undefined && raw[c.confidence] !== null) {
      confidence = raw[c.confidence] as number;
      anyVerificationsParsed = true;
    } else {
      const samples = raw[c.verifications];
      if (samples === undefined) {
        throw new UserInputError(`no verifier confidence: give '${c.confidence}' or the verification samples '${c.verifications}'`, { file, row: line, field: c.verifications });
      }
      const v = verifierConfidence(samples as (string | null)[] | null);
      computedConfidence = true;
      if (v.valid > 0) anyVerificationsParsed = true;
      confidence = v.p;
    }
    return {
      id: String(raw.id),
      dataset,
      split: raw.split as string,
      slmScore: score(c.slmScore, `${c.slm}_pred_ans`),
      llmScore: score(c.llmScore, `${c.llm}_pred_ans`),
      confidence,
      slmAnswer: typeof raw[`${c.slm}_pred_ans`] === 'string' ? (raw[`${c.slm}_pred_ans`] as string) : '',
      category: typeof raw.category === 'string' ? raw.category : undefined,
    };
  });
  if (computedConfidence && !anyVerificationsParsed) {
    throw new UserInputError(`no verification sample in the file has a parsable verdict ("The AI generated answer is Correct/Incorrect")`, { file, field: c.verifications });
  }
  return { file, rows, columns: c };
}
