/** examples/preprocessing runs on a slice: the model trained from raw columns scores well and predicts the same after a .strata round trip. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

test('examples/preprocessing: raw columns through Normalization, Discretization, Hashing and CategoryEncoding; trained; saved and loaded taking raw input', () => {
  const path = fileURLToPath(new URL('../../examples/preprocessing.js', import.meta.url));
  const out = execFileSync(process.execPath, [path, '--rows', '300', '--epochs', '8'], { encoding: 'utf8' });
  assert.match(out, /scale \(Normalization\)\s*│ \(None, 2\)\s*│\s*5 │/);
  assert.match(out, /city_hash \(Hashing\)\s*│ \(None, 16\)\s*│\s*0 │/);
  const accuracy = Number(/Held-out accuracy: ([\d.]+)/.exec(out)![1]);
  assert.ok(accuracy >= 0.8, `held-out accuracy ${accuracy}\n${out}`);
  const [, restored, before, after] = /held-out accuracy ([\d.]+); .*: ([\d.]+) before saving, ([\d.]+) after/.exec(out)!;
  assert.equal(Number(restored), accuracy);
  assert.equal(before, after);
});
