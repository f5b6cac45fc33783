// Legacy HDF5 whole models with a nested model: its weights, kept under the nested model's group,
// go to its own layers by the layer name in each weight name; a name that names none is an error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError, loadModel, tensor, type Tensor } from '../../src/node/index.js';
import { writeHdf5 } from '../../src/io/keras/hdf5.js';

/** Keras 2's Sequential [Sequential 'block' [Dense 'dense' 2→2], Dense 'head' 2→1]. */
const MODEL_CONFIG = {
  class_name: 'Sequential',
  config: {
    name: 'outer',
    layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 2], dtype: 'float32', name: 'input_1' } },
      {
        class_name: 'Sequential',
        config: {
          name: 'block',
          layers: [
            { class_name: 'InputLayer', config: { batch_input_shape: [null, 2], dtype: 'float32', name: 'input_2' } },
            { class_name: 'Dense', config: { name: 'dense', units: 2, activation: 'linear', use_bias: true } },
          ],
        },
      },
      { class_name: 'Dense', config: { name: 'head', units: 1, activation: 'linear', use_bias: true } },
    ],
  },
};

/** The file as tf.keras 2 writes it, with `blockNames` as the nested model's weight_names. */
function legacyFile(blockNames: string[]): Promise<Uint8Array> {
  const f32 = (shape: number[], values: number[]) => ({ shape, dtype: 'float32' as const, values: Float32Array.from(values) });
  return writeHdf5('nested.h5', (h5) => {
    h5.attribute('/', 'keras_version', '2.15.0');
    h5.attribute('/', 'backend', 'tensorflow');
    h5.attribute('/', 'model_config', JSON.stringify(MODEL_CONFIG));
    h5.group('model_weights');
    h5.attribute('model_weights', 'layer_names', ['input_1', 'block', 'head']);
    h5.group('model_weights/input_1');
    h5.attribute('model_weights/input_1', 'weight_names', []);
    h5.dataset(`model_weights/block/${blockNames[0]}`, f32([2, 2], [1, 2, 3, 4]));
    h5.dataset(`model_weights/block/${blockNames[1]}`, f32([2], [0.5, -1]));
    h5.attribute('model_weights/block', 'weight_names', blockNames);
    h5.dataset('model_weights/head/head/kernel:0', f32([2, 1], [1, 10]));
    h5.dataset('model_weights/head/head/bias:0', f32([1], [0.25]));
    h5.attribute('model_weights/head', 'weight_names', ['head/kernel:0', 'head/bias:0']);
  });
}

test("a nested model's weights in a legacy .h5 go to its own layers; a weight naming none of them is a ValueError", async () => {
  const model = await loadModel(await legacyFile(['dense/kernel:0', 'dense/bias:0']));
  try {
    // [1, 1]·[[1, 2], [3, 4]] + [0.5, -1] = [4.5, 5]; ·[1, 10] + 0.25 = 54.75
    assert.deepEqual((model.predict(tensor([[1, 1]])) as Tensor).arraySync(), [[54.75]]);
  } finally {
    model.dispose();
  }
  await assert.rejects(
    loadModel(await legacyFile(['other/kernel:0', 'other/bias:0'])),
    (e: unknown) => e instanceof ValueError && /the nested model 'block' lists the weight 'other\/kernel:0', which names none of its layers \(input_2, dense\); the file is corrupt\./.test(e.message),
  );
});
