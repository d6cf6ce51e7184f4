import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yargs from 'yargs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/compute/rng.js';
import { loadAutomixData, type AutomixRow } from '../../src/automix/data.js';
import { PAPER_COSTS, operatingPoint } from '../../src/automix/costs.js';
import { evaluateAutomix } from '../../src/automix/evaluate.js';
import { FittedMetaVerifier, META_VERIFIERS, MetaVerifier } from '../../src/automix/meta-verifier.js';
import { qualityGoldLetter, qualityPredictedLetter, scoreAutomixAnswer, tokenF1 } from '../../src/automix/scoring.js';
import { loadVerificationTemplate, parseVerdict, renderVerificationPrompt, verifierConfidence } from '../../src/automix/verify.js';
import { automixCommand } from '../../src/cli/commands/automix.js';
import { UserInputError } from '../../src/errors/index.js';

/** Rows whose LLM gain is known; `verifier` maps a row's true state to its confidence. */
function synthetic(n: number, seed: number, verifier: (slmGood: boolean, rng: Rng) => number): AutomixRow[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const slmGood = rng.next() < 0.55;
    const slm = slmGood ? 1 : rng.next() < 0.5 ? 0 : 0.25;
    const llm = slmGood ? (rng.next() < 0.9 ? 1 : 0.5) : rng.next() < 0.8 ? 1 : 0;
    return { id: `r${i}`, dataset: 'syn', split: i % 3 === 0 ? 'val' : 'train', slmScore: slm, llmScore: llm, confidence: verifier(slm >= llm, rng), slmAnswer: 'x' };
  });
}

describe('scoring and verification', () => {
  it('token F1 as SQuAD normalises it', () => {
    expect(tokenF1('The Cat sat!', 'a cat sat')).toBe(1);
    expect(tokenF1('cat cat', 'cat')).toBeCloseTo(2 / 3, 12);
    expect(tokenF1('', 'cat')).toBe(0);
    expect(tokenF1('dog', 'cat')).toBe(0);
    expect(scoreAutomixAnswer('coqa', "slop bucket'.", 'slop bucket', '')).toBe(1);
  });

  it('QuALITY letters with the reference quirks', () => {
    const q = 'Why? (A) because of rain (B) the sun, mostly (C) nothing';
    expect(qualityGoldLetter(q, 'because of rain')).toBe('A');
    expect(qualityGoldLetter(q, 'the sun, mostly')).toBeNull();
    expect(qualityPredictedLetter('(C) nothing')).toBe('C');
    expect(qualityPredictedLetter('Because')).toBe('B');
    expect(scoreAutomixAnswer('quality', 'A', 'because of rain', q)).toBe(1);
    expect(scoreAutomixAnswer('quality', 'none', 'the sun, mostly', q)).toBe(1); // null == null, as the reference
  });

  it('parses verdicts robustly and computes the confidence (0 when none parses)', () => {
    expect(parseVerdict('... Verification Decision: The AI generated answer is Correct.')).toBe('correct');
    expect(parseVerdict('**The AI generated answer is   INCORRECT**')).toBe('incorrect');
    expect(parseVerdict('the ai generated\nanswer is: correct')).toBe('correct');
    expect(parseVerdict('I think it is right')).toBeNull();
    expect(parseVerdict(null)).toBeNull();
    expect(verifierConfidence(['The AI generated answer is Correct.', 'The AI generated answer is Incorrect.', 'hmm', null])).toEqual({ p: 0.5, valid: 2, correct: 1 });
    expect(verifierConfidence(['nothing'])).toEqual({ p: 0, valid: 0, correct: 0 });
  });

  it('renders the shipped few-shot verification prompt', async () => {
    const t = await loadVerificationTemplate();
    const prompt = renderVerificationPrompt(t, { context: 'CTX', question: 'Q?', answer: '  A  ' });
    expect(prompt.split('---')).toHaveLength(5);
    expect(
      prompt.endsWith(
        'Context: CTX\n\nQuestion: Q?\n\nAI Generated Answer: A\n\nInstruction: Your task is to evaluate if the AI Generated Answer is correct, based on the provided context and question. Provide the judgement and reasoning for each case. Choose between Correct or Incorrect.\n\nEvaluation:',
      ),
    ).toBe(true);
    expect((prompt.match(/The AI generated answer is Correct\./g) ?? []).length).toBe(2);
    expect((prompt.match(/The AI generated answer is Incorrect\./g) ?? []).length).toBe(2);
  });
});

