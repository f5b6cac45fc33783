/** Convolutional and recurrent layers combined through the functional API, trained end to end. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/node/index.js';

const { Conv2D, GlobalMaxPooling2D, Embedding, LSTM, Concatenate, Dense } = s.layers;

/**
 * Samples whose label needs both inputs: an 8×8 image holds a bright horizontal or vertical bar
 * (bit a), and a sequence of 3 to 8 tokens (then zeros) contains token 7 or not (bit b); the
 * label is 2a + b. Either input alone leaves two labels equally likely.
 */
function samples(n: number, seed: number): { image: s.Tensor; tokens: s.Tensor; label: s.Tensor } {
  let state = seed;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const image = new Float32Array(n * 64);
  const tokens = new Int32Array(n * 8);
  const label = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = random() < 0.5 ? 1 : 0;
    const b = random() < 0.5 ? 1 : 0;
    const line = Math.floor(random() * 8);
    for (let p = 0; p < 64; p++) image[i * 64 + p] = 0.3 * random();
    for (let t = 0; t < 8; t++) image[i * 64 + (a ? line * 8 + t : t * 8 + line)]! += 1;
    const length = 3 + Math.floor(random() * 6);
    for (let t = 0; t < length; t++) {
      let token: number;
      do token = 1 + Math.floor(random() * 9);
      while (token === 7);
      tokens[i * 8 + t] = token;
    }
    if (b) tokens[i * 8 + Math.floor(random() * length)] = 7;
    label[i] = 2 * a + b;
  }
  return { image: s.tensor(image, [n, 8, 8, 1]), tokens: s.tensor(tokens, [n, 8], 'int32'), label: s.tensor(label, [n], 'int32') };
}

test('a model with a convolutional branch and a recurrent branch learns a label that needs both (measured: 100%; either branch alone: ~50%)', async () => {
  s.setSeed(5);
  const image = s.Input({ shape: [8, 8, 1], name: 'image' });
  const tokens = s.Input({ shape: [8], dtype: 'int32', name: 'tokens' });
  const seen = new GlobalMaxPooling2D().apply(new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu' }).apply(image));
  const read = new LSTM({ units: 8 }).apply(new Embedding({ inputDim: 10, outputDim: 8, maskZero: true }).apply(tokens));
  const output = new Dense({ units: 4, activation: 'softmax' }).apply(new Concatenate().apply([seen, read]));
  const model = new s.Model({ inputs: [image, tokens], outputs: output });
  assert.equal(model.countParams(), 40 + 80 + 4 * (8 * (8 + 8) + 8) + (12 + 1) * 4);

  const train = samples(512, 1);
  const held = samples(256, 2);
  model.compile({ optimizer: new s.Adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  await model.fit([train.image, train.tokens], train.label, { epochs: 8, batchSize: 32, verbose: 0 });
  const [, accuracy] = await model.evaluate([held.image, held.tokens], held.label);
  assert.ok(accuracy! >= 0.95, `held-out accuracy ${accuracy}`);
  // Blank out one input and the model falls to guessing between the two labels the other leaves.
  const [, withoutImage] = await model.evaluate([s.zerosLike(held.image), held.tokens], held.label);
  const [, withoutTokens] = await model.evaluate([held.image, s.zerosLike(held.tokens)], held.label);
  assert.ok(withoutImage! <= 0.65 && withoutTokens! <= 0.65, `accuracy without the image ${withoutImage}, without the tokens ${withoutTokens}`);
});
