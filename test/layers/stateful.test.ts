import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  Input, Model, Sequential, ShapeError, ValueError, concat, decodeModel, dispose, encodeModel, layers, memory, modelConfigToKeras, slice, tensor, tidy, variableGrads,
  sum, type Tensor,
} from '../../src/index.js';
import { assertClose } from '../helpers/grad-check.js';

const { SimpleRNN, LSTM, GRU, RNN, GRUCell, ConvLSTM2D, Dense } = layers;

/** Value i is round(sin(a·i + b), 3). */
function seq(shape: number[], a: number, b: number): Tensor {
  const n = shape.reduce((p, q) => p * q, 1);
  return tensor(Float64Array.from({ length: n }, (_, i) => Math.round(Math.sin(a * i + b) * 1000) / 1000), shape, 'float64');
}

/** A stateful layer and a plain one with the same weights, both built for `shape`. */
function pair(make: (stateful: boolean) => layers.RNN, shape: number[]): [layers.RNN, layers.RNN] {
  const stateful = make(true);
  const plain = make(false);
  const x = tidy(() => seq(shape, 0.1, 0.1));
  tidy(() => {
    stateful.applyMulti(x);
    plain.applyMulti(x);
    plain.setWeights(stateful.getWeights());
  });
  stateful.resetStates();
  x.dispose();
  return [stateful, plain];
}

test('stateful SimpleRNN, LSTM, GRU, RNN(cell) and ConvLSTM2D: a sequence cut in two pieces gives what the whole gives; resetStates starts over', () => {
  const cases: [string, (stateful: boolean) => layers.RNN, number[]][] = [
    ['SimpleRNN', (stateful) => new SimpleRNN({ units: 3, stateful, batchInputShape: [2, 3, 2], dtype: 'float64' }), [2, 6, 2]],
    ['LSTM', (stateful) => new LSTM({ units: 3, stateful, returnSequences: true, batchInputShape: [2, 3, 2], dtype: 'float64' }), [2, 6, 2]],
    ['GRU', (stateful) => new GRU({ units: 2, stateful, goBackwards: false, batchInputShape: [2, 3, 2], dtype: 'float64' }), [2, 6, 2]],
    ['RNN(GRUCell)', (stateful) => new RNN({ cell: new GRUCell({ units: 2 }), stateful, batchInputShape: [2, 3, 2], dtype: 'float64' }), [2, 6, 2]],
    ['ConvLSTM2D', (stateful) => new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'same', stateful, batchInputShape: [2, 3, 4, 4, 1], dtype: 'float64' }), [2, 6, 4, 4, 1]],
  ];
  for (const [name, make, shape] of cases) {
    const half = [shape[0]!, 3, ...shape.slice(2)];
    const [stateful, plain] = pair(make, half);
    tidy(() => {
      const x = seq(shape, 0.37, 0.2);
      const first = slice(x, shape.map(() => 0), half);
      const second = slice(x, [0, 3, ...shape.slice(2).map(() => 0)], half);
      const whole = plain.apply(x);
      const a = stateful.apply(first);
      const b = stateful.apply(second);
      if (plain.returnSequences) assertClose(concat([a, b], 1).dataSync(), whole.dataSync(), 1e-12, `${name}: the pieces' sequences`);
      else assertClose(b.dataSync(), whole.dataSync(), 1e-12, `${name}: the last piece's output`);
      stateful.resetStates();
      assertClose(stateful.apply(first).dataSync(), a.dataSync(), 0, `${name}: after resetStates the first piece again`);
    });
    stateful.dispose();
    plain.dispose();
  }
});

