import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Input, Model, ShapeError, ValueError, add, grad, layers, memory, mul, ones, regularizers, sum, tensor, tidy, variableGrads, zeros,
  type SymbolicShape, type Tensor, type Variable,
} from '../../src/index.js';
import { assertClose } from '../helpers/grad-check.js';
import { runLayerTest } from '../helpers/layer-test.js';

const { Dense, Layer, InputLayer, clearSession } = layers;

/** A user layer with one trainable weight (a per-feature scale) and one non-trainable weight (a shift). */
class ScaleShift extends Layer {
  static override readonly className = 'ScaleShift';
  scale!: Variable;
  shift!: Variable;

  override build(inputShape: SymbolicShape): void {
    const features = inputShape[inputShape.length - 1]!;
    this.scale = this.addWeight('scale', [features], { initializer: 'ones' });
    this.shift = this.addWeight('shift', [features], { initializer: { className: 'Constant', config: { value: 0.5 } }, trainable: false });
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return add(mul(this.singleInput(inputs), this.scale), this.shift);
  }
}
layers.registerLayer(ScaleShift);

/** A user layer made of two Dense layers, without computeOutputShape: its weights are found through its fields. */
class TwoDense extends Layer {
  readonly first = new Dense({ units: 4, activation: 'relu' });
  readonly second = new Dense({ units: 2 });

  override call(inputs: Tensor | Tensor[]): Tensor {
    return this.second.apply(this.first.apply(this.singleInput(inputs)));
  }
}

test('automatic names: snake_case class name, numbered; weight names layer/weight', () => {
  clearSession();
  assert.equal(new Dense({ units: 1 }).name, 'dense');
  assert.equal(new Dense({ units: 1 }).name, 'dense_1');
  assert.equal(new InputLayer({ shape: [2] }).name, 'input_layer');
  assert.equal(new ScaleShift().name, 'scale_shift');
  assert.equal(new Dense({ units: 1, name: 'out' }).name, 'out');
  const d = new Dense({ units: 3 });
  d.apply(zeros([1, 2]));
  assert.deepEqual(d.weights.map((w) => w.name), ['dense_2/kernel', 'dense_2/bias']);
  assert.deepEqual(['Dense', 'InputLayer', 'Conv2D', 'GRUCell', 'BatchNormalization'].map(layers.toSnakeCase), ['dense', 'input_layer', 'conv2d', 'gru_cell', 'batch_normalization']);
  assert.throws(() => new Dense({ units: 1, name: 'a/b' }), /name must be a non-empty string without '\/'/);
});

test('a custom subclassed layer: build on first call, weights, output, config round trip', () => {
  runLayerTest('ScaleShift', { make: () => new ScaleShift(), inputShape: [2, 3], expectedOutputShape: [2, 3], expectedTrainableWeights: 1, expectedNonTrainableWeights: 1 });
  tidy(() => {
    const layer = new ScaleShift();
    assert.deepEqual(layer.apply(tensor([[1, 2], [3, 4]])).arraySync(), [[1.5, 2.5], [3.5, 4.5]]);
    assert.deepEqual(layer.weights.map((w) => w.name), [`${layer.name}/scale`, `${layer.name}/shift`]);
    assert.equal(layer.countParams(), 4);
    assert.deepEqual(layers.serializeLayer(layer), { className: 'ScaleShift', config: { name: layer.name, trainable: true, dtype: 'float32', activityRegularizer: null } });
  });
});

test('a custom layer made of layers tracks their weights and infers its output shape by running once', () => tidy(() => {
  const block = new TwoDense();
  const x = Input({ shape: [3] });
  const y = block.apply(x);
  assert.deepEqual(y.shape, [null, 2]);
  assert.equal(block.weights.length, 4);
  assert.equal(block.countParams(), (3 + 1) * 4 + (4 + 1) * 2);
  const model = new Model({ inputs: x, outputs: y });
  assert.equal(model.countParams(), 26);
  assert.deepEqual(model.apply(ones([5, 3])).shape, [5, 2]);
  block.trainable = false;
  assert.equal(model.trainableWeights.length, 0);
  assert.equal(block.first.trainable, false);
  assert.throws(() => layers.serializeLayer(block), /the layer class 'TwoDense' is not registered; call registerLayer\(TwoDense\)/);
}));

