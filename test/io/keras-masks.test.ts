/** Reading Keras 3 functional files whose masks are recorded as operations (NotEqual, Any) passed as `mask` arguments. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layers, tensor, tidy, type Model, type Tensor } from '../../src/index.js';
import { modelConfigFromKeras } from '../../src/io/keras/config.js';
import { assertClose } from '../helpers/grad-check.js';

// What Keras 3.15 writes for Model(Input((4,), int32) → Embedding(5, 2, mask_zero=True) → LSTM(2)).
const KERAS_CONFIG = {"module":"keras.src.models.functional","class_name":"Functional","config":{"name":"functional","trainable":true,"layers":[{"module":"keras.layers","class_name":"InputLayer","config":{"batch_shape":[null,4],"dtype":"int32","sparse":false,"ragged":false,"name":"input_layer","optional":false},"registered_name":null,"name":"input_layer","inbound_nodes":[]},{"module":"keras.layers","class_name":"Embedding","config":{"name":"embedding","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"input_dim":5,"output_dim":2,"embeddings_initializer":{"module":"keras.initializers","class_name":"RandomUniform","config":{"seed":null,"minval":-0.05,"maxval":0.05},"registered_name":null},"embeddings_regularizer":null,"activity_regularizer":null,"embeddings_constraint":null,"mask_zero":true,"quantization_config":null},"registered_name":null,"build_config":{"input_shape":[null,4]},"name":"embedding","inbound_nodes":[{"args":[{"class_name":"__keras_tensor__","config":{"shape":[null,4],"dtype":"int32","keras_history":["input_layer",0,0]}}],"kwargs":{}}]},{"module":"keras.src.ops.numpy","class_name":"NotEqual","config":{"name":"not_equal"},"registered_name":"NotEqual","name":"not_equal","inbound_nodes":[{"args":[{"class_name":"__keras_tensor__","config":{"shape":[null,4],"dtype":"int32","keras_history":["input_layer",0,0]}},0],"kwargs":{}}]},{"module":"keras.layers","class_name":"LSTM","config":{"name":"lstm","trainable":true,"dtype":{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null},"return_sequences":false,"return_state":false,"go_backwards":false,"stateful":false,"unroll":false,"zero_output_for_mask":false,"units":2,"activation":"tanh","recurrent_activation":"sigmoid","use_bias":true,"kernel_initializer":{"module":"keras.initializers","class_name":"GlorotUniform","config":{"seed":null,"input_axes":null,"output_axes":null},"registered_name":null},"recurrent_initializer":{"module":"keras.initializers","class_name":"Orthogonal","config":{"seed":null,"gain":1.0},"registered_name":null},"bias_initializer":{"module":"keras.initializers","class_name":"Zeros","config":{},"registered_name":null},"unit_forget_bias":true,"kernel_regularizer":null,"recurrent_regularizer":null,"bias_regularizer":null,"activity_regularizer":null,"kernel_constraint":null,"recurrent_constraint":null,"bias_constraint":null,"dropout":0.0,"recurrent_dropout":0.0,"seed":null},"registered_name":null,"build_config":{"input_shape":[null,4,2]},"name":"lstm","inbound_nodes":[{"args":[{"class_name":"__keras_tensor__","config":{"shape":[null,4,2],"dtype":"float32","keras_history":["embedding",0,0]}}],"kwargs":{"training":false,"mask":{"class_name":"__keras_tensor__","config":{"shape":[null,4],"dtype":"bool","keras_history":["not_equal",0,0]}}}}]}],"input_layers":["input_layer",0,0],"output_layers":["lstm",0,0]},"registered_name":"Functional","build_config":{"input_shape":null},"compile_config":{}};

test('a Keras functional model with an Embedding mask: the NotEqual operation is left out and the mask still reaches the LSTM', () => tidy(() => {
  const model = layers.deserializeLayer(modelConfigFromKeras(KERAS_CONFIG, 'model.keras')) as Model;
  assert.deepEqual(model.layers.map((l) => (l.constructor as typeof layers.Layer).className), ['InputLayer', 'Embedding', 'LSTM']);
  const padded = model.predict(tensor([[3, 1, 0, 0]], [1, 4], 'int32')) as Tensor;
  const [embedding, lstm] = [model.layers[1]!, model.layers[2]!];
  const alone = lstm.apply(embedding.apply(tensor([[3, 1]], [1, 2], 'int32')));
  assertClose(padded.dataSync(), alone.dataSync(), 1e-6, 'the padding steps are skipped');
  model.dispose();
}));

test('only the mask operations are left out: another operation in their place is still refused', () => {
  const config = JSON.parse(JSON.stringify(KERAS_CONFIG)) as { config: { layers: { class_name: string; name: string }[] } };
  const op = config.config.layers.find((l) => l.class_name === 'NotEqual')!;
  op.class_name = 'Multiply';
  assert.throws(() => modelConfigFromKeras(config, 'model.keras'), /layer 'not_equal' \(Multiply\) is called with 2 positional arguments/);
});
