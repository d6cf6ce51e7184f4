// Issue 13 item 1: every write-side failure is one line naming the path and the cause, exit 2, and
// earlier outputs stay as they were.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/data/atomic.js';
import { UserInputError } from '../../src/errors/index.js';
import { startFakeServer, type FakeServer } from '../../src/llm/testing/fake-server.js';
import { CLI, demoWorkspace, expectOneLineError, smoothie } from './helpers.js';

const EMBED = ['embed', '--dataset-config', 'dataset_configs/demo.yaml', '--model-group', 'demo_ensemble', '--multi-model', '--embedder', 'hash', '--quiet'];

/** A small tmpfs (root in a container may mount one); undefined where mounting is not allowed. */
function tmpfs(options: string): string | undefined {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-fs-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? dir : undefined;
}
const mounted: string[] = [];
afterAll(() => {
  for (const dir of mounted) spawnSync('umount', [dir]);
});

describe('write-side failures', () => {
  let ws: string;
  beforeAll(() => {
    ws = demoWorkspace();
    expect(smoothie(EMBED, ws).code).toBe(0);
  });

  it('--out that is a directory: one line, exit 2, the folder untouched', () => {
    const emb = path.join(ws, 'results/demo/demo_ensemble/embeddings');
    mkdirSync(path.join(ws, 'W.npy'));
    const r = smoothie(
      [
        'weights',
        '--input-embeddings',
        path.join(emb, 'hash-1024_test_inputs.npy'),
        '--generation-embeddings',
        path.join(emb, 'hash-1024_test_generations.npy'),
        '--type',
        'sample_independent',
        '--out',
        'W.npy',
      ],
      ws,
    );
    expectOneLineError(r, 'W.npy', 'is a directory');
  });

  it('an output folder under a file (ENOTDIR): one line naming the path', () => {
    writeFileSync(path.join(ws, 'afile'), 'x');
    const r = smoothie([...EMBED, '--out-dir', 'afile/embeddings'], ws);
    expectOneLineError(r, 'afile', 'not a folder');
  });

  it('an unusable cache folder: one line naming it, exit 2', () => {
    writeFileSync(path.join(ws, 'cachefile'), 'x');
    const r = smoothie(
      [
        'run',
        '--dataset-config',
        'dataset_configs/demo.yaml',
        '--model-group',
        'demo_ensemble',
        '--multi-model',
        '--type',
        'sample_independent',
        '--embedder',
        'hash',
        '--cache-dir',
        'cachefile/sub',
        '--redo',
        '--quiet',
      ],
      ws,
    );
    expectOneLineError(r, 'cachefile');
  });

  it('the generation cache on an unwritable path: one line, exit 2', () => {
    writeFileSync(path.join(ws, 'models.yaml'), 'models:\n  calc-7b: {base_url: "http://127.0.0.1:9/v1", model: calc}\n');
    const r = smoothie(
      [
        'generate',
        '--dataset-config',
        'dataset_configs/demo.yaml',
        '--model',
        'calc-7b',
        '--multi-prompt',
        '--models',
        'models.yaml',
        '--cache-file',
        'afile/generations.jsonl',
        '--limit',
        '1',
        '--quiet',
      ],
      ws,
    );
    expectOneLineError(r, 'afile');
  });

  it.runIf(process.platform === 'linux')('read-only folder and a full disk: one line, exit 2, the earlier output intact', () => {
    const ro = tmpfs('ro,size=1m');
    if (ro === undefined) return; // not allowed to mount here
    mounted.push(ro);
    const r1 = smoothie([...EMBED, '--out-dir', ro], ws);
    expectOneLineError(r1, ro, 'read-only file system');

    const small = tmpfs('size=256k');
    if (small === undefined) return;
    mounted.push(small);
    const out = path.join(small, 'out');
    const r2 = smoothie([...EMBED, '--out-dir', out], ws);
    expectOneLineError(r2, out, 'disk full');
    expect(readdirTmp(out)).toEqual([]);
  });

  it('the library writer keeps the old file and names the cause', async () => {
    const small = tmpfs('size=64k');
    if (small === undefined) return;
    mounted.push(small);
    const file = path.join(small, 'scores.json');
    await writeFileAtomic(file, 'old');
    const error = await writeFileAtomic(file, new Uint8Array(200_000)).catch((e: unknown) => e);
    expect(UserInputError.isUserInputError(error)).toBe(true);
    expect((error as Error).message).toBe(`cannot write ${file}: no space left on the device (disk full) (ENOSPC)`);
    expect(readFileSync(file, 'utf8')).toBe('old');
  });
});

function readdirTmp(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return spawnSync('ls', ['-A', dir], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((f) => f.endsWith('.tmp'));
}

describe('ensemble search --out in a folder that does not exist yet', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer({ answer: () => 'The answer is 4.' });
  });
  afterAll(async () => server.close());

  it('creates the folder and writes the result (was: a stack trace, exit 7)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-search-'));
    writeFileSync(path.join(dir, 'space.json'), JSON.stringify({ generators: ['a'], samples: [1], judges: ['a'], embedder: 'hash' }));
    writeFileSync(path.join(dir, 'dev.jsonl'), `${JSON.stringify({ question: 'What is 2 + 2?', answer: '#### 4' })}\n`);
    writeFileSync(path.join(dir, 'models.yaml'), `models:\n  a: {base_url: "${server.baseUrl}", model: a}\n`);
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [CLI, 'ensemble', 'search', '--space', 'space.json', '--dev', 'dev.jsonl', '--budget', '2', '--method', 'random', '--out', 'dir/missing/x.json', '--quiet'],
        { cwd: dir },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(path.join(dir, 'dir/missing/x.json'))).toBe(true);
  });
});
