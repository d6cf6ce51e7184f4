/** Running the built CLI (dist/cli/main.js, built by `npm test`) in a scratch copy of the demo. */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/shared.js';

export const CLI = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function smoothie(args: readonly string[], cwd: string): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The CLI in a child process without blocking this one: for tests whose fake servers live in this
 * process and must keep answering while the command runs.
 */
export function smoothieAsync(args: readonly string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A temp folder holding the shipped demo config, dataset and generations. */
export function demoWorkspace(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-cli-'));
  cpSync(path.join(REPO_ROOT, 'dataset_configs'), path.join(dir, 'dataset_configs'), { recursive: true });
  cpSync(path.join(REPO_ROOT, 'results', 'datasets'), path.join(dir, 'results', 'datasets'), { recursive: true });
  cpSync(path.join(REPO_ROOT, 'results', 'demo', 'model_gens'), path.join(dir, 'results', 'demo', 'model_gens'), { recursive: true });
  return dir;
}

export const DEMO_RUN = ['run', '--dataset-config', 'dataset_configs/demo.yaml', '--model-group', 'demo_ensemble', '--multi-model'];

/** A user error: exit 2, exactly one line on stderr, no stack trace. */
export function expectOneLineError(r: CliResult, ...fragments: (string | RegExp)[]): void {
  const lines = r.stderr.trimEnd().split('\n');
  if (r.code !== 2 || lines.length !== 1 || /\n\s+at /.test(r.stderr)) {
    throw new Error(`expected exit 2 and one stderr line, got exit ${r.code}:\n${r.stderr}\n${r.stdout}`);
  }
  for (const f of fragments) {
    const ok = typeof f === 'string' ? lines[0].includes(f) : f.test(lines[0]);
    if (!ok) throw new Error(`stderr line lacks ${String(f)}: ${lines[0]}`);
  }
}
