/**
 * The shipped demo: a 3-category question set answered by 5 synthetic "models" whose quality per
 * category is known, generated deterministically from a seed (never hand-typed).
 *
 * Each model corrupts an answer with a per-category probability q: the answer is wrong with
 * probability q, and each of three slots adds, with probability q, a digression on the model's own
 * pet topic. Every model digresses in its own direction (in word and in meaning), so errors are
 * independent across models as Smoothie assumes, and the least-corrupted answer is the one the
 * others agree with most: each category's specialist is locally best, the generalist on average.
 */
import path from 'node:path';
import { Rng } from '../compute/rng.js';
import { writeJsonFile, writeJsonl } from '../data/json.js';
import type { DatasetRow } from '../data/schemas.js';
import { writeAutomixDemo } from './automix-demo.js';

export const DEMO_CATEGORIES = ['arithmetic', 'capitals', 'opposites'] as const;
export type DemoCategory = (typeof DEMO_CATEGORIES)[number];

export interface DemoModel {
  /** Corruption probability per category (lower is better). */
  readonly corruption: Readonly<Record<DemoCategory, number>>;
  /** What the model digresses about. */
  readonly digressions: readonly string[];
}

export const DEMO_MODELS: Readonly<Record<string, DemoModel>> = {
  'calc-7b': {
    corruption: { arithmetic: 0.05, capitals: 0.6, opposites: 0.6 },
    digressions: [
      'By the way, a good sourdough needs a long cold fermentation.',
      'Fresh basil makes any tomato sauce taste brighter.',
      'Remember to rest the steak before slicing it.',
      'A pinch of salt brings out the sweetness in caramel.',
      'Roasted garlic turns soft and sweet in the oven.',
    ],
  },
  'atlas-7b': {
    corruption: { arithmetic: 0.6, capitals: 0.05, opposites: 0.6 },
    digressions: [
      'Incidentally, the goalkeeper saved a penalty in the final minute.',
      'The marathon runners crossed the finish line in the rain.',
      'Our tennis coach says footwork wins matches.',
      'The basketball team practised free throws all evening.',
      'Cyclists climbed the mountain stage in record time.',
    ],
  },
  'lexi-7b': {
    corruption: { arithmetic: 0.6, capitals: 0.6, opposites: 0.05 },
    digressions: [
      'Speaking of which, the violin section tuned up before the concert.',
      'Jazz pianists love to improvise on old standards.',
      'The choir rehearsed the symphony twice this week.',
      'A good drummer keeps the whole band in time.',
      'The guitarist changed strings before the show.',
    ],
  },
  'generalist-7b': {
    corruption: { arithmetic: 0.3, capitals: 0.3, opposites: 0.3 },
    digressions: [
      'Also, it might rain heavily this afternoon.',
      'The forecast promises a cold and windy weekend.',
      'Thunderstorms are expected along the coast tonight.',
      'Snow is likely in the hills tomorrow morning.',
      'The sunny spell should last until Friday.',
    ],
  },
  'rambler-3b': {
    corruption: { arithmetic: 0.8, capitals: 0.8, opposites: 0.8 },
    digressions: [
      'Anyway, my cat knocked the plant off the shelf again.',
      'The printer jammed twice during the meeting.',
      'I still need to renew my library card.',
      'The train was delayed because of a signal failure.',
      'Someone left the office lights on all night.',
    ],
  },
};

const CAPITALS: [string, string][] = [
  ['France', 'Paris'],
  ['Germany', 'Berlin'],
  ['Italy', 'Rome'],
  ['Spain', 'Madrid'],
  ['Portugal', 'Lisbon'],
  ['Japan', 'Tokyo'],
  ['China', 'Beijing'],
  ['India', 'New Delhi'],
  ['Egypt', 'Cairo'],
  ['Kenya', 'Nairobi'],
  ['Canada', 'Ottawa'],
  ['Mexico', 'Mexico City'],
  ['Brazil', 'Brasilia'],
  ['Argentina', 'Buenos Aires'],
  ['Peru', 'Lima'],
  ['Chile', 'Santiago'],
  ['Norway', 'Oslo'],
  ['Sweden', 'Stockholm'],
  ['Finland', 'Helsinki'],
  ['Denmark', 'Copenhagen'],
  ['Poland', 'Warsaw'],
  ['Austria', 'Vienna'],
  ['Greece', 'Athens'],
  ['Turkey', 'Ankara'],
  ['Russia', 'Moscow'],
  ['Australia', 'Canberra'],
  ['New Zealand', 'Wellington'],
  ['Ireland', 'Dublin'],
  ['Hungary', 'Budapest'],
  ['Thailand', 'Bangkok'],
  ['Vietnam', 'Hanoi'],
  ['Indonesia', 'Jakarta'],
  ['Nigeria', 'Abuja'],
  ['Morocco', 'Rabat'],
  ['Iran', 'Tehran'],
  ['Iraq', 'Baghdad'],
  ['Cuba', 'Havana'],
  ['Colombia', 'Bogota'],
  ['Belgium', 'Brussels'],
  ['Switzerland', 'Bern'],
];

