/** Every example in examples/ runs and prints what the docs say it prints. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

function runExample(name: string): string {
  const path = fileURLToPath(new URL(`../../examples/${name}.js`, import.meta.url));
  return execFileSync(process.execPath, [path], { encoding: 'utf8' });
}

test('examples/engine-basics: the gradient and the fitted value', () => {
  const lines = runExample('engine-basics').trim().split('\n');
  assert.equal(lines[0], '[ -2, 2 ]');
  const w = lines[1]!.replace(/[[\]\s]/g, '').split(',').map(Number);
  assert.ok(w.every((v) => Math.abs(v - 3) < 1e-5), `w = ${lines[1]}`);
});

test('examples/keras-basics: summary, training to high accuracy, save and load', () => {
  const out = runExample('keras-basics');
  assert.match(out, /Total params: 4,547 \(17\.76 KB\)/);
  const accuracy = Number(/accuracy (\d\.\d+)/.exec(out)![1]);
  assert.ok(accuracy >= 0.9, `spiral accuracy ${accuracy}`);
  assert.match(out, /class of \(0\.5, 0\.5\): [012]\n/);
});
