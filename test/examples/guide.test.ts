/** Every program of the Fashion-MNIST guide (docs/guide/) runs, on a slice of the data, and prints what its page shows. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

function runGuide(name: string): string {
  const path = fileURLToPath(new URL(`../../examples/guide/${name}.js`, import.meta.url));
  return execFileSync(process.execPath, [path], {
    encoding: 'utf8',
    env: { ...process.env, STRATA_GUIDE_TRAIN: '1200', STRATA_GUIDE_EPOCHS: '2' },
  });
}

const acc = String.raw`[01]\.\d{4}`;

test('guide 1: the data', () => {
  const out = runGuide('01-data');
  assert.match(out, /training images uint8 \[60000, 28, 28\], labels uint8 \[60000\]/);
  assert.match(out, /pixel values from 0 to 255/);
  assert.match(out, /9 Ankle boot\s+6000 images/);
  assert.match(out, /image 0, labelled Ankle boot:\n/);
});

test('guide 2: one neuron, and the same neuron by hand', () => {
  const out = runGuide('02-logistic-regression');
  const [, accuracy] = new RegExp(`validation accuracy after 2 epochs: (${acc})`).exec(out)!;
  assert.ok(Number(accuracy) > 0.9, `footwear accuracy ${accuracy}`);
  const [, byHand, byModel] = /by hand (\d\.\d{4}), by the model (\d\.\d{4})/.exec(out)!;
  assert.equal(byHand, byModel);
});

test('guide 3: ten neurons and a softmax', () => {
  const out = runGuide('03-softmax');
  assert.match(out, /Total params: 7,850 \(30\.66 KB\)/);
  assert.match(out, new RegExp(`^Epoch 2/2\\n\\d+/\\d+ - \\d+s - \\d+(us|ms)/step - accuracy: ${acc} - loss: \\d\\.\\d{4} - val_accuracy: ${acc}`, 'm'));
  assert.match(out, new RegExp(`validation accuracy ${acc}, test accuracy ${acc}`));
});

test('guide 4: hidden layers and counting parameters', () => {
  const out = runGuide('04-hidden-layers');
  assert.match(out, /by hand: \(784 \+ 1\) × 100 \+ \(100 \+ 1\) × 10 = 79510/);
  assert.match(out, /│ dense(_\d+)? \(Dense\) +│ \(None, 100\) +│ +78,500 │ \(in \+ 1\) × out = \(784 \+ 1\) × 100 +│/);
  assert.match(out, new RegExp(`relu hidden layer:\\s+${acc}\\n.*linear hidden layer: ${acc}`));
});

test('guide 5 to 9: activations, optimizers, dropout, checkpoints, predictions', () => {
  assert.match(runGuide('05-sigmoid-vs-relu'), new RegExp(`epoch  sigmoid  relu\\n\\s+1  ${acc}   ${acc}\\n\\s+2  ${acc}   ${acc}`));
  const optimizers = runGuide('06-optimizers');
  for (const name of ['SGD', 'SGD \\+ momentum 0\\.9', 'SGD \\+ Nesterov', 'Adagrad', 'RMSprop', 'Adam']) {
    assert.match(optimizers, new RegExp(`^${name}\\s+\\d\\.\\d{4}\\s+${acc}$`, 'm'));
  }
  assert.match(runGuide('07-overfitting-dropout'), /lowest val_loss without dropout: \d\.\d{4} at epoch \d+; with dropout: \d\.\d{4} at epoch \d+/);
  const checkpoints = runGuide('08-checkpoints');
  const [, inMemory, fromFile] = new RegExp(`model in memory (${acc}), model loaded from the checkpoint (${acc})`).exec(checkpoints)!;
  assert.equal(inMemory, fromFile);
  assert.match(runGuide('09-predict'), /^image 4: predicted [\w/ -]+\(\d+\.\d%\), true Shirt$/m);
});

test('guide 10: the loop written by hand prints fit\'s progress lines and ends with fit\'s figures and weights', () => {
  const out = runGuide('10-custom-loop');
  assert.match(out, new RegExp(`^Epoch 2/2\\n38/38 - \\d+s - \\d+(us|ms)/step - accuracy: ${acc} - loss: \\d\\.\\d{4} - val_accuracy: ${acc}$`, 'm'));
  for (const key of ['loss', 'accuracy', 'val_accuracy']) {
    const [, byFit, byHand] = new RegExp(`^last epoch's ${key}: fit (\\d\\.\\d{4}), by hand (\\d\\.\\d{4})$`, 'm').exec(out)!;
    assert.equal(byHand, byFit, key);
  }
  assert.ok(Number(/last epoch's accuracy: fit (\d\.\d{4})/.exec(out)![1]) > 0.6, out);
  assert.match(out, /^largest difference between the two models' weights: 0$/m);
});
