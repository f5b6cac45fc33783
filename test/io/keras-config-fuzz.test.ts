/**
 * The Keras config translators fuzzed: every mutation of valid Keras model and compile configs
 * (the Keras 3 and Keras 2 forms Strata writes, and a Keras 3 functional config with dict nodes)
 * gives a typed error, or a config that builds a model — never a TypeError from deep inside: byte
 * mutations (fuzzDecoder), and mutations of the JSON tree (a value replaced by one of another type,
 * a key removed), which reach far more of the translators. Short runs with fixed seeds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { strFromU8, strToU8 } from 'fflate';
import { modelConfigFromKeras, modelConfigToKeras, trainingConfigFromKeras, trainingConfigToKeras } from '../../src/io/keras/config.js';
import { Input, deserializeLayer, serializeLayer } from '../../src/layers/index.js';
import { Model } from '../../src/models/model.js';
import { Sequential } from '../../src/models/sequential.js';
import { StrataError, layers } from '../../src/index.js';
import { describeReport, fuzzDecoder } from '../helpers/fuzz.js';

/**
 * Translates one parsed file and builds the model, as loading does. The translators must refuse
 * with typed errors themselves; what a layer's constructor throws, loading wraps in a ValueError
 * naming the file (models/loading.ts), so here any error from the build counts as a refusal.
 */
function translate(parsed: { model?: unknown; compile?: unknown } | null): void {
  trainingConfigFromKeras(parsed?.compile, 'fuzz.json', { outputs: 2 });
  const config = modelConfigFromKeras(parsed?.model, 'fuzz.json');
  let model;
  try {
    model = deserializeLayer(config);
  } catch (e) {
    throw new StrataError(`fuzz.json: cannot rebuild the model: ${(e as Error).message}`);
  }
  model.dispose();
}

function seeds(): Uint8Array[] {
  const seq = new Sequential({ layers: [
    layers.inputLayer({ shape: [6, 3] }), layers.lstm({ units: 2, returnSequences: true }), layers.conv1d({ filters: 2, kernelSize: 2 }),
    layers.globalAveragePooling1d(), layers.dense({ units: 2, kernelRegularizer: 'l2' }), layers.leakyReLU(),
  ] });
  const x = Input({ shape: [4] });
  const d = layers.dense({ units: 4 });
  const fun = new Model({ inputs: x, outputs: [layers.add().apply([d.apply(x) as never, x]) as never, d.apply(x) as never] });
  const training = {
    optimizer: { className: 'Adam', config: { name: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false } },
    losses: [{ className: 'BinaryCrossentropy', config: { name: 'binaryCrossentropy', fromLogits: true, labelSmoothing: 0 } }],
    lossWeights: [1],
    metrics: [[{ className: 'BinaryAccuracy', config: { name: 'accuracy', threshold: 0.5 } }]],
  };
  const out: Uint8Array[] = [];
  for (const flavour of ['keras3', 'keras2'] as const) {
    for (const m of [seq, fun]) out.push(strToU8(JSON.stringify({ model: modelConfigToKeras(serializeLayer(m), flavour), compile: trainingConfigToKeras(training, flavour) })));
  }
  seq.dispose();
  fun.dispose();
  const t = (name: string): unknown => ({ class_name: '__keras_tensor__', config: { shape: [null, 2], dtype: 'float32', keras_history: [name, 0, 0] } });
  out.push(strToU8(JSON.stringify({ model: { module: 'keras.src.models.functional', class_name: 'Functional', config: { name: 'f', trainable: true, layers: [
    { module: 'keras.layers', class_name: 'InputLayer', name: 'x', config: { batch_shape: [null, 2], dtype: 'float32', name: 'x' }, inbound_nodes: [] },
    { module: 'keras.layers', class_name: 'Dense', name: 'd', config: { name: 'd', units: 2, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' } } }, inbound_nodes: [{ args: [t('x')], kwargs: { mask: null } }] },
    { module: 'keras.layers', class_name: 'Concatenate', name: 'c', config: { name: 'c', axis: -1 }, inbound_nodes: [{ args: [[t('x'), t('d')]], kwargs: {} }] },
  ], input_layers: ['x', 0, 0], output_layers: ['c', 0, 0] } }, compile: { optimizer: 'sgd', loss: 'mse', metrics: ['mae'] } })));
  return out;
}

test('fuzz: Keras model and compile configs give typed errors or models', { timeout: 120_000 }, async (t) => {
  const report = await fuzzDecoder({
    name: 'keras config',
    seeds: seeds(),
    runs: 300,
    decode: (bytes) => {
      let parsed: { model?: unknown; compile?: unknown };
      try {
        parsed = JSON.parse(strFromU8(bytes));
      } catch {
        return undefined; // not JSON: the container's reader refuses it before a translator sees it
      }
      translate(parsed);
      return parsed;
    },
  });
  t.diagnostic(describeReport('keras config', report));
});

/** Every place in a JSON tree: the container and the key or index of each value. */
function places(x: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []): [Record<string, unknown> | unknown[], string | number][] {
  if (Array.isArray(x)) x.forEach((v, i) => (out.push([x, i]), places(v, out)));
  else if (typeof x === 'object' && x !== null) for (const [k, v] of Object.entries(x)) (out.push([x as Record<string, unknown>, k]), places(v, out));
  return out;
}

const HOSTILE: unknown[] = [null, -1, 0, 1.5, 1e12, Number.MAX_SAFE_INTEGER, '', 'x', 'channels_first', true, [], [null], [-1, 2], {}, { class_name: 'Dense' }, { class_name: '__keras_tensor__', config: {} }];

test('fuzz: Keras configs with values of the wrong type or missing keys give typed errors or models', () => {
  let state = 7;
  const next = (n: number): number => ((state = (state * 1103515245 + 12345) % 2 ** 31), state % n);
  const bases = seeds().map((b) => strFromU8(b));
  let refused = 0;
  const runs = Number(process.env['FUZZ_RUNS'] ?? 600);
  for (let i = 0; i < runs; i++) {
    const parsed = JSON.parse(bases[next(bases.length)]!) as { model?: unknown; compile?: unknown };
    const spots = places(parsed);
    for (let m = 0, count = 1 + next(3); m < count; m++) {
      const [where, key] = spots[next(spots.length)]!;
      if (next(4) === 0 && !Array.isArray(where)) delete (where as Record<string, unknown>)[key as string];
      else (where as Record<string | number, unknown>)[key] = structuredClone(HOSTILE[next(HOSTILE.length)]);
    }
    try {
      translate(parsed);
    } catch (e) {
      assert.ok(e instanceof StrataError, `case ${i}: ${(e as Error).stack}\n${JSON.stringify(parsed).slice(0, 2000)}`);
      refused++;
    }
  }
  assert.ok(refused > runs / 4, `only ${refused} of ${runs} mutated configs were refused`);
});
