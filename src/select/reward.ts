/**
 * Reward-model ranking (as PairRM and other reward models are used for best-of-n): a local
 * sequence-classification model folder (`config.json`, tokenizer files, `onnx/model.onnx`, as
 * transformers.js expects) scores every (instruction, candidate) pair as a text pair; the candidate
 * with the highest reward is chosen. A one-logit model's logit is the reward; with several labels
 * the reward is the last label's logit minus the first's (positive minus negative). Loaded through
 * `@huggingface/transformers` from the folder only: nothing is downloaded.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidParameterError } from '../errors/index.js';
import type { JudgeSample } from './judges.js';
import type { ScoredSelection } from './mbr.js';
import { argmaxRows } from './text.js';

export interface RewardModel {
  /** `reward:<folder name>`. */
  readonly id: string;
  /** One reward per (instruction, response) pair. */
  score(pairs: readonly { readonly instruction: string; readonly response: string }[]): Promise<Float64Array>;
  dispose(): Promise<void>;
}

export interface RewardModelOptions {
  /** onnxruntime device. @default 'cpu' */
  readonly device?: 'cpu' | 'cuda';
  /** Pairs per forward pass. @default 16 */
  readonly batchSize?: number;
  /** Tokens per pair (longer pairs are truncated). @default the tokenizer's model_max_length */
  readonly maxLength?: number;
}

export async function loadRewardModel(folder: string, options: RewardModelOptions = {}): Promise<RewardModel> {
  const dir = path.resolve(folder);
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
    throw new InvalidParameterError('rewardModel', `no such model folder ${dir} (a local sequence-classification model: config.json, tokenizer, onnx/model.onnx)`);
  }
  const lib = await import('@huggingface/transformers');
  const saved = lib.env.allowRemoteModels;
  lib.env.allowRemoteModels = false;
  let tokenizer: Awaited<ReturnType<typeof lib.AutoTokenizer.from_pretrained>>;
  let model: Awaited<ReturnType<typeof lib.AutoModelForSequenceClassification.from_pretrained>>;
  try {
    tokenizer = await lib.AutoTokenizer.from_pretrained(dir, { local_files_only: true });
    model = await lib.AutoModelForSequenceClassification.from_pretrained(dir, { local_files_only: true, device: options.device ?? 'cpu' });
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new InvalidParameterError('rewardModel', `cannot load reward model ${dir}: ${first}`);
  } finally {
    lib.env.allowRemoteModels = saved;
  }
  const batchSize = options.batchSize ?? 16;
  return {
    id: `reward:${path.basename(dir)}`,
    async score(pairs) {
      const out = new Float64Array(pairs.length);
      for (let start = 0; start < pairs.length; start += batchSize) {
        const batch = pairs.slice(start, start + batchSize);
        const inputs = tokenizer(
          batch.map((p) => p.instruction),
          { text_pair: batch.map((p) => p.response), padding: true, truncation: true, max_length: options.maxLength },
        );
        const { logits } = (await model(inputs)) as { logits: { dims: number[]; data: ArrayLike<number> } };
        const labels = logits.dims[1] ?? 1;
        for (let i = 0; i < batch.length; i++) {
          out[start + i] = labels === 1 ? Number(logits.data[i]) : Number(logits.data[i * labels + labels - 1]) - Number(logits.data[i * labels]);
        }
      }
      return out;
    },
    async dispose() {
      await model.dispose();
    },
  };
}

/** Scores every candidate of every sample and picks the highest reward (first on ties). */
export async function rewardSelect(samples: readonly JudgeSample[], model: RewardModel): Promise<ScoredSelection> {
  const n = samples.length;
  const m = samples[0]?.candidates.length ?? 0;
  const scores = await model.score(samples.flatMap((s) => s.candidates.map((response) => ({ instruction: s.instruction, response }))));
  return { selected: argmaxRows(scores, n, m), scores, n, m };
}
