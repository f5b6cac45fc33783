import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Input, Model, SGD, Sequential, ShapeError, Tensor, ValueError, Variable, add, layers, memory, ones, randomUniform, regularizers, sum, tensor, tidy,
  variableGrads, zeros,
} from '../../src/index.js';
import { assertClose } from '../helpers/grad-check.js';

const { Dense, Dropout, Layer, clearSession } = layers;

/** Adds its two inputs: enough of a merge layer to build branching models. */
class Sum extends Layer {
  static override readonly className = 'Sum';
  override call(inputs: Tensor | Tensor[]): Tensor {
    const [a, b] = inputs as Tensor[];
    return add(a!, b!);
  }
}
layers.registerLayer(Sum);

function summaryOf(model: Model): string {
  const lines: string[] = [];
  model.summary({ printFn: (line) => lines.push(line) });
  return lines.join('\n');
}

/** Two inputs through one shared Dense, summed, then a Dense: out = (a·K + b·K + 2c)·w + d. */
function twoInputModel(): Model {
  const a = Input({ shape: [3], name: 'a' });
  const b = Input({ shape: [3], name: 'b' });
  const shared = new Dense({ units: 2, name: 'shared' });
  const merged = new Sum().apply([shared.apply(a), shared.apply(b)]);
  const out = new Dense({ units: 1, name: 'out' }).apply(merged);
  return new Model({ inputs: [a, b], outputs: out });
}

test('two inputs and a shared layer: weights counted once, hand-computed output, Keras summary with Connected to', () => tidy(() => {
  clearSession();
  const model = twoInputModel();
  assert.deepEqual(model.layers.map((l) => l.name), ['a', 'b', 'shared', 'sum', 'out']);
  assert.equal(model.countParams(), (3 + 1) * 2 + (2 + 1) * 1);
  assert.equal(model.weights.length, 4);
  model.setWeights([tensor([[1, 0], [0, 1], [1, 1]]), tensor([0.5, 0]), tensor([[1], [2]]), tensor([0.25])]);
  // a = [1,2,3] → [1+3, 2+3] + [0.5, 0] = [4.5, 5]; b = [0,1,0] → [0.5, 1]; sum [5, 6]; out = 5 + 12 + 0.25
  const y = model.apply([tensor([[1, 2, 3]]), tensor([[0, 1, 0]])]);
  assert.deepEqual(y.arraySync(), [[17.25]]);
  assert.equal(summaryOf(model), [
    'Model: "functional"',
    '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓',
    '┃ Layer (type)                  ┃ Output Shape              ┃         Param # ┃ Connected to               ┃',
    '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩',
    '│ a (InputLayer)                │ (None, 3)                 │               0 │ -                          │',
    '├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤',
    '│ b (InputLayer)                │ (None, 3)                 │               0 │ -                          │',
    '├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤',
    '│ shared (Dense)                │ (None, 2)                 │               8 │ a[0][0], b[0][0]           │',
    '├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤',
    '│ sum (Sum)                     │ (None, 2)                 │               0 │ shared[0][0], shared[1][0] │',
    '├───────────────────────────────┼───────────────────────────┼─────────────────┼────────────────────────────┤',
    '│ out (Dense)                   │ (None, 1)                 │               3 │ sum[0][0]                  │',
    '└───────────────────────────────┴───────────────────────────┴─────────────────┴────────────────────────────┘',
    ' Total params: 11 (44.00 B)',
    ' Trainable params: 11 (44.00 B)',
    ' Non-trainable params: 0 (0.00 B)',
  ].join('\n'));
}));

test('a functional model round-trips through JSON: same graph, same outputs with the same weights', () => tidy(() => {
  clearSession();
  const model = twoInputModel();
  const json = JSON.stringify(model.getConfig());
  const copy = Model.fromConfig(JSON.parse(json));
  assert.equal(JSON.stringify(copy.getConfig()), json);
  assert.equal(summaryOf(copy), summaryOf(model));
  copy.setWeights(model.getWeights());
  const xs = [randomUniform([4, 3], -1, 1, { seed: 1 }), randomUniform([4, 3], -1, 1, { seed: 2 })];
  assert.deepEqual((copy.apply(xs)).dataSync(), model.apply(xs).dataSync());
  assert.deepEqual(JSON.parse(json).layers[3].inboundNodes, [{ inputs: [['shared', 0, 0], ['shared', 1, 0]], asList: true }]);
}));

