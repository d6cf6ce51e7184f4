// Issue 15 item 1: every runtime name the package root exports carries TSDoc with an @example (what an
// editor shows on hover), read from the declarations by the TypeScript compiler.
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/shared.js';

describe('root exports are documented', () => {
  it('each value export of src/index.ts has an @example', () => {
    const entry = path.join(REPO_ROOT, 'src', 'index.ts');
    const program = ts.createProgram([entry], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true });
    const checker = program.getTypeChecker();
    const root = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    const values = checker
      .getExportsOfModule(root)
      .map((e) => ({ name: e.name, symbol: e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e }))
      .filter(({ symbol }) => symbol.flags & ts.SymbolFlags.Value);
    expect(values.length).toBeGreaterThan(25);
    const undocumented = values.filter(({ symbol }) => !symbol.getJsDocTags(checker).some((t) => t.name === 'example')).map(({ name }) => name);
    expect(undocumented).toEqual([]);
  });
});
