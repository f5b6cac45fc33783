/** Every public symbol (what the package's entry points export, namespaces included) has TSDoc. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function undocumented(entry: string): string[] {
  const program = ts.createProgram([`${root}${entry}`], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(`${root}${entry}`)!;
  const missing: string[] = [];
  const seen = new Set<ts.Symbol>();
  const visit = (symbol: ts.Symbol, path: string): void => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (seen.has(target)) return;
    seen.add(target);
    if (target.flags & ts.SymbolFlags.ValueModule && !(target.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class))) {
      for (const inner of checker.getExportsOfModule(target)) visit(inner, `${path}.`);
      return;
    }
    const decls = target.getDeclarations() ?? [];
    const fromUs = decls.some((d) => d.getSourceFile().fileName.startsWith(`${root}src/`));
    if (fromUs && target.getDocumentationComment(checker).length === 0 && ts.getJSDocTags(decls[0]!).length === 0) {
      const d = decls[0]!;
      const file = d.getSourceFile();
      const line = file.getLineAndCharacterOfPosition(d.getStart()).line + 1;
      missing.push(`${path}${symbol.getName()} (${file.fileName.slice(root.length)}:${line})`);
    }
  };
  for (const symbol of checker.getExportsOfModule(checker.getSymbolAtLocation(source)!)) visit(symbol, '');
  return missing;
}

test('every export of the package has a doc comment', () => {
  const missing = undocumented('src/node/index.ts');
  assert.deepEqual(missing, [], `undocumented exports:\n${missing.join('\n')}`);
});
