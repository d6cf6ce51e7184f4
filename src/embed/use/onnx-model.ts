/**
 * The USE-lite graph rewritten as an ONNX graph over the same weights, so ONNX Runtime's native,
 * multi-threaded kernels run it (the tfjs graph spends ~95% of its time in matrix products, which
 * tfjs' wasm backend runs on one core at a fifth of a native kernel's speed).
 *
 * The tfjs graph (read node by node from its model.json) is a two-layer pre-norm Transformer:
 *
 *   x   = 2·E[token] + timing(position)                  (256-d; positions ≥ 128 are clipped away)
 *   h   = x·Wd + bd + MHA₀(LN(x))                        (4 heads of 64; the residual is projected to 512)
 *   h  += FFN₀(LN(h));  h += MHA₁(LN(h));  h += FFN₁(LN(h))   (512-d; 4 heads of 128; FFN 512→1536→512, ReLU)
 *   out = l2normalize(tanh(mean over the text's tokens of h · Wt + bt))
 *
 * with LN's ε = 1e-6, queries scaled by 1/√depth before the dot product, padded keys masked by
 * −1e9, and the timing signal [sin(p·τ), cos(p·τ)] with the graph's own 128 inverse timescales τ.
 * The tfjs graph gathers the non-padded positions before the FFNs and the residual projection and
 * scatters them back; here every position is computed and the padded ones are masked out of the
 * attention and the mean, which leaves the text's vector unchanged (a padded position never feeds a
 * real one). Values agree with the tfjs graph to float32 rounding (tests: < 1e-5 per component).
 */
import type { OnnxGraphBuilder, OrtModule, OrtTensor } from '../../compute/onnx.js';
import { OnnxGraphBuilder as Builder, OnnxType } from '../../compute/onnx.js';

/** Tokens the graph reads per text (its `ClipToMaxLength`). */
export const USE_MAX_TOKENS = 128;

/**
 * The model's inputs for a batch of token-id lists: ids padded to the batch's longest text (at most
 * 128 tokens, the rest clipped as the graph clips them), a mask of the real tokens, positions.
 */
export function useOnnxFeeds(ort: OrtModule, batch: readonly (readonly number[])[]): Record<'ids' | 'mask' | 'pos', OrtTensor> {
  const length = Math.max(1, ...batch.map((tokens) => Math.min(tokens.length, USE_MAX_TOKENS)));
  const ids = new BigInt64Array(batch.length * length);
  const mask = new Float32Array(batch.length * length);
  batch.forEach((tokens, row) => {
    const n = Math.min(tokens.length, USE_MAX_TOKENS);
    for (let p = 0; p < n; p++) {
      ids[row * length + p] = BigInt(tokens[p]);
      mask[row * length + p] = 1;
    }
  });
  return {
    ids: new ort.Tensor('int64', ids, [batch.length, length]),
    mask: new ort.Tensor('float32', mask, [batch.length, length]),
    pos: new ort.Tensor(
      'int64',
      BigInt64Array.from({ length }, (_, p) => BigInt(p)),
      [length],
    ),
  };
}

/** Weights by tfjs name, decoded from the model's shards. */
export type UseWeights = ReadonlyMap<string, { readonly data: Float32Array | Int32Array; readonly shape: readonly number[] }>;

interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: unknown;
}

/** Decodes float32/int32 weights laid out as tfjs lays them (spec after spec, little endian). */
export function decodeWeights(specs: readonly WeightSpec[], data: ArrayBuffer): UseWeights {
  const weights = new Map<string, { data: Float32Array | Int32Array; shape: readonly number[] }>();
  let offset = 0;
  for (const spec of specs) {
    if (spec.quantization !== undefined) throw new Error(`weight ${spec.name} is quantized; the ONNX path reads float weights only`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = data.slice(offset, offset + size * 4);
    offset += size * 4;
    if (spec.dtype === 'float32') weights.set(spec.name, { data: new Float32Array(bytes), shape: spec.shape });
    else if (spec.dtype === 'int32') weights.set(spec.name, { data: new Int32Array(bytes), shape: spec.shape });
    else throw new Error(`weight ${spec.name} has dtype ${spec.dtype}; the ONNX path reads float32/int32 only`);
  }
  return weights;
}

function find(weights: UseWeights, suffix: string): { data: Float32Array | Int32Array; shape: readonly number[] } {
  const matches = [...weights.keys()].filter((k) => k.endsWith(suffix));
  if (matches.length !== 1) throw new Error(`USE graph: expected one weight named *${suffix}, found ${matches.length}`);
  return weights.get(matches[0])!;
}

const floats = (weights: UseWeights, suffix: string): Float32Array => {
  const w = find(weights, suffix);
  if (!(w.data instanceof Float32Array)) throw new Error(`USE graph: weight *${suffix} is not float32`);
  return w.data;
};
const scalar = (weights: UseWeights, suffix: string): number => floats(weights, suffix)[0];

/** timing[p] = [sin(p·τ_i)…, cos(p·τ_i)…] in float32, as the graph's Sin/Cos of a float32 product. */
export function timingTable(inverseTimescales: Float32Array, positions = USE_MAX_TOKENS): Float32Array {
  const half = inverseTimescales.length;
  const table = new Float32Array(positions * 2 * half);
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(p * inverseTimescales[i]);
      table[p * 2 * half + i] = Math.sin(angle);
      table[p * 2 * half + half + i] = Math.cos(angle);
    }
  }
  return table;
}

