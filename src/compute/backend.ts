/**
 * tfjs backend selection. `@tensorflow/tfjs-node-gpu` / `@tensorflow/tfjs-node` are optional: their
 * installs download native binaries, so they are imported dynamically when the user has installed
 * them and never required. wasm is the default everywhere; `cpu` is the pure-JS fallback.
 */
import type * as Tfjs from '@tensorflow/tfjs';
import { InvalidParameterError } from '../errors/index.js';

type Tf = typeof Tfjs;
let tfPromise: Promise<Tf> | undefined;

/** tfjs itself, imported on first use: importing it costs ~1 s, and ONNX Runtime paths never need it. */
function loadTf(): Promise<Tf> {
  tfPromise ??= import('@tensorflow/tfjs');
  return tfPromise;
}

export const BACKEND_NAMES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type ResolvedBackendName = Exclude<BackendName, 'auto'>;

export interface Backend {
  /** What the user asked for. */
  readonly requested: BackendName;
  /** What is active. */
  readonly name: ResolvedBackendName;
  /** tfjs' own name for the active backend (`tensorflow`, `wasm`, `cpu`). */
  readonly tfBackend: string;
  /**
   * The tfjs namespace, with `name` active. Internal: tfjs' own declaration files need the DOM lib,
   * so our .d.ts do not name them (apps type-check with skipLibCheck: false).
   * @internal
   */
  readonly tf: Tf;
}

type NativeBackend = 'tensorflow-gpu' | 'tensorflow';

/** The optional packages that provide the native backends (both register tfjs' `tensorflow`). */
export const NATIVE_PACKAGES: Readonly<Record<NativeBackend, string>> = Object.freeze({
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
});

export interface CreateBackendOptions {
  /** Module specifiers to import for the native backends (e.g. a custom build). @default NATIVE_PACKAGES */
  readonly packages?: Partial<Record<NativeBackend, string>>;
}

let active: Backend | undefined;

async function tryNative(tf: Tf, specifier: string): Promise<boolean> {
  try {
    // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
    await import(specifier);
    return await tf.setBackend('tensorflow');
  } catch {
    return false;
  }
}

async function tryWasm(tf: Tf): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

async function activate(tf: Tf, name: ResolvedBackendName, packages: Readonly<Record<NativeBackend, string>>): Promise<boolean> {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow':
      return tryNative(tf, packages[name]);
    case 'wasm':
      return tryWasm(tf);
    case 'cpu':
      return tf.setBackend('cpu');
  }
}

/** `name` as a backend name, or a user error listing the valid ones (checked before anything loads). */
export function parseBackendName(name: string): BackendName {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new InvalidParameterError('backend', `unknown backend '${name}' (valid: ${BACKEND_NAMES.join(', ')})`);
  }
  return name as BackendName;
}

/**
 * Activates a tfjs backend and returns it. `auto` tries tensorflow-gpu, tensorflow, wasm, cpu in
 * that order. An explicit name that cannot be loaded is a user error naming the package to install.
 */
export async function createBackend(requested: BackendName | string = 'auto', options: CreateBackendOptions = {}): Promise<Backend> {
  const packages = { ...NATIVE_PACKAGES, ...options.packages };
  const req = parseBackendName(requested);
  if (active && (req === 'auto' || req === active.name)) return active;
  const order: ResolvedBackendName[] = req === 'auto' ? ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] : [req];
  const tf = await loadTf();
  for (const name of order) {
    if (await activate(tf, name, packages)) {
      await tf.ready();
      active = { requested: req, name, tfBackend: tf.getBackend(), tf };
      return active;
    }
  }
  const hint = req === 'tensorflow-gpu' || req === 'tensorflow' ? `: install it with 'npm install ${packages[req]}'` : '';
  throw new InvalidParameterError('backend', `backend '${req}' could not be loaded${hint}`);
}