describe('meta-verifiers on data with a known answer', () => {
  it('a perfectly calibrated verifier reaches the oracle', () => {
    const rows = synthetic(3000, 1, (good) => (good ? 1 : 0));
    const e = evaluateAutomix(rows, { methods: ['Threshold', 'POMDP', 'BayesPOMDP'], seeds: 3 });
    const d = e.datasets[0];
    for (const m of ['Threshold', 'POMDP', 'BayesPOMDP']) {
      expect(d.methods[m].performance).toBeCloseTo(d.baselines.oracle.performance, 12);
      expect(d.methods[m].cost).toBeCloseTo(d.baselines.oracle.cost, 12);
      expect(d.methods[m].lift.mean).toBeCloseTo(d.baselines.oracle.lift!, 12);
    }
    expect(d.baselines.oracle.lift!).toBeGreaterThan(1);
  });

  it('a useless verifier gives no lift (verifier-neutral metric), far below a calibrated one', () => {
    const rows = synthetic(6000, 2, (_good, rng) => Math.floor(rng.next() * 9) / 8);
    const e = evaluateAutomix(rows, { methods: ['Threshold', 'POMDP', 'BayesPOMDP'], seeds: 10, variant: 'verifier-neutral' });
    for (const m of Object.values(e.datasets[0].methods)) expect(Math.abs(m.lift.mean)).toBeLessThan(0.1);
    expect(Math.abs(e.datasets[0].baselines.randomMix.liftStats.mean)).toBeLessThan(0.1);
  });

  it('the reference metric charges the verifier: routing everything scores −c_v/(c_llm + c_v)', () => {
    const rows = { slm: Float64Array.from([0, 1, 0.5]), llm: Float64Array.from([1, 1, 1]) };
    expect(operatingPoint(rows, [true, true, true], PAPER_COSTS).lift).toBeCloseTo(49 / 51 - 1, 12);
    expect(operatingPoint(rows, [true, true, true], PAPER_COSTS, { variant: 'verifier-neutral' }).lift).toBeCloseTo(0, 12);
  });

  it('fits on AutoMix rows, decides per row (Escalation with its cost), round-trips through JSON', () => {
    const rows = synthetic(800, 3, (good, rng) => (good ? 0.5 + rng.next() / 2 : rng.next() / 2));
    const fitted = new MetaVerifier({ method: 'POMDP' }).fit(rows.filter((r) => r.split === 'train'));
    const test = rows.filter((r) => r.split === 'val');
    const escalations = fitted.decide(test);
    expect(escalations.map((e) => e.escalate)).toEqual(fitted.route(test.map((r) => r.confidence)));
    for (const [i, e] of escalations.entries()) {
      expect(e).toMatchObject({ id: test[i].id, slmAnswer: test[i].slmAnswer, confidence: test[i].confidence });
      expect(e.cost).toBe(e.escalate ? 52 : 2);
    }
    const again = FittedMetaVerifier.fromJSON(JSON.parse(JSON.stringify(fitted)));
    expect(again.decide(test)).toEqual(escalations);
    expect(again.toJSON()).toEqual(fitted.toJSON());
  });

  it('BayesPOMDP: nested bin policies from the empty one to all, escalating the bins of wrong SLM answers first', () => {
    const rows = synthetic(3000, 7, (good, rng) => Math.round(8 * (good ? 0.6 + 0.4 * rng.next() : 0.5 * rng.next())) / 8).filter((r) => r.split === 'train');
    const fitted = new MetaVerifier({ method: 'BayesPOMDP' }).fit(rows);
    const policies = fitted.candidates.map((c) => c.param as number[]);
    expect(policies).toHaveLength(10);
    policies.forEach((p, k) => expect(p.reduce((a, b) => a + b, 0)).toBe(k));
    for (let k = 1; k < policies.length; k++) expect(policies[k].every((x, i) => x >= policies[k - 1][i])).toBe(true);
    // Wrong SLM answers get confidence ≤ 0.5 (bins 0–4), right ones ≥ 0.6 (bins 5–8).
    expect(policies[5]).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0]);
    expect(fitted.route([0.25, 1])).toEqual([true, false]);
  });

  it('compares the reference POMDP with BayesPOMDP seed by seed on the same training rows', () => {
    const rows = synthetic(2400, 8, (good, rng) => Math.round(8 * (good ? 0.5 + 0.5 * rng.next() : 0.6 * rng.next())) / 8);
    const d = evaluateAutomix(rows, { methods: ['POMDP', 'BayesPOMDP'], seeds: 4, trainSize: 500 }).datasets[0];
    const differences = d.methods.BayesPOMDP.seeds.map((s, i) => s.lift - d.methods.POMDP.seeds[i].lift);
    expect(d.pomdpComparison!.liftDifference.mean).toBeCloseTo(differences.reduce((a, b) => a + b, 0) / 4, 12);
    expect(d.pomdpComparison!.bayesBetter + d.pomdpComparison!.ties + d.pomdpComparison!.referenceBetter).toBe(4);
    expect(evaluateAutomix(rows, { methods: ['POMDP'], seeds: 1 }).datasets[0].pomdpComparison).toBeUndefined();
  });

  it('qasper: POMDP and Threshold escalate answers inside "unanswerable\'." whatever the verifier says (the reference\'s FixedAnswerRouting)', () => {
    const rows = synthetic(400, 6, () => 1).map((r, i) => ({ ...r, dataset: 'qasper', slmAnswer: i % 4 === 0 ? 'unanswerable' : 'an answer' }));
    const e = evaluateAutomix(rows, { methods: ['Threshold', 'SelfConsistency'], seeds: 1, trainSize: 200 });
    const test = rows.filter((r) => r.split === 'val');
    const forced = test.filter((r) => r.slmAnswer === 'unanswerable').length;
    // Confidence 1 everywhere: SelfConsistency never escalates; Threshold escalates at least the forced rows.
    expect(e.datasets[0].methods.SelfConsistency.escalationRate).toBe(0);
    expect(e.datasets[0].methods.Threshold.escalationRate).toBeGreaterThanOrEqual(forced / test.length);
  });

  it('records the training rows of every seed (replayable) and is deterministic', () => {
    const rows = synthetic(900, 4, (good, rng) => (good ? 0.6 + 0.4 * rng.next() : 0.5 * rng.next()));
    const a = evaluateAutomix(rows, { seeds: 2, trainSize: 100 });
    const b = evaluateAutomix(rows, { seeds: 2, trainSize: 100 });
    expect(a).toEqual(b);
    expect(a.datasets[0].trainIds['0']).toHaveLength(100);
    expect(a.datasets[0].trainIds['0']).not.toEqual(a.datasets[0].trainIds['1']);
  });
});

