/** `strata lab linear-collapse` on a slice: its claims hold, with the numbers that make them. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lab } from '../../src/node/index.js';
import { FASHION_MNIST, FONT, missing } from '../helpers/system-packages.js';
import { wasmSuiteOnly } from '../helpers/suite-backend.js';

test('linear-collapse: deep linear networks score as one layer, ReLU ones beat them, and the product of the weights is one layer', { skip: missing(FASHION_MNIST, FONT) || wasmSuiteOnly() }, async () => {
  const output = mkdtempSync(join(tmpdir(), 'strata-lab-collapse-'));
  try {
    const report = await lab.runExperiment('linear-collapse', { output, sizes: { trainSize: 500, testSize: 500, epochs: 1 } });
    assert.equal(report.experiment, 'linear-collapse');
    for (const c of report.claims) assert.equal(c.holds, true, `${c.claim}: ${JSON.stringify(c.figures)}`);
    const [sameAsOne, reluGains, collapse] = report.claims.map((c) => c.figures) as [Record<string, number[]>, Record<string, number[]>, Record<string, unknown>];
    // Two moons: no straight line does better than about 87%; a bent boundary reaches the noise's limit (~97%).
    for (const a of sameAsOne.linear!) assert.ok(a > 0.84 && a < 0.9, `linear ${a}`);
    for (const a of reluGains.relu!.slice(1)) assert.ok(a > 0.94, `relu ${a}`);
    assert.equal(reluGains.relu![0], reluGains.linear![0], 'depth 1 has no hidden layer: one network for both');
    // Fashion-MNIST's 5-layer linear network and its one layer.
    assert.deepEqual(collapse.widths, [784, 64, 64, 64, 64, 10]);
    assert.deepEqual(collapse.kernelShape, [784, 10]);
    assert.ok((collapse.maxDifference as number) < 1e-4, `max |Δ| ${String(collapse.maxDifference)}`);
    assert.equal(collapse.samePrediction, 1);
    assert.equal(collapse.rank, 10);
    assert.equal(collapse.rankBound, 10);
    assert.equal(collapse.testImages, 500);
    const fashion = report.fashionMnist as Record<string, number[]>;
    // Four steps of Adam on 500 images: well above chance (0.1), far from trained.
    for (const a of [...fashion.linear!, ...fashion.relu!]) assert.ok(a > 0.2 && a <= 1, `Fashion-MNIST accuracy ${a}`);
    assert.deepEqual(report.setup, {
      trainSize: 500,
      testSize: 500,
      epochs: 1,
      full: false,
      hiddenUnits: 64,
      batchSize: 128,
      moons: { trainSize: 1000, testSize: 2000, epochs: 40, hiddenUnits: 16 },
    });
    assert.equal(report.findings.length, 3);
    assert.match(report.findings[2]!, /is \[784, 10\] of rank 10 .* on 500 test images/);
    assert.deepEqual(report.plots.map((p) => p.slice(output.length + 1)), ['linear-collapse-accuracy.png', 'linear-collapse-accuracy.svg']);
    assert.ok(report.plots.every((p) => existsSync(p)));
    assert.deepEqual([...readFileSync(report.plots[0]!).subarray(1, 4)], [0x50, 0x4e, 0x47]);
    assert.match(readFileSync(report.plots[1]!, 'utf8'), /<svg[^>]*>[\s\S]*moons, linear/);
  } finally {
    rmSync(output, { recursive: true, force: true });
  }
});
