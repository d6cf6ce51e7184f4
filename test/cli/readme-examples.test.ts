// Issue 13 item 13: the README's examples run from a clone: `automix evaluate` on a file inside the
// repository, `generate` with the shipped examples/models.yaml against `smoothie fake-server`, and
// `labeled-knn --embedder hash` after the full loop (it recomputes, not "exists, skipped").
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/shared.js';
import { CLI, demoWorkspace, smoothie } from './helpers.js';

const README = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
/** A README command line, split into the CLI's arguments (after `npx smoothie`). */
function readmeCommand(start: string): string[] {
  const line = README.split('\n').find((l) => l.startsWith(start));
  if (line === undefined) throw new Error(`the README has no line starting with: ${start}`);
  return line
    .replace(/^npx smoothie /, '')
    .replace(/\s*&$/, '')
    .split(/\s+/);
}

describe("the README's examples, from a clone", () => {
  it('automix evaluate on the shipped demo rows', () => {
    const ws = demoWorkspace();
    const args = readmeCommand('npx smoothie automix evaluate --data results/');
    expect(existsSync(path.join(REPO_ROOT, args[args.indexOf('--data') + 1]))).toBe(true);
    const r = smoothie([...args, '--quiet'], ws);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(ws, 'results/automix/automix_scores.json'))).toBe(true);
  });

  it('generate with examples/models.yaml against smoothie fake-server', async () => {
    const ws = demoWorkspace();
    cpSync(path.join(REPO_ROOT, 'examples'), path.join(ws, 'examples'), { recursive: true });
    const serverArgs = readmeCommand('npx smoothie fake-server');
    // Port 8000 may be taken on this machine: the same command on a free port, the models file pointed at it.
    const child = spawn(process.execPath, [CLI, ...serverArgs.map((a) => (a === '8000' ? '0' : a)), '--json'], { cwd: ws });
    const baseUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /"base_url":"([^"]+)"/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', () => reject(new Error(`fake-server exited: ${out}`)));
    });
    try {
      writeFileSync(path.join(ws, 'examples/models.yaml'), readFileSync(path.join(ws, 'examples/models.yaml'), 'utf8').replaceAll('http://127.0.0.1:8000/v1', baseUrl));
      const gen = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const c = spawn(process.execPath, [CLI, ...readmeCommand('npx smoothie generate --dataset-config dataset_configs/demo.yaml'), '--quiet'], { cwd: ws });
        let stderr = '';
        c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        c.on('exit', (code) => resolve({ code, stderr }));
      });
      expect(gen.code, gen.stderr).toBe(0);
      expect(existsSync(path.join(ws, 'results/fake/demo/model_gens/calc-7b_test.json'))).toBe(true);
      const run = smoothie([...readmeCommand('npx smoothie run --dataset-config dataset_configs/demo.yaml --multi-model --results-dir results/fake'), '--quiet'], ws);
      expect(run.code, run.stderr).toBe(0);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('labeled-knn --embedder hash after the full loop recomputes with the new embedder', () => {
    const ws = demoWorkspace();
    const B = ['--dataset-config', 'dataset_configs/demo.yaml', '--multi-model'];
    // The loop of "The full loop on the demo", with a small hash embedder for speed where it embeds.
    for (const step of [
      ['run', ...B, '--type', 'sample_dependent', '--k', '20', '--embedder', 'hash:256'],
      ['run', ...B, '--type', 'sample_independent', '--embedder', 'hash:256'],
      ['pick-random', ...B],
      ['pick-longest', ...B],
      ['labeled-oracle', ...B],
      ['labeled-knn', ...B, '--embedder', 'hash:256'],
      ['evaluate', ...B],
    ]) {
      const r = smoothie([...step, '--quiet'], ws);
      expect(r.code, `${step.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const r = smoothie(readmeCommand('npx smoothie labeled-knn --dataset-config dataset_configs/demo.yaml'), ws);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('skipped');
    expect(r.stdout).toContain('embedder hash-256 → hash-1024');
  });
});
