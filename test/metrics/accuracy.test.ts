import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanGeneration } from '../../src/data/clean.js';
import { UserInputError } from '../../src/errors/index.js';
import {
  definitionExtractionAcc,
  gsm8kAcc,
  gsm8kAccRobust,
  METRICS,
  meanScore,
  metricByName,
  metricForTask,
  mixInstructRank,
  scoreSample,
  squadAcc,
  TASK_METRICS,
  triviaQaAcc,
  type Reference,
} from '../../src/metrics/index.js';
import { fixture } from '../helpers/shared.js';

type Expected = number | { error: string };
interface AccuracyCase {
  id: string;
  metric: 'squad_acc' | 'trivia_qa_acc' | 'definition_extraction_acc' | 'gsm8k_acc' | 'mix_instruct_rank';
  generation: string;
  reference: Reference;
  cleaned_generation: string | null;
  value_on_raw_generation: Expected;
  value_smoothie_pipeline: Expected;
}

/** The metric functions of accuracy.ts, called directly (no shape checks, no cleaning). */
const RAW: Record<AccuracyCase['metric'], (generation: string, reference: Reference) => number> = {
  squad_acc: (g, r) => squadAcc(g, r as string),
  trivia_qa_acc: (g, r) => triviaQaAcc(g, r as readonly string[]),
  definition_extraction_acc: (g, r) => definitionExtractionAcc(g, r as string),
  gsm8k_acc: (g, r) => gsm8kAcc(g, r as string),
  mix_instruct_rank: (g, r) => mixInstructRank(g, r as Record<string, number>),
};

function check(run: () => number, expected: Expected): void {
  if (typeof expected === 'number') expect(run()).toBe(expected);
  else {
    // The reference's KeyError names the generation; ours does too, JSON-quoted.
    const key = /^KeyError: '(.*)'$/s.exec(expected.error)?.[1];
    expect(key, `unexpected fixture error ${expected.error}`).toBeDefined();
    expect(run).toThrow(UserInputError);
    expect(run).toThrow(JSON.stringify(key));
  }
}

const cases = fixture('metrics', 'accuracy_cases.jsonl');

describe.skipIf(!cases.exists)('accuracy metrics match the reference (accuracy_cases.jsonl)', () => {
  const rows = cases.exists
    ? readFileSync(cases.path, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AccuracyCase)
    : [];

  it('has all 69 cases', () => expect(rows).toHaveLength(69));

  it.each(rows.map((r) => [r.id, r.metric, r] as const))('%s %s on the raw generation', (_id, metric, r) => {
    check(() => RAW[metric](r.generation, r.reference), r.value_on_raw_generation);
    check(() => METRICS[metric].score(r.generation, r.reference), r.value_on_raw_generation);
  });

  it.each(rows.map((r) => [r.id, r.metric, r] as const))('%s %s through the Smoothie pipeline', (_id, metric, r) => {
    if (r.cleaned_generation !== null) expect(cleanGeneration(r.generation)).toBe(r.cleaned_generation);
    check(() => scoreSample(metric, r.generation, r.reference), r.value_smoothie_pipeline);
  });

  it('gsm8k_acc_robust agrees with gsm8k_acc wherever "the answer is" occurs', () => {
    for (const r of rows.filter((x) => x.metric === 'gsm8k_acc' && x.generation.includes('the answer is'))) {
      expect(gsm8kAccRobust(r.generation, r.reference as string), r.id).toBe(r.value_on_raw_generation);
    }
  });
});

