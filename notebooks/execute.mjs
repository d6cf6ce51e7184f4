#!/usr/bin/env node
/**
 * Executes the notebooks headless, in place (outputs saved in the .ipynb), with Deno's Jupyter kernel:
 * `npm run notebooks [-- name …]`. Needs Jupyter's nbclient (Debian: jupyter-nbconvert jupyter-client
 * python3-ipykernel; see .ci/notebooks-deps) and the `deno` devDependency (its binary comes from the npm
 * registry). execute.py runs each notebook as `jupyter nbconvert --execute --inplace` does. A notebook that
 * fails to execute makes this exit 1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const deno = path.join(root, 'node_modules', '.bin', 'deno');
const fail = (msg) => {
  process.stderr.write(`notebooks: ${msg}\n`);
  process.exit(1);
};

if (!existsSync(deno)) fail(`${deno} is missing: run npm ci (the deno devDependency provides the kernel)`);
// The Python that has nbclient (Debian's python3-nbclient comes with jupyter-nbconvert); PATH may hold another one.
const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import nbclient, nbformat'], { encoding: 'utf8' }).status === 0);
if (!python) fail('Jupyter (nbclient) is not installed: apt-get install jupyter-nbconvert jupyter-client python3-ipykernel (or run .ci/notebooks-deps)');
// Register (or refresh) the Deno kernel for this user; idempotent.
const install = spawnSync(deno, ['jupyter', '--install', '--force'], { encoding: 'utf8' });
if (install.status !== 0) fail(`deno jupyter --install failed: ${install.stderr.trim()}`);

const wanted = process.argv.slice(2).map((n) => n.replace(/\.ipynb$/, ''));
const notebooks = readdirSync(here)
  .filter((f) => f.endsWith('.ipynb'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.ipynb$/, '')))
  .sort();
if (notebooks.length === 0) fail(`no notebook matches ${wanted.join(', ')}`);
const failed = [];
/** Code cells that produced no output (every cell of these notebooks shows something). */
const silentCells = (nb) => JSON.parse(readFileSync(path.join(here, nb), 'utf8')).cells.filter((c) => c.cell_type === 'code' && (c.outputs ?? []).length === 0).length;
// nbclient (what `jupyter nbconvert --execute --inplace` runs), draining outputs Deno publishes after a cell's idle status.
const execute = (nb) => spawnSync(python, [path.join(here, 'execute.py'), nb, 'deno'], { cwd: here, encoding: 'utf8', env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1', NO_COLOR: '1' } });
for (const nb of notebooks) {
  const t0 = performance.now();
  let r = execute(nb);
  // Every code cell of these notebooks shows something: a silent one is rerun once, then it counts as a failure.
  if (r.status === 0 && silentCells(nb) > 0) {
    process.stdout.write(`rerun  ${nb}: ${silentCells(nb)} code cell(s) without output\n`);
    r = execute(nb);
  }
  if (r.status === 0 && silentCells(nb) > 0) r = { status: 1, stderr: `${silentCells(nb)} code cell(s) produced no output` };
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  if (r.status === 0) process.stdout.write(`ok     ${nb} (${s} s)\n`);
  else {
    failed.push(nb);
    const lines = `${r.stderr}`.trim().split('\n');
    process.stdout.write(`FAILED ${nb} (${s} s)\n${lines.slice(-25).join('\n')}\n`);
  }
}
if (failed.length > 0) fail(`${failed.length} notebook(s) failed: ${failed.join(', ')}`);
