/** examples/transformer-text runs on a few words: both models are trained and scored, and the saved transformer takes raw words. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { WORD_LISTS, missing } from '../helpers/system-packages.js';

test('examples/transformer-text: the transformer and the LSTM are trained and scored on held-out words, and the saved transformer predicts the same from raw words (on a few words here)', { skip: missing(WORD_LISTS) }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-transformer-test-'));
  try {
    const path = fileURLToPath(new URL('../../examples/transformer-text.js', import.meta.url));
    const file = join(dir, 'transformer.strata');
    const out = execFileSync(process.execPath, [path, '--train', '40', '--test', '10', '--epochs', '2', '--dim', '8', '--out', file], { encoding: 'utf8' });
    assert.match(out, /^200 training words and 50 held-out words, 5 languages\n/);
    const transformer = out.match(/Transformer \((\d+) parameters\): ([01]\.\d{4}) on held-out words/);
    assert.ok(transformer, out);
    assert.match(out, /Embedding → LSTM\(16\) \(\d+ parameters\): [01]\.\d{4} on held-out words/);
    assert.match(out, new RegExp(`Saved to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} and loaded back: the same predictions from raw words`));
    assert.match(out, /Some held-out words: \p{L}+: (english|french|german|italian|spanish)/u);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
