/** `strata lab activations` on a slice of Fashion-MNIST: the vanishing gradient, ReLU's sparsity and its lead in accuracy, measured. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lab } from '../../src/node/index.js';
import { FASHION_MNIST, FONT, missing } from '../helpers/system-packages.js';
import { wasmSuiteOnly } from '../helpers/suite-backend.js';

const NAMES = ['relu', 'sigmoid', 'tanh'];

function claimAbout(claims: lab.LabClaim[], word: string): lab.LabClaim {
  const found = claims.find((c) => c.claim.includes(word));
  assert.ok(found, `no claim mentions "${word}": ${claims.map((c) => c.claim).join(' | ')}`);
  return found;
}

const record = (v: lab.LabValue | undefined): Record<string, lab.LabValue> => v as Record<string, lab.LabValue>;
const numbers = (v: lab.LabValue | undefined): number[] => v as number[];

test('activations on a slice: sigmoid\'s gradient vanishes, ReLU\'s does not; ReLU is sparse and learns; costs and plots are real', { skip: missing(FASHION_MNIST, FONT) || wasmSuiteOnly() }, async () => {
  const output = mkdtempSync(join(tmpdir(), 'strata-lab-activations-'));
  const report = await lab.runExperiment('activations', { output, sizes: { trainSize: 1000, testSize: 300, epochs: 2 }, seed: 42, log: () => {} });
  assert.equal(report.experiment, 'activations');
  assert.equal(report.claims.length, 5);

  // (a) The costs are measured, not asserted: every figure is a positive number of nanoseconds.
  const cost = claimAbout(report.claims, 'cheaper');
  for (const name of NAMES) {
    const ns = record(record(cost.figures['nsPerElement'])[name]);
    assert.ok((ns['forwardNs'] as number) > 0 && (ns['totalNs'] as number) > 0, `${name}: ${JSON.stringify(ns)}`);
  }
  assert.equal(cost.holds, (cost.figures['sigmoidOverRelu'] as number) > 1);

  // (b) Eleven Dense layers; sigmoid's first-layer gradient is a tiny fraction of its last's, ReLU's is not.
  const gradients = claimAbout(report.claims, 'vanishes');
  assert.ok(gradients.holds, JSON.stringify(gradients.figures['firstOverLast']));
  const ratios = record(gradients.figures['firstOverLast']);
  for (const when of ['atInit', 'afterEpoch']) {
    assert.ok((record(ratios['sigmoid'])[when] as number) < 0.01, `sigmoid ${when}`);
    assert.ok((record(ratios['relu'])[when] as number) > 0.1, `relu ${when}`);
  }
  const sigmoidNorms = numbers(record(gradients.figures['normsAtInit'])['sigmoid']);
  assert.equal(sigmoidNorms.length, 11);
  assert.ok(sigmoidNorms.every((n) => n > 0 && Number.isFinite(n)));
  // The norms grow layer by layer towards the output: the signal fades as it travels back.
  assert.ok(sigmoidNorms.slice(2).every((n, i) => n > sigmoidNorms[i + 1]!), sigmoidNorms.join(' '));
  assert.equal(record(ratios['sigmoid'])['atInit'], sigmoidNorms[0]! / sigmoidNorms[10]!);

  // (c) Saturation is a share per hidden layer (after two short epochs the sigmoids barely leave the middle).
  const saturation = claimAbout(report.claims, 'saturates');
  const saturated = numbers(saturation.figures['perLayer']);
  assert.equal(saturated.length, 10);
  assert.ok(saturated.every((s) => s >= 0 && s <= 1));
  assert.equal(saturation.holds, (saturation.figures['mean'] as number) >= 0.1);

  // (d) ReLU: a real share of outputs exactly 0 in every layer, none dead.
  const sparsity = claimAbout(report.claims, 'sparsely');
  assert.ok(sparsity.holds, JSON.stringify(sparsity.figures));
  const zeros = numbers(sparsity.figures['perLayer']);
  assert.equal(zeros.length, 10);
  assert.ok(zeros.every((z) => z > 0.1 && z < 0.95), zeros.join(' '));

  // (e) The deep ReLU network learns; the deep sigmoid one is still near chance (10 classes).
  const learning = claimAbout(report.claims, 'higher accuracy');
  assert.ok(learning.holds);
  const final = record(learning.figures['finalAccuracy']);
  assert.ok((final['relu'] as number) >= 0.45, `relu ${final['relu']}`);
  assert.ok((final['sigmoid'] as number) <= 0.3, `sigmoid ${final['sigmoid']}`);
  assert.equal(numbers(record(learning.figures['perEpoch'])['tanh']).length, 2);

  assert.equal(report.findings.length, 5);
  for (const name of ['activations-gradients', 'activations-learning', 'activations-units']) {
    for (const ext of ['png', 'svg']) {
      const path = join(output, `${name}.${ext}`);
      assert.ok(report.plots.includes(path) && existsSync(path), `${path} among ${report.plots.join(', ')}`);
    }
  }
});
