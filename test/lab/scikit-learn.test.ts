/** The images handed to scikit-learn: exactly the experiment's bytes, cut up as the header says; no Python, no comparison. */
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import type { LabContext, LabImages } from '../../src/lab/experiment.js';
import { sgdClassifierScores } from '../../src/lab/scikit-learn.js';
import { tensor } from '../../src/node/index.js';

const images: LabImages = {
  xTrain: tensor([0, 1, 128 / 255, 3 / 255, 1, 0, 0, 0], [2, 2, 2]),
  yTrain: tensor([9, 0], [2], 'int32'),
  xTest: tensor([254 / 255, 0, 0, 1], [1, 2, 2]),
  yTest: tensor([7], [1], 'int32'),
  classNames: [],
};

function context(python: LabContext['python']): LabContext {
  return { full: false, sizes: {}, seed: 0, fashionMnist: () => Promise.resolve(images), figure: () => Promise.resolve([]), log: () => undefined, ...(python ? { python } : {}) };
}

test('sgdClassifierScores sends a JSON header and the images and labels as base64 bytes, and reads back the scores', async () => {
  let sent: string | undefined;
  const scores = await sgdClassifierScores(
    context((code, input) => {
      assert.match(code, /SGDClassifier\(loss='log_loss', max_iter=head\['maxIter'\]/);
      sent = input;
      return Promise.resolve('{"version": "1.9.1", "accuracies": [0.5, 1.0]}\n');
    }),
    images,
    { maxIter: 5, seeds: [3, 4] },
  );
  assert.deepEqual(scores, { version: '1.9.1', accuracies: [0.5, 1] });
  const [head, body, rest] = sent!.split('\n');
  assert.deepEqual(JSON.parse(head!), { train: 2, test: 1, pixels: 4, maxIter: 5, seeds: [3, 4] });
  assert.deepEqual(Array.from(Buffer.from(body!, 'base64')), [0, 255, 128, 3, 255, 0, 0, 0, 9, 0, 254, 0, 0, 255, 7]);
  assert.equal(rest, '');
});

test('a payload of many kilobytes is encoded in pieces that join into one base64 string', async () => {
  const n = 5001;
  const pixels = Array.from({ length: n * 4 }, (_, i) => (i % 256) / 255);
  const big: LabImages = { ...images, xTrain: tensor(pixels, [n, 2, 2]), yTrain: tensor(Array.from({ length: n }, (_, i) => i % 10), [n], 'int32') };
  let body = '';
  await sgdClassifierScores(context((_, input) => ((body = input!.split('\n')[1]!), Promise.resolve(undefined))), big, { maxIter: 1, seeds: [0] });
  const bytes = Buffer.from(body, 'base64');
  assert.equal(bytes.length, n * 4 + n + 4 + 1);
  assert.deepEqual(Array.from(bytes.subarray(0, n * 4)), pixels.map((p) => Math.round(p * 255)));
  assert.deepEqual(Array.from(bytes.subarray(n * 4, n * 5)), Array.from({ length: n }, (_, i) => i % 10));
});

test('sgdClassifierScores gives undefined where the context has no Python or the Python lacks scikit-learn', async () => {
  assert.equal(await sgdClassifierScores(context(undefined), images, { maxIter: 5, seeds: [0] }), undefined);
  assert.equal(await sgdClassifierScores(context(() => Promise.resolve(undefined)), images, { maxIter: 5, seeds: [0] }), undefined);
});
