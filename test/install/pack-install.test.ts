// Issue 13 items 10–12: the packed package installs into another app with the network off (npm's cache
// only) and the README's library snippets run there; `smoothie --version` is ours, npm prints no
// warning about our config; `transformers:` without @huggingface/transformers is a one-line error.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/shared.js';
// @ts-expect-error a plain .mjs helper (also usable from a shell)
import { writeOfflineApp } from './offline-app.mjs';

const run = (cmd: string, args: readonly string[], cwd: string, timeout = 240_000) =>
  spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_update_notifier: 'false', FORCE_COLOR: '0' } });

const SNIPPET = `
import { Smoothie, FittedSmoothie, createEmbedder, writeNpy, readNpy, ndarray, createRouter } from 'smoothie-router';
const embedder = await createEmbedder(process.argv[2]);
const texts = ['What is 2+2?', 'Capital of France?', 'Opposite of hot?', 'What is 3+5?', 'Capital of Spain?', 'Opposite of up?'];
const answers = [['4', 'four', '5'], ['Paris', 'paris', 'Lyon'], ['cold', 'cool', 'warm'], ['8', 'eight', '9'], ['Madrid', 'madrid', 'Rome'], ['down', 'below', 'left']];
const X = await embedder.embed(texts);
const flat = await embedder.embed(answers.flat());
await writeNpy('X.npy', X);
await writeNpy('G.npy', ndarray(flat.data, [texts.length, 3, X.shape[1]]));
const G = await readNpy('G.npy');
const fitted = await new Smoothie({ type: 'sample_dependent', k: 3 }).fit({ generations: G, inputs: await readNpy('X.npy') });
const again = FittedSmoothie.fromJSON(fitted.toJSON());
const { selected } = await again.predict({ inputs: X });
const select = await createRouter({ strategy: 'select', voters: ['a', 'b', 'c'], k: 1, embedder: process.argv[2] });
const routed = await select.route({ input: 'What is 2+2?', candidates: ['4', 'four', '5'] });
console.log(JSON.stringify({ n: selected.length, weights: fitted.weights.shape, model: routed.model }));
await embedder.dispose?.();
await select.dispose?.();
`;

describe('installed as a dependency, network off', () => {
  let app: string;
  let installed: ReturnType<typeof run>;
  let cached = true;
  beforeAll(() => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-pack-'));
    const pack = run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], REPO_ROOT);
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = path.join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
    app = path.join(dir, 'app');
    writeOfflineApp(REPO_ROOT, tarball, app);
    // --offline: npm answers from its cache only and never opens a connection.
    installed = run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], app);
    if (installed.status !== 0 && /ENOTCACHED/.test(installed.stderr)) {
      cached = false;
      console.warn(`skipping: npm's cache lacks a dependency (run npm ci here once): ${installed.stderr.split('\n')[0]}`);
    }
  }, 300_000);

  it('npm ci --offline installs it (no network, no onnxruntime-node download)', () => {
    if (!cached) return;
    expect(installed.status, installed.stderr).toBe(0);
    expect(installed.stderr).not.toMatch(/npm error|Unknown (project|env|user) config/);
    expect(readdirSync(path.join(app, 'node_modules'))).not.toContain('onnxruntime-node');
  });

  it("the README's library snippets run in the app (hash and use embedders)", () => {
    if (!cached) return;
    writeFileSync(path.join(app, 'snippet.mjs'), SNIPPET);
    for (const embedder of ['hash', 'use']) {
      const r = run(process.execPath, ['snippet.mjs', embedder], app);
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toMatchObject({ n: 6, weights: [6, 3], model: expect.any(String) });
    }
  });

  it('npx smoothie --version: our version (the app is 9.9.9), and not one npm warning', () => {
    if (!cached) return;
    const r = run('npx', ['--offline', 'smoothie', '--version', '--quiet'], app);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(run(process.execPath, ['-p', 'JSON.stringify(require("./package.json").version)'], REPO_ROOT).stdout));
    expect(r.stderr).toBe('');
  });

  it('transformers: without @huggingface/transformers installed names the install command', () => {
    if (!cached) return;
    writeFileSync(
      path.join(app, 'tf.mjs'),
      "import { createEmbedder } from 'smoothie-router';\ntry { await createEmbedder('transformers:Xenova/all-MiniLM-L6-v2'); } catch (e) { console.log(e.message); }\n",
    );
    const r = run(process.execPath, ['tf.mjs'], app);
    expect(r.stdout).toContain('npm install @huggingface/transformers');
  });
});

describe('in this repository', () => {
  it('npx smoothie prints no npm warning about an unknown config (the only line under --quiet was one)', () => {
    const r = run('npx', ['--offline', 'smoothie', '--version', '--quiet'], REPO_ROOT);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });
});
