/**
 * The optional native backends are loaded by dynamic import. Their real packages download
 * TensorFlow binaries at install time (impossible offline), so stand-ins that register tfjs'
 * `tensorflow` backend the way @tensorflow/tfjs-node does (a backend plus its kernels) exercise the
 * same loading path.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../src/compute/backend.js';

function standIn(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'fake-tfjs-node-')), 'index.mjs');
  writeFileSync(
    file,
    `import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
if (!tf.findBackend('tensorflow')) {
  tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);
  for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: 'tensorflow' });
}
`,
  );
  return pathToFileURL(file).href;
}

describe('native backends through dynamic import', () => {
  it('auto prefers tensorflow-gpu when its package loads', async () => {
    const b = await createBackend('auto', { packages: { 'tensorflow-gpu': standIn(), tensorflow: 'no-such-package' } });
    expect([b.name, b.tfBackend]).toEqual(['tensorflow-gpu', 'tensorflow']);
    expect(Array.from(await b.tf.matMul(b.tf.ones([1, 2]), b.tf.ones([2, 1])).data())).toEqual([2]);
  });

  it('an explicit tensorflow backend loads its package; a missing one is a one-line error', async () => {
    const b = await createBackend('tensorflow', { packages: { tensorflow: standIn() } });
    expect(b.name).toBe('tensorflow');
    await expect(createBackend('tensorflow-gpu', { packages: { 'tensorflow-gpu': 'no-such-package' } })).rejects.toThrow(
      "option 'backend': backend 'tensorflow-gpu' could not be loaded: install it with 'npm install no-such-package'",
    );
  });
});
