// Issue 15 item 1: an application imports only the public entry points — the root and the subpaths of
// package.json "exports" — by the package's name (Node resolves `smoothie-router` to this repository's
// dist/ through "exports", as an installed copy would), and they work end to end offline.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/shared.js';

const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown>; sideEffects: unknown };

/** Runs an ES module in a fresh Node process from the repository root; its last stdout line is JSON. */
function app(script: string): unknown {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

const ROOT_NAMES = [
  'Ensemble',
  'FittedMetaVerifier',
  'FittedSmoothie',
  'InvalidParameterError',
  'LlmCallError',
  'MetaVerifier',
  'ModelRegistry',
  'NotFittedError',
  'ROUTER_STRATEGIES',
  'Rng',
  'RouterConfigSchema',
  'SMOOTHIE_TYPES',
  'Smoothie',
  'SmoothieError',
  'UserInputError',
  'EMBEDDERS',
  'createEmbedder',
  'createRouter',
  'evaluateAutomix',
  'evaluateCascade',
  'loadAutomixData',
  'loadModelRegistry',
  'loadRouter',
  'meanScore',
  'metricForTask',
  'ndarray',
  'pickLongest',
  'pickRandom',
  'readNpy',
  'route',
  'scoreSample',
  'serveRouter',
  'withCache',
  'writeNpy',
].sort();

describe('public entry points', () => {
  it('importing the root loads none of the heavy packages (they load when a feature needs them)', () => {
    // A resolve hook in the fresh process names every package the import graph reaches.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-import-'));
    const hook = path.join(dir, 'hook.mjs');
    writeFileSync(
      hook,
      'export async function resolve(s, c, next) { const r = await next(s, c); const m = /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(r.url); if (m) process.stderr.write(`package ${m[1]}\\n`); return r; }\n',
    );
    try {
      const r = spawnSync(process.execPath, ['--no-warnings', '--experimental-loader', hook, '--input-type=module', '-e', "await import('smoothie-router')"], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(r.status).toBe(0);
      const loaded = new Set(
        r.stderr
          .split('\n')
          .filter((l) => l.startsWith('package '))
          .map((l) => l.slice('package '.length)),
      );
      expect(loaded.has('zod')).toBe(true); // the hook sees packages: the root exports zod schemas
      const heavy = ['openai', 'hnswlib-node', 'apache-arrow', 'yaml', 'prom-client', 'dotenv', '@lancedb/lancedb', 'onnxruntime-node', '@tensorflow/tfjs', '@huggingface/transformers', 'autocannon'];
      expect(heavy.filter((name) => loaded.has(name))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('package.json: the root and one subpath per concept, all without side effects', () => {
    expect(pkg.sideEffects).toBe(false);
    expect(Object.keys(pkg.exports).sort()).toEqual(
      [
        '.',
        './automix',
        './baselines',
        './compute',
        './data',
        './embed',
        './ensemble',
        './evaluate',
        './experimental',
        './llm',
        './metrics',
        './package.json',
        './paper',
        './route',
        './select',
        './smoothie',
        './testing',
      ].sort(),
    );
  });

  it('the root holds the names an application needs, every subpath loads, and importing reads no environment variable', () => {
    const subpaths = Object.keys(pkg.exports)
      .filter((k) => k !== '.' && k !== './package.json')
      .map((k) => `smoothie-router/${k.slice(2)}`);
    const out = app(`
      const reads = [];
      const env = process.env;
      // Reads by our modules only (Node's loader reads a few variables itself).
      process.env = new Proxy(env, { get(t, k) { if (typeof k === 'string' && /\\/dist\\//.test(new Error().stack ?? '')) reads.push(k); return Reflect.get(t, k); } });
      const root = await import('smoothie-router');
      process.env = env;
      const sizes = {};
      for (const s of ${JSON.stringify(subpaths)}) sizes[s] = Object.keys(await import(s)).length;
      const undefinedNames = Object.entries(root).filter(([, v]) => v === undefined).map(([k]) => k);
      console.log(JSON.stringify({ names: Object.keys(root).sort(), undefinedNames, reads, sizes }));
    `) as { names: string[]; undefinedNames: string[]; reads: string[]; sizes: Record<string, number> };
    expect(out.names).toEqual(ROOT_NAMES);
    expect(out.undefinedNames).toEqual([]);
    expect(out.reads).toEqual([]);
    for (const [s, n] of Object.entries(out.sizes)) expect(n, s).toBeGreaterThan(0);
  });

  it('end to end offline: Smoothie fit/predict, route() and a select router with the hash embedder, a cascade on the /testing fake server', () => {
    const out = app(`
      import { Smoothie, FittedSmoothie, ndarray, Rng, createRouter, route, ROUTER_STRATEGIES, ModelRegistry, UserInputError, evaluateCascade } from 'smoothie-router';
      import { startFakeServer } from 'smoothie-router/testing';
      import { rougeScores } from 'smoothie-router/metrics';
      import { SmoothieCascadeRouter } from 'smoothie-router/experimental';

      // Smoothie on 6 samples, 3 voters: voter 2 is noise, the others agree.
      const rng = new Rng(7);
      const n = 6, m = 3, d = 4;
      const X = ndarray(Float32Array.from({ length: n * d }, () => rng.normal()), [n, d]);
      const G = ndarray(new Float32Array(n * m * d), [n, m, d]);
      for (let s = 0; s < n; s++) for (let v = 0; v < m; v++) for (let x = 0; x < d; x++) G.data[(s * m + v) * d + x] = X.data[s * d + x] + (v === 2 ? 3 * rng.normal() : 0.01 * rng.normal());
      const fitted = await new Smoothie({ type: 'sample_independent' }).fit({ generations: G });
      const again = FittedSmoothie.fromJSON(fitted.toJSON());
      const w = Array.from(fitted.weights.data);
      const predicted = await again.predict({ n });

      // One call, and a router kept open.
      const select = { strategy: 'select', voters: ['a', 'b', 'c'], k: 1, embedder: 'hash' };
      const once = await route({ input: 'What is 2+2?', candidates: ['four', 'four', 'a long story about rivers'] }, { router: select });
      const router = await createRouter({ ...select, k: 2 });
      await router.add([{ input: 'What is 3+3?', candidates: ['six', 'six', 'clouds'] }]);
      const kept = await route({ input: 'What is 4+4?', candidates: ['eight', 'eight', 'stones'] }, { router });
      await router.dispose();

      // A cascade against the fake OpenAI-compatible server.
      const server = await startFakeServer();
      const registry = ModelRegistry.fromObject({ models: { small: { base_url: server.baseUrl, model: 'small' }, large: { base_url: server.baseUrl, model: 'large' } } });
      const cascade = await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large', k: 2 }, { registry });
      const routed = await cascade.route({ input: 'Which colour?', context: 'It is blue.' });
      const evaluation = await evaluateCascade(cascade, [{ request: { input: 'Which colour?', context: 'It is blue.' }, reference: 'blue' }]);
      const sc = await createRouter({ strategy: 'smoothie-cascade', slm: 'small', llm: 'large', embedder: 'hash' }, { registry });
      await server.close();
      let error = '';
      try { await createRouter({ strategy: 'cascade', slm: 'small', llm: 'large' }); } catch (e) { error = UserInputError.isUserInputError(e) ? e.field : String(e); }

      console.log(JSON.stringify({
        weights: w, roundTrip: Array.from(predicted.weights.data), predicted: predicted.selected.length,
        once: [once.strategy, once.model, once.output], kept: [kept.model, kept.neighbours],
        routed: [routed.strategy, typeof routed.escalated, routed.calls >= 2], requests: evaluation.requests,
        smoothieCascade: sc instanceof SmoothieCascadeRouter, error,
        strategies: Object.keys(ROUTER_STRATEGIES), frozen: Object.isFrozen(ROUTER_STRATEGIES) && Object.isFrozen(ROUTER_STRATEGIES.select),
        rouge: Object.keys(rougeScores('the cat', 'the cat')).length > 0,
      }));
    `) as Record<string, unknown>;
    const weights = out.weights as number[];
    expect(weights.length).toBeGreaterThanOrEqual(3);
    expect(weights.every(Number.isFinite)).toBe(true);
    expect(out.roundTrip).toEqual(weights);
    expect(out).toMatchObject({
      predicted: 6,
      once: ['select', 'a', 'four'],
      kept: ['a', 1],
      routed: ['cascade', 'boolean', true],
      requests: 1,
      smoothieCascade: true,
      error: 'registry',
      strategies: ['select', 'cascade', 'smoothie-cascade'],
      frozen: true,
      rouge: true,
    });
  });
});
