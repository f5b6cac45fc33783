/** The files and folders docs/architecture.md and docs/contributing.md name exist, so the maps stay true as the code moves. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const TOP_FOLDERS = ['src', 'test', 'scripts', 'bench', 'examples', 'docs'];

/**
 * The repository paths a page names: in code spans (`src/ops/unary.ts`, from the repository's root)
 * and as link targets (relative to the page). Placeholders (`<family>`) and globs are not paths.
 */
function namedPaths(page: string): string[] {
  const text = readFileSync(join(root, page), 'utf8');
  const spans = [...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!).filter((p) => TOP_FOLDERS.some((top) => p.startsWith(`${top}/`)));
  const links = [...text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((p) => !/^[a-z]+:/.test(p)).map((p) => join(dirname(page), p));
  return [...spans, ...links].filter((p) => !/[<>*{}]/.test(p)).map((p) => p.replace(/:\d+$/, ''));
}

for (const page of ['docs/architecture.md', 'docs/contributing.md']) {
  test(`${page}: every file and folder it names exists`, () => {
    const paths = namedPaths(page);
    assert.ok(paths.length > 20, `${page} names only ${paths.length} paths`);
    const missing = paths.filter((p) => !existsSync(join(root, p)));
    assert.deepEqual(missing, [], `${page} names paths that do not exist:\n${missing.join('\n')}`);
  });
}
