/**
 * `smoothie automix generate`: for each question row (id, dataset, split, base_ctx, question, output),
 * the SLM's and the LLM's answers (greedy, one line, `'` removed as the reference does) and k sampled
 * self-verifications of the SLM answer by the SLM, through the model registry's endpoints and the
 * resumable call cache. Writes the AutoMix jsonl `smoothie automix evaluate` reads, with scores and the
 * verifier confidence filled in.
 */
import { readJsonl, writeJsonl } from '../data/json.js';
import { loadTemplateFile, renderTemplate, shippedPath } from '../data/templates.js';
import { UserInputError, InvalidParameterError } from '../errors/index.js';
import type { GenerationCache } from '../llm/call-cache.js';
import type { ModelRegistry } from '../llm/registry.js';
import { runGenerationCalls, type GenerationCall, type RunProgress } from '../llm/run-calls.js';
import { resolveColumns } from './data.js';
import { AUTOMIX_DATASETS, scoreAutomixAnswer } from './scoring.js';
import { loadVerificationTemplate, renderVerificationPrompt, VERIFICATION_SAMPLING, verifierConfidence } from './verify.js';

export const DEFAULT_ANSWER_TEMPLATE = shippedPath('prompt_templates/automix/answer.txt');
/** Answering as the reference: greedy, stop at the line end, up to 100 tokens. */
export const ANSWER_SAMPLING = { temperature: 0, max_tokens: 100, stop: ['\n'] } as const;

export interface AutomixGenerateOptions {
  readonly registry: ModelRegistry;
  readonly cache: GenerationCache;
  /** Registry names of the two models. */
  readonly slmModel: string;
  readonly llmModel: string;
  /** Column prefixes written (`<slm>_pred_ans`, …). @default llama13b / llama70b */
  readonly slm?: string;
  readonly llm?: string;
  /** Verification samples per answer. @default 8 */
  readonly k?: number;
  readonly answerTemplate?: string;
  readonly verificationTemplate?: string;
  readonly seed?: number;
  readonly onProgress?: (stage: string, progress: RunProgress) => void;
}

interface QuestionRow {
  readonly [key: string]: unknown;
  readonly id: string;
  readonly dataset: string;
  readonly base_ctx: string;
  readonly question: string;
  readonly output: string;
}

async function readQuestions(file: string): Promise<QuestionRow[]> {
  const lines = await readJsonl(file);
  if (lines.length === 0) throw new UserInputError('the file has no rows', { file });
  return lines.map(({ line, value }) => {
    const raw = value as Record<string, unknown>;
    for (const f of ['id', 'dataset', 'split', 'base_ctx', 'question', 'output']) {
      if (typeof raw?.[f] !== 'string' && !(f === 'id' && typeof raw?.[f] === 'number')) throw new UserInputError('missing or not a string', { file, row: line, field: f });
    }
    // Checked before any call: the answers are scored by the dataset's metric at the end.
    if (!(AUTOMIX_DATASETS as readonly string[]).includes(raw.dataset as string)) {
      throw new UserInputError(`unknown dataset '${String(raw.dataset)}' (answers can be scored for ${AUTOMIX_DATASETS.join(', ')})`, { file, row: line, field: 'dataset' });
    }
    return { ...raw, id: String(raw.id) } as QuestionRow;
  });
}

const clean = (answer: string): string => answer.replace(/'/g, '').trim();

/** Generates answers and verifications for every row and writes the AutoMix jsonl to `out`. */
export async function generateAutomixData(inputFile: string, out: string, options: AutomixGenerateOptions): Promise<{ rows: number; calls: number }> {
  const rows = await readQuestions(inputFile);
  const columns = resolveColumns({ slm: options.slm, llm: options.llm });
  const k = options.k ?? 8;
  if (!Number.isInteger(k) || k < 1) throw new InvalidParameterError('k', `must be a positive integer, got ${k}`);
  options.registry.resolve(options.slmModel);
  options.registry.resolve(options.llmModel);
  const answerFile = options.answerTemplate ?? DEFAULT_ANSWER_TEMPLATE;
  const answerTemplate = await loadTemplateFile(answerFile);
  const verification = await loadVerificationTemplate(options.verificationTemplate);
  const answerCall = (model: string, row: QuestionRow): GenerationCall => ({
    model,
    prompt: renderTemplate(answerTemplate, { context: row.base_ctx, question: row.question }),
    params: { ...ANSWER_SAMPLING, seed: options.seed },
    sampleIndex: 0,
    label: `row ${row.id} (answer)`,
  });
  const run = (stage: string, calls: GenerationCall[]) =>
    runGenerationCalls(calls, { registry: options.registry, cache: options.cache, seed: options.seed, onProgress: (p) => options.onProgress?.(stage, p) });
  const answers = await run(
    'answering',
    rows.flatMap((row) => [answerCall(options.slmModel, row), answerCall(options.llmModel, row)]),
  );
  const slmAnswers = rows.map((_, i) => clean(answers[2 * i][0] ?? ''));
  const llmAnswers = rows.map((_, i) => clean(answers[2 * i + 1][0] ?? ''));
  const verifications = await run(
    'verifying',
    rows.map((row, i) => ({
      model: options.slmModel,
      prompt: renderVerificationPrompt(verification, { context: row.base_ctx, question: row.question, answer: slmAnswers[i] }),
      params: { ...VERIFICATION_SAMPLING, stop: [...VERIFICATION_SAMPLING.stop], n: k, seed: options.seed },
      sampleIndex: 0,
      label: `row ${row.id} (verification)`,
    })),
  );
  const output = rows.map((row, i) => ({
    ...row,
    [`${columns.slm}_pred_ans`]: slmAnswers[i],
    [`${columns.llm}_pred_ans`]: llmAnswers[i],
    [columns.verifications]: verifications[i],
    [columns.confidence]: verifierConfidence(verifications[i]).p,
    [columns.slmScore]: scoreAutomixAnswer(row.dataset, slmAnswers[i], row.output, row.question),
    [columns.llmScore]: scoreAutomixAnswer(row.dataset, llmAnswers[i], row.output, row.question),
  }));
  await writeJsonl(out, output);
  return { rows: rows.length, calls: 3 * rows.length };
}