test('trainable = false moves the weights to nonTrainableWeights and back', () => tidy(() => {
  const d = new Dense({ units: 2 });
  d.apply(zeros([1, 3]));
  d.trainable = false;
  assert.deepEqual([d.trainableWeights.length, d.nonTrainableWeights.length], [0, 2]);
  assert.ok(d.weights.every((w) => !w.trainable));
  d.trainable = true;
  assert.deepEqual([d.trainableWeights.length, d.nonTrainableWeights.length], [2, 0]);
  // A weight made non-trainable stays so when the layer is unfrozen.
  const s = new ScaleShift();
  s.apply(zeros([1, 2]));
  s.trainable = false;
  s.trainable = true;
  assert.deepEqual(s.trainableWeights.map((w) => w.name), [`${s.name}/scale`]);
  assert.equal(new Dense({ units: 1, trainable: false }).trainable, false);
}));

test('getWeights / setWeights in a fixed order, with typed errors', () => tidy(() => {
  const d = new Dense({ units: 2 });
  d.apply(zeros([1, 3]));
  const snapshot = d.getWeights();
  d.setWeights([ones([3, 2]), tensor([1, 2])]);
  assert.deepEqual(d.getWeights()[1]!.arraySync(), [1, 2]);
  assert.notDeepEqual(snapshot[1]!.arraySync(), [1, 2]);
  assert.throws(() => d.setWeights([ones([3, 2])]), (e: Error) => e instanceof ValueError && /has 2 weights \(dense(_\d+)?\/kernel \[3,2\], dense(_\d+)?\/bias \[2\]\) but 1 tensors were given/.test(e.message));
  assert.throws(() => d.setWeights([ones([2, 3]), ones([2])]), (e: Error) => e instanceof ShapeError && /weight 'dense(_\d+)?\/kernel' has shape \[3,2\], but value 0 has shape \[2,3\]/.test(e.message));
  // Values of another dtype are cast.
  d.setWeights([ones([3, 2], 'float64'), tensor([0, 0], undefined, 'int32')]);
  assert.equal(d.weights[1]!.dtype, 'float32');
}));

test('losses: activity penalty of the last call plus weight penalties (Keras 3: not divided by the batch)', () => tidy(() => {
  // Keras's own example: kernel of ones with L1(0.01) → 0.25; outputs all 10 with L2(0.01) → 25 · 100 · 0.01 = 25.
  const d = new Dense({ units: 5, kernelInitializer: 'ones', kernelRegularizer: regularizers.l1({ l1: 0.01 }), activityRegularizer: regularizers.l2({ l2: 0.01 }) });
  const x = mul(ones([5, 5]), 2);
  d.apply(x);
  assertClose(d.losses.map((l) => l.item()), [25, 0.25], 1e-6);
  assertClose([d.regularizationLoss().item()], [25.25], 1e-6);
  // The next outermost call replaces the activity losses.
  d.apply(ones([1, 5]));
  assertClose(d.losses.map((l) => l.item()), [0.01 * 25 * 5, 0.25], 1e-6);
  // Gradients flow through them: d/dK of 0.01·Σ|K| is 0.01 everywhere, plus the activity term.
  const { grads } = variableGrads(() => {
    d.apply(zeros([1, 5]));
    return d.regularizationLoss();
  }, [d.weights[0]!]);
  assertClose(grads[0]!.dataSync(), new Array(25).fill(0.01), 1e-6);
  // A frozen layer's weights are not penalised.
  d.trainable = false;
  assert.equal(d.losses.length, 1);
  assert.equal(new Dense({ units: 1 }).regularizationLoss().item(), 0);
}));

test('a call leaves nothing behind but its output, even with regularizers; losses only the penalties', () => {
  const d = new Dense({ units: 3, activityRegularizer: 'l2', kernelRegularizer: 'l1', biasRegularizer: 'l2' });
  const x = ones([2, 4]);
  d.apply(x).dispose();
  const before = memory().numTensors;
  for (let i = 0; i < 5; i++) d.apply(x).dispose();
  assert.equal(memory().numTensors, before);
  const losses = d.losses;
  assert.equal(losses.length, 3);
  assert.equal(memory().numTensors, before + 2, 'the two weight penalties, made on demand');
  losses.slice(1).forEach((l) => l.dispose());
  d.regularizationLoss().dispose();
  assert.equal(memory().numTensors, before);
  x.dispose();
});

