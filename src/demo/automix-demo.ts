/**
 * The shipped AutoMix demo (`results/datasets/demo_automix.jsonl`): synthetic rows in the AutoMix layout,
 * so `smoothie automix evaluate` runs from a clone without the paper's data. Each question has a
 * difficulty; the small model answers it right with probability 0.85 − 0.7·difficulty, the large one
 * with 0.95 − 0.4·difficulty, and the small model's 8 self-verifications say "correct" with
 * probability 0.8 when its answer is right and 0.3 when it is wrong (p_ver_13b = the share, in 1/8ths).
 * Deterministic from the seed.
 */
import path from 'node:path';
import { Rng } from '../compute/rng.js';
import { writeJsonl } from '../data/json.js';

export const AUTOMIX_DEMO_FILE = 'demo_automix.jsonl';
const WORDS = ['amber', 'birch', 'cobalt', 'dune', 'ember', 'fjord', 'garnet', 'harbor', 'indigo', 'juniper', 'kelp', 'lagoon'];

export function makeAutomixDemo(seed: number, train = 1200, val = 600): Record<string, unknown>[] {
  const rng = new Rng(seed);
  return Array.from({ length: train + val }, (_, i) => {
    const split = i < train ? 'train' : 'val';
    const subject = WORDS[rng.int(WORDS.length)];
    const gold = WORDS[rng.int(WORDS.length)];
    const wrong = WORDS[(WORDS.indexOf(gold) + 1 + rng.int(WORDS.length - 1)) % WORDS.length];
    const difficulty = rng.next();
    const slmRight = rng.next() < 0.85 - 0.7 * difficulty;
    const llmRight = rng.next() < 0.95 - 0.4 * difficulty;
    let yes = 0;
    for (let k = 0; k < 8; k++) if (rng.next() < (slmRight ? 0.8 : 0.3)) yes++;
    return {
      id: `demoqa-${split}-${String(i).padStart(5, '0')}`,
      pid: `demoqa-p${String(i).padStart(5, '0')}`,
      dataset: 'demoqa',
      split,
      base_ctx: `Document ${i}: the ${subject} key opens the ${gold} door.`,
      question: `Which door does the ${subject} key open?`,
      output: gold,
      llama13b_pred_ans: slmRight ? gold : wrong,
      llama70b_pred_ans: llmRight ? gold : wrong,
      llama13b_f1: slmRight ? 1 : 0,
      llama70b_f1: llmRight ? 1 : 0,
      p_ver_13b: yes / 8,
    };
  });
}

/** Writes the AutoMix demo into `dataDir`; returns the file. */
export async function writeAutomixDemo(dataDir: string, seed: number): Promise<string> {
  const file = path.join(dataDir, AUTOMIX_DEMO_FILE);
  await writeJsonl(file, makeAutomixDemo(seed));
  return file;
}
