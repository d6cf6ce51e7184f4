/**
 * The built-in components of a layered ensemble. A component receives the conversation, the previous
 * layer's candidates and the shared state, and returns candidates (and may stop the ensemble). Model
 * calls go through `ctx.call`; a call that fails after its retries is recorded by the caller and costs
 * the component its output, not the layer.
 */
import type { ChatMessage, SamplingParams } from '../llm/endpoint.js';
import type { Embedder } from '../embed/types.js';
import { FittedMetaVerifier } from '../automix/meta-verifier.js';
import { renderVerificationPrompt, VERIFICATION_SAMPLING, verifierConfidence } from '../automix/verify.js';
import { inputText } from '../route/request.js';
import { renderTemplate, type PromptTemplate } from '../data/templates.js';
import { candidateDistances, weightsFromDistances } from '../smoothie/weights.js';
import type { Component } from './config.js';

export interface Candidate {
  readonly text: string;
  /** The model that wrote it. */
  readonly model?: string;
  /** A critic's strengths and weaknesses, shown to later fusers and rankers. */
  readonly critique?: string;
}

export interface LayerInput {
  readonly messages: readonly ChatMessage[];
  readonly candidates: readonly Candidate[];
  /** Typed state components pass to later layers (custom components read and write it). */
  readonly state: Record<string, unknown>;
}

export interface ComponentOutput {
  readonly candidates: readonly Candidate[];
  /** Stop here: the first candidate is the answer (AutoMix's "good enough"). */
  readonly stop?: boolean;
}

export interface ComponentContext {
  /** One call to the component's model: a text per choice. */
  call(messages: readonly ChatMessage[], params: SamplingParams): Promise<string[]>;
  /** Embedder by spec (cached per ensemble). */
  embedder(spec: string): Promise<Embedder>;
  /** `prompt_templates/<name>.txt` (e.g. `ensemble/fuser`), the working directory's copy or the shipped one; loaded once per ensemble. */
  template(name: string): Promise<PromptTemplate>;
}

export type ComponentRunner = (component: Component, input: LayerInput, ctx: ComponentContext) => Promise<ComponentOutput>;

const paramsOf = (c: Component): SamplingParams => ({ temperature: c.temperature ?? 0.7, max_tokens: c.max_tokens ?? 2048, top_p: c.top_p });

/** Candidates as numbered blocks, with critiques when a critic ran. */
export function listCandidates(candidates: readonly Candidate[]): string {
  return candidates.map((c, i) => `[${i + 1}] ${c.text}${c.critique ? `\nCritique: ${c.critique}` : ''}`).join('\n\n');
}

const withLastUser = (messages: readonly ChatMessage[], content: string): ChatMessage[] => [...messages, { role: 'user', content }];

/** The order a ranker's reply gives ("[2] > [1] > [3]"), unmentioned candidates after, in their order. */
export function parseRanking(reply: string, count: number): number[] {
  const seen: number[] = [];
  for (const m of reply.matchAll(/\[(\d+)\]/g)) {
    const i = Number(m[1]) - 1;
    if (i >= 0 && i < count && !seen.includes(i)) seen.push(i);
  }
  for (let i = 0; i < count; i++) if (!seen.includes(i)) seen.push(i);
  return seen;
}

/** A critic's reply split per candidate ("[n]" blocks). */
export function parseCritiques(reply: string, count: number): (string | undefined)[] {
  const out: (string | undefined)[] = new Array(count).fill(undefined);
  const blocks = reply.split(/^\s*\[(\d+)\]\s*$/m);
  for (let b = 1; b + 1 < blocks.length; b += 2) {
    const i = Number(blocks[b]) - 1;
    if (i >= 0 && i < count) out[i] = blocks[b + 1].trim().replace(/\s*\n\s*/g, ' ');
  }
  return out;
}

export const parseVerifierVerdict = (reply: string): boolean | undefined => {
  const m = /verdict:\s*\**\s*(in)?correct/i.exec(reply);
  return m ? !m[1] : undefined;
};

/** Numbered lines of a reply ("1. …"). */
export function parseNumbered(reply: string): string[] {
  return [...reply.matchAll(/^\s*\d+[.)]\s*(.+)$/gm)].map((m) => m[1].trim());
}

/** Key of the shared state where unit_test_generator leaves its tests for unit_test_evaluator. */
export const UNIT_TESTS_STATE = 'unit_tests';