describe('accuracy metrics without the fixture', () => {
  it('handles empty strings as Python does', () => {
    expect(squadAcc('', '')).toBe(1);
    expect(squadAcc('anything', '')).toBe(1);
    expect(squadAcc('', 'x')).toBe(0);
    expect(triviaQaAcc('', [])).toBe(0);
    expect(triviaQaAcc('', [''])).toBe(1);
    expect(gsm8kAcc('', '')).toBe(0);
    expect(gsm8kAcc('the answer is', '')).toBe(1);
    expect(definitionExtractionAcc('', 'a')).toBe(0);
  });

  it('lowercases as Python str.lower does', () => {
    expect(squadAcc('\u0130stanbul', 'i\u0307stanbul')).toBe(1); // İ → i + combining dot
    expect(squadAcc('\u0130stanbul', 'istanbul')).toBe(0);
    expect(squadAcc('\u212Aelvin', 'kelvin')).toBe(1); // Kelvin sign → k
    expect(squadAcc('ΟΔΥΣΣΕΥΣ', 'οδυσσευς')).toBe(1); // final sigma
    expect(squadAcc('STRASSE', 'straße')).toBe(0); // lower() does no case folding
    expect(squadAcc('Café', 'CAFÉ')).toBe(1);
  });

  it('compares code points, not UTF-16 halves', () => {
    expect(squadAcc('smile 😀', '😀')).toBe(1);
    expect(squadAcc('smile 😀', '\ud83d')).toBe(0); // Python: a lone surrogate is not in "😀"
    expect(squadAcc('smile \ud83d!', '\ud83d')).toBe(1);
    expect(triviaQaAcc('😀', ['\ude00', '😀'])).toBe(1);
  });

  it('trivia_qa_acc accepts any alias', () => {
    expect(triviaQaAcc('It was the BEATLES', ['rolling stones', 'beatles'])).toBe(1);
    expect(triviaQaAcc('It was the Stones', ['rolling stones', 'beatles'])).toBe(0);
  });

  it('gsm8k_acc keeps the reference quirks', () => {
    expect(gsm8kAcc('So the answer is 3.5', '3.5')).toBe(0); // the decimal point splits
    expect(gsm8kAcc('So the answer is 35.', '3')).toBe(1); // substring false positive
    expect(gsm8kAcc('The answer is 72.', '72')).toBe(0); // case-sensitive phrase
    expect(gsm8kAcc('the answer is 5. the answer is 7', '7')).toBe(0); // first piece only
  });

  it('gsm8k_acc_robust falls back to the last number only without the phrase', () => {
    const differs: [string, string][] = [
      ['The answer is 72.', '72'],
      ['THE ANSWER IS 72', '72'],
      ['18 is the answer', '18'],
      ['She pays $1,000.', '1000'],
      ['5 + 13 = 18.00', '18'],
      ['Total: 18.0', '18'],
      ['It drops to -3.', '-3'],
      ['72', '72'],
    ];
    for (const [g, r] of differs) {
      expect(gsm8kAcc(g, r), g).toBe(0);
      expect(gsm8kAccRobust(g, r), g).toBe(1);
    }
    expect(gsm8kAccRobust('3-4', '-4')).toBe(0); // a hyphen after a digit is not a minus sign
    expect(gsm8kAccRobust('3-4', '4')).toBe(1);
    expect(gsm8kAccRobust('The answer is 72, not 35', '72')).toBe(0); // the last number decides
    expect(gsm8kAccRobust('no numbers here', '5')).toBe(0);
    expect(gsm8kAccRobust('The answer is 5', 'five')).toBe(0); // a non-numeric reference never matches
    expect(gsm8kAccRobust('So the answer is 3.5', '3.5')).toBe(0); // the phrase is present: the reference rule decides
    expect(gsm8kAccRobust('So the answer is 35.', '3')).toBe(1);
  });

  it('mix_instruct_rank looks the exact generation up', () => {
    const ranks = { a: 1, b: 3 };
    expect(mixInstructRank('b', ranks)).toBe(3);
    expect(() => mixInstructRank('toString', ranks)).toThrow('"toString"'); // no prototype keys
    expect(() => mixInstructRank(' a', ranks)).toThrow(UserInputError);
    expect(scoreSample('mix_instruct_rank', 'a\nmore', { 'a\nmore': 2 })).toBe(2); // never cleaned
  });
});

