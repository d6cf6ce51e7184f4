/**
 * A tiny BERT-shaped model folder that transformers.js loads through its real code path (config,
 * WordPiece tokenizer, ONNX session), so the `transformers:` embedder can be tested offline.
 *
 * The graph stands in for BERT's encoder with the same inputs and output:
 *   last_hidden_state = tanh((word_emb[input_ids] + type_emb[token_type_ids]) @ W + b)
 * `attention_mask` is declared (the pipeline feeds it) but unused, so padded positions produce
 * non-zero vectors, as in a real model: only correct masking keeps them out of the mean.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { wordPieceTokenizerJson } from '../../src/bench/bert-model.js';

const { onnx } = onnxProto;

export const TINY_BERT_SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
const WORDS = ['the', 'a', 'cat', 'dog', 'sat', 'on', 'mat', 'run', 'hello', 'world', 'big', 'small', 'red', 'blue', 'fish', 'bird', '##s', '##ing', '##ed', '.', ',', '!', '?'];

export interface TinyBert {
  readonly dir: string;
  readonly hidden: number;
  /** Token strings by id. */
  readonly vocab: readonly string[];
  /** [vocab, hidden], row-major. */
  readonly wordEmbeddings: Float32Array;
  /** [2, hidden]. */
  readonly typeEmbeddings: Float32Array;
  /** [hidden, hidden]: out = x @ weight. */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  cleanup(): Promise<void>;
}

/** Deterministic values in (-1, 1), different for every tensor and position. */
function fill(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7.31 + i * 1.618));
}

export async function buildTinyBert(hidden = 8): Promise<TinyBert> {
  const vocab = [...TINY_BERT_SPECIAL, ...WORDS];
  const wordEmbeddings = fill(vocab.length * hidden, 1);
  const typeEmbeddings = fill(2 * hidden, 2);
  const weight = Float32Array.from(fill(hidden * hidden, 3), (v) => v / Math.sqrt(hidden));
  const bias = Float32Array.from(fill(hidden, 4), (v) => v * 0.1);

  const dir = await mkdtemp(path.join(tmpdir(), 'tiny-bert-'));
  await mkdir(path.join(dir, 'onnx'));
  const json = (name: string, value: unknown) => writeFile(path.join(dir, name), JSON.stringify(value, null, 2));
  await json('config.json', {
    model_type: 'bert',
    architectures: ['BertModel'],
    vocab_size: vocab.length,
    hidden_size: hidden,
    num_hidden_layers: 1,
    num_attention_heads: 1,
    intermediate_size: hidden,
    max_position_embeddings: 64,
    type_vocab_size: 2,
  });
  await json('tokenizer.json', wordPieceTokenizerJson(vocab, TINY_BERT_SPECIAL));
  await json('tokenizer_config.json', {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: 64,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
  });
  await writeFile(path.join(dir, 'onnx', 'model.onnx'), modelProto(vocab.length, hidden, { wordEmbeddings, typeEmbeddings, weight, bias }));
  return {
    dir,
    hidden,
    vocab,
    wordEmbeddings,
    typeEmbeddings,
    weight,
    bias,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

function modelProto(vocabSize: number, hidden: number, w: { wordEmbeddings: Float32Array; typeEmbeddings: Float32Array; weight: Float32Array; bias: Float32Array }): Uint8Array {
  const { FLOAT, INT64 } = onnx.TensorProto.DataType;
  const input = (name: string) => ({
    name,
    type: { tensorType: { elemType: INT64, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'seq' }] } } },
  });
  const initializer = (name: string, dims: number[], data: Float32Array) => ({
    name,
    dims,
    dataType: FLOAT,
    floatData: Array.from(data),
  });
  const node = (opType: string, inputs: string[], output: string) => ({
    opType,
    input: inputs,
    output: [output],
    name: output,
  });
  const graph = {
    name: 'tiny_bert',
    input: [input('input_ids'), input('attention_mask'), input('token_type_ids')],
    output: [
      {
        name: 'last_hidden_state',
        type: {
          tensorType: {
            elemType: FLOAT,
            shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'seq' }, { dimValue: hidden }] },
          },
        },
      },
    ],
    initializer: [
      initializer('word_embeddings', [vocabSize, hidden], w.wordEmbeddings),
      initializer('token_type_embeddings', [2, hidden], w.typeEmbeddings),
      initializer('dense_weight', [hidden, hidden], w.weight),
      initializer('dense_bias', [hidden], w.bias),
    ],
    node: [
      node('Gather', ['word_embeddings', 'input_ids'], 'words'),
      node('Gather', ['token_type_embeddings', 'token_type_ids'], 'types'),
      node('Add', ['words', 'types'], 'embeddings'),
      node('MatMul', ['embeddings', 'dense_weight'], 'projected'),
      node('Add', ['projected', 'dense_bias'], 'biased'),
      node('Tanh', ['biased'], 'last_hidden_state'),
    ],
  };
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'smoothie-router tiny-bert test helper',
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