test('symbolic calls record input, output and shapes (batch null)', () => {
  const x = Input({ shape: [28, 28], name: 'pixels' });
  assert.deepEqual(x.shape, [null, 28, 28]);
  assert.equal(x.sourceLayer.name, 'pixels');
  const flat = new layers.Flatten();
  const h = flat.apply(x);
  assert.equal(flat.input, x);
  assert.equal(flat.output, h);
  assert.deepEqual(flat.inputShape, [null, 28, 28]);
  assert.deepEqual(flat.outputShape, [null, 784]);
  assert.deepEqual(Input({ shape: [3], batchSize: 8 }).shape, [8, 3]);
  assert.deepEqual(Input({ batchShape: [null, null, 4], dtype: 'int32' }).dtype, 'int32');
  assert.throws(() => new Dense({ units: 1 }).output, /has never been called on a symbolic input, so it has no output/);
  assert.throws(() => Input({} as { shape: number[] }), /give the shape of one sample/);
  assert.throws(() => new Dense({ units: 1 }).apply([x, tensor([1]) as never]), /expects Tensors \(to compute\) or SymbolicTensors from Input\(\) \(to define a model\), all of one kind; got SymbolicTensor, Tensor/);
});

test('shape errors name the layer, the shapes and a hint', () => {
  clearSession();
  new Dense({ units: 1 });
  const d = new Dense({ units: 10 });
  tidy(() => d.apply(zeros([2, 784])));
  assert.throws(() => tidy(() => d.apply(zeros([32, 28, 28]))), (e: Error) => e instanceof ShapeError &&
    e.message === "Layer 'dense_1' (Dense) expected input with last dimension 784, got shape [32,28,28]. Did you forget a Flatten layer?");
  assert.throws(() => d.apply(Input({ shape: [100] })), (e: Error) => e instanceof ShapeError &&
    e.message === "Layer 'dense_1' (Dense) expected input with last dimension 784, got shape [null,100].");
  assert.throws(() => tidy(() => new Dense({ units: 2 }).apply(zeros([3]))), (e: Error) => e instanceof ShapeError &&
    /expected input of rank at least 2, got shape \[3\] \(rank 1\). The first axis is the batch: for one sample add it with expandDims\(x, 0\); for a batch of scalars use reshape\(x, \[3, 1\]\)\./.test(e.message));
  assert.throws(() => new Dense({ units: 2 }).apply(Input({ shape: [null] })), /needs the last dimension of its input to make its kernel, but it is unknown in shape \[null,null\]/);
  assert.throws(() => tidy(() => layers.checkInputSpec("Layer 'conv' (Conv2D)", { ndim: 4 }, [32, 28, 28])), (e: Error) =>
    e.message === "Layer 'conv' (Conv2D) expected input of rank 4, got shape [32,28,28] (rank 3). If the data have no channel axis, add one: reshape(x, [32, 28, 28, 1]) or expandDims(x, -1).");
  assert.throws(() => d.countParams.call(new Dense({ units: 3 })), /is not built yet, so it has no weights to count/);
});

test('a layer with two outputs: apply asks for applyMulti', () => tidy(() => {
  class Split extends Layer {
    override call(inputs: Tensor | Tensor[]): Tensor[] {
      const x = this.singleInput(inputs);
      return [x, mul(x, 2)];
    }
  }
  const s = new Split();
  assert.throws(() => s.apply(ones([1, 2])), /returns 2 outputs; use applyMulti\(\) to get them as an array/);
  const [a, b] = s.applyMulti(ones([1, 2]));
  assert.deepEqual(b!.arraySync(), [[2, 2]]);
  assert.deepEqual(a!.arraySync(), [[1, 1]]);
  const outs = s.applyMulti(Input({ shape: [2] }));
  assert.deepEqual(outs.map((o) => o.shape), [[null, 2], [null, 2]]);
  const g = grad((x) => sum(new Dense({ units: 1, kernelInitializer: 'ones' }).apply(x)))(ones([2, 3]));
  assert.deepEqual(g.arraySync(), [[1, 1, 1], [1, 1, 1]]);
}));
