/**
 * A BERT-shaped model folder for `npm run bench embedders` (no model hub here): transformers.js
 * loads it through its real code path (config, WordPiece tokenizer, ONNX session). The graph is
 * one Transformer-sized feed-forward block over the token embeddings (hidden 384, inner 1536, as
 * all-MiniLM's), so its cost grows with the tokens of a batch, padding included, as a real
 * encoder's does. The vocabulary is a few hundred frequent English words.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OnnxGraphBuilder, OnnxType } from '../compute/onnx.js';
import { Rng } from '../compute/rng.js';

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const WORDS = `the of and to a in is it you that he was for on are with as i his they be at one have this from or had by
not word but what some we can out other were all there when up use your how said an each she which do their time if will way
about many then them write would like so these her long make thing see him two has look more day could go come did number
sound no most people my over know water than call first who may down side been now find any new work part take get place
made live where after back little only round man year came show every good me give our under name very through just form
sentence great think say help low line differ turn cause much mean before move right boy old too same tell does set three
want air well also play small end put home read hand port large spell add even land here must big high such follow act why
ask men change went light kind off need house picture try us again animal point mother world near build self earth father
model answer question city capital river story summary country result because however example step code function data list
. , ! ? : ; ( ) - " ' 1 2 3 4 5 6 7 8 9 0 ##s ##ing ##ed ##ly ##er ##es`.split(/\s+/);

export interface BenchBert {
  readonly dir: string;
  cleanup(): Promise<void>;
}

/** The tokenizer.json of a lowercasing BERT WordPiece tokenizer ([CLS] text [SEP]) over `vocab`, whose first entries are `special`. */
export function wordPieceTokenizerJson(vocab: readonly string[], specialTokens: readonly string[] = SPECIAL): unknown {
  const id = (t: string) => vocab.indexOf(t);
  const special = (t: string) => ({ SpecialToken: { id: t, type_id: 0 } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specialTokens.map((t) => ({ id: id(t), content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]')],
      pair: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]'), { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
      special_tokens: Object.fromEntries(['[CLS]', '[SEP]'].map((t) => [t, { id: t, ids: [id(t)], tokens: [t] }])),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
  };
}

export async function buildBenchBert(hidden = 384, inner = 1536): Promise<BenchBert> {
  const vocab = [...SPECIAL, ...new Set(WORDS)];
  const rng = new Rng(13);
  const normal = (n: number, scale: number) => Float32Array.from({ length: n }, () => scale * rng.normal());
  const g = new OnnxGraphBuilder('bench_bert');
  const ids = g.input('input_ids', OnnxType.int64, ['batch', 'seq']);
  g.input('attention_mask', OnnxType.int64, ['batch', 'seq']);
  const types = g.input('token_type_ids', OnnxType.int64, ['batch', 'seq']);
  const x = g.node('Add', [
    g.node('Gather', [g.floats('word', normal(vocab.length * hidden, 0.5), [vocab.length, hidden]), ids]),
    g.node('Gather', [g.floats('type', normal(2 * hidden, 0.1), [2, hidden]), types]),
  ]);
  const ln = g.node('LayerNormalization', [x, g.floats('ln_g', new Float32Array(hidden).fill(1), [hidden]), g.floats('ln_b', new Float32Array(hidden), [hidden])], {
    axis: -1,
    epsilon: { float: 1e-12 },
  });
  const h = g.node('Relu', [g.node('Add', [g.node('MatMul', [ln, g.floats('w1', normal(hidden * inner, 1 / Math.sqrt(hidden)), [hidden, inner])]), g.floats('b1', normal(inner, 0.02), [inner])])]);
  const y = g.node('Add', [g.node('MatMul', [h, g.floats('w2', normal(inner * hidden, 1 / Math.sqrt(inner)), [inner, hidden])]), x]);
  g.rename(g.node('Tanh', [y]), 'last_hidden_state');
  g.output('last_hidden_state', OnnxType.float, ['batch', 'seq', hidden]);

  const dir = await mkdtemp(path.join(tmpdir(), 'bench-bert-'));
  await mkdir(path.join(dir, 'onnx'));
  const json = (name: string, value: unknown) => writeFile(path.join(dir, name), JSON.stringify(value));
  await json('config.json', {
    model_type: 'bert',
    architectures: ['BertModel'],
    vocab_size: vocab.length,
    hidden_size: hidden,
    num_hidden_layers: 1,
    num_attention_heads: 1,
    intermediate_size: inner,
    max_position_embeddings: 512,
    type_vocab_size: 2,
  });
  await json('tokenizer.json', wordPieceTokenizerJson(vocab));
  await json('tokenizer_config.json', {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: 512,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
  });
  await writeFile(path.join(dir, 'onnx', 'model.onnx'), g.toBytes());
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
