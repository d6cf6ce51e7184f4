import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAnswer, startFakeServer, type FakeServer } from '../helpers/fake-llm-server.js';
import { REPO_ROOT } from '../helpers/shared.js';

const CALLS = 200;
const CONCURRENCY = 4;
const ENTRIES = ['llm/registry.ts', 'llm/call-cache.ts', 'llm/run-calls.ts'];

/**
 * Transpiles the entry modules and every relative import they reach from src/ into `outDir`, so
 * the child runs today's source (dist/ may be stale when only vitest runs). Type-only, so fast.
 */
function transpileClosure(outDir: string): void {
  const src = path.join(REPO_ROOT, 'src');
  const todo = [...ENTRIES];
  const seen = new Set<string>();
  while (todo.length > 0) {
    const rel = path.normalize(todo.pop() as string);
    if (seen.has(rel)) continue;
    seen.add(rel);
    const text = readFileSync(path.join(src, rel), 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s+'(\.{1,2}\/[^']+)\.js'/g)) todo.push(path.join(path.dirname(rel), `${m[1]}.ts`));
    const js = ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }, fileName: rel }).outputText;
    const out = path.join(outDir, rel.replace(/\.ts$/, '.js'));
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, js);
  }
}

let dir: string;
let s: FakeServer;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-kill-'));
  transpileClosure(path.join(dir, 'build'));
  // Bare imports (openai, p-queue, zod) resolve through the repository's node_modules.
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  s = await startFakeServer({ delayMs: 20, lifetimeMs: 60_000 });
});
afterAll(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const cacheLines = (file: string): { key: string; texts: string[] }[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { key: string; texts: string[] });

describe('a run killed with SIGKILL and restarted', () => {
  it('finishes with no call lost and none duplicated; only the calls in flight at the kill are made twice', async () => {
    const cacheFile = path.join(dir, 'killed.jsonl');
    const script = path.join(dir, 'child.mjs');
    writeFileSync(
      script,
      `import { ModelRegistry } from './build/llm/registry.js';
import { GenerationCache } from './build/llm/call-cache.js';
import { runGenerationCalls } from './build/llm/run-calls.js';
const registry = ModelRegistry.fromObject({ models: { m: { base_url: process.env.BASE, model: 'fake-model', max_concurrency: ${CONCURRENCY} } } });
const cache = await GenerationCache.open(process.env.CACHE);
const calls = Array.from({ length: ${CALLS} }, (_, i) => ({ model: 'm', prompt: 'prompt ' + i, params: { temperature: 0 }, sampleIndex: 0, label: 'sample ' + i }));
const out = await runGenerationCalls(calls, { registry, cache });
await cache.close();
process.stdout.write(JSON.stringify(out.map((t) => t[0])));
`,
    );
    const run = (killAfterLines?: number) =>
      new Promise<{ code: number | null; signal: string | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, [script], { cwd: dir, env: { ...process.env, BASE: s.baseUrl, CACHE: cacheFile } });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        const poll =
          killAfterLines === undefined
            ? undefined
            : setInterval(() => {
                const lines = existsSync(cacheFile) ? readFileSync(cacheFile, 'utf8').split('\n').length - 1 : 0;
                if (lines >= killAfterLines) child.kill('SIGKILL');
              }, 5);
        // Bounded: a child that hangs is killed and the assertions below fail.
        const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.on('exit', (code, signal) => {
          clearInterval(poll);
          clearTimeout(deadline);
          resolve({ code, signal, out, err });
        });
      });

    const killed = await run(60);
    expect(killed.signal, killed.err).toBe('SIGKILL');
    const afterKill = cacheLines(cacheFile).length;
    expect(afterKill).toBeGreaterThanOrEqual(60);
    expect(afterKill).toBeLessThan(CALLS);
    appendFileSync(cacheFile, '{"key":"0123'); // as if killed mid-write

    const finished = await run();
    expect(finished.code, finished.err).toBe(0);
    const expected = Array.from({ length: CALLS }, (_, i) => fakeAnswer('fake-model', `prompt ${i}`, 0));
    expect(JSON.parse(finished.out)).toEqual(expected);
    const lines = cacheLines(cacheFile);
    expect(lines).toHaveLength(CALLS);
    expect(new Set(lines.map((l) => l.key)).size).toBe(CALLS);
    expect(new Set(lines.map((l) => l.texts[0]))).toEqual(new Set(expected));
    // Answers the server sent but the cache never got: the calls in flight at the kill, no more.
    const redone = s.completed() - CALLS;
    expect(redone).toBeGreaterThanOrEqual(0);
    expect(redone).toBeLessThanOrEqual(CONCURRENCY);
  });
});
