/**
 * AutoMix data (spec §1): one JSON object per (context, question) with the small model's (SLM) and
 * large model's (LLM) answers, their scores and the SLM's self-verification samples or confidence.
 * Column names follow model prefixes (`llama13b`, `llama70b` by default): `<slm>_pred_ans`,
 * `<slm>_f1`, `<slm>_ver`, `p_ver_<…>`. Missing scores are computed from the answers; a missing
 * confidence is computed from the verification samples.
 */
import { readJsonl } from '../data/json.js';
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

export interface AutomixRow {
  readonly id: string;
  readonly dataset: string;
  readonly split: string;
  readonly slmScore: number;
  readonly llmScore: number;
  /** Verifier confidence p ∈ [0, 1]. */
  readonly confidence: number;
  readonly slmAnswer: string;
  /** Kept for the categories and replays; any other column is dropped. */
  readonly category?: string;
}

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

function field(raw: Raw, name: string, file: string, line: number): unknown {
  if (!(name in raw) || raw[name] === undefined) throw new UserInputError('missing', { file, row: line, field: name });
  return raw[name];
}

function text(raw: Raw, name: string, file: string, line: number): string {
  const v = field(raw, name, file, line);
  if (typeof v !== 'string') throw new UserInputError(`expected a string, got ${v === null ? 'null' : typeof v}`, { file, row: line, field: name });
  return v;
}

function number01(value: unknown, file: string, line: number, name: string): number {
  const x = typeof value === 'boolean' ? Number(value) : value;
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > 1) throw new UserInputError(`expected a number in [0, 1], got ${JSON.stringify(value)}`, { file, row: line, field: name });
  return x;
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
  const rows = lines.map(({ line, value }) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UserInputError('expected a JSON object', { file, row: line });
    const raw = value as Raw;
    const dataset = text(raw, 'dataset', file, line);
    const score = (column: string, answerColumn: string): number => {
      if (raw[column] !== undefined && raw[column] !== null) return number01(raw[column], file, line, column);
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
      confidence = number01(raw[c.confidence], file, line, c.confidence);
      anyVerificationsParsed = true;
    } else {
      const samples = raw[c.verifications];
      if (samples === undefined) {
        throw new UserInputError(`no verifier confidence: give '${c.confidence}' or the verification samples '${c.verifications}'`, { file, row: line, field: c.verifications });
      }
      if (samples !== null && (!Array.isArray(samples) || samples.some((s) => s !== null && typeof s !== 'string'))) {
        throw new UserInputError('expected a list of verification texts', { file, row: line, field: c.verifications });
      }
      const v = verifierConfidence(samples as (string | null)[] | null);
      computedConfidence = true;
      if (v.valid > 0) anyVerificationsParsed = true;
      confidence = v.p;
    }
    return {
      id: String(field(raw, 'id', file, line)),
      dataset,
      split: text(raw, 'split', file, line),
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