const OPPOSITES: [string, string][] = [
  ['hot', 'cold'],
  ['tall', 'short'],
  ['happy', 'sad'],
  ['light', 'dark'],
  ['early', 'late'],
  ['fast', 'slow'],
  ['strong', 'weak'],
  ['rich', 'poor'],
  ['loud', 'quiet'],
  ['wet', 'dry'],
  ['open', 'closed'],
  ['full', 'empty'],
  ['hard', 'soft'],
  ['thick', 'thin'],
  ['cheap', 'expensive'],
  ['brave', 'cowardly'],
  ['ancient', 'modern'],
  ['win', 'lose'],
  ['accept', 'refuse'],
  ['arrive', 'depart'],
  ['begin', 'end'],
  ['buy', 'sell'],
  ['push', 'pull'],
  ['remember', 'forget'],
  ['increase', 'decrease'],
  ['friend', 'enemy'],
  ['victory', 'defeat'],
  ['inside', 'outside'],
  ['above', 'below'],
  ['always', 'never'],
  ['smooth', 'rough'],
  ['sharp', 'blunt'],
  ['clean', 'dirty'],
  ['safe', 'dangerous'],
  ['generous', 'selfish'],
  ['polite', 'rude'],
];

interface Question {
  readonly category: DemoCategory;
  readonly question: string;
  readonly answer: string;
  /** The answer sentence with a placeholder for the (possibly wrong) answer. */
  readonly sentence: (answer: string) => string;
  readonly wrong: (rng: Rng) => string;
}

function makeQuestion(category: DemoCategory, rng: Rng): Question {
  switch (category) {
    case 'arithmetic': {
      const a = 2 + rng.int(97);
      const b = 2 + rng.int(97);
      const sum = a + b;
      return {
        category,
        question: `What is ${a} plus ${b}?`,
        answer: String(sum),
        sentence: (x) => `${a} plus ${b} equals ${x}.`,
        wrong: (r) => String(sum + (r.int(2) === 0 ? -1 : 1) * (1 + r.int(12))),
      };
    }
    case 'capitals': {
      const [country, capital] = rng.choice(CAPITALS);
      return {
        category,
        question: `What is the capital city of ${country}?`,
        answer: capital,
        sentence: (x) => `The capital of ${country} is ${x}.`,
        wrong: (r) => {
          let other = capital;
          while (other === capital) other = r.choice(CAPITALS)[1];
          return other;
        },
      };
    }
    case 'opposites': {
      const [word, opposite] = rng.choice(OPPOSITES);
      return {
        category,
        question: `Which word means the opposite of "${word}"?`,
        answer: opposite,
        sentence: (x) => `The opposite of ${word} is ${x}.`,
        wrong: (r) => {
          let other = opposite;
          while (other === opposite) other = r.choice(OPPOSITES)[r.int(2)];
          return other;
        },
      };
    }
  }
}

/** A model's answer: independent corruption of the answer and of the phrasing, each with probability q. */
function answerOf(q: Question, model: DemoModel, rng: Rng): string {
  const corruption = model.corruption[q.category];
  const answer = rng.next() < corruption ? q.wrong(rng) : q.answer;
  const digressions = Array.from({ length: 3 }, () => (rng.next() < corruption ? rng.choice(model.digressions) : ''));
  return [q.sentence(answer), ...new Set(digressions.filter(Boolean))].join(' ');
}

export interface DemoSplit {
  readonly rows: DatasetRow[];
  /** model → one generation per row. */
  readonly generations: Record<string, string[]>;
}

export function makeDemoSplit(nPerCategory: number, seed: number): DemoSplit {
  const rng = new Rng(seed);
  const questions = rng.shuffled(DEMO_CATEGORIES.flatMap((c) => Array.from({ length: nPerCategory }, () => makeQuestion(c, rng))));
  const rows: DatasetRow[] = questions.map((q, idx) => ({
    idx,
    task_name: 'demo',
    category: q.category,
    reference: q.answer,
    embedding_input: q.question,
    multi_model_prompt: `Answer in one sentence.\nQuestion: ${q.question}\nAnswer:`,
  }));
  const generations: Record<string, string[]> = {};
  for (const [name, model] of Object.entries(DEMO_MODELS)) {
    generations[name] = questions.map((q) => answerOf(q, model, rng));
  }
  return { rows, generations };
}

export interface DemoLayout {
  /** @default 'results/datasets' */
  readonly dataDir: string;
  /** @default 'results' */
  readonly resultsDir: string;
}

/** Writes demo_{train,test}.jsonl and results/demo/model_gens/<model>_{train,test}.json. */
export async function writeDemo(layout: DemoLayout, seed = 20241210): Promise<string[]> {
  const written: string[] = [];
  const splits = { test: makeDemoSplit(120, seed), train: makeDemoSplit(40, seed + 1) };
  for (const [split, data] of Object.entries(splits)) {
    const dataFile = path.join(layout.dataDir, `demo_${split}.jsonl`);
    await writeJsonl(dataFile, data.rows);
    written.push(dataFile);
    for (const [model, gens] of Object.entries(data.generations)) {
      const file = path.join(layout.resultsDir, 'demo', 'model_gens', `${model}_${split}.json`);
      await writeJsonFile(file, { generations: gens }, { indent: 2 });
      written.push(file);
    }
  }
  // AutoMix rows for `smoothie automix evaluate` (its own layout; see automix-demo.ts).
  written.push(await writeAutomixDemo(layout.dataDir, seed));
  return written;
}
