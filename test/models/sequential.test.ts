import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Input, Model, Sequential, ShapeError, ValueError, layers, ones, randomUniform, tidy } from '../../src/index.js';

const { Dense, Dropout, Flatten, Reshape, clearSession } = layers;

function summaryOf(model: Model, args: Parameters<Model['summary']>[0] = {}): string {
  const lines: string[] = [];
  model.summary({ ...args, printFn: (line) => lines.push(line) });
  return lines.join('\n');
}

function mnistMlp(withDropout = false): Sequential {
  return new Sequential({
    layers: [
      new Flatten({ inputShape: [28, 28] }),
      new Dense({ units: 100, activation: 'relu' }),
      ...(withDropout ? [new Dropout({ rate: 0.2 })] : []),
      new Dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

test('Dense(10, softmax) on 784 inputs: 7,850 parameters and the Keras 3 summary', () => {
  clearSession();
  const model = new Sequential({ layers: [new Dense({ units: 10, activation: 'softmax', inputShape: [784] })] });
  assert.equal(model.countParams(), 7850);
  assert.equal(summaryOf(model), [
    'Model: "sequential"',
    '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓',
    '┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃',
    '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩',
    '│ dense (Dense)                        │ (None, 10)                  │           7,850 │',
    '└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘',
    ' Total params: 7,850 (30.66 KB)',
    ' Trainable params: 7,850 (30.66 KB)',
    ' Non-trainable params: 0 (0.00 B)',
  ].join('\n'));
});

test('Flatten([28,28]) → Dense(100) → Dense(10): 79,510 parameters, 310.59 KB', () => {
  clearSession();
  const model = mnistMlp();
  assert.equal(model.countParams(), 79510);
  assert.equal(summaryOf(model), [
    'Model: "sequential"',
    '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓',
    '┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃',
    '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩',
    '│ flatten (Flatten)                    │ (None, 784)                 │               0 │',
    '├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤',
    '│ dense (Dense)                        │ (None, 100)                 │          78,500 │',
    '├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤',
    '│ dense_1 (Dense)                      │ (None, 10)                  │           1,010 │',
    '└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘',
    ' Total params: 79,510 (310.59 KB)',
    ' Trainable params: 79,510 (310.59 KB)',
    ' Non-trainable params: 0 (0.00 B)',
  ].join('\n'));
  // At 76 columns (an 80-column terminal, as keras.io's pages were made) the columns are 33, 24 and 15 wide.
  assert.equal(summaryOf(model, { lineLength: 76 }), [
    'Model: "sequential"',
    '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓',
    '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃',
    '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩',
    '│ flatten (Flatten)               │ (None, 784)            │             0 │',
    '├─────────────────────────────────┼────────────────────────┼───────────────┤',
    '│ dense (Dense)                   │ (None, 100)            │        78,500 │',
    '├─────────────────────────────────┼────────────────────────┼───────────────┤',
    '│ dense_1 (Dense)                 │ (None, 10)             │         1,010 │',
    '└─────────────────────────────────┴────────────────────────┴───────────────┘',
    ' Total params: 79,510 (310.59 KB)',
    ' Trainable params: 79,510 (310.59 KB)',
    ' Non-trainable params: 0 (0.00 B)',
  ].join('\n'));
});

test('the same with Dropout, and with a frozen layer counted as non-trainable', () => {
  clearSession();
  const model = mnistMlp(true);
  assert.equal(model.countParams(), 79510);
  model.layers[1]!.trainable = false;
  assert.equal(summaryOf(model), [
    'Model: "sequential"',
    '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓',
    '┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃',
    '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩',
    '│ flatten (Flatten)                    │ (None, 784)                 │               0 │',
    '├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤',
    '│ dense (Dense)                        │ (None, 100)                 │          78,500 │',
    '├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤',
    '│ dropout (Dropout)                    │ (None, 100)                 │               0 │',
    '├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤',
    '│ dense_1 (Dense)                      │ (None, 10)                  │           1,010 │',
    '└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘',
    ' Total params: 79,510 (310.59 KB)',
    ' Trainable params: 1,010 (3.95 KB)',
    ' Non-trainable params: 78,500 (306.64 KB)',
  ].join('\n'));
  assert.equal(model.trainableWeights.length, 2);
  assert.deepEqual(model.nonTrainableWeights.map((w) => w.name), ['dense/kernel', 'dense/bias']);
});

test('a model without an input shape is built on its first call', () => tidy(() => {
  clearSession();
  const model = new Sequential();
  model.add(new Dense({ units: 4, activation: 'relu' }));
  model.add(new Dense({ units: 2 }));
  assert.equal(model.built, false);
  assert.match(summaryOf(model), /│ dense \(Dense\) +│ \? +│ +0 \(unbuilt\) │/);
  assert.throws(() => model.countParams(), /Layer 'sequential' \(Sequential\) is not built yet/);
  assert.throws(() => model.inputs, /Model 'sequential' has no inputs yet: it is not built/);
  assert.deepEqual(model.apply(ones([3, 5])).shape, [3, 2]);
  assert.equal(model.countParams(), (5 + 1) * 4 + (4 + 1) * 2);
  assert.deepEqual(model.inputs[0]!.shape, [null, 5]);
  assert.match(summaryOf(model), /│ dense_1 \(Dense\) +│ \(None, 2\) +│ +10 │/);
}));

test('Input() as the first layer; add, pop, getLayer; layers excludes the input layer', () => tidy(() => {
  clearSession();
  const model = new Sequential({ layers: [Input({ shape: [6] }), new Dense({ units: 3 })] });
  model.add(new Dense({ units: 2 }));
  assert.deepEqual(model.layers.map((l) => l.name), ['dense', 'dense_1']);
  assert.deepEqual(model.apply(ones([1, 6])).shape, [1, 2]);
  assert.equal(model.getLayer('dense_1'), model.layers[1]);
  assert.equal(model.getLayer(0), model.layers[0]);
  assert.throws(() => model.getLayer('dense_9'), /Model 'sequential' has no layer named 'dense_9'. Its layers: dense, dense_1/);
  assert.equal(model.pop().name, 'dense_1');
  assert.deepEqual(model.apply(ones([1, 6])).shape, [1, 3]);
  assert.deepEqual(model.outputs[0]!.shape, [null, 3]);
  assert.throws(() => model.add(Input({ shape: [3] })), /an input \(Input\(\) or InputLayer\) can only come first/);
}));

test('layers whose shapes do not chain are refused when added, naming both layers', () => {
  clearSession();
  assert.throws(() => new Sequential({ layers: [new Dense({ units: 10, inputShape: [5] }), new Reshape({ targetShape: [3, 3] })] }), (e: Error) => e instanceof ShapeError &&
    e.message === "Sequential model 'sequential': layer 1 'reshape' (Reshape) cannot follow layer 'dense' (Dense), whose output shape is [null,10]. " +
      "Layer 'reshape' (Reshape) cannot reshape input of shape [null,10] to target shape [3,3]: each sample has 10 values, but the target holds 9.");
  // A layer built for other inputs cannot follow a layer with a different output size.
  const built = new Dense({ units: 3 });
  tidy(() => built.apply(ones([1, 784])));
  const model = new Sequential({ layers: [new Flatten({ inputShape: [28, 28] }), new Dense({ units: 100 })] });
  assert.throws(() => model.add(built), (e: Error) => e instanceof ShapeError &&
    e.message === "Sequential model 'sequential_1': layer 2 'dense_1' (Dense) cannot follow layer 'dense_2' (Dense), whose output shape is [null,100]. " +
      "Layer 'dense_1' (Dense) expected input with last dimension 784, got shape [null,100].");
  assert.equal(model.layers.length, 2, 'the refused layer is not added');
  assert.throws(() => model.add('dense' as never), (e: Error) => e instanceof ValueError && /add\(\) expects a Layer or an Input\(\), got string/.test(e.message));
});

test('calling with data of the wrong shape names the input, the layer fed, both shapes, and a hint', () => {
  clearSession();
  const mlp = mnistMlp();
  const error = (model: Model, shape: number[]): string => {
    try {
      tidy(() => model.apply(ones(shape)));
    } catch (e) {
      assert.ok(e instanceof ShapeError);
      return (e as Error).message;
    }
    return 'no error';
  };
  assert.equal(error(mlp, [32, 784]),
    "Model 'sequential': input 'input_layer', which feeds layer 'flatten' (Flatten), expects shape [null,28,28], got [32,784]. " +
      'Each sample has the right number of values: reshape(x, [32, 28, 28]) gives the expected layout.');
  assert.equal(error(mlp, [28, 28]),
    "Model 'sequential': input 'input_layer', which feeds layer 'flatten' (Flatten), expects shape [null,28,28], got [28,28]. " +
      'The first axis is the batch: for a single sample, add it with expandDims(x, 0).');
  const dense = new Sequential({ layers: [new Dense({ units: 10, inputShape: [784] })] });
  assert.equal(error(dense, [32, 28, 28]),
    "Model 'sequential_1': input 'input_layer_1', which feeds layer 'dense_2' (Dense), expects shape [null,784], got [32,28,28]. " +
      'Flatten each sample first: reshape(x, [32, 784]), or start the model with a Flatten layer.');
  const images = new Sequential({ layers: [Input({ shape: [28, 28, 1] }), new Flatten()] });
  assert.equal(error(images, [32, 28, 28]),
    "Model 'sequential_2': input 'input_layer_2', which feeds layer 'flatten_1' (Flatten), expects shape [null,28,28,1], got [32,28,28]. " +
      'The model expects a channel axis: reshape(x, [32, 28, 28, 1]) or expandDims(x, -1).');
});

test('config round trip: same architecture, and the same outputs with the same weights', () => tidy(() => {
  clearSession();
  const model = mnistMlp(true);
  const json = JSON.stringify(model.getConfig());
  const copy = Sequential.fromConfig(JSON.parse(json));
  assert.ok(copy instanceof Sequential);
  assert.equal(JSON.stringify(copy.getConfig()), json);
  assert.equal(summaryOf(copy), summaryOf(model));
  copy.setWeights(model.getWeights());
  const x = randomUniform([4, 28, 28], 0, 1, { seed: 3 });
  assert.deepEqual(copy.apply(x).dataSync(), model.apply(x).dataSync());
  assert.deepEqual(JSON.parse(json).layers.map((l: { className: string }) => l.className), ['InputLayer', 'Flatten', 'Dense', 'Dropout', 'Dense']);
}));
