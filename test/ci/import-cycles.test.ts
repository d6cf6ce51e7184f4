// Issue 15: no import cycle in src/. Every static import and re-export between our modules counts,
// `import type` included (a type cycle is still a tangle); dynamic import() does not (it loads later).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/shared.js';

const STATIC_IMPORT = /^\s*(?:import|export)\s+(?:[^'";]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;

/** module → the modules it imports (relative specifiers, `.js` mapped to the `.ts` source). */
function importGraph(dir: string): Map<string, string[]> {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
  return new Map(files.map((f) => [f, [...readFileSync(f, 'utf8').matchAll(STATIC_IMPORT)].map((m) => path.resolve(path.dirname(f), m[1]).replace(/\.js$/, '.ts'))]));
}

/** Every cycle a depth-first walk meets, each as the modules around it. */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === 'open') cycles.push([...stack.slice(stack.indexOf(g)), g]);
      else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return cycles;
}

describe('import cycles', () => {
  it('the walk finds a cycle when there is one (a → b → c → a) and none in a tree', () => {
    expect(
      importCycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c', 'a']]);
    expect(
      importCycles(
        new Map([
          ['a', ['b', 'c']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('src/ has none', () => {
    const src = path.join(REPO_ROOT, 'src');
    const graph = importGraph(src);
    expect(graph.size).toBeGreaterThan(100);
    const unresolved = [...graph.values()].flat().filter((g) => !graph.has(g));
    expect(unresolved, 'imports the walk could not resolve').toEqual([]);
    const cycles = importCycles(graph).map((c) => c.map((f) => path.relative(src, f)).join(' → '));
    expect(cycles).toEqual([]);
  });
});
