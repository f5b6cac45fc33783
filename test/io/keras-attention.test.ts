/**
 * The attention layers in .keras archives without Keras at hand: MultiHeadAttention's weights in
 * Keras 3's groups, its calls in Keras 3's {args, kwargs} form with the call options, read back.
 * (test/io/keras-peer.test.ts checks the same files against the real Keras.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { unzipSync } from 'fflate';
import * as s from '../../src/node/index.js';
import { assertClose } from '../helpers/grad-check.js';

const { layers } = s;

test('a model with MultiHeadAttention, Attention and AdditiveAttention saved as .keras: Keras 3 call nodes and weight groups, and back with the same predictions', async () => {
  s.setSeed(21);
  const x = s.Input({ shape: [5, 6] });
  const c = s.Input({ shape: [4, 6] });
  const selfAttended = layers.multiHeadAttention({ numHeads: 2, keyDim: 3, name: 'mha' }).apply([x, x], { useCausalMask: true });
  const [cross, scores] = layers.multiHeadAttention({ numHeads: 2, keyDim: 4, valueDim: 2, outputShape: 5, useBias: false }).applyMulti([selfAttended, c], { returnAttentionScores: true });
  const additive = layers.additiveAttention().apply([x, c, c]);
  const model = s.model({ inputs: [x, c], outputs: [cross!, scores!, additive] });
  const dir = mkdtempSync(join(tmpdir(), 'strata-keras-attention-'));
  try {
    const path = join(dir, 'attention.keras');
    await model.save(path);
    const files = unzipSync(readFileSync(path));
    const config = JSON.parse(new TextDecoder().decode(files['config.json']!)) as { config: { layers: { class_name: string; name: string; inbound_nodes: unknown[] }[] } };
    const mha = config.config.layers.find((l) => l.name === 'mha')!;
    const node = mha.inbound_nodes[0] as { args: { class_name: string; config: { keras_history: unknown[] } }[]; kwargs: unknown };
    assert.deepEqual(node.args.map((a) => [a.class_name, a.config.keras_history]), [['__keras_tensor__', [x.sourceLayer.name, 0, 0]], ['__keras_tensor__', [x.sourceLayer.name, 0, 0]]]);
    assert.deepEqual(node.kwargs, { use_causal_mask: true });
    const additiveNode = config.config.layers.find((l) => l.class_name === 'AdditiveAttention')!.inbound_nodes[0] as unknown[][];
    assert.equal(additiveNode.length, 3, 'Attention layers take one list, written as Keras 2 lists');
    const loaded = await s.loadModel(path);
    const inputs = [s.randomNormal([2, 5, 6]), s.randomNormal([2, 4, 6])];
    const want = model.predict(inputs) as s.Tensor[];
    const got = loaded.predict(inputs) as s.Tensor[];
    want.forEach((w, i) => assertClose(got[i]!.dataSync(), w.dataSync(), 1e-6, `output ${i}`));
    const options = (loaded.getConfig() as { layers: { className: string; inboundNodes: { options?: unknown }[] }[] }).layers
      .filter((l) => l.className === 'MultiHeadAttention').map((l) => l.inboundNodes[0]!.options);
    assert.deepEqual(options, [{ useCausalMask: true }, { returnAttentionScores: true }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Keras 3's MultiHeadAttention config and call, as Keras writes them, read: use_gate and sliding_window off, attention_axes [1], use_causal_mask kept", () => {
  const tensor = (layer: string, shape: (number | null)[]): unknown => ({ class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: [layer, 0, 0] } });
  const keras = {
    module: 'keras', class_name: 'Functional', registered_name: 'Functional',
    config: {
      name: 'functional', trainable: true,
      layers: [
        { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 4, 6], dtype: 'float32', sparse: false, name: 'q' }, name: 'q', inbound_nodes: [] },
        { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 5, 6], dtype: 'float32', sparse: false, name: 'v' }, name: 'v', inbound_nodes: [] },
        {
          module: 'keras.layers', class_name: 'MultiHeadAttention', name: 'multi_head_attention',
          config: {
            name: 'multi_head_attention', trainable: true, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
            num_heads: 2, key_dim: 3, value_dim: 3, dropout: 0.0, use_bias: true, use_gate: false, output_shape: null, attention_axes: [1], sliding_window: null,
            kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
            bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
            kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null, seed: null,
          },
          inbound_nodes: [{ args: [tensor('q', [null, 4, 6]), tensor('v', [null, 5, 6])], kwargs: { use_causal_mask: true } }],
        },
      ],
      input_layers: [['q', 0, 0], ['v', 0, 0]],
      output_layers: ['multi_head_attention', 0, 0],
    },
  };
  const model = s.layers.deserializeLayer(s.modelConfigFromKeras(keras, 'mha.keras')) as s.Model;
  const mha = model.getLayer('multi_head_attention') as s.layers.MultiHeadAttention;
  assert.equal(mha.countParams(), 3 * (6 + 1) * 2 * 3 + 2 * 3 * 6 + 6);
  const y = model.predict([s.randomNormal([1, 4, 6]), s.randomNormal([1, 5, 6])]) as s.Tensor;
  assert.deepEqual(y.shape, [1, 4, 6]);
  const config = model.getConfig() as { layers: { name: string; inboundNodes: { asList: boolean; options?: unknown }[] }[] };
  assert.deepEqual(config.layers.find((l) => l.name === 'multi_head_attention')!.inboundNodes[0], { inputs: [['q', 0, 0], ['v', 0, 0]], asList: true, options: { useCausalMask: true } });
  const passing = structuredClone(keras);
  (passing.config.layers[2]!.inbound_nodes[0] as { kwargs: unknown }).kwargs = { attention_mask: tensor('q', [null, 4, 5]) };
  assert.throws(() => s.modelConfigFromKeras(passing, 'mha.keras'), (e: Error) => e instanceof s.NotSupportedError && /passes attention_mask/.test(e.message));
});
