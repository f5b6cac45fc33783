/** Every import in src/ points down the floors docs/architecture.md draws: its table of folders and what each may import is the rule. */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const src = join(root, 'src');

/** The table's rows: each folder (`src/core/` → `core`) and the folders it may import, or everything. */
function allowedImports(): Map<string, Set<string> | 'everything'> {
  const allowed = new Map<string, Set<string> | 'everything'>();
  for (const line of readFileSync(join(root, 'docs/architecture.md'), 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length !== 5 || !cells[1]!.startsWith('`src/')) continue;
    const folders = [...cells[1]!.matchAll(/`src\/([a-z]+)\/`/g)].map((m) => m[1]!);
    const may = cells[3]!;
    const rule = may === 'everything' ? 'everything' : new Set(may === '—' ? [] : may.split(',').map((s) => s.trim()));
    for (const folder of folders) allowed.set(folder, rule);
  }
  return allowed;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

test('docs/architecture.md: every folder of src/ is in its table, and every import goes where the table allows', () => {
  const allowed = allowedImports();
  const folders = readdirSync(src, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  assert.deepEqual(folders.filter((f) => !allowed.has(f)), [], 'folders of src/ missing from the table');
  const wrong: string[] = [];
  for (const file of sourceFiles(src)) {
    const from = relative(src, file).split('/')[0]!;
    if (from.endsWith('.ts')) continue; // the entry point imports every floor
    const rule = allowed.get(from)!;
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
      const target = relative(src, resolve(dirname(file), spec!)).split('/')[0]!;
      const to = target.endsWith('.js') ? 'the entry point' : target;
      if (to !== from && rule !== 'everything' && !rule.has(to)) wrong.push(`${relative(root, file)} imports ${spec} (${to})`);
    }
  }
  assert.deepEqual(wrong, [], `imports the table does not allow:\n${wrong.join('\n')}`);
});
