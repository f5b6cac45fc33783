/** One harness that checks any layer, as Keras's run_layer_test does: shapes, weights, config round trip, training mode, gradients, memory. */
import assert from 'node:assert/strict';
import {
  Input, cast, floor, layers, memory, randomUniform, sum, tidy, variableGrads,
} from '../../src/index.js';

/** What to check about a layer. */
export interface LayerTestSpec {
  /** Makes a fresh, unbuilt layer. */
  make: () => layers.Layer;
  /** The shape of the test input, batch axis first. */
  inputShape: number[];
  /** The output shape for that input. */
  expectedOutputShape: number[];
  /** Number of trainable weights after the first call (default 0). */
  expectedTrainableWeights?: number;
  /** Number of non-trainable weights after the first call (default 0). */
  expectedNonTrainableWeights?: number;
  /** True if `training: true` must change the output (Dropout); otherwise it must not. */
  trainingDiffers?: boolean;
  /** The interval the input is drawn from (default [-2, 2]). */
  inputRange?: [number, number];
  /** `int32` draws whole numbers in [low, high) from `inputRange` (ids for an Embedding); default float32. */
  inputDtype?: 'float32' | 'int32';
}

/**
 * Asserts, for the layer `spec.make()` makes:
 * - the output shape of a real call, and that `computeOutputShape` and a symbolic call (batch
 *   unknown) agree with it;
 * - the number of trainable and non-trainable weights, and unique weight names prefixed by the layer's name;
 * - the config survives JSON: the layer rebuilt from it, given the same weights, gives the same output;
 * - `training: true` changes the output exactly when `trainingDiffers`;
 * - gradients reach every trainable weight, with its shape;
 * - a call of the built layer leaves no tensor behind but its output.
 */
export function runLayerTest(name: string, spec: LayerTestSpec): void {
  const [low, high] = spec.inputRange ?? [-2, 2];
  const drawn = randomUniform(spec.inputShape, low, high, { seed: 1 });
  const input = spec.inputDtype === 'int32' ? tidy(() => cast(floor(drawn), 'int32')) : drawn;
  if (input !== drawn) drawn.dispose();
  const layer = spec.make();
  assert.equal(layer.built, false, `${name}: a new layer is not built`);

  const y = layer.apply(input);
  assert.ok(layer.built, `${name}: the first call builds the layer`);
  const before = memory().numTensors;
  const again = layer.apply(input);
  assert.equal(memory().numTensors, before + (again === input ? 0 : 1), `${name}: a call leaves only its output behind`);
  if (again !== input) again.dispose();
  assert.deepEqual(y.shape, spec.expectedOutputShape, `${name}: output shape`);

  const symbolicShape = [null, ...spec.inputShape.slice(1)];
  const expectedSymbolic = [null, ...spec.expectedOutputShape.slice(1)];
  assert.deepEqual(layer.computeOutputShape(spec.inputShape), spec.expectedOutputShape, `${name}: computeOutputShape of the real shape`);
  assert.deepEqual(layer.computeOutputShape(symbolicShape), expectedSymbolic, `${name}: computeOutputShape with an unknown batch`);
  const fresh = spec.make();
  const symbolic = fresh.apply(Input({ shape: spec.inputShape.slice(1), dtype: spec.inputDtype }));
  assert.deepEqual(symbolic.shape, expectedSymbolic, `${name}: symbolic output shape`);
  assert.deepEqual(fresh.outputShape, expectedSymbolic, `${name}: layer.outputShape`);
  fresh.dispose();

  assert.equal(layer.trainableWeights.length, spec.expectedTrainableWeights ?? 0, `${name}: trainable weights`);
  assert.equal(layer.nonTrainableWeights.length, spec.expectedNonTrainableWeights ?? 0, `${name}: non-trainable weights`);
  const names = layer.weights.map((w) => w.name);
  assert.equal(new Set(names).size, names.length, `${name}: weight names are unique: ${names.join(', ')}`);
  for (const n of names) assert.ok(n.startsWith(`${layer.name}/`), `${name}: weight '${n}' is named after its layer`);
  assert.equal(layer.countParams(), layer.weights.reduce((s, w) => s + w.size, 0), `${name}: countParams`);

  const json = JSON.parse(JSON.stringify(layers.serializeLayer(layer)));
  const copy = layers.deserializeLayer(json);
  assert.equal(copy.constructor, layer.constructor, `${name}: the config rebuilds the same class`);
  assert.deepEqual(copy.getConfig(), layer.getConfig(), `${name}: the rebuilt layer has the same config`);
  tidy(() => {
    copy.apply(input);
    copy.setWeights(layer.getWeights());
    assert.deepEqual(copy.apply(input).dataSync(), y.dataSync(), `${name}: the rebuilt layer with the same weights gives the same output`);
  });
  copy.dispose();

  tidy(() => {
    const trained = layer.apply(input, { training: true }).dataSync();
    const differs = trained.some((v, i) => v !== y.dataSync()[i]);
    assert.equal(differs, spec.trainingDiffers ?? false, `${name}: training mode ${spec.trainingDiffers ? 'changes' : 'does not change'} the output`);
  });

  const trainable = layer.trainableWeights;
  if (trainable.length) {
    tidy(() => {
      const { grads } = variableGrads(() => sum(layer.apply(input)), trainable);
      grads.forEach((g, i) => {
        assert.deepEqual(g.shape, trainable[i]!.shape, `${name}: gradient of '${trainable[i]!.name}' has its shape`);
        assert.ok(g.dataSync().some((v) => v !== 0), `${name}: gradient of '${trainable[i]!.name}' is not all zero`);
      });
    });
  }
  if (y !== input) y.dispose();
  layer.dispose();
  input.dispose();
}
