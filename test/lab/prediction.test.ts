/** `strata lab prediction` on a slice: the prediction is the most activated output, the outputs are probabilities, and its three figures. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lab } from '../../src/node/index.js';
import { FASHION_MNIST, FONT, missing } from '../helpers/system-packages.js';
import { wasmSuiteOnly } from '../helpers/suite-backend.js';

test('prediction: trained on 1,500 images for an epoch, every test image is predicted as its most activated output, and the figures are drawn', { skip: missing(FASHION_MNIST, FONT) || wasmSuiteOnly() }, async () => {
  const output = mkdtempSync(join(tmpdir(), 'strata-lab-prediction-'));
  try {
    const report = await lab.runExperiment('prediction', { output, sizes: { trainSize: 1500, testSize: 300, epochs: 1 } });
    for (const c of report.claims) assert.ok(c.holds, `${c.claim}: ${JSON.stringify(c.figures)}`);
    const [argmax, probabilities] = report.claims as [lab.LabClaim, lab.LabClaim];
    assert.equal(argmax.figures['testImages'], 300);
    assert.equal(argmax.figures['mostActivatedIsPredicted'], 300);
    assert.equal(argmax.figures['evaluateAccuracy'], argmax.figures['argmaxAccuracy']);
    assert.ok((report['accuracy'] as number) > 0.65, `accuracy ${report['accuracy']}`);
    assert.ok((probabilities.figures['largestDistanceOfSumFrom1'] as number) < 1e-5);
    assert.deepEqual(report.setup, { trainSize: 1500, testSize: 300, epochs: 1, full: false, model: 'relu', optimizer: 'adam', seed: 42 });
    assert.match(report.findings[1]!, /^Test image 0 is labelled 'Ankle boot'; the most activated of the ten outputs is '[\w/ -]+' at 0\.\d{3}, next '[\w/ -]+' at 0\.\d{3}: predicted '[\w/ -]+'\.$/);
    assert.match(report.findings[4]!, /^\d+ test images are misclassified; the most confident mistakes: [\w/ -]+ → [\w/ -]+ \(\d\.\d{3}\)/);
    const files = report.plots.map((p) => p.slice(output.length + 1)).sort();
    assert.deepEqual(files, ['confusion', 'most-wrong', 'outputs'].flatMap((n) => [`prediction-${n}.png`, `prediction-${n}.svg`]));
    for (const p of report.plots) assert.ok(existsSync(p), p);
    // The bar chart names the prediction; the image grid carries "true → predicted (p)" captions.
    assert.match(readFileSync(join(output, 'prediction-outputs.svg'), 'utf8'), /predicted &#39;|predicted '/);
    assert.match(readFileSync(join(output, 'prediction-most-wrong.svg'), 'utf8'), /→/);
  } finally {
    rmSync(output, { recursive: true, force: true });
  }
});
