/**
 * The `strata` command end to end, in child processes, on slices of Fashion-MNIST: --help,
 * train with --json and as text, evaluate, predict (a test image and PNG files), summary, and the
 * exit status and one-line error of each kind of mistake.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { encode } from 'fast-png';
import * as s from '../../src/node/index.js';
import { loadFashionMnist } from '../helpers/fashion-mnist.js';
import { startServer } from '../helpers/dataset-files.js';
import { CLI, assertFails as fails, runCli, type CliResult } from '../helpers/run-cli.js';
import { FASHION_MNIST, missing } from '../helpers/system-packages.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'strata-cli-'));

/** Runs `strata ...args` (see runCli), with `env` added. */
const strata = (args: string[], env: Record<string, string> = {}): Promise<CliResult> => runCli(args, { env });

test('--help describes every command, exit status 0', async () => {
  const main = await strata(['--help']);
  assert.equal(main.code, 0);
  for (const command of ['train', 'evaluate', 'predict', 'summary', 'board', 'plot']) assert.match(main.stdout, new RegExp(`^  ${command} `, 'm'));
  const trainHelp = await strata(['train', '--help']);
  assert.equal(trainHelp.code, 0);
  for (const option of ['--model', '--epochs', '--batch-size', '--optimizer', '--learning-rate', '--seed', '--output', '--json', '--train-size', '--val-size', '--test-size', '--data-dir', '--no-download', '--backend', '--logdir']) {
    assert.ok(trainHelp.stdout.includes(option), `train --help mentions ${option}`);
  }
  assert.match(trainHelp.stdout, /dropout +Flatten → Dense\(100, relu\) → Dropout\(0\.3\) → Dense\(10, softmax\); Adam, up to 20 epochs, early stopping \(patience 2\)/);
  assert.match(trainHelp.stdout, /cnn +Conv2D\(32\) → MaxPooling → Conv2D\(64\)/);
  assert.match(trainHelp.stdout, /STRATA_DATA_DIR/);
  for (const [command, text] of [
    ['evaluate', /loss and accuracy on the test images/], ['predict', /--index <n>[\s\S]*--invert/], ['summary', /parameter counts of a saved model/],
    ['board', /--logdir <dir>[\s\S]*--port <n>/], ['plot', /--out <file>[\s\S]*--metric <name>/],
  ] as const) {
    const r = await strata([command, '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, text);
  }
  const version = await strata(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('usage errors exit with status 2 and one line on standard error', async () => {
  fails(await strata(['train', '--bogus']), 2, /^strata: error: unknown option '--bogus'/);
  fails(await strata(['train', '--epoch', '3']), 2, /unknown option '--epoch' \(Did you mean --epochs\?\)/);
  fails(await strata(['train', '--epochs', 'x']), 2, /option '--epochs <n>' argument 'x' is invalid\. expected a whole number >= 1/);
  fails(await strata(['train', '--model', 'rnn']), 2, /argument 'rnn' is invalid\. Allowed choices are softmax, sigmoid, relu, dropout, cnn/);
  fails(await strata(['frobnicate']), 2, /unknown command 'frobnicate'/);
  fails(await strata(['evaluate']), 2, /missing required argument 'model'/);
  fails(await strata(['train', '--backend', 'gpu']), 2, /^strata: error: --backend gpu: no backend named 'gpu'; registered: cpu/);
  fails(await strata(['plot', 'runs/x']), 2, /required option '--out <file>' not specified/);
  const bare = await strata([]);
  assert.equal(bare.code, 2, 'no command is a usage error');
  assert.match(bare.stderr, /Usage: strata/);
});

test('an unreadable model file exits with status 1 and names the file', async () => {
  const dir = tmp();
  fails(await strata(['summary', join(dir, 'missing.strata')]), 1, new RegExp(`^strata: error: cannot load '${dir}/missing\\.strata': no such file`));
  writeFileSync(join(dir, 'junk.strata'), 'not a model');
  fails(await strata(['evaluate', join(dir, 'junk.strata')]), 1, /junk\.strata: not a model file Strata can read \(it starts with bytes 6e 6f 74 20 61 20 6d 6f\)\. Strata reads: Strata model file/);
});

test('a missing data set exits with status 1 and gives the exact fixes', async () => {
  const noData = { STRATA_SYSTEM_DATA_DIR: tmp() };
  const off = await strata(['train', '--no-download'], noData);
  fails(off, 1, /^strata: error: Fashion-MNIST was not found \(looked in .*\) and downloading is off\. To fix: install the package: apt-get install dataset-fashion-mnist; or .* --data-dir DIR .*; or allow the one-time download from http:\/\/127\.0\.0\.1:9\//);
  const server = await startServer((_req, res) => void res.writeHead(404).end());
  try {
    const failed = await strata(['train', '--json'], { ...noData, STRATA_DATASETS_URL: server.url });
    assert.equal(failed.code, 1);
    const [downloading, error, ...rest] = failed.stderr.trimEnd().split('\n');
    assert.equal(downloading, `Downloading data from ${server.url}train-labels-idx1-ubyte.gz`);
    assert.match(error!, /^strata: error: Fashion-MNIST was not found .* and the download failed: http:\/\/127\.0\.0\.1:\d+\/train-labels-idx1-ubyte\.gz: the server answered HTTP 404 Not Found\. To fix: install the package: apt-get install dataset-fashion-mnist/);
    assert.deepEqual(rest, []);
    assert.equal(failed.stdout, '', 'under --json, standard output holds nothing but the document');
  } finally {
    await server.close();
  }
  fails(await strata(['train', '--data-dir', tmp()]), 1, /Fashion-MNIST is not in .* expected train-images-idx3-ubyte\.gz/);
});

describe('a model trained on a slice of the Debian package\'s Fashion-MNIST', { skip: missing(FASHION_MNIST) }, () => {
  const out = tmp();
  const model = join(out, 'fashion-mnist-relu.strata');
  let report: Record<string, any>;

  before(async () => {
    const r = await strata(['train', '--model', 'relu', '--epochs', '2', '--train-size', '2000', '--val-size', '500', '--test-size', '300', '--seed', '7', '--output', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    report = JSON.parse(r.stdout);
    assert.match(r.stderr, /Model: "sequential"/, 'the summary goes to standard error under --json');
    assert.match(r.stderr, /Epoch 2\/2/);
  });

  test('train --json prints one JSON document: options, Keras-keyed history, epoch times, figures, where the model is', () => {
    assert.deepEqual(Object.keys(report).sort(), ['backend', 'bestEpoch', 'command', 'dataDir', 'epochSeconds', 'history', 'modelPath', 'options', 'params', 'test', 'threads', 'validation']);
    assert.deepEqual(report['options'], {
      model: 'relu', dataset: 'fashion-mnist', epochs: 2, batchSize: 32, optimizer: 'adam', learningRate: 0.001, seed: 7, output: out, trainSize: 2000, valSize: 500, testSize: 300,
    });
    const history = report['history'] as Record<string, number[]>;
    assert.deepEqual(Object.keys(history).sort(), ['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    for (const values of Object.values(history)) assert.equal(values.length, 2);
    assert.equal(report['epochSeconds'].length, 2);
    assert.ok(report['epochSeconds'].every((t: number) => t > 0));
    assert.equal(report['params'], 784 * 100 + 100 + 100 * 10 + 10);
    assert.equal(report['backend'], s.getBackend().name, 'the backend of this run of the suite');
    assert.ok(Number.isInteger(report['threads']) && report['threads'] >= 1);
    if (report['backend'] === 'cpu') assert.equal(report['threads'], 1);
    assert.equal(report['modelPath'], model);
    assert.ok(existsSync(model));
    const best = history['val_loss']!.indexOf(Math.min(...history['val_loss']!));
    assert.equal(report['bestEpoch'], best + 1);
    assert.equal(report['validation'].accuracy, history['val_accuracy']![best], 'the saved model is the best epoch');
    // 500 validation images: an accuracy is a whole number of them.
    assert.equal(Math.round(report['validation'].accuracy * 500) / 500, report['validation'].accuracy);
    assert.ok(report['validation'].accuracy >= 0.7 && report['test'].accuracy >= 0.7, `2 epochs on 2,000 images: ${report['validation'].accuracy}, ${report['test'].accuracy}`);
  });

  test('train prints the summary, live progress, the figures and where the model was saved', async () => {
    const dir = tmp();
    const r = await strata(['train', '--model', 'softmax', '--epochs', '1', '--train-size', '600', '--val-size', '200', '--test-size', '100', '--output', dir]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'Fashion-MNIST from /usr/share/datasets/fashion-mnist');
    assert.equal(lines[1], 'Training on 600 images, validating on 200, testing on 100.');
    assert.match(r.stdout, /│ dense \(Dense\) +│ \(None, 10\) +│ +7,850 │/);
    assert.match(r.stdout, /^Epoch 1\/1\n19\/19 - \d+s - \d+ms\/step - accuracy: 0\.\d{4} - loss: \d\.\d{4} - val_accuracy: 0\.\d{4} - val_loss: \d\.\d{4}$/m);
    assert.match(r.stdout, /^Validation accuracy: 0\.\d{4} \(200 images\)$/m);
    assert.match(r.stdout, /^Test accuracy: 0\.\d{4} \(100 images\)$/m);
    assert.match(r.stdout, new RegExp(`^Model saved to ${dir}/fashion-mnist-softmax\\.strata$`, 'm'));
    assert.equal(r.stderr, '');
  });

  test('evaluate gives the test figures train reported for the same images', async () => {
    const r = await strata(['evaluate', model, '--test-size', '300', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.samples, 300);
    assert.equal(doc.accuracy, report['test'].accuracy);
    assert.equal(doc.loss, report['test'].loss);
    const text = await strata(['evaluate', model, '--test-size', '300']);
    assert.match(text.stdout, new RegExp(`^Test accuracy: ${report['test'].accuracy.toFixed(4)}$`, 'm'));
  });

  test('predict names the class of a test image and of the same image as PNG (RGBA, twice the size, or inverted with --invert)', async () => {
    const r = await strata(['predict', model, '--index', '0', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.input, { dataset: 'fashion-mnist', index: 0, label: 9, labelName: 'Ankle boot' });
    const probabilities = doc.probabilities.map((p: { probability: number }) => p.probability);
    assert.equal(probabilities.length, 10);
    assert.ok(Math.abs(probabilities.reduce((a: number, b: number) => a + b, 0) - 1) < 1e-5);
    assert.equal(doc.prediction.className, doc.probabilities[doc.prediction.classId].className);
    assert.equal(doc.prediction.probability, Math.max(...probabilities));

    // Test image 0 as a 56×56 RGBA PNG, each pixel drawn as a 2×2 block: resizing by area gives it back.
    const pixels = loadFashionMnist('t10k', 0, 1).images.map((p) => Math.round(p * 255));
    const writePng = (path: string, value: (v: number) => number): void => {
      const data = new Uint8Array(56 * 56 * 4);
      for (let y = 0; y < 56; y++) {
        for (let x = 0; x < 56; x++) {
          const v = value(pixels[Math.floor(y / 2) * 28 + Math.floor(x / 2)]!);
          data.set([v, v, v, 255], 4 * (y * 56 + x));
        }
      }
      writeFileSync(path, encode({ width: 56, height: 56, data, channels: 4, depth: 8 }));
    };
    const dir = tmp();
    writePng(join(dir, 'boot.png'), (v) => v);
    writePng(join(dir, 'inverted.png'), (v) => 255 - v);
    const same = (a: number[], b: number[]): void => a.forEach((p, i) => assert.ok(Math.abs(p - b[i]!) < 1e-5, `class ${i}: ${p} vs ${b[i]}`));
    for (const args of [[join(dir, 'boot.png')], [join(dir, 'inverted.png'), '--invert']]) {
      const png = await strata(['predict', model, ...args, '--json']);
      assert.equal(png.code, 0, png.stderr);
      const pdoc = JSON.parse(png.stdout);
      assert.deepEqual(pdoc.input, { image: args[0], width: 56, height: 56, inverted: args.length === 2 });
      same(pdoc.probabilities.map((p: { probability: number }) => p.probability), probabilities);
    }
    const text = await strata(['predict', model, join(dir, 'inverted.png')]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^Image: .*inverted\.png \(56×56, resized to 28×28\)$/m);
    assert.match(text.stdout, /light border.*add --invert/);
    assert.match(text.stdout, /^Prediction: .+ \(\d+\.\d%\)$/m);
    assert.match(text.stdout, /^ {2}Ankle boot +0\.\d{4}$/m);

    fails(await strata(['predict', model, join(dir, 'boot.png'), '--index', '3']), 2, /give an IMAGE\.png or --index N, not both/);
    writeFileSync(join(dir, 'photo.jpg'), 'JFIF...');
    fails(await strata(['predict', model, join(dir, 'photo.jpg')]), 1, /photo\.jpg' is not a PNG image/);
    fails(await strata(['predict', model, '--index', '10000']), 1, /--index 10000 is out of range; the Fashion-MNIST test set has images 0 to 9999/);
  });

  test('train --model cnn builds the lesson\'s convolutional network and trains it', async () => {
    const dir = tmp();
    const r = await strata(['train', '--model', 'cnn', '--epochs', '1', '--train-size', '64', '--val-size', '32', '--test-size', '32', '--output', dir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.params, 333526);
    assert.match(r.stderr, /│ conv2d \(Conv2D\) +│ \(None, 28, 28, 32\) +│ +320 │/);
    assert.ok(existsSync(join(dir, 'fashion-mnist-cnn.strata')));
  });

  test('train --logdir logs the run; plot draws it and board serves it', async () => {
    const logs = tmp();
    const run = join(logs, 'softmax');
    const trained = await strata(['train', '--model', 'softmax', '--epochs', '2', '--train-size', '300', '--val-size', '100', '--test-size', '50', '--output', tmp(), '--logdir', run]);
    assert.equal(trained.code, 0, trained.stderr);
    const out = join(tmp(), 'accuracy.svg');
    const plotted = await strata(['plot', run, '--metric', 'accuracy', '--out', out]);
    assert.equal(plotted.code, 0, plotted.stderr);
    assert.match(plotted.stdout, /^Wrote .*accuracy\.svg: epoch_accuracy of /);
    assert.match(readFileSync(out, 'utf8'), /^<svg/);

    const board = spawn(process.execPath, [CLI, 'board', '--logdir', logs, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        board.stdout.on('data', (d: Buffer) => {
          const m = /serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(String(d));
          if (m) resolve(m[1]!);
        });
        board.on('close', (code) => reject(new Error(`strata board exited with ${code}`)));
      });
      const page = await fetch(url);
      assert.equal(page.status, 200);
      // The run's settings are its hyperparameters, beside its final figures.
      const { sessions } = (await (await fetch(`${url}api/hparams`)).json()) as s.board.HParamsResponse;
      assert.deepEqual(sessions.map((x) => [x.run, Object.keys(x.hparams).sort(), x.hparams['model'], x.hparams['epochs'], x.status]), [
        ['softmax', ['batch_size', 'dataset', 'epochs', 'learning_rate', 'model', 'optimizer', 'seed'], 'softmax', 2, 'success'],
      ]);
      assert.ok(sessions[0]!.metrics['validation/epoch_accuracy']! > 0.5, JSON.stringify(sessions[0]!.metrics));
    } finally {
      const closed = new Promise<number | null>((resolve) => board.on('close', resolve));
      board.kill('SIGINT');
      assert.equal(await closed, 0, 'Ctrl+C stops the board cleanly');
    }
  });

  test('summary prints the layer table of a saved model', async () => {
    const r = await strata(['summary', model]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /│ dense \(Dense\) +│ \(None, 100\) +│ +78,500 │/);
    assert.match(r.stdout, /Total params: 79,510/);
  });
});
