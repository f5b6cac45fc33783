/** `strata lab params`: the lesson's parameter formulas against summary(), for every layer of the lesson's models. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lab } from '../../src/node/index.js';

test('params: the Dense and Conv2D formulas hold for every layer, the totals match, and the bar chart is drawn', async () => {
  const output = mkdtempSync(join(tmpdir(), 'strata-lab-params-'));
  try {
    const report = await lab.runExperiment('params', { output });
    assert.equal(report.experiment, 'params');
    for (const c of report.claims) assert.ok(c.holds, `${c.claim}: ${JSON.stringify(c.figures)}`);
    const [dense, conv, totals] = report.claims as [lab.LabClaim, lab.LabClaim, lab.LabClaim];
    const layers = (claim: lab.LabClaim): { model: string; formula: string; byFormula: number; summary: number }[] => claim.figures['layers'] as never;
    assert.deepEqual(layers(dense).map((r) => [r.model, r.formula, r.byFormula]), [
      ['softmax', '(784 + 1) × 10', 7850],
      ['relu', '(784 + 1) × 100', 78500],
      ['relu', '(100 + 1) × 10', 1010],
      ['dropout', '(784 + 1) × 100', 78500],
      ['dropout', '(100 + 1) × 10', 1010],
      ['cnn', '(3136 + 1) × 100', 313700],
      ['cnn', '(100 + 1) × 10', 1010],
    ]);
    assert.deepEqual(layers(conv).map((r) => [r.formula, r.summary]), [['(3 × 3 × 1 + 1) × 32', 320], ['(3 × 3 × 32 + 1) × 64', 18496]]);
    assert.deepEqual(totals.figures['totals'], [
      { model: 'softmax', byFormula: 7850, printed: 7850 },
      { model: 'relu', byFormula: 79510, printed: 79510 },
      { model: 'dropout', byFormula: 79510, printed: 79510 },
      { model: 'cnn', byFormula: 333526, printed: 333526 },
    ]);
    // The findings print the explained summaries, whose rows carry the formulas.
    assert.ok(report.findings.some((l) => /│ dense \(Dense\) +│ \(None, 100\) +│ +313,700 │ \(in \+ 1\) × out = \(3136 \+ 1\) × 100 +│/.test(l)), report.findings.join('\n'));
    assert.ok(report.findings.some((l) => l.includes('(kh × kw × cin + 1) × cout = (3 × 3 × 32 + 1) × 64')));
    assert.deepEqual(report.plots.map((p) => p.slice(output.length + 1)).sort(), ['params-per-layer.png', 'params-per-layer.svg']);
    for (const p of report.plots) assert.ok(existsSync(p), p);
    assert.deepEqual([...readFileSync(join(output, 'params-per-layer.png')).subarray(1, 4)], [0x50, 0x4e, 0x47]);
  } finally {
    rmSync(output, { recursive: true, force: true });
  }
});
