/**
 * A tiny reward model folder for the reward-ranking tests: the tiny BERT's tokenizer and config
 * (test/helpers/tiny-bert.ts) with a sequence-classification graph whose single logit is the sum
 * of a per-token reward over the unpadded tokens: reward = Σ_t mask_t · r[input_id_t].
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { buildTinyBert, type TinyBert } from '../helpers/tiny-bert.js';

const { onnx } = onnxProto;

export async function buildTinyRewardModel(tokenRewards: Readonly<Record<string, number>>): Promise<TinyBert & { reward: Float32Array }> {
  const bert = await buildTinyBert();
  const reward = Float32Array.from(bert.vocab, (t) => tokenRewards[t] ?? 0);
  await writeFile(
    path.join(bert.dir, 'config.json'),
    JSON.stringify({
      model_type: 'bert',
      architectures: ['BertForSequenceClassification'],
      vocab_size: bert.vocab.length,
      hidden_size: bert.hidden,
      num_labels: 1,
      id2label: { 0: 'LABEL_0' },
      label2id: { LABEL_0: 0 },
      max_position_embeddings: 64,
      type_vocab_size: 2,
    }),
  );
  const { FLOAT, INT64 } = onnx.TensorProto.DataType;
  const input = (name: string) => ({ name, type: { tensorType: { elemType: INT64, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'seq' }] } } } });
  const node = (opType: string, inputs: string[], output: string, attribute: unknown[] = []) => ({ opType, input: inputs, output: [output], name: output, attribute });
  const graph = {
    name: 'tiny_reward',
    input: [input('input_ids'), input('attention_mask'), input('token_type_ids')],
    output: [{ name: 'logits', type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 1 }] } } } }],
    initializer: [
      { name: 'token_reward', dims: [bert.vocab.length, 1], dataType: FLOAT, floatData: Array.from(reward) },
      { name: 'axis1', dims: [1], dataType: INT64, int64Data: [1] },
      { name: 'axis2', dims: [1], dataType: INT64, int64Data: [2] },
    ],
    node: [
      node('Gather', ['token_reward', 'input_ids'], 'per_token'), // batch × seq × 1
      node('Cast', ['attention_mask'], 'maskf', [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }]),
      node('Unsqueeze', ['maskf', 'axis2'], 'mask3'),
      node('Mul', ['per_token', 'mask3'], 'masked'),
      node('ReduceSum', ['masked', 'axis1'], 'logits', [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }]),
    ],
  };
  const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], producerName: 'smoothie-router tiny reward test helper', graph });
  await writeFile(path.join(bert.dir, 'onnx', 'model.onnx'), onnx.ModelProto.encode(model).finish());
  return { ...bert, reward };
}