/** The ONNX model: inputs `ids` int64 [B, L], `mask` float [B, L] (1 = token), `pos` int64 [L]; output `embedding` [B, 512]. */
export function buildUseOnnxModel(weights: UseWeights): Uint8Array {
  const g = new Builder('use-lite');
  const T = 'Encode/TransformerStack/';
  const L = (i: number) => `Encode/Layer_${i}/TransformerLayer/`;
  const K = (i: number) => `Encoder_en/KonaTransformer/Encode/Layer_${i}/TransformerLayer/`;

  const ids = g.input('ids', OnnxType.int64, ['batch', 'length']);
  const mask = g.input('mask', OnnxType.float, ['batch', 'length']);
  const pos = g.input('pos', OnnxType.int64, ['length']);

  const embeddings = find(weights, 'module/Embeddings_en');
  const E = g.floats('E', embeddings.data as Float32Array, embeddings.shape);
  const timing = timingTable(floats(weights, `${T}Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1`));
  const width0 = embeddings.shape[1];
  const Tm = g.floats('timing', timing, [USE_MAX_TOKENS, width0]);
  const epsilon = scalar(weights, `${T}Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x`);
  const maskScale = scalar(weights, `${T}Layer_1/TransformerLayer/MultiheadAttention/DotProductAttention/attention_bias_ignore_padding/mul/y`);

  const w = (name: string, suffix: string, shape: readonly number[]): string => g.floats(name, floats(weights, suffix), shape);
  const one = g.scalar('one', 1);
  // Padded keys get maskScale (−1e9) added to their logits: bias = (1 − mask)·maskScale, [B, 1, 1, L].
  const bias = g.node('Unsqueeze', [g.node('Mul', [g.node('Sub', [one, mask]), g.scalar('mask_scale', maskScale)]), g.ints('axes_12', [1, 2])]);

  // The graph adds the token embeddings twice: its AddTimingSignal returns embedding + timing, and
  // the layer input is the embedding plus that (same operation order here).
  const embedded = g.node('Gather', [E, ids], { axis: 0 });
  let x = g.node('Add', [embedded, g.node('Add', [embedded, g.node('Gather', [Tm, pos], { axis: 0 })])]);

  const layerNorm = (input: string, i: number, prefix: 'layer_prepostprocess' | 'FFN/layer_prepostprocess', width: number): string =>
    g.node(
      'LayerNormalization',
      [
        input,
        w(`ln${i}_${prefix}_g`, `${L(i)}${prefix}/layer_norm/layer_norm_scale/ConcatPartitions/concat`, [width]),
        w(`ln${i}_${prefix}_b`, `${L(i)}${prefix}/layer_norm/layer_norm_bias/ConcatPartitions/concat`, [width]),
      ],
      { axis: -1, epsilon: { float: epsilon } },
    );

  const attention = (input: string, i: number, width: number, heads: number): string => {
    const depth = width / heads;
    const qkv = g.node('Add', [
      g.node('MatMul', [input, w(`qkv${i}_w`, `${K(i)}MultiheadAttention/qkv_transform_single/kernel/part_0`, [width, 3 * width])]),
      w(`qkv${i}_b`, `${L(i)}MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat`, [3 * width]),
    ]);
    const [q, k, v] = g.nodeN('Split', [qkv, g.ints(`split${i}`, [width, width, width])], 3, { axis: 2 });
    const headShape = g.ints(`heads${i}`, [0, 0, heads, depth]);
    const split = (t: string, perm: number[]) => g.node('Transpose', [g.node('Reshape', [t, headShape])], { perm });
    const scale = g.scalar(`scale${i}`, scalar(weights, `${T}Layer_${i}/TransformerLayer/MultiheadAttention/mul/y`));
    const qh = g.node('Mul', [split(q, [0, 2, 1, 3]), scale]);
    const logits = g.node('Add', [g.node('MatMul', [qh, split(k, [0, 2, 3, 1])]), bias]);
    const weightsSoftmax = g.node('Softmax', [logits], { axis: -1 });
    const heads4 = g.node('MatMul', [weightsSoftmax, split(v, [0, 2, 1, 3])]);
    const combined = g.node('Reshape', [g.node('Transpose', [heads4], { perm: [0, 2, 1, 3] }), g.ints(`combine${i}`, [0, 0, width])]);
    return g.node('Add', [
      g.node('MatMul', [combined, w(`out${i}_w`, `${K(i)}MultiheadAttention/output_transform_single/kernel/part_0`, [width, 512])]),
      w(`out${i}_b`, `${L(i)}MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat`, [512]),
    ]);
  };

  const ffn = (input: string, i: number): string => {
    const hidden = g.node('Relu', [
      g.node('Add', [
        g.node('MatMul', [input, w(`ffn${i}_w1`, `${T}Layer_${i}/TransformerLayer/FFN/conv1/Tensordot/Reshape_1`, [512, 1536])]),
        w(`ffn${i}_b1`, `${L(i)}FFN/conv1/bias/ConcatPartitions/concat`, [1536]),
      ]),
    ]);
    return g.node('Add', [
      g.node('MatMul', [hidden, w(`ffn${i}_w2`, `${T}Layer_${i}/TransformerLayer/FFN/conv2/Tensordot/Reshape_1`, [1536, 512])]),
      w(`ffn${i}_b2`, `${L(i)}FFN/conv2/bias/ConcatPartitions/concat`, [512]),
    ]);
  };

  // Layer 0: the residual is projected from 256 to 512 (AdjustResidualInput).
  const residual = g.node('Add', [
    g.node('MatMul', [x, w('residual_w', `${L(0)}dense/kernel/ConcatPartitions/concat`, [width0, 512])]),
    w('residual_b', `${L(0)}dense/bias/ConcatPartitions/concat`, [512]),
  ]);
  x = g.node('Add', [attention(layerNorm(x, 0, 'layer_prepostprocess', width0), 0, width0, 4), residual]);
  x = g.node('Add', [ffn(layerNorm(x, 0, 'FFN/layer_prepostprocess', 512), 0), x]);
  x = g.node('Add', [attention(layerNorm(x, 1, 'layer_prepostprocess', 512), 1, 512, 4), x]);
  x = g.node('Add', [ffn(layerNorm(x, 1, 'FFN/layer_prepostprocess', 512), 1), x]);

  // Mean over the text's tokens (at least one in the divisor, as the graph's Maximum(length, 1)).
  const axis1 = g.ints('axis1', [1]);
  const summed = g.node('ReduceSum', [g.node('Mul', [x, g.node('Unsqueeze', [mask, g.ints('axis2', [2])])]), axis1], { keepdims: 0 });
  const count = g.node('Max', [g.node('ReduceSum', [mask, axis1], { keepdims: 1 }), one]);
  const pooled = g.node('Div', [summed, count]);
  const y = g.node('Tanh', [g.node('Add', [g.node('MatMul', [pooled, w('tanh_w', 'hidden_layers/tanh_layer_0/weights', [512, 512])]), w('tanh_b', 'hidden_layers/tanh_layer_0/bias', [512])])]);
  const squares = g.node('ReduceSum', [g.node('Mul', [y, y]), axis1], { keepdims: 1 });
  const norm = g.node('Max', [squares, g.scalar('l2_epsilon', scalar(weights, 'hidden_layers/l2_normalize/Maximum/y'))]);
  const out = g.node('Mul', [y, g.node('Reciprocal', [g.node('Sqrt', [norm])])]);
  g.rename(out, 'embedding');
  g.output('embedding', OnnxType.float, ['batch', 512]);
  return (g as OnnxGraphBuilder).toBytes();
}
