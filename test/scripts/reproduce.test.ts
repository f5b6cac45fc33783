/**
 * The reproduce script, shortened: the lesson's three models through `strata train` on a slice
 * (6,000 training, 1,000 validation and 1,000 test images, 2 epochs), each above a floor set
 * well below what the slice reaches, and the table it prints.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROWS, runRow, table, type ReproduceResult } from '../../scripts/reproduce.js';
import { FASHION_MNIST, missing } from '../helpers/system-packages.js';

/**
 * Floors for the slice, about four points below what it reaches with seed 42 on the reference
 * backend (softmax 0.792, relu 0.839, dropout 0.819), so that another backend's rounding cannot
 * trip them while a broken model or training loop (10% is chance) still does.
 */
const FLOORS: Record<string, number> = { softmax: 0.75, relu: 0.8, dropout: 0.78 };

test('the lesson\'s models reach their floors on a slice, and the table reports them', { skip: missing(FASHION_MNIST) }, async () => {
  const results: ReproduceResult[] = [];
  for (const row of ROWS) {
    const result = await runRow(row, { trainSize: 6000, valSize: 1000, testSize: 1000, epochs: 2, seed: 42 });
    assert.equal(result.report.history.val_accuracy.length, 2);
    assert.ok(result.valAccuracy >= FLOORS[row.model]!, `${row.model}: validation accuracy ${result.valAccuracy} on the slice`);
    assert.equal(result.passed, result.valAccuracy >= row.threshold);
    results.push(result);
  }
  const lines = table(results).split('\n');
  assert.equal(lines.length, 2 + ROWS.length);
  assert.match(lines[0]!, /^\| model \(`--model`\) \| Keras val_accuracy \| threshold \| Strata val_accuracy \|/);
  results.forEach((r, i) => {
    const cells = lines[2 + i]!.split('|').map((c) => c.trim());
    assert.equal(cells[2], r.row.keras.toFixed(4));
    assert.equal(cells[4], r.valAccuracy.toFixed(4));
    assert.equal(cells[8], r.passed ? 'pass' : 'FAIL');
  });
});
