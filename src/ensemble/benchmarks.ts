/**
 * `smoothie ensemble bench`: an ensemble over a benchmark's questions, answers written in the layout
 * each benchmark's evaluator reads. Exact-answer sets (GSM8K, MATH-style) are also scored here.
 * Resumable: every answered question is appended to `<out>.partial.jsonl` at once, a restart skips
 * them, and the final file is written atomically when all are done.
 */
import { rm } from 'node:fs/promises';
import PQueue from 'p-queue';
import { parseJsonLenient, readAppendLog, readJsonl, writeJsonFile, writeJsonl } from '../data/json.js';
import { appendToFile, readInputFile } from '../data/atomic.js';
import { UserInputError, InvalidParameterError } from '../errors/index.js';
import type { ChatMessage } from '../llm/endpoint.js';
import type { Ensemble } from './ensemble.js';

export const BENCHMARKS = ['gsm8k', 'math', 'alpaca_eval', 'mt_bench', 'arena_hard'] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

interface Question {
  readonly id: string;
  /** One user turn per entry (MT-Bench has two). */
  readonly turns: readonly string[];
  readonly reference?: string;
  readonly raw: Record<string, unknown>;
}

interface Answered {
  readonly id: string;
  readonly turns: readonly string[];
  readonly calls: number;
  readonly cost: number;
}

/** The final number of an answer: after "The answer is", else after "####", else the last number; `\boxed{}` for MATH. */
export function extractAnswer(text: string, benchmark: 'gsm8k' | 'math'): string | undefined {
  if (benchmark === 'math') {
    const boxed = [...text.matchAll(/\\boxed\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}/g)].at(-1)?.[1];
    if (boxed !== undefined) return boxed.replace(/\s+/g, '');
  }
  const said = /the answer is\s*:?\s*\$?(-?[\d,]*\.?\d+)/i.exec(text)?.[1] ?? /####\s*(-?[\d,]*\.?\d+)/.exec(text)?.[1] ?? [...text.matchAll(/-?[\d,]*\.?\d+/g)].at(-1)?.[0];
  return said?.replace(/,/g, '').replace(/\.0+$/, '');
}

function questionsOf(benchmark: BenchmarkName, rows: readonly Record<string, unknown>[], file: string): Question[] {
  return rows.map((raw, i) => {
    const need = (field: string): unknown => {
      if (raw[field] === undefined) throw new UserInputError('missing', { file, row: i + 1, field });
      return raw[field];
    };
    switch (benchmark) {
      case 'gsm8k':
      case 'math': {
        const reference = String(raw.answer ?? raw.solution ?? need('answer'));
        return { id: String(raw.id ?? i), turns: [String(raw.question ?? raw.problem ?? need('question'))], reference: extractAnswer(reference, benchmark) ?? reference, raw };
      }
      case 'alpaca_eval':
        return { id: String(raw.id ?? i), turns: [String(need('instruction'))], raw };
      case 'mt_bench':
      case 'arena_hard': {
        const turns = need('turns');
        if (!Array.isArray(turns) || turns.length === 0) throw new UserInputError('expected a non-empty list', { file, row: i + 1, field: 'turns' });
        return { id: String(need('question_id')), turns: turns.map((t) => (typeof t === 'string' ? t : String((t as { content?: unknown }).content ?? ''))), raw };
      }
    }
  });
}

async function readQuestions(benchmark: BenchmarkName, file: string): Promise<Question[]> {
  const rows = file.endsWith('.jsonl')
    ? (await readJsonl(file)).map((l) => l.value as Record<string, unknown>)
    : (parseJsonLenient((await readInputFile(file)).toString('utf8'), file) as Record<string, unknown>[]);
  if (!Array.isArray(rows) || rows.length === 0) throw new UserInputError('no questions', { file });
  return questionsOf(benchmark, rows, file);
}

export interface BenchOptions {
  readonly benchmark: BenchmarkName;
  readonly input: string;
  readonly out: string;
  /** Questions answered at once. @default 8 */
  readonly parallel?: number;
  /** Only the first N questions. */
  readonly limit?: number;
  /** Names the generator in the answer files. @default the architecture's name */
  readonly modelName?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface BenchSummary {
  readonly questions: number;
  readonly resumed: number;
  readonly calls: number;
  readonly cost: number;
  /** Exact-answer benchmarks only. */
  readonly accuracy?: number;
  readonly out: string;
}

/** Runs the ensemble on every question (resuming) and writes the benchmark's answer file. */
export async function runEnsembleBench(ensemble: Ensemble, options: BenchOptions): Promise<BenchSummary> {
  if (!(BENCHMARKS as readonly string[]).includes(options.benchmark)) throw new InvalidParameterError('benchmark', `unknown benchmark '${options.benchmark}' (valid: ${BENCHMARKS.join(', ')})`);
  const all = await readQuestions(options.benchmark, options.input);
  const questions = options.limit !== undefined ? all.slice(0, options.limit) : all;
  const partial = `${options.out}.partial.jsonl`;
  const done = await readAppendLog<Answered>(partial, (a) => a.id);
  const resumed = questions.filter((q) => done.has(q.id)).length;
  const queue = new PQueue({ concurrency: options.parallel ?? 8 });
  let finished = resumed;
  options.onProgress?.(finished, questions.length);
  await Promise.all(
    questions
      .filter((q) => !done.has(q.id))
      .map((q) =>
        queue.add(async () => {
          const messages: ChatMessage[] = [];
          const turns: string[] = [];
          let calls = 0;
          let cost = 0;
          for (const turn of q.turns) {
            messages.push({ role: 'user', content: turn });
            const r = await ensemble.generate(messages);
            messages.push({ role: 'assistant', content: r.answer });
            turns.push(r.answer);
            calls += r.calls;
            cost += r.cost;
          }
          const answered: Answered = { id: q.id, turns, calls, cost };
          await appendToFile(partial, `${JSON.stringify(answered)}\n`);
          done.set(q.id, answered);
          options.onProgress?.(++finished, questions.length);
        }),
      ),
  );
  const name = options.modelName ?? ensemble.architecture.name;
  const answers = questions.map((q) => ({ q, a: done.get(q.id)! }));
  let accuracy: number | undefined;
  if (options.benchmark === 'gsm8k' || options.benchmark === 'math') {
    const benchmark = options.benchmark;
    const rows = answers.map(({ q, a }) => {
      const predicted = extractAnswer(a.turns[0], benchmark);
      return { id: q.id, question: q.turns[0], output: a.turns[0], predicted: predicted ?? null, reference: q.reference, correct: predicted !== undefined && predicted === q.reference };
    });
    accuracy = rows.filter((r) => r.correct).length / rows.length;
    await writeJsonl(options.out, rows);
  } else if (options.benchmark === 'alpaca_eval') {
    await writeJsonFile(
      options.out,
      answers.map(({ q, a }) => ({ instruction: q.turns[0], output: a.turns[0], generator: name, dataset: q.raw.dataset ?? 'alpaca_eval' })),
      { indent: 2 },
    );
  } else {
    await writeJsonl(
      options.out,
      answers.map(({ q, a }) => ({ question_id: q.raw.question_id, answer_id: `${name}-${q.id}`, model_id: name, choices: [{ index: 0, turns: a.turns }], tstamp: 0 })),
    );
  }
  if (questions.length === all.length) await rm(partial, { force: true });
  const sum = (f: (a: Answered) => number): number => answers.reduce((acc, { a }) => acc + f(a), 0);
  return { questions: questions.length, resumed, calls: sum((a) => a.calls), cost: sum((a) => a.cost), accuracy, out: options.out };
}