export const BUILTIN_RUNNERS: Readonly<Record<string, ComponentRunner>> = {
  generator: async (c, input, ctx) => {
    const texts = await ctx.call(input.messages, { ...paramsOf(c), n: c.samples ?? 1 });
    return { candidates: texts.map((text) => ({ text, model: c.model })) };
  },

  fuser: async (c, input, ctx) => {
    const prompt = renderTemplate(await ctx.template('ensemble/fuser'), { candidates: listCandidates(input.candidates) });
    // Mixture-of-Agents aggregators put the instructions and the answers in the system prompt, before the conversation.
    const messages: ChatMessage[] = c.system_prompt === true ? [{ role: 'system', content: prompt }, ...input.messages] : withLastUser(input.messages, prompt);
    const texts = await ctx.call(messages, { ...paramsOf(c), n: c.samples ?? 1 });
    return { candidates: texts.map((text) => ({ text, model: c.model })) };
  },

  critic: async (c, input, ctx) => {
    const prompt = renderTemplate(await ctx.template('ensemble/critic'), { count: String(input.candidates.length), candidates: listCandidates(input.candidates) });
    const [reply = ''] = await ctx.call(withLastUser(input.messages, prompt), paramsOf(c));
    const critiques = parseCritiques(reply, input.candidates.length);
    return { candidates: input.candidates.map((cand, i) => ({ ...cand, critique: critiques[i] ?? cand.critique })) };
  },

  ranker: async (c, input, ctx) => {
    const prompt = renderTemplate(await ctx.template('ensemble/ranker'), { count: String(input.candidates.length), candidates: listCandidates(input.candidates) });
    const [reply = ''] = await ctx.call(withLastUser(input.messages, prompt), paramsOf(c));
    return {
      candidates: parseRanking(reply, input.candidates.length)
        .slice(0, c.top_k ?? 5)
        .map((i) => input.candidates[i]),
    };
  },

  verifier: async (c, input, ctx) => {
    const template = await ctx.template('ensemble/verifier');
    const verdicts = await Promise.all(
      input.candidates.map(async (cand) => {
        const [reply = ''] = await ctx.call(withLastUser(input.messages, renderTemplate(template, { candidate: cand.text })), paramsOf(c));
        return parseVerifierVerdict(reply);
      }),
    );
    const kept = input.candidates.filter((_, i) => verdicts[i] !== false);
    // A verifier that rejects everything leaves the candidates as they were rather than nothing.
    return { candidates: kept.length > 0 ? kept : input.candidates };
  },

  /** Model-written unit tests for the query, kept in the shared state; the candidates pass through. */
  unit_test_generator: async (c, input, ctx) => {
    const count = typeof c.unit_tests === 'number' ? c.unit_tests : 5;
    const [reply = ''] = await ctx.call(withLastUser(input.messages, renderTemplate(await ctx.template('ensemble/unit_test_generator'), { count: String(count) })), paramsOf(c));
    input.state[UNIT_TESTS_STATE] = parseNumbered(reply).slice(0, count);
    return { candidates: input.candidates };
  },

  /** Ranks candidates by how many of the generated unit tests the model judges them to pass; keeps top_k. */
  unit_test_evaluator: async (c, input, ctx) => {
    const tests = (input.state[UNIT_TESTS_STATE] as string[] | undefined) ?? [];
    if (tests.length === 0) return { candidates: input.candidates };
    const template = await ctx.template('ensemble/unit_test_evaluator');
    const listed = tests.map((t, i) => `${i + 1}. ${t}`).join('\n');
    const passes = await Promise.all(
      input.candidates.map(async (cand) => {
        const [reply = ''] = await ctx.call(withLastUser(input.messages, renderTemplate(template, { candidate: cand.text, tests: listed })), paramsOf(c));
        return parseNumbered(reply).filter((line) => /^pass/i.test(line)).length;
      }),
    );
    const order = input.candidates.map((_, i) => i).sort((a, b) => passes[b] - passes[a] || a - b);
    return { candidates: order.slice(0, c.top_k ?? 1).map((i) => input.candidates[i]) };
  },

  /** Ours: Smoothie's label-free weights among the candidates (no model call); keeps the top_k (default 1). */
  smoothie: async (c, input, ctx) => {
    const m = input.candidates.length;
    if (m < 3) return { candidates: input.candidates };
    const embedder = await ctx.embedder(typeof c.embedder === 'string' ? c.embedder : 'use');
    const { data } = await embedder.embed(input.candidates.map((x) => x.text));
    const weights = weightsFromDistances(candidateDistances(data, m), m, true);
    const order = Array.from(weights.keys()).sort((a, b) => weights[b] - weights[a] || a - b);
    return { candidates: order.slice(0, c.top_k ?? 1).map((i) => input.candidates[i]) };
  },

  /** Ours: AutoMix's self-verification of the first candidate; stop when the confidence clears the threshold. */
  automix: async (c, input, ctx) => {
    const [first] = input.candidates;
    if (!first) return { candidates: [] };
    const context = typeof c.context === 'string' ? c.context : '';
    const prompt = renderVerificationPrompt(await ctx.template('automix/verification'), { context, question: inputText(input.messages), answer: first.text });
    const verdicts = await ctx.call([{ role: 'user', content: prompt }], { ...VERIFICATION_SAMPLING, stop: [...VERIFICATION_SAMPLING.stop], n: c.samples ?? 4 });
    const p = verifierConfidence(verdicts).p;
    // A fitted meta-verifier (`smoothie automix`, FittedMetaVerifier.toJSON()) decides when given; else the threshold.
    if (c.meta_verifier !== undefined) return { candidates: input.candidates, stop: !FittedMetaVerifier.fromJSON(c.meta_verifier).route([p])[0] };
    const threshold = typeof c.threshold === 'number' ? c.threshold : 0.5;
    return { candidates: input.candidates, stop: p > threshold };
  },
};
