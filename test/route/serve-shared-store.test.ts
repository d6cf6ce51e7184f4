// Issue 17 item 2, "done when two replicas share learning in a test": two `smoothie serve` processes on
// loopback share one LanceDB folder; what replica A learns is used by replica B within the refresh interval.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedder } from '../../src/embed/factory.js';
import { loadLance } from '../../src/route/lance-store.js';
import { createRouter } from '../../src/route/router.js';
import { CLI, expectOneLineError, smoothie } from '../cli/helpers.js';

const post = (url: string, body: unknown) => fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

interface Replica {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly output: () => string;
}

function startReplica(dir: string, store: string): Promise<Replica> {
  const child = spawn(process.execPath, [CLI, 'serve', '--router', 'router.json', '--port', '0', '--store', store, '--store-refresh', '200', '--json'], { cwd: dir });
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"url":"(http:\/\/[\d.:]+)"/.exec(out);
      if (m) resolve({ child, url: m[1], output: () => out });
    });
    child.on('exit', () => reject(new Error(`serve exited: ${out}`)));
  });
}

interface Routed {
  readonly smoothie: { neighbours: number; weights: number[] };
}

/** Requests routed (each one learnt by the replica that routed it). */
let learnt = 0;

const ask = async (url: string, n: number): Promise<Routed> => {
  learnt++;
  const r = await post(url, { messages: [{ role: 'user', content: `What is ${n} times two?` }], candidates: [`${2 * n}`, `it is ${2 * n}`, `${n} bananas`] });
  expect(r.status).toBe(200);
  return (await r.json()) as Routed;
};

describe('two serve replicas sharing one LanceDB folder', () => {
  let dir: string;
  let a: Replica;
  let b: Replica;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-replicas-'));
    const router = await createRouter({ strategy: 'select', voters: ['a', 'b', 'c'], k: 50, learn: true, embedder: 'hash:256' }, { embedder: await createEmbedder('hash:256') });
    await router.save(path.join(dir, 'router.json'));
    [a, b] = await Promise.all([startReplica(dir, 'shared-store'), startReplica(dir, 'shared-store')]);
  });
  afterAll(() => {
    for (const r of [a, b]) if (r && r.child.exitCode === null) r.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a request learnt through replica A is used by replica B within the refresh interval', async () => {
    // A learns three requests: each sees the ones before it (its own store).
    expect((await ask(a.url, 1)).smoothie.neighbours).toBe(0);
    expect((await ask(a.url, 2)).smoothie.neighbours).toBe(1);
    expect((await ask(a.url, 3)).smoothie.neighbours).toBe(2);
    // B learns its own requests too: its i-th request (from 0) sees i of its own rows plus A's once refreshed.
    let asked = 0;
    const fromA = await (async () => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const seen = (await ask(b.url, 100 + asked)).smoothie.neighbours - asked;
        asked++;
        if (seen === 3 || Date.now() > deadline) return seen;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    expect(fromA).toBe(3);
    // And back: A sees B's learnt rows.
    const deadline = Date.now() + 20_000;
    let seenByA = 0;
    for (let i = 0; seenByA !== 3 + asked && Date.now() < deadline; i++) {
      // A's own rows: 3 plus the i probes before this one.
      seenByA = (await ask(a.url, 200 + i)).smoothie.neighbours - i;
      if (seenByA !== 3 + asked) await new Promise((r) => setTimeout(r, 50));
    }
    expect(seenByA).toBe(3 + asked);
  });

  it('stop on SIGTERM with every learnt row in the table, each once', async () => {
    const exits = [a, b].map((r) => new Promise<number | null>((resolve) => r.child.on('exit', (code) => resolve(code))));
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await Promise.all(exits)).toEqual([0, 0]);
    const { lancedb } = await loadLance();
    const db = await lancedb.connect(path.join(dir, 'shared-store'));
    const rows = await (await db.openTable('reference_store')).query().select(['id', 'source']).toArray();
    db.close();
    expect(rows.length).toBe(learnt);
    expect(new Set(rows.map((r) => String(r.id))).size).toBe(learnt);
    expect(new Set(rows.map((r) => String(r.source))).size).toBe(2);
  });

  it('router migrate-store copies a saved store (--json), reruns insert nothing; bad input is one line', async () => {
    const embedder = await createEmbedder('hash:256');
    const router = await createRouter({ strategy: 'select', voters: ['a', 'b', 'c'], k: 5, embedder: 'hash:256' }, { embedder });
    await router.add(Array.from({ length: 6 }, (_, n) => ({ input: `q ${n}`, candidates: [`${n}`, `${n}!`, 'x'] })));
    await router.save(path.join(dir, 'saved.json'));
    const first = smoothie(['router', 'migrate-store', 'saved.json', '--to', 'migrated', '--out', 'saved-lance.json', '--json'], dir);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ rows: 6, inserted: 6, tableRows: 6, table: 'reference_store', uri: path.join(dir, 'migrated') });
    const again = smoothie(['router', 'migrate-store', 'saved.json', '--to', 'migrated'], dir);
    expect(again.stdout).toContain('0 of 6 rows inserted (6 already there), 6 rows in the table');
    expect(smoothie(['router', 'migrate-store', 'saved.json', '--to', 'migrated', '--quiet'], dir).stdout).toBe('');
    expectOneLineError(smoothie(['router', 'migrate-store', 'nope.json', '--to', 'migrated'], dir), 'nope.json');
    expectOneLineError(smoothie(['router', 'migrate-store', 'router.json', '--to', 'migrated'], dir), 'no in-memory store');
  });

  it('without @lancedb/lancedb installed, --store is one line saying how to install it', () => {
    // A resolve hook that hides the package, as if it were not installed.
    writeFileSync(
      path.join(dir, 'hide-lancedb.mjs'),
      `export async function resolve(spec, context, next) {
  if (spec === '@lancedb/lancedb') throw Object.assign(new Error("Cannot find package '@lancedb/lancedb'"), { code: 'ERR_MODULE_NOT_FOUND' });
  return next(spec, context);
}
`,
    );
    writeFileSync(path.join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister('./hide-lancedb.mjs', import.meta.url);\n`);
    const r = spawnSync(process.execPath, ['--import', './register.mjs', CLI, 'serve', '--router', 'router.json', '--port', '0', '--store', 'elsewhere'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expectOneLineError({ code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }, 'npm install @lancedb/lancedb@0.37.1');
  });
});
