// Issue 13 item 9: every command takes --quiet and --json (serve and make-demo rejected --json).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import yargs, { type CommandModule } from 'yargs';
import { CLI, demoWorkspace, smoothie } from './helpers.js';

/** The help screen of `args` with `commands` registered, in this process (spawning a CLI per command is slow). */
function helpOf(commands: readonly CommandModule[], args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    let y = yargs().scriptName('smoothie').exitProcess(false).help();
    for (const c of commands) y = y.command(c);
    void y.parse([...args, '--help'], {}, (error, _argv, output) => (error ? reject(error) : resolve(output)));
  });
}

/** Every command module under src/cli/commands, and every leaf command path they define. */
async function leafCommands(): Promise<{ commands: CommandModule[]; leaves: string[][] }> {
  const dir = path.resolve(import.meta.dirname, '../../src/cli/commands');
  const commands: CommandModule[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const mod = (await import(path.join(dir, file))) as Record<string, unknown>;
    for (const value of Object.values(mod)) {
      if (typeof value === 'object' && value !== null && 'command' in value && 'describe' in value) commands.push(value as CommandModule);
    }
  }
  const leaves: string[][] = [];
  const walk = async (prefix: string[]): Promise<void> => {
    const help = await helpOf(commands, prefix);
    const section = help.split(/^Commands:$/m)[1]?.split(/^Options:$/m)[0] ?? '';
    const names = [...section.matchAll(/^ {2}smoothie ((?:[a-z-]+ )*[a-z-]+)(?: <command>)?\s/gm)].map((m) => m[1].split(' ').at(-1)!);
    if (prefix.length > 0 && names.length === 0) leaves.push(prefix);
    for (const name of names) await walk([...prefix, name]);
  };
  await walk([]);
  return { commands, leaves };
}

describe('--json and --quiet on every command', () => {
  it('every command lists both flags', async () => {
    const { commands, leaves } = await leafCommands();
    expect(leaves.length).toBeGreaterThan(15);
    const missing: string[] = [];
    for (const cmd of leaves) {
      const help = await helpOf(commands, cmd);
      if (!/--json\b/.test(help) || !/--quiet\b/.test(help)) missing.push(cmd.join(' '));
    }
    expect(missing).toEqual([]);
  });

  it('make-demo --json prints the files as JSON', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-demo-'));
    const r = smoothie(['make-demo', '--json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { files: string[] };
    expect(out.files.length).toBeGreaterThan(5);
    expect(existsSync(path.join(dir, out.files[0]))).toBe(true);
  });

  it('serve --json prints one JSON line when serving and one when stopped', async () => {
    const ws = demoWorkspace();
    const { createRouter } = await import('../../src/route/router.js');
    const router = await createRouter({ strategy: 'select', voters: ['a', 'b', 'c'], k: 1, embedder: 'hash' });
    await router.save(path.join(ws, 'router.json'));
    const child = spawn(process.execPath, [CLI, 'serve', '--router', 'router.json', '--port', '0', '--json'], { cwd: ws });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve();
      });
      child.on('exit', () => reject(new Error(`serve exited: ${out}`)));
    });
    const serving = JSON.parse(out.split('\n')[0]) as { event: string; url: string };
    expect(serving).toMatchObject({ event: 'serving' });
    expect((await fetch(`${serving.url}/health`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(JSON.parse(out.trim().split('\n')[1])).toEqual({ event: 'stopped', drained: true });
  });
});