test('states and resetStates(states): the next batch starts from given states, as initial states given to a plain layer', () => tidy(() => {
  const [stateful, plain] = pair((s) => new LSTM({ units: 3, stateful: s, batchInputShape: [2, 4, 2], dtype: 'float64' }), [2, 4, 2]);
  const x = seq([2, 4, 2], 0.29, 0.4);
  assert.equal(stateful.states, null, 'no states before the first call (or after a reset)');
  stateful.apply(x);
  const [h, c] = stateful.states!;
  assert.deepEqual([h!.shape, c!.shape], [[2, 3], [2, 3]]);
  const h0 = seq([2, 3], 0.5, 0.1);
  const c0 = seq([2, 3], 0.7, 0.3);
  stateful.resetStates([h0, c0]);
  assertClose(stateful.apply(x).dataSync(), plain.apply(x, { initialState: [h0, c0] }).dataSync(), 1e-12, 'given states');
  assert.throws(() => stateful.resetStates([h0]), (e: unknown) => e instanceof ShapeError && /resetStates: the states must be \[2,3\], \[2,3\], got \[2,3\]/.test(e.message));
  assert.throws(() => stateful.resetStates([seq([4, 3], 1, 1), c0]), (e: unknown) => e instanceof ShapeError && /got \[4,3\], \[2,3\]/.test(e.message));
  stateful.dispose();
  plain.dispose();
}));

test('a stateful model keeps no tensor behind per call, frees its states with dispose, and trains with fit (batches in order)', async () => {
  const model = new Sequential({
    layers: [new LSTM({ units: 4, stateful: true, batchInputShape: [2, 3, 1] }), new Dense({ units: 1 })],
  });
  model.compile({ optimizer: 'adam', loss: 'mse' });
  const x = tensor(Float32Array.from({ length: 8 * 3 }, (_, i) => Math.sin(i / 3)), [8, 3, 1]);
  const y = tensor(Float32Array.from({ length: 8 }, (_, i) => Math.cos(i)), [8, 1]);
  const before = memory().numTensors;
  const history = await model.fit(x, y, { batchSize: 2, epochs: 2, shuffle: false, verbose: 0 });
  assert.ok(history.history['loss']!.every((v) => Number.isFinite(v)), 'finite losses');
  (model.predict(x, { batchSize: 2 }) as Tensor).dispose();
  // The two carried states, and the optimizer's slots made by the first step.
  const slots = memory().numTensors - before;
  (model.predict(x, { batchSize: 2 }) as Tensor).dispose();
  assert.equal(memory().numTensors - before, slots, 'predicting again leaves nothing more');
  const lstm = model.layers[0] as layers.RNN;
  dispose(lstm.states!);
  const live = memory().numTensors;
  model.dispose();
  // Five weights (LSTM 3, Dense 2) and the two carried states.
  assert.ok(live - memory().numTensors >= 7, `dispose frees the carried states with the weights (${live - memory().numTensors} freed)`);
  assert.throws(() => model.layers[0]!.apply(x), /disposed/);
  x.dispose();
  y.dispose();
});

test('stateful: config and saving keep it (.strata and Keras\'s stateful key); errors for an unknown batch, another batch size, a plain layer', async () => {
  const model = new Sequential({ layers: [new GRU({ units: 2, stateful: true, batchInputShape: [3, 5, 2], name: 'g' })] });
  assert.equal((model.layers[0]!.getConfig() as { stateful: boolean }).stateful, true);
  const copy = await decodeModel(await encodeModel(model));
  assert.equal((copy.layers[0] as layers.RNN).stateful, true);
  const keras = JSON.stringify(modelConfigToKeras(layers.serializeLayer(model), 'keras3'));
  assert.match(keras, /"stateful":true/);
  assert.throws(() => new LSTM({ units: 2, stateful: true }).apply(Input({ shape: [5, 2] })),
    (e: unknown) => e instanceof ValueError && /stateful, so it needs a fixed batch size.*batchInputShape/.test(e.message));
  tidy(() => {
    const lstm = new LSTM({ units: 2, stateful: true });
    lstm.apply(seq([2, 3, 1], 1, 1));
    assert.throws(() => lstm.apply(seq([3, 3, 1], 1, 1)), (e: unknown) => e instanceof ShapeError && /stateful with batches of 2, got a batch of 3/.test(e.message));
    assert.throws(() => new LSTM({ units: 2 }).resetStates(), (e: unknown) => e instanceof ValueError && /is not stateful/.test(e.message));
    lstm.dispose();
  });
  copy.dispose();
  model.dispose();
});

