// Issue 17 item 2: the select router's reference store in LanceDB (shared by processes, durable,
// versioned, migrated from the JSON + Arrow files).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/compute/rng.js';
import { createEmbedder } from '../../src/embed/factory.js';
import type { Embedder } from '../../src/embed/types.js';
import { UserInputError } from '../../src/errors/index.js';
import { LANCE_STORE_FORMAT, LanceStore, loadLance } from '../../src/route/lance-store.js';
import { migrateStore } from '../../src/route/migrate-store.js';
import { ReferenceStore } from '../../src/route/reference-store.js';
import { createRouter, loadRouter } from '../../src/route/router.js';
import type { SelectRouter } from '../../src/route/select-router.js';
import { candidateDistances } from '../../src/smoothie/weights.js';
import { REPO_ROOT } from '../helpers/shared.js';

const EMBEDDER = { id: 'test-embedder', version: '1' };

function randomSamples(n: number, d: number, m: number, seed: number) {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => ({
    input: Float32Array.from({ length: d }, () => rng.normal()),
    candidates: Float32Array.from({ length: m * d }, () => rng.normal()),
  }));
}

/** Polls `check` until it returns a value or the deadline passes (no fixed sleeps). */
async function until<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const QUESTIONS = Array.from({ length: 24 }, (_, i) => ({
  input: `What is ${i} plus ${i % 5}? Give the number.`,
  candidates: [`${i + (i % 5)}`, `the answer is ${i + (i % 5)}`, `${i * 3} apples`],
}));