describe('metric registry', () => {
  it('maps every task of the paper to its metric', () => {
    expect(TASK_METRICS).toEqual({
      cnn_dailymail: 'rouge2',
      e2e_nlg: 'rouge2',
      web_nlg: 'rouge2',
      xsum: 'rouge2',
      squad: 'squad_acc',
      trivia_qa: 'trivia_qa_acc',
      definition_extraction: 'definition_extraction_acc',
      gsm8k: 'gsm8k_acc',
      mix_instruct: 'mix_instruct_rank',
      demo: 'squad_acc',
    });
    expect(metricForTask('web_nlg').name).toBe('rouge2');
    expect(metricForTask('demo').name).toBe('squad_acc');
    expect(Object.isFrozen(TASK_METRICS) && Object.isFrozen(METRICS)).toBe(true);
  });

  it('describes every metric consistently', () => {
    for (const [name, m] of Object.entries(METRICS)) {
      expect(m.name).toBe(name);
      expect(m.describe.length).toBeGreaterThan(0);
      expect(m.higherIsBetter).toBe(name !== 'mix_instruct_rank');
      expect(m.cleanGenerations).toBe(name !== 'mix_instruct_rank');
    }
  });

  it('lets a metric override the task', () => {
    expect(metricForTask('gsm8k', 'gsm8k_acc_robust').name).toBe('gsm8k_acc_robust');
    expect(metricForTask('my_own_task', 'rougeL').name).toBe('rougeL');
  });

  it('rejects unknown tasks and metrics, listing the valid names', () => {
    expect(() => metricForTask('imdb')).toThrow(UserInputError);
    expect(() => metricForTask('imdb')).toThrow(/known tasks: .*cnn_dailymail.*mix_instruct/);
    expect(() => metricForTask('squad', 'bleu')).toThrow(/valid metrics: .*rouge2.*gsm8k_acc_robust/);
    expect(() => metricByName('__proto__')).toThrow(UserInputError);
    expect(() => metricForTask('toString')).toThrow(UserInputError);
    expect(() => scoreSample('exact_match', 'a', 'a')).toThrow(UserInputError);
  });

  it('rejects references of the wrong shape', () => {
    expect(() => scoreSample('trivia_qa_acc', 'a', 'a')).toThrow(/'trivia_qa_acc' needs a reference that is a list of strings, got a string/);
    expect(() => scoreSample('squad_acc', 'a', ['a'])).toThrow(/needs a reference that is a string, got a list of strings/);
    expect(() => scoreSample('rouge2', 'a', { a: 1 })).toThrow(/'rouge2' needs a reference that is a list of strings, got an object/);
    expect(() => scoreSample('rouge2', 'a', [])).toThrow(/at least one reference/);
    expect(() => scoreSample('mix_instruct_rank', 'a', 'a')).toThrow(/mapping each generation to its rank, got a string/);
    expect(() => scoreSample('mix_instruct_rank', 'a', ['a'])).toThrow(UserInputError);
    expect(() => scoreSample('trivia_qa_acc', 'a', [1] as unknown as string[])).toThrow(/got a list with non-string items/);
    expect(() => scoreSample('gsm8k_acc', 'a', null as unknown as string)).toThrow(/got null/);
  });

  it('cleans generations before scoring, except for mix_instruct', () => {
    expect(METRICS.squad_acc.score('<pad>no\nParis', 'paris')).toBe(1);
    expect(scoreSample('squad_acc', '<pad>no\nParis', 'paris')).toBe(0);
    expect(scoreSample('squad_acc', '<pad> Paris</s>\nno', 'paris')).toBe(1);
  });

  it('scores rouge F-measures, with several references keeping the best', () => {
    expect(scoreSample('rouge2', 'the cat sat', 'the cat sat')).toBe(1);
    expect(scoreSample('rouge1', 'the cat', 'the dog')).toBeCloseTo(0.5, 12);
    expect(scoreSample('rouge2', 'the cat sat', ['a dog ran', 'the cat ran'])).toBeCloseTo(0.5, 12);
    expect(scoreSample('rougeL', 'a b c d', 'a c d')).toBeCloseTo((2 * (3 / 4) * 1) / (3 / 4 + 1), 12);
    expect(scoreSample('rouge2', 'cats\nthe cat sat', 'the cat sat')).toBe(0); // cleaning keeps only "cats"
  });

  it('averages with a plain mean, NaN for no samples', () => {
    expect(meanScore([1, 0, 1, 1])).toBe(0.75);
    expect(meanScore([1, 2, 3])).toBe(2);
    expect(meanScore([])).toBeNaN();
  });
});
