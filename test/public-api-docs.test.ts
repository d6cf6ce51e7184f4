// Issue 15 item 1: every name the package root exports, runtime values and types alike, carries TSDoc
// with an @example (what an editor shows on hover), read from the declarations by the TypeScript compiler.
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/shared.js';

/** The root's exports, each with the symbol it names (re-exports followed to the declaration). */
function rootExports(): { checker: ts.TypeChecker; exports: { name: string; symbol: ts.Symbol }[] } {
  const entry = path.join(REPO_ROOT, 'src', 'index.ts');
  const program = ts.createProgram([entry], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true });
  const checker = program.getTypeChecker();
  const root = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const exports = checker.getExportsOfModule(root).map((e) => ({ name: e.name, symbol: e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e }));
  return { checker, exports };
}

/** Whether any declaration of the symbol carries an @example tag in its TSDoc. */
function hasExample(symbol: ts.Symbol, checker: ts.TypeChecker): boolean {
  if (symbol.getJsDocTags(checker).some((t) => t.name === 'example')) return true;
  return (symbol.declarations ?? []).some((d) => ts.getJSDocTags(d).some((t) => t.tagName.text === 'example'));
}

describe('root exports are documented', () => {
  const { checker, exports } = rootExports();

  it('each value export of src/index.ts has an @example', () => {
    const values = exports.filter(({ symbol }) => symbol.flags & ts.SymbolFlags.Value);
    expect(values.length).toBeGreaterThan(25);
    const undocumented = values.filter(({ symbol }) => !symbol.getJsDocTags(checker).some((t) => t.name === 'example')).map(({ name }) => name);
    expect(undocumented).toEqual([]);
  });

  it('each type-only export of src/index.ts (interface, type alias) has an @example at its declaration', () => {
    const types = exports.filter(({ symbol }) => !(symbol.flags & ts.SymbolFlags.Value) && symbol.flags & ts.SymbolFlags.Type);
    expect(types.map(({ name }) => name)).toEqual(expect.arrayContaining(['SmoothieOptions', 'RouteResult', 'RouterConfig', 'Embedder', 'NdArray', 'SmoothieErrorOptions']));
    expect(types.length).toBeGreaterThan(35);
    const undocumented = types.filter(({ symbol }) => !hasExample(symbol, checker)).map(({ name }) => name);
    expect(undocumented).toEqual([]);
  });

  it('every root export, value or type, is covered by one of the checks above', () => {
    const uncovered = exports.filter(({ symbol }) => !(symbol.flags & (ts.SymbolFlags.Value | ts.SymbolFlags.Type))).map(({ name }) => name);
    expect(uncovered).toEqual([]);
  });
});
