/** Every example in examples/ runs and prints what the docs say it prints. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { decode as decodePng } from 'fast-png';
import { FASHION_MNIST, WORD_LISTS, missing } from '../helpers/system-packages.js';

function runExample(name: string, args: string[] = []): string {
  const path = fileURLToPath(new URL(`../../examples/${name}.js`, import.meta.url));
  return execFileSync(process.execPath, [path, ...args], { encoding: 'utf8' });
}

test('examples/engine-basics: the gradient and the fitted value', () => {
  const lines = runExample('engine-basics').trim().split('\n');
  assert.equal(lines[0], '[ -2, 2 ]');
  const w = lines[1]!.replace(/[[\]\s]/g, '').split(',').map(Number);
  assert.ok(w.every((v) => Math.abs(v - 3) < 1e-5), `w = ${lines[1]}`);
});

test('examples/backends: the wasm backend gives the reference backend\'s loss and gradients', () => {
  const out = runExample('backends');
  const [cpuLoss, wasmLoss] = /loss: cpu (\d+\.\d+), wasm (\d+\.\d+)/.exec(out)!.slice(1).map(Number);
  assert.ok(Math.abs(cpuLoss! - wasmLoss!) < 1e-5, out);
  const largest = Number(/largest difference between the gradients: (\S+) /.exec(out)![1]);
  assert.ok(largest < 1e-5, out);
  assert.match(out, /512×512×512 product: cpu \d+\.\d ms\n512×512×512 product: wasm on 1 thread \d+\.\d ms\n512×512×512 product: wasm on 2 threads \d+\.\d ms\n$/);
});

test('examples/keras-basics: summary, training to high accuracy, save and load', () => {
  const out = runExample('keras-basics');
  assert.match(out, /Total params: 4,547 \(17\.76 KB\)/);
  const accuracy = Number(/accuracy (\d\.\d+)/.exec(out)![1]);
  assert.ok(accuracy >= 0.9, `spiral accuracy ${accuracy}`);
  assert.match(out, /class of \(0\.5, 0\.5\): [012]\n/);
});

test('examples/lesson-cnn: the 333,526-parameter CNN trains, validates and tests (on a few images here)', { skip: missing(FASHION_MNIST) }, async () => {
  const out = runExample('lesson-cnn', ['--images', '100', '--epochs', '1', '--test', '50']);
  assert.match(out, /Total params: 333,526 \(1\.27 MB\)/);
  assert.match(out, /Training on 80 images, validating on the last 20\./);
  assert.match(out, /Best validation accuracy: [01]\.\d{4} \(epoch 1\)/);
  assert.match(out, /Test accuracy on 50 images: [01]\.\d{4}/);
  const { buildLessonCnn } = await import('../../examples/lesson-cnn.js');
  assert.equal(buildLessonCnn().countParams(), 333_526);
});

test('examples/word-language: both models are trained and scored on held-out words (on a few words here)', { skip: missing(WORD_LISTS) }, () => {
  const out = runExample('word-language', ['--train', '30', '--test', '10', '--epochs', '1', '--units', '8']);
  assert.match(out, /^150 training words and 50 held-out words, 5 languages, \d+ characters: abc/);
  assert.match(out, /Embedding → LSTM\(8\) → Dense: [01]\.\d{4} on held-out words/);
  assert.match(out, /Bag of characters → Dense\(64\) → Dense: [01]\.\d{4} on held-out words/);
  assert.match(out, /Some held-out words: \p{L}+: (english|french|german|italian|spanish)/u);
});

test('examples/reliability: each fault gives its typed error, caps can be raised, dispose frees the model', () => {
  const lines = runExample('reliability').trim().split('\n');
  assert.match(lines[0]!, /^UnknownOptionError: sequential\.compile: unknown option 'metrcs' \(did you mean 'metrics'\?\)\. Known options: optimizer, loss, metrics, lossWeights\.$/);
  assert.equal(lines[1], 'relu([NaN, -1, 2]) = [ NaN, 0, 2 ]');
  assert.match(lines[2]!, /^ValueError: .*damaged\.strata: cannot load: .* fails its checksum/);
  assert.match(lines[3]!, /^LimitError: .*model\.strata: weights\[0\] \('dense\/kernel'\) .*more than the cap maxTensorBytes = 100 bytes/);
  assert.deepEqual(lines.slice(4, 9), [
    'loaded with a raised cap: 131 parameters',
    'a LimitError is a ValueError too: true',
    'mode after re-saving: 600',
    'tensors held by the loaded model: 12',
    'after dispose(): 0',
  ]);
  assert.match(lines[9]!, /^DisposedError: Sequential 'sequential': cannot run: it was disposed/);
});

test('examples/interop: .keras, TF.js and ONNX files written; the first two load back with the same predictions and training goes on identically', () => {
  const out = runExample('interop');
  assert.match(out, /^cnn\.keras: \d+ bytes\nweb\/: group1-shard1of1\.bin, model\.json\ncnn\.onnx: \d+ bytes\n/);
  assert.match(out, /cnn\.keras is read as 'keras' \(.*\); its metadata names keras 3\.\d+\.\d+, whose layout it follows/);
  for (const name of ['cnn.keras', 'web']) {
    const [, diff, compiled] = new RegExp(`${name.replace('.', '\\.')}: largest difference from Strata's predictions (\\S+), compiled: (true|false)`).exec(out)!;
    assert.ok(Number(diff) <= 1e-6, `${name}: ${diff}`);
    assert.equal(compiled, 'true');
  }
  const [, lossA, lossB, stepDiff] = /next training step: loss (\S+) here, (\S+) after the round trip; predictions after it differ by (\S+)/.exec(out)!;
  assert.equal(lossA, lossB);
  assert.ok(Number(stepDiff) <= 1e-6, out);
});

/** The figures of each epoch's progress line of examples/gan, and the generated images' mean pixel before and after. */
function ganRun(out: string): { realMean: number; before: number; after: number; epochs: { dAccuracy: number; dLoss: number; gLoss: number }[] } {
  const realMean = Number(/the real images' mean pixel is (\d\.\d{4})\.$/m.exec(out)![1]);
  const before = Number(/^Before training, the generated images' mean pixel is (\d\.\d{4})\.$/m.exec(out)![1]);
  const after = Number(/^After \d+ epochs, the generated images' mean pixel is (\d\.\d{4}) \(real: \d\.\d{4}\)\.$/m.exec(out)![1]);
  const epochs = [...out.matchAll(/^(\d+)\/\1 - \d+s - \d+(?:us|ms)\/step - d_accuracy: (\S+) - d_loss: (\S+) - g_loss: (\S+)$/gm)]
    .map((m) => ({ dAccuracy: Number(m[2]), dLoss: Number(m[3]), gLoss: Number(m[4]) }));
  return { realMean, before, after, epochs };
}

test('examples/gan: the custom loop trains both networks (on a slice here), the discriminator beats chance, the fakes move toward the real images, both losses are plotted', { skip: missing(FASHION_MNIST) }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-gan-'));
  const out = runExample('gan', ['--images', '960', '--epochs', '3', '--batch', '32', '--out', dir]);
  assert.match(out, /^30 batches of 32 images per epoch; /);
  assert.match(out, /^Epoch 3\/3\n30\/30 - /m);
  const { realMean, before, after, epochs } = ganRun(out);
  assert.equal(epochs.length, 3, out);
  for (const e of epochs) assert.ok(Number.isFinite(e.dLoss) && e.dLoss > 0 && Number.isFinite(e.gLoss) && e.gLoss > 0, out);
  assert.ok(epochs.some((e) => e.dAccuracy > 0.6), `the discriminator never beat chance: ${out}`);
  // A sigmoid generator starts near 0.5 per pixel; Fashion-MNIST's mean pixel is near 0.29: the gap closes by a third at least.
  assert.ok(Math.abs(after - realMean) < (Math.abs(before - realMean) * 2) / 3, `mean pixel: real ${realMean}, fakes ${before} before and ${after} after`);
  assert.match(out, /Wrote .*losses\.png: discriminator and generator loss by epoch\./);
  const plot = decodePng(readFileSync(join(dir, 'losses.png')));
  assert.deepEqual([plot.width, plot.height], [800, 480]);
  const samples = decodePng(readFileSync(join(dir, 'samples.png')));
  assert.deepEqual([samples.width, samples.height, samples.channels], [224, 224, 1]);
});

test('examples/gan --fit: the GAN as a Model whose trainStep fit drives gives the custom loop\'s figures; --gradient-penalty trains through a second derivative', { skip: missing(FASHION_MNIST) }, () => {
  const slice = ['--images', '160', '--epochs', '2', '--batch', '32', '--out', mkdtempSync(join(tmpdir(), 'strata-gan-'))];
  const byHand = ganRun(runExample('gan', slice));
  const byFit = ganRun(runExample('gan', [...slice, '--fit']));
  assert.equal(byHand.epochs.length, 2);
  assert.deepEqual(byFit, byHand);
  const penalised = ganRun(runExample('gan', [...slice, '--fit', '--gradient-penalty', '10']));
  assert.equal(penalised.epochs.length, 2);
  for (const [i, e] of penalised.epochs.entries()) {
    assert.ok(Number.isFinite(e.dLoss) && Number.isFinite(e.gLoss), JSON.stringify(penalised));
    // The penalty γ/2 ‖∇ₓD(x)‖² is part of the discriminator's loss: it moves every figure.
    assert.notEqual(e.dLoss, byHand.epochs[i]!.dLoss);
  }
  assert.notEqual(penalised.after, byHand.after);
});

test('examples/custom-gradients: higher derivatives, a Hessian-vector product, customGrad, defineOp and a gradient penalty', () => {
  assert.equal(runExample('custom-gradients'), [
    'second derivative of x³ at [1, 2]: [6, 12]',
    'third derivative of x³ at [1, 2]: [6, 6]',
    'Hessian-vector product: [3, 12, 27]',
    'straight-through round: value [0, 2], gradient [1, 1]',
    'defined op cube: value [1, 8], gradient [3, 12]',
    "critic's input-gradient norm before: 1.4142",
    "critic's input-gradient norm after 50 penalty steps: 1.0000",
    '',
  ].join('\n'));
});

test('examples/eager-and-graphs: the MLP step eager and jitted gives the same losses from one trace; an `if` on a value is fixed at trace time, `where` is not', () => {
  const out = runExample('eager-and-graphs', ['--images', '320']);
  assert.match(out, /^with a JavaScript if: \[2, 4\] for \[1, 2\], then \[-2, -4\] for \[-1, -2\] \(eager gives \[1, 2\]\)$/m);
  assert.match(out, /^jit warned: jit\(withIf\): the function read the values of 1 tensor\(s\) it computed \(the first: a float32 \[\] tensor\) while tracing\./m);
  assert.match(out, /^with where: \[2, 4\] for \[1, 2\], then \[1, 2\] for \[-1, -2\]$/m);
  if (missing(FASHION_MNIST)) {
    assert.match(out, /the training half is skipped/);
    return;
  }
  assert.match(out, /^The lesson's MLP on 320 Fashion-MNIST images: 10 steps of 32, each way \(taking turns\), from the same weights\.$/m);
  assert.match(out, /^eager: \d+\.\d{3} ms per step\njitted: \d+\.\d{3} ms per step \(its first call, which traced the step, took \d+ ms\)$/m);
  const [, eagerFirst, jitFirst, eagerLast, jitLast] = /^loss: first step (\S+) eager, (\S+) jitted; last step (\S+) eager, (\S+) jitted$/m.exec(out)!.map(Number);
  assert.equal(jitFirst, eagerFirst);
  assert.equal(jitLast, eagerLast);
  assert.ok(eagerLast! < eagerFirst!, out);
  const largest = Number(/^largest difference between the two runs' losses over 10 steps: (\S+)$/m.exec(out)![1]);
  assert.ok(largest <= 1e-5, out);
  const [, traced, optimised, fused] = /^traced 1 time\(s\); the graph has (\d+) nodes as traced, (\d+) after optimisation \((\d+) fused\)$/m.exec(out)!.map(Number);
  assert.ok(optimised! <= traced! && fused! <= optimised!, out);
  assert.match(out, /^its first lines:\ngraph trainStep\(%0: float32 \[32,28,28\], %1: int32 \[32\]\) \{\n {2}%\d+ = /m);
});