test('an intermediate-output model from model.layers[0].output shares the weights', () => tidy(() => {
  clearSession();
  const seq = new Sequential({ layers: [new Dense({ units: 3, activation: 'relu', inputShape: [4] }), new Dense({ units: 2 })] });
  const features = new Model({ inputs: seq.inputs, outputs: seq.layers[0]!.output });
  assert.equal(features.countParams(), 15);
  assert.equal(features.weights[0], seq.weights[0]);
  const x = randomUniform([5, 4], -1, 1, { seed: 4 });
  assert.deepEqual(features.apply(x).dataSync(), seq.layers[0]!.apply(x).dataSync());
  assert.deepEqual(features.outputs[0]!.shape, [null, 3]);

  const input = Input({ shape: [4] });
  const h = new Dense({ units: 6 }).apply(input);
  const model = new Model({ inputs: input, outputs: new Dense({ units: 1 }).apply(h) });
  const hidden = new Model({ inputs: model.inputs, outputs: model.layers[1]!.output });
  assert.deepEqual(hidden.apply(x).shape, [5, 6]);
}));

test('several outputs: call returns an array, apply asks for applyMulti', () => tidy(() => {
  const x = Input({ shape: [2] });
  const y1 = new Dense({ units: 3 }).apply(x);
  const y2 = new Dense({ units: 1 }).apply(y1);
  const model = new Model({ inputs: x, outputs: [y1, y2] });
  const outs = model.call(ones([4, 2])) as Tensor[];
  assert.deepEqual(outs.map((o) => o.shape), [[4, 3], [4, 1]]);
  assert.throws(() => model.apply(ones([4, 2])), /returns 2 outputs; use applyMulti\(\)/);
  assert.deepEqual(model.applyMulti(ones([1, 2])).map((o) => o.shape), [[1, 3], [1, 1]]);
  // A list of one output stays a list, as in Keras.
  const listed = new Model({ inputs: x, outputs: [y2] });
  assert.ok(Array.isArray(listed.call(ones([1, 2]))));
}));

test('a model is a layer: a Sequential inside a functional model', () => tidy(() => {
  clearSession();
  const inner = new Sequential({ layers: [new Dense({ units: 4, inputShape: [3] })] });
  const x = Input({ shape: [3] });
  const outer = new Model({ inputs: x, outputs: new Dense({ units: 1 }).apply(inner.apply(x)) });
  assert.equal(outer.countParams(), 16 + 5);
  assert.match(summaryOf(outer), /│ sequential \(Sequential\) +│ \(None, 4\) +│ +16 │/);
  const copy = Model.fromConfig(JSON.parse(JSON.stringify(outer.getConfig())));
  copy.setWeights(outer.getWeights());
  const data = randomUniform([2, 3], -1, 1, { seed: 5 });
  assert.deepEqual(copy.apply(data).dataSync(), outer.apply(data).dataSync());
  assert.ok(copy.layers[1] instanceof Sequential);
  assert.throws(() => inner.apply(Input({ shape: [5] })), /Model 'sequential': input 'input_layer', which feeds layer 'dense' \(Dense\), expects shape \[null,3\], got \[null,5\]/);
}));

test('contract for training: call inside variableGrads, Variable weights, regularization penalties with gradients', () => {
  clearSession();
  const model = new Sequential({
    layers: [
      new Dense({ units: 2, inputShape: [3], kernelInitializer: 'ones', kernelRegularizer: regularizers.l2({ l2: 0.1 }) }),
      new Dropout({ rate: 0.5, seed: 1 }),
      new Dense({ units: 1, kernelInitializer: 'ones', activityRegularizer: regularizers.l1({ l1: 0.5 }) }),
    ],
  });
  assert.equal(model.stopTraining, false);
  assert.ok(model.trainableWeights.every((w) => w instanceof Variable));
  assert.equal(model.trainableWeights.length, 4);
  const x = tensor([[1, 2, 3]]);
  const before = memory().numTensors;
  for (let step = 0; step < 3; step++) {
    tidy(() => {
      const { value, grads } = variableGrads(() => add(sum(model.call(x, { training: false }) as Tensor), model.regularizationLoss()), model.trainableWeights);
      // hidden = [6, 6], out = 12; activity 0.5·|12| = 6; kernel penalty 0.1·6 = 0.6 → 12 + 6 + 0.6
      assertClose([value.item()], [18.6], 1e-6);
      // d/dK1 = x (through both units, ×1 each) ·(1 + 0.5) + 0.2·K1 = 1.5·x + 0.2
      assertClose(grads[0]!.dataSync(), [1.7, 1.7, 3.2, 3.2, 4.7, 4.7], 1e-5);
      assert.deepEqual(grads.map((g) => g.shape), [[3, 2], [2], [2, 1], [1]]);
    });
  }
  assert.equal(memory().numTensors, before, 'training steps leave nothing behind');
  tidy(() => {
    const train = model.call(ones([64, 3]), { training: true }) as Tensor;
    const infer = model.call(ones([64, 3])) as Tensor;
    assert.notDeepEqual(train.dataSync(), infer.dataSync());
  });
});

