/** The neuron experiment on a slice of Fashion-MNIST: ten softmax neurons are logistic regression, and their loss the logistic loss. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lab } from '../../src/node/index.js';
import { sklearnPython } from '../helpers/python.js';
import { FASHION_MNIST, FONT, missing } from '../helpers/system-packages.js';
import { wasmSuiteOnly } from '../helpers/suite-backend.js';

// A slice small enough for a test; on it Keras's SGD (learning rate 0.01, batches of 32) has taken
// 1,250 steps, about the fewest that bring it to what scikit-learn's five iterations reach.
const SLICE = { trainSize: 8000, testSize: 1000, epochs: 5 };

type LossCheck = { modelLoss: number; handLoss: number; relativeDifference: number };

test('neuron: ten softmax neurons score as logistic regression, their loss is the logistic loss, and their weights are drawn', { skip: missing(FASHION_MNIST, FONT) || wasmSuiteOnly() }, async () => {
  const output = mkdtempSync(join(tmpdir(), 'strata-lab-neuron-'));
  const sklearn = sklearnPython();
  try {
    const report = await lab.runExperiment('neuron', { output, sizes: SLICE, dataDir: FASHION_MNIST.paths[0]!, download: false, ...(sklearn.skip ? {} : { python: sklearn.python }) });
    assert.equal(report.experiment, 'neuron');
    assert.deepEqual(report.setup, { ...SLICE, full: false, optimizer: 'sgd', learningRate: 0.01, batchSize: 32 });
    const [matches, loss] = report.claims;
    assert.ok(matches && loss && report.claims.length === 2);

    // 78.3% on this slice; the whole set gives 82.5%.
    const accuracy = report.accuracy as number;
    assert.ok(accuracy >= 0.76 && accuracy <= 0.82, `accuracy ${accuracy}`);
    assert.equal(matches.figures.accuracy, accuracy);
    const difference = matches.figures.difference as number;
    assert.equal(matches.holds, Math.abs(difference) <= 0.02);
    if (sklearn.skip) {
      assert.equal(report.reference, 'textbook 0.8196');
    } else {
      // scikit-learn, five seeds on the same 8,000 images: 0.773 to 0.822, median 0.802. On a slice
      // its runs spread by several points, so the test holds the network to 0.04 of their median;
      // the claim's 0.02 is for the whole set (docs/lab/neuron.md shows that run).
      assert.match(report.reference as string, /^scikit-learn \d+\.\d+/);
      const runs = matches.figures.referenceRuns as number[];
      assert.equal(runs.length, 5);
      for (const r of runs) assert.ok(r >= 0.7 && r <= 0.85, `scikit-learn scored ${r}`);
      assert.equal(matches.figures.referenceAccuracy, [...runs].sort((a, b) => a - b)[2]);
      assert.ok(Math.abs(difference) <= 0.04, `Strata ${accuracy} against scikit-learn ${matches.figures.referenceAccuracy as number}`);
    }

    const softmax = loss.figures.softmax as LossCheck & { maxProbabilityDifference: number };
    const sigmoid = loss.figures.sigmoid as LossCheck & { accuracy: number };
    assert.ok(softmax.handLoss > 0.4 && softmax.handLoss < 0.8, `softmax loss ${softmax.handLoss}`);
    assert.ok(softmax.relativeDifference <= 1e-5, `softmax loss ${softmax.modelLoss} by the model, ${softmax.handLoss} by hand`);
    assert.ok(softmax.maxProbabilityDifference <= 1e-5, `probabilities differ by ${softmax.maxProbabilityDifference}`);
    assert.ok(sigmoid.accuracy >= 0.97, `footwear accuracy ${sigmoid.accuracy}`);
    assert.ok(sigmoid.handLoss > 0 && sigmoid.handLoss < 0.2, `sigmoid loss ${sigmoid.handLoss}`);
    assert.ok(sigmoid.relativeDifference <= 1e-5, `sigmoid loss ${sigmoid.modelLoss} by the model, ${sigmoid.handLoss} by hand`);
    assert.ok(loss.holds);

    const names = ['neuron-weights.png', 'neuron-weights.svg', 'neuron-accuracy.png', 'neuron-accuracy.svg'];
    assert.deepEqual(report.plots, names.map((name) => join(output, name)));
    for (const plot of report.plots) assert.ok(existsSync(plot), plot);
    assert.match(readFileSync(join(output, 'neuron-weights.svg'), 'utf8'), /Ankle boot/);
    assert.equal(report.findings.length, 5);
  } finally {
    rmSync(output, { recursive: true, force: true });
  }
});