describe('LanceStore', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'smoothie-lance-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same neighbours and distances as the in-memory store (exact regime), and after reopening', async () => {
    const d = 12;
    const m = 3;
    const samples = randomSamples(300, d, m, 7);
    const memory = new ReferenceStore({ dim: d, voters: m });
    const uri = path.join(dir, 'same');
    const lance = await LanceStore.open({ uri, voters: m, embedder: EMBEDDER, refreshMs: 0 });
    memory.add(samples.slice(0, 100));
    memory.add(samples.slice(100));
    await lance.add(samples.slice(0, 100));
    await lance.add(samples.slice(100));
    expect(lance.size).toBe(300);
    expect(lance.approximate).toBe(false);
    const reopened = await LanceStore.open({ uri, voters: m, embedder: EMBEDDER, refreshMs: 0 });
    expect(reopened.size).toBe(300);
    expect(await reopened.tableRows()).toBe(300);
    for (const q of randomSamples(25, d, m, 8)) {
      const want = memory.nearest(q.input, 9);
      expect(lance.nearest(q.input, 9)).toEqual(want);
      expect(reopened.nearest(q.input, 9)).toEqual(want);
      for (const row of want) {
        expect(Array.from(lance.distancesOf(row))).toEqual(Array.from(memory.distancesOf(row)));
        expect(Array.from(reopened.distancesOf(row))).toEqual(Array.from(memory.distancesOf(row)));
      }
    }
    expect(Array.from(reopened.distancesOf(0))).toEqual(Array.from(candidateDistances(samples[0].candidates, m)));
    await lance.close();
    await reopened.close();
  });

  it('above exactBelow the local copy searches an HNSW graph like the in-memory store (recall vs brute force)', async () => {
    const d = 8;
    const samples = randomSamples(600, d, 2, 11);
    const memory = new ReferenceStore({ dim: d, voters: 2, exactBelow: 200 });
    const lance = await LanceStore.open({ uri: path.join(dir, 'graph'), voters: 2, embedder: EMBEDDER, refreshMs: 0, exactBelow: 200 });
    memory.add(samples);
    await lance.add(samples);
    const reopened = await LanceStore.open({ uri: path.join(dir, 'graph'), voters: 2, embedder: EMBEDDER, refreshMs: 0, exactBelow: 200 });
    expect([lance.approximate, reopened.approximate]).toEqual([true, true]);
    const exact = new ReferenceStore({ dim: d, voters: 2, exactBelow: 10_000 });
    exact.add(samples);
    let hits = 0;
    const queries = randomSamples(40, d, 2, 12);
    for (const q of queries) {
      const want = new Set(exact.nearest(q.input, 10));
      hits += reopened.nearest(q.input, 10).filter((i) => want.has(i)).length;
      expect(lance.nearest(q.input, 10)).toEqual(memory.nearest(q.input, 10));
    }
    expect(hits / (queries.length * 10)).toBeGreaterThan(0.95);
    await lance.close();
    await reopened.close();
  });

  it('a select router on a Lance store routes exactly like one on the in-memory store', async () => {
    const embedder: Embedder = await createEmbedder('hash:256');
    const config = { strategy: 'select' as const, voters: ['a', 'b', 'c'], k: 6, learn: true };
    const memory = await createRouter(config, { embedder });
    const lance = await createRouter(config, { embedder, store: { uri: path.join(dir, 'router'), refreshMs: 0 } });
    await memory.add(QUESTIONS.slice(0, 12));
    await lance.add(QUESTIONS.slice(0, 12));
    for (const q of QUESTIONS.slice(12)) {
      const [a, b] = [await memory.route(q), await lance.route(q)];
      expect(b.weights).toEqual(a.weights);
      expect(b.neighbours).toBe(a.neighbours);
      expect(b.model).toBe(a.model);
    }
    // learn: every routed request was committed before route() answered.
    expect(lance.referenceStore?.size).toBe(24);
    const file = path.join(dir, 'lance-router.json');
    await lance.save(file);
    // The router file names the folder relative to itself.
    expect(JSON.parse(readFileSync(file, 'utf8')).store).toEqual({ kind: 'lance', uri: 'router', table: 'reference_store', format: 'smoothie-store/1' });
    const again = (await loadRouter(file, { embedder })) as SelectRouter;
    expect(again.storeSize).toBe(24);
    const probe = { input: 'What is 3 plus 3?', candidates: ['6', 'six', '7 apples'] };
    expect((await again.route(probe)).weights).toEqual((await memory.route(probe)).weights);
    await again.dispose();
    await lance.dispose();
  });

  it('rows another process adds appear after refresh(), each once', async () => {
    const uri = path.join(dir, 'shared');
    const a = await LanceStore.open({ uri, voters: 3, embedder: EMBEDDER, refreshMs: 0, source: 'a' });
    const b = await LanceStore.open({ uri, voters: 3, embedder: EMBEDDER, refreshMs: 0, source: 'b' });
    const samples = randomSamples(10, 8, 3, 3);
    await a.add(samples.slice(0, 4));
    expect(b.size).toBe(0);
    expect(await b.refresh()).toBe(4);
    await b.add(samples.slice(4, 6));
    expect(await a.refresh()).toBe(2);
    expect(await a.refresh()).toBe(0);
    expect(await b.refresh()).toBe(0);
    expect([a.size, b.size]).toEqual([6, 6]);
    // Compaction (one fragment per add so far) keeps the order other processes read in.
    await a.add(samples.slice(6, 8));
    expect(await a.compact(0)).toMatchObject({ fragmentsAdded: 1 });
    expect(await b.refresh()).toBe(2);
    expect(b.nearest(samples[7].input, 1)).toEqual([7]);
    // A background refresh (refreshMs) needs no call.
    const c = await LanceStore.open({ uri, voters: 3, embedder: EMBEDDER, refreshMs: 50, source: 'c' });
    await a.add(samples.slice(8));
    await until(() => (c.size === 10 ? true : undefined), 'the background refresh');
    for (const s of [a, b, c]) await s.close();
  });

  it('concurrent adds from two writers all land, each once', async () => {
    const uri = path.join(dir, 'concurrent');
    const [a, b] = await Promise.all(['a', 'b'].map((source) => LanceStore.open({ uri, voters: 2, embedder: EMBEDDER, refreshMs: 0, source })));
    const samples = randomSamples(30, 4, 2, 5);
    await Promise.all(samples.map((s, i) => (i % 2 === 0 ? a : b).add([s])));
    expect(await a.tableRows()).toBe(30);
    await Promise.all([a.refresh(), b.refresh()]);
    expect([a.size, b.size]).toEqual([30, 30]);
    for (const s of [a, b]) await s.close();
  });

  it('commits concurrent adds of one process together (group commit), each row once', async () => {
    const uri = path.join(dir, 'grouped');
    const store = await LanceStore.open({ uri, voters: 2, embedder: EMBEDDER, refreshMs: 0, source: 'g' });
    const samples = randomSamples(40, 4, 2, 9);
    await store.add(samples.slice(0, 1)); // creates the table
    const before = await store.version();
    await Promise.all(samples.slice(1).map((s) => store.add([s])));
    expect(await store.tableRows()).toBe(40);
    // 39 adds arrived while the first of them was committing: they share the following commit(s).
    expect((await store.version()) - before).toBeLessThan(39);
    expect(store.size).toBe(40);
    await store.close();
  });

  it('refuses another format, voter count or embedder with one line', async () => {
    const uri = path.join(dir, 'versions');
    const store = await LanceStore.open({ uri, voters: 3, embedder: EMBEDDER, refreshMs: 0 });
    await store.add(randomSamples(2, 4, 3, 1));
    await store.close();
    await expect(LanceStore.open({ uri, voters: 4, embedder: EMBEDDER, refreshMs: 0 })).rejects.toThrow(/holds distances of 3 voters, the router has 4/);
    await expect(LanceStore.open({ uri, voters: 3, embedder: { id: 'other', version: '1' }, refreshMs: 0 })).rejects.toThrow(/embedded with test-embedder 1, this router has other 1/);
    const { lancedb } = await loadLance();
    const db = await lancedb.connect(uri);
    await db.createTable('future', [{ id: 'x', v: [1, 2] }]);
    const future = LanceStore.open({ uri, table: 'future', voters: 3, embedder: EMBEDDER, refreshMs: 0 });
    await expect(future).rejects.toBeInstanceOf(UserInputError);
    await expect(future).rejects.toThrow(/store format \(none: not a smoothie store\), this version reads smoothie-store\/1/);
    db.close();
    expect(LANCE_STORE_FORMAT).toBe('smoothie-store/1');
    await expect(createRouter({ strategy: 'cascade', slm: 's', llm: 'l' }, { store: { uri } })).rejects.toThrow(/a cascade router has no reference store/);
  });

  it('migrates a saved router (JSON + Arrow) into a table, idempotently, and routes the same from it', async () => {
    const embedder = await createEmbedder('hash:256');
    const router = await createRouter({ strategy: 'select', voters: ['a', 'b', 'c'], k: 5 }, { embedder });
    await router.add(QUESTIONS);
    const file = path.join(dir, 'saved.json');
    await router.save(file);
    const uri = path.join(dir, 'migrated');
    const out = path.join(dir, 'saved-lance.json');
    const first = await migrateStore(file, { uri, out });
    expect(first).toMatchObject({ rows: 24, inserted: 24, tableRows: 24 });
    const second = await migrateStore(file, { uri });
    expect(second).toMatchObject({ rows: 24, inserted: 0, tableRows: 24 });
    const fromLance = (await loadRouter(out, { embedder })) as SelectRouter;
    const fromFiles = (await loadRouter(file, { embedder })) as SelectRouter;
    expect(fromLance.storeSize).toBe(24);
    for (const q of [{ input: 'What is 2 plus 2?', candidates: ['4', 'four', '9 apples'] }, QUESTIONS[3]]) {
      expect((await fromLance.route(q)).weights).toEqual((await fromFiles.route(q)).weights);
    }
    await fromLance.dispose();
    // Serving the old file against an empty table says to migrate first.
    await expect(loadRouter(file, { embedder, store: { uri: path.join(dir, 'empty'), refreshMs: 0 } })).rejects.toThrow(/smoothie router migrate-store/);
  });

  it('kill -9 during adds loses no acknowledged row and duplicates none', async () => {
    const uri = path.join(dir, 'crash');
    const child = path.join(dir, 'adder.mjs');
    const lanceStore = pathToFileURL(path.join(REPO_ROOT, 'dist', 'route', 'lance-store.js')).href;
    writeFileSync(
      child,
      `import { LanceStore } from ${JSON.stringify(lanceStore)};
const round = process.argv[2];
const store = await LanceStore.open({ uri: ${JSON.stringify(uri)}, voters: 2, embedder: { id: 'e', version: '1' }, refreshMs: 0 });
for (let i = 0; ; i++) {
  const input = Float32Array.from({ length: 8 }, (_, j) => Math.sin(i + j));
  const id = round + ':' + i;
  await store.append([{ id, input, distances: Float64Array.from([0, i, i, 0]) }], false);
  process.stdout.write('ack ' + id + '\\n');
}
`,
    );
    const acked: string[] = [];
    for (let round = 0; round < 4; round++) {
      const proc = spawn(process.execPath, [child, `r${round}`], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
      // Kill at a different point of each round: after 5, 8, 11, 14 acknowledgements, with an add in flight.
      await new Promise<void>((resolve, reject) => {
        proc.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.split('\n').filter((l) => l.startsWith('ack ')).length >= 5 + 3 * round) {
            proc.kill('SIGKILL');
            resolve();
          }
        });
        void exited.then(() => reject(new Error(`adder exited before its kill: ${err}`)));
      });
      expect(await exited).toBe('SIGKILL');
      // Lines that reached us before the kill: acknowledged (the add had resolved).
      acked.push(
        ...out
          .split('\n')
          .filter((l) => l.startsWith('ack '))
          .map((l) => l.slice(4)),
      );
    }
    const { lancedb } = await loadLance();
    const db = await lancedb.connect(uri);
    const table = await db.openTable('reference_store');
    const ids = (await table.query().select(['id']).toArray()).map((r) => String(r.id));
    db.close();
    expect(new Set(ids).size).toBe(ids.length);
    const present = new Set(ids);
    expect(acked.filter((id) => !present.has(id))).toEqual([]);
    // At most the one add in flight per round is there without its acknowledgement.
    expect(ids.length - acked.length).toBeLessThanOrEqual(4);
    // The table still opens and takes rows after the crashes.
    const store = await LanceStore.open({ uri, voters: 2, embedder: { id: 'e', version: '1' }, refreshMs: 0 });
    expect(store.size).toBe(ids.length);
    await store.append([{ id: 'after', input: new Float32Array(8), distances: new Float64Array(4) }], false);
    expect(await store.tableRows()).toBe(ids.length + 1);
    await store.close();
  }, 120_000);
});