test('a subclassed model with its own call tracks the layers in its fields', () => tidy(() => {
  clearSession();
  class TwoLayer extends Model {
    readonly hidden = new Dense({ units: 4, activation: 'relu' });
    readonly head = new Dense({ units: 1 });
    override call(inputs: Tensor | Tensor[]): Tensor {
      return this.head.apply(this.hidden.apply(this.singleInput(inputs)));
    }
  }
  const model = new TwoLayer();
  assert.equal(model.name, 'two_layer');
  assert.deepEqual(model.apply(zeros([2, 3])).shape, [2, 1]);
  assert.equal(model.countParams(), 16 + 5);
  assert.deepEqual(model.layers.map((l) => l.name), ['dense', 'dense_1']);
  assert.deepEqual(model.apply(Input({ shape: [3] })).shape, [null, 1]);
}));

test('graph errors: disconnected inputs, repeated names, inputs not from Input(), wrong input count', () => {
  clearSession();
  const a = Input({ shape: [2], name: 'a' });
  const b = Input({ shape: [2], name: 'b' });
  const s = new Sum().apply([a, b]);
  assert.throws(() => new Model({ inputs: a, outputs: s }), (e: Error) => e instanceof ValueError &&
    e.message === "Model 'functional': the graph is disconnected: layer 'sum' depends on the input 'b' [null,2], which is not among the model's inputs. Add it to inputs.");
  const h = new Dense({ units: 2, name: 'twin' }).apply(a);
  const twin = new Dense({ units: 2, name: 'twin' }).apply(h);
  assert.throws(() => new Model({ inputs: a, outputs: twin }), /layer names must be unique within a model, but 'twin' appear/);
  assert.throws(() => new Model({ inputs: h, outputs: twin }), /inputs\[0\] \('twin\/0'\) was made by layer 'twin'; model inputs must come from Input\(\)/);
  assert.throws(() => new Model({ inputs: a } as never), /give both inputs and outputs, or neither/);
  const model = new Model({ inputs: [a, b], outputs: s, name: 'pair' });
  assert.throws(() => tidy(() => model.apply(ones([1, 2]))), (e: Error) => e instanceof ValueError &&
    e.message === "Model 'pair' expects 2 inputs ('a' [null,2], 'b' [null,2]), got 1. Pass one tensor per input, in the order of model.inputs.");
  assert.throws(() => tidy(() => model.apply([ones([1, 2]), ones([1, 3])])), (e: Error) => e instanceof ShapeError &&
    e.message === "Model 'pair': input 'b', which feeds layer 'sum' (Sum), expects shape [null,2], got [1,3].");
  assert.throws(() => model.getLayer(7), /Model 'pair' has 3 layers; index 7 is out of range/);
});

test('the model fits the training loop: outputNames, and one SGD step by hand', () => tidy(() => {
  clearSession();
  const x = Input({ shape: [2] });
  const y1 = new Dense({ units: 1, name: 'price' }).apply(x);
  const y2 = new Dense({ units: 3, name: 'kind' }).apply(x);
  assert.deepEqual(new Model({ inputs: x, outputs: [y1, y2] }).outputNames, ['price', 'kind']);

  const model = new Sequential({ layers: [new Dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })] });
  assert.deepEqual(model.outputNames, ['dense']);
  model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
  // pred = 1 + 2 = 3, loss (3 - 0)² = 9; dK = 2·3·x = [6, 12], db = 6; step 0.1
  const logs = model.trainOnBatch(tensor([[1, 2]]), tensor([[0]]));
  assertClose([logs['loss']!], [9]);
  assertClose(model.getWeights()[0]!.dataSync(), [0.4, -0.2]);
  assertClose(model.getWeights()[1]!.dataSync(), [-0.6]);
}));