test('encoder–decoder: the encoder\'s returnState states start the decoder (initialState or extra inputs), gradients reach the encoder, step-by-step decoding equals the whole', () => tidy(() => {
  const encoderInput = Input({ shape: [5, 3], name: 'source' });
  const decoderInput = Input({ shape: [4, 2], name: 'target' });
  const encoder = new LSTM({ units: 6, returnState: true, name: 'encoder', dtype: 'float64' });
  const [, h, c] = encoder.applyMulti(encoderInput);
  const decoder = new LSTM({ units: 6, returnSequences: true, returnState: true, name: 'decoder', dtype: 'float64' });
  const [decoded] = decoder.applyMulti(decoderInput, { initialState: [h!, c!] });
  const head = new Dense({ units: 2, dtype: 'float64' });
  const model = new Model({ inputs: [encoderInput, decoderInput], outputs: head.apply(decoded!) });
  assert.deepEqual(model.outputs[0]!.shape, [null, 4, 2]);

  const source = seq([2, 5, 3], 0.3, 0.1);
  const target = seq([2, 4, 2], 0.7, 0.5);
  const y = model.predict([source, target]) as Tensor;
  // The states carry the source: another source changes the output.
  const other = model.predict([seq([2, 5, 3], 0.9, 0.2), target]) as Tensor;
  assert.ok(Math.max(...Array.from(y.dataSync()).map((v, i) => Math.abs(v - other.dataSync()[i]!))) > 1e-3, 'the decoder depends on the source');
  // The same as giving the states as extra inputs, and gradients flow back into the encoder.
  const [, hr, cr] = encoder.applyMulti(source);
  assertClose(head.apply(decoder.applyMulti([target, hr!, cr!])[0]!).dataSync(), y.dataSync(), 1e-12, 'extra inputs');
  const { grads } = variableGrads(() => sum(model.apply([source, target]) as Tensor), encoder.trainableWeights);
  assert.ok(grads.every((g) => Array.from(g.dataSync()).some((v) => Math.abs(v) > 1e-8)), 'the encoder gets gradients through the states');

  // Inference as Keras's seq2seq example does it: an encoder model for the states, a decoder model stepping.
  const encoderModel = new Model({ inputs: encoderInput, outputs: [h!, c!] });
  const stepInput = Input({ shape: [1, 2] });
  const hIn = Input({ shape: [6] });
  const cIn = Input({ shape: [6] });
  const [stepOut, hOut, cOut] = decoder.applyMulti(stepInput, { initialState: [hIn, cIn] });
  const decoderModel = new Model({ inputs: [stepInput, hIn, cIn], outputs: [head.apply(stepOut!), hOut!, cOut!] });
  let states = encoderModel.predict(source) as Tensor[];
  const steps: Tensor[] = [];
  for (let t = 0; t < 4; t++) {
    const [out, hNext, cNext] = decoderModel.predict([slice(target, [0, t, 0], [2, 1, 2]), ...states]) as Tensor[];
    steps.push(out!);
    states = [hNext!, cNext!];
  }
  assertClose(concat(steps, 1).dataSync(), y.dataSync(), 1e-12, 'step by step');
  assert.throws(() => decoder.applyMulti([decoderInput, hIn, cIn], { initialState: [hIn, cIn] }), (e: unknown) => e instanceof ValueError && /not both/.test(e.message));
}));

test('ONNX export refuses a stateful layer, naming it and the way out', async () => {
  const { NotSupportedError } = await import('../../src/node/index.js');
  const model = new Sequential({ layers: [new LSTM({ units: 2, stateful: true, batchInputShape: [1, 3, 2], name: 'carried' })] });
  const dir = mkdtempSync(join(tmpdir(), 'strata-stateful-'));
  await assert.rejects(model.save(join(dir, 'm.onnx')), (e: unknown) => e instanceof NotSupportedError && /^cannot export layer 'carried' \(LSTM\) to ONNX: it is stateful.*stateful: false/.test((e as Error).message));
  model.dispose();
});
