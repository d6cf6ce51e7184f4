/**
 * `npm run bench import`: how long `import 'smoothie-router'` takes in a fresh process, and how many
 * runtime names it gives. Baseline, measured in the same run: importing every subpath entry, which is
 * what the root re-exported before the root was cut to what an application needs.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DIST = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** The package's subpath entries (package.json "exports", less the root). */
export const SUBPATHS = ['smoothie', 'route', 'embed', 'data', 'metrics', 'automix', 'ensemble', 'llm', 'select', 'baselines', 'evaluate', 'compute', 'paper', 'testing', 'experimental'] as const;

/** Milliseconds to import `files` in a fresh Node process, and the runtime names they export together. */
async function importOnce(files: readonly string[]): Promise<{ ms: number; names: number }> {
  const urls = JSON.stringify(files.map((f) => pathToFileURL(path.join(DIST, f)).href));
  const script = `const t = performance.now(); const ms = await Promise.all(${urls}.map((u) => import(u))); const dt = performance.now() - t;
console.log(JSON.stringify({ ms: dt, names: new Set(ms.flatMap((m) => Object.keys(m))).size }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { ms: number; names: number };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function benchImport(): Promise<Record<string, unknown>> {
  const runs = 9;
  const root: { ms: number; names: number }[] = [];
  const all: { ms: number; names: number }[] = [];
  // Interleaved, so both see the same machine load.
  for (let r = 0; r < runs; r++) {
    root.push(await importOnce(['index.js']));
    all.push(await importOnce(SUBPATHS.map((s) => `${s}/index.js`)));
  }
  const rootMs = median(root.map((x) => x.ms));
  const allMs = median(all.map((x) => x.ms));
  const result = {
    runs,
    root: { median_ms: rootMs, runtime_names: root[0].names },
    every_subpath: { median_ms: allMs, runtime_names: all[0].names },
    root_vs_every_subpath: rootMs / allMs,
    note: 'fresh Node process per import; the time is the dynamic import() alone, not Node startup',
  };
  console.log(
    `import 'smoothie-router': median ${rootMs.toFixed(0)} ms, ${result.root.runtime_names} names; every subpath: ${allMs.toFixed(0)} ms, ${result.every_subpath.runtime_names} names (root ${(100 * result.root_vs_every_subpath).toFixed(0)}% of it)`,
  );
  return result;
}
