/**
 * ONNX Runtime as a compute engine: a small graph builder that writes ONNX `ModelProto` bytes (only
 * the message fields our graphs use, protobuf wire format by hand, so no code generator is needed at
 * run time) and the optional `onnxruntime-node` loader.
 *
 * Why: onnxruntime-node's CPU kernels (MLAS) run a float32 matrix product at ~100 GFLOP/s per core
 * and use every core, where tfjs' wasm backend reaches ~20 GFLOP/s on one. The package ships its CPU
 * binary in the npm tarball (its install script only fetches CUDA extras), and it comes with
 * `@huggingface/transformers`; it stays optional: callers fall back to tfjs when it is absent.
 */
import os from 'node:os';

/** The part of onnxruntime-node's API we use (typed here so our .d.ts never names the optional package). */
export interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
  dispose?(): void;
}
export interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
export interface OrtModule {
  readonly InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession> };
  readonly Tensor: new (type: 'float32' | 'int64' | 'int32', data: Float32Array | BigInt64Array | Int32Array, dims: readonly number[]) => OrtTensor;
}

export const ONNXRUNTIME_PACKAGE = 'onnxruntime-node';

let ortPromise: Promise<OrtModule | undefined> | undefined;

/** onnxruntime-node when it is installed and loads, else undefined (never throws). */
export function loadOnnxRuntime(): Promise<OrtModule | undefined> {
  ortPromise ??= (async () => {
    try {
      // A variable specifier keeps bundlers from requiring the optional package.
      const specifier = ONNXRUNTIME_PACKAGE;
      const mod = (await import(specifier)) as OrtModule & { default?: OrtModule };
      return mod.InferenceSession ? mod : mod.default;
    } catch {
      return undefined;
    }
  })();
  return ortPromise;
}