describe('bad input', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-automix-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = () =>
    yargs()
      .command(automixCommand)
      .strict()
      .exitProcess(false)
      .fail((msg, err) => {
        throw err ?? new Error(msg);
      });
  const write = (name: string, rows: Record<string, unknown>[]): string => {
    const file = path.join(dir, name);
    writeFileSync(file, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    return file;
  };
  const row = (i: number, extra: Record<string, unknown> = {}) => ({
    id: `r${i}`,
    pid: `p${i}`,
    dataset: 'coqa',
    split: i % 2 ? 'train' : 'val',
    base_ctx: 'ctx',
    question: 'q?',
    output: 'gold answer',
    llama13b_pred_ans: i % 3 ? 'gold answer' : 'wrong',
    llama70b_pred_ans: 'gold answer',
    llama13b_ver: ['The AI generated answer is Correct.', i % 3 ? 'The AI generated answer is Correct.' : 'The AI generated answer is Incorrect.'],
    ...extra,
  });

  it('computes scores and confidence from answers and verdicts when the columns are absent', async () => {
    const data = await loadAutomixData(write('ok.jsonl', [row(1), row(3)]));
    expect(data.rows.map((r) => [r.slmScore, r.llmScore, r.confidence])).toEqual([
      [1, 1, 1],
      [0, 1, 0.5],
    ]);
  });

  const fails = async (file: string, fragments: string[], details: Partial<Pick<UserInputError, 'row' | 'field'>> = {}) => {
    await expect(loadAutomixData(file)).rejects.toSatisfy((e: unknown) => {
      if (!UserInputError.isUserInputError(e) || !e.message.includes(file)) return false;
      if (details.row !== undefined && e.row !== details.row) return false;
      if (details.field !== undefined && e.field !== details.field) return false;
      return fragments.every((f) => e.message.includes(f));
    });
  };

  it('missing verification samples, unknown dataset, no parsable verdict, bad scores', async () => {
    const { llama13b_ver: _drop, ...noVer } = row(2);
    await fails(write('nover.jsonl', [row(1), noVer]), ['no verifier confidence'], { row: 2, field: 'llama13b_ver' });
    await fails(write('unknown.jsonl', [row(1, { dataset: 'trivia' })]), ["unknown dataset 'trivia'"], { row: 1, field: 'dataset' });
    await fails(write('noverdict.jsonl', [row(1, { llama13b_ver: ['hmm'] }), row(2, { llama13b_ver: [null] })]), ['no verification sample in the file has a parsable verdict']);
    await fails(write('badscore.jsonl', [row(1, { llama13b_f1: 1.5 })]), ['expected a number in [0, 1]'], { field: 'llama13b_f1' });
  });

  it('empty train split and non-positive costs, also through the CLI (one line, exit 2)', async () => {
    const valOnly = await loadAutomixData(write('val.jsonl', [row(2), row(4)]));
    expect(() => evaluateAutomix(valOnly.rows)).toThrow(/no 'train' rows/);
    const rows = (await loadAutomixData(write('both.jsonl', [row(1), row(2), row(3), row(4)]))).rows;
    expect(() => evaluateAutomix(rows, { costs: { slm: 0, llm: 50, verifier: 1 } })).toThrow(/positive/);
    await expect(cli().parseAsync(['automix', 'evaluate', '--data', path.join(dir, 'val.jsonl'), '--quiet', '--out-dir', dir])).rejects.toSatisfy(
      (e: unknown) => UserInputError.isUserInputError(e) && e.message.includes('val.jsonl') && e.message.includes("no 'train' rows"),
    );
    await expect(cli().parseAsync(['automix', 'evaluate', '--data', path.join(dir, 'both.jsonl'), '--costs', '1,-5', '--quiet', '--out-dir', dir])).rejects.toSatisfy(
      (e: unknown) => UserInputError.isUserInputError(e) && e.option === 'llm',
    );
  });

  it('bad files fail through the CLI handler too, with the file, line and field in one line', async () => {
    const { llama13b_ver: _drop, ...noVer } = row(2);
    const cases: [string, Record<string, unknown>[], RegExp][] = [
      ['cli-nover.jsonl', [row(1), noVer], /cli-nover\.jsonl, line 2, field 'llama13b_ver': no verifier confidence/],
      ['cli-unknown.jsonl', [row(1, { dataset: 'trivia' })], /cli-unknown\.jsonl, line 1, field 'dataset': unknown dataset 'trivia'/],
      ['cli-noverdict.jsonl', [row(1, { llama13b_ver: ['hmm'] }), row(2, { llama13b_ver: ['The AI says yes'] })], /cli-noverdict\.jsonl, field 'llama13b_ver': no verification sample/],
    ];
    for (const [name, rows, message] of cases) {
      const file = write(name, rows);
      await expect(cli().parseAsync(['automix', 'evaluate', '--data', file, '--quiet', '--out-dir', dir])).rejects.toSatisfy(
        (e: unknown) => UserInputError.isUserInputError(e) && e.exitCode === 2 && message.test(e.message) && !e.message.includes('\n'),
      );
    }
  });

  it('the CLI writes automix_scores.json and the SVG', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => row(i));
    const file = write('cli.jsonl', rows);
    await cli().parseAsync(['automix', 'evaluate', '--data', file, '--quiet', '--out-dir', dir, '--seeds', '2', '--train-size', '20']);
    const scores = JSON.parse(readFileSync(path.join(dir, 'automix_scores.json'), 'utf8')) as {
      datasets: { coqa: { methods: Record<string, { per_seed: unknown[] }>; train_ids: Record<string, string[]> } };
    };
    expect(Object.keys(scores.datasets.coqa.methods)).toEqual([...META_VERIFIERS]);
    expect(scores.datasets.coqa.methods.POMDP.per_seed).toHaveLength(2);
    expect(scores.datasets.coqa.train_ids['1']).toHaveLength(20);
    expect(readFileSync(path.join(dir, 'automix_curves.svg'), 'utf8')).toMatch(/^<svg[\s\S]*POMDP[\s\S]*<\/svg>\n$/);
  });
});