/** Threads for one ONNX Runtime session. @default the machine's available parallelism */
export function defaultIntraOpThreads(): number {
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

/**
 * Where a session runs: `cpu` (MLAS), or `webgpu`, onnxruntime-node's built-in WebGPU provider
 * (Dawn; Vulkan on Linux), which runs on a GPU without CUDA libraries.
 */
export type OnnxDevice = 'cpu' | 'webgpu';

/**
 * The first line of an ONNX Runtime error, shortened to its cause where the provider names one
 * (the WebGPU provider prefixes a source path and an assertion to "Failed to get a WebGPU adapter").
 */
export function onnxErrorReason(error: unknown): string {
  const line =
    (error instanceof Error ? error.message : String(error))
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? 'unknown error';
  return line.replace(/^.*?(Failed to get a WebGPU adapter.*)$/, '$1');
}

/** Creates a session from model bytes with `threads` intra-op threads and full graph optimisation. */
export async function createOnnxSession(ort: OrtModule, model: Uint8Array, threads: number, device: OnnxDevice = 'cpu'): Promise<OrtSession> {
  return ort.InferenceSession.create(model, {
    executionProviders: device === 'webgpu' ? ['webgpu', 'cpu'] : ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
}

// ---------------------------------------------------------------------------------------------
// Protobuf wire format (varint, length-delimited, fixed32) for the ONNX messages we write.

class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

/** ONNX TensorProto.DataType values. */
export const OnnxType = Object.freeze({ float: 1, int32: 6, int64: 7 } as const);
export type OnnxElementType = (typeof OnnxType)[keyof typeof OnnxType];

/** An integer is an INT attribute, `{ float }` a FLOAT, an array INTS, `{ floats }` FLOATS. */
export type OnnxAttribute = number | number[] | string | { readonly float: number } | { readonly floats: number[] };

interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, OnnxAttribute>>;
}

interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly type: OnnxElementType;
  readonly raw: Uint8Array;
}

interface OnnxValueInfo {
  readonly name: string;
  readonly type: OnnxElementType;
  /** A number is a fixed size; a string names a dynamic dimension. */
  readonly shape: readonly (number | string)[];
}

/**
 * Builds one ONNX graph. `node()` returns its output name so graphs read as expressions:
 * `g.node('MatMul', [x, w])`. Opset 17 of the default domain.
 */
export class OnnxGraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxInitializer[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: OnnxValueInfo[] = [];
  private counter = 0;

  constructor(readonly name: string) {}

  input(name: string, type: OnnxElementType, shape: readonly (number | string)[]): string {
    this.inputs.push({ name, type, shape });
    return name;
  }

  output(name: string, type: OnnxElementType, shape: readonly (number | string)[]): void {
    this.outputs.push({ name, type, shape });
  }

  /** A float32 constant (weights). */
  floats(name: string, data: Float32Array, dims: readonly number[]): string {
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push({ name, dims, type: OnnxType.float, raw: raw.slice() });
    return name;
  }

  /** An int64 constant (shapes, axes). */
  ints(name: string, data: readonly number[], dims: readonly number[] = [data.length]): string {
    const values = BigInt64Array.from(data.map((v) => BigInt(v)));
    this.initializers.push({ name, dims, type: OnnxType.int64, raw: new Uint8Array(values.buffer) });
    return name;
  }

  scalar(name: string, value: number): string {
    return this.floats(name, Float32Array.of(value), []);
  }

  node(op: string, inputs: readonly string[], attributes: Record<string, OnnxAttribute> = {}): string {
    return this.nodeN(op, inputs, 1, attributes)[0];
  }

  /** A node with several outputs; returns all their names. */
  nodeN(op: string, inputs: readonly string[], outputs: number, attributes: Record<string, OnnxAttribute> = {}): string[] {
    const names = Array.from({ length: outputs }, () => `${op.toLowerCase()}_${this.counter++}`);
    this.nodes.push({ op, inputs, outputs: names, attributes });
    return names;
  }

  /** Renames the last node's first output (graph outputs need their declared name). */
  rename(from: string, to: string): void {
    for (const n of this.nodes) {
      (n.outputs as string[]).forEach((o, i) => {
        if (o === from) (n.outputs as string[])[i] = to;
      });
      (n.inputs as string[]).forEach((o, i) => {
        if (o === from) (n.inputs as string[])[i] = to;
      });
    }
  }

  /** The serialised `ModelProto`. */
  toBytes(): Uint8Array {
    const valueInfo = (w: ProtoWriter, v: OnnxValueInfo): void => {
      w.string(1, v.name).message(2, (t) =>
        t.message(1, (tt) =>
          tt.int(1, v.type).message(2, (shape) => {
            for (const d of v.shape) {
              shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
            }
          }),
        ),
      );
    };
    const attribute = (w: ProtoWriter, name: string, value: OnnxAttribute): void => {
      w.string(1, name);
      // AttributeType: FLOAT 1, INT 2, STRING 3, FLOATS 6, INTS 7.
      if (typeof value === 'number') {
        w.int(3, value).int(20, 2);
      } else if (typeof value === 'string') {
        w.string(4, value).int(20, 3);
      } else if (Array.isArray(value)) {
        for (const v of value) w.int(8, v);
        w.int(20, 7);
      } else if ('floats' in value) {
        for (const v of value.floats) w.float(7, v);
        w.int(20, 6);
      } else {
        w.float(2, value.float).int(20, 1);
      }
    };
    const model = new ProtoWriter();
    model.int(1, 8); // ir_version
    model.string(2, 'smoothie-router');
    model.message(7, (graph) => {
      for (const n of this.nodes) {
        graph.message(1, (w) => {
          for (const i of n.inputs) w.string(1, i);
          for (const o of n.outputs) w.string(2, o);
          w.string(3, n.outputs[0]);
          w.string(4, n.op);
          for (const [k, v] of Object.entries(n.attributes)) w.message(5, (a) => attribute(a, k, v));
        });
      }
      graph.string(2, this.name);
      for (const t of this.initializers) {
        graph.message(5, (w) => {
          for (const d of t.dims) w.int(1, d);
          w.int(2, t.type);
          w.string(8, t.name);
          w.bytes(9, t.raw);
        });
      }
      for (const v of this.inputs) graph.message(11, (w) => valueInfo(w, v));
      for (const v of this.outputs) graph.message(12, (w) => valueInfo(w, v));
    });
    model.message(8, (w) => w.string(1, '').int(2, 17)); // opset_import
    return model.finish();
  }
}
