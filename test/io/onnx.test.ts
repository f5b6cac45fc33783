/**
 * ONNX export: each exportable layer family, saved with `model.save('….onnx')`, run in
 * onnxruntime-node, predicts what Strata predicts (within 1e-4); ONNX's own checker accepts every
 * file; layers ONNX cannot express give a NotSupportedError naming the layer.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as s from '../../src/node/index.js';
import { onnxPython } from '../helpers/python.js';

const L = s.layers;
const dir = mkdtempSync(join(tmpdir(), 'strata-onnx-'));
const written: string[] = [];
const ort = await import('onnxruntime-node');

/** Gives every weight random values (positive ones for variances), so that biases and statistics are tested too. */
function randomize(model: s.Model, seed: number): void {
  s.setSeed(seed);
  for (const w of model.weights) {
    const r = s.randomNormal(w.shape, 0, 0.5);
    w.assign(w.name.endsWith('moving_variance') ? s.add(s.abs(r), 0.5) : r);
    r.dispose();
  }
}

/**
 * Feeds `inputs` to `model` in Strata and to its ONNX export (saved by `model.save`, or made from
 * `artifacts` when given) in onnxruntime; asserts every output agrees within 1e-4.
 */
async function agrees(name: string, model: s.Model, inputs: s.Tensor[], artifacts?: s.ModelArtifacts): Promise<void> {
  const path = join(dir, `${name}.onnx`);
  if (artifacts) writeFileSync(path, await s.artifactsToOnnx(artifacts, path));
  else await model.save(path);
  written.push(path);
  const session = await ort.InferenceSession.create(readFileSync(path));
  const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
  session.inputNames.forEach((n, i) => {
    const x = inputs[i]!;
    feeds[n] = x.dtype === 'int32' ? new ort.Tensor('int32', x.dataSync() as Int32Array, x.shape) : new ort.Tensor('float32', x.dataSync() as Float32Array, x.shape);
  });
  const got = await session.run(feeds);
  const predicted = model.predict(inputs.length === 1 ? inputs[0]! : inputs);
  const want = Array.isArray(predicted) ? predicted : [predicted];
  assert.equal(session.outputNames.length, want.length, `${name}: number of outputs`);
  session.outputNames.forEach((n, i) => {
    const out = got[n]!;
    assert.deepEqual([...out.dims], want[i]!.shape, `${name}: shape of output ${n}`);
    const a = want[i]!.dataSync();
    const b = out.data as Float32Array;
    let worst = 0;
    // 1e-4, relative to the value where it exceeds 1 (exp of a large logit has float32's relative precision only).
    for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k]! - b[k]!) / Math.max(1, Math.abs(a[k]!)));
    assert.ok(worst <= 1e-4, `${name}: output ${n} differs from Strata's by up to ${worst} (relative above 1)`);
  });
}

const sequential = (inputShape: (number | null)[], layers: s.layers.Layer[]): s.Model => {
  const model = new s.Sequential({ layers: [new L.InputLayer({ shape: inputShape }), ...layers] });
  randomize(model, 3);
  return model;
};

test('Dense and every activation with an ONNX form (one output per activation)', async () => {
  const x = s.Input({ shape: [6] });
  const h = new L.Dense({ units: 5 }).apply(x) as s.SymbolicTensor;
  const names = ['linear', 'relu', 'relu6', 'leaky_relu', 'elu', 'selu', 'gelu', 'sigmoid', 'hard_sigmoid', 'tanh', 'softmax', 'log_softmax', 'softplus', 'softsign', 'silu', 'swish', 'mish', 'exponential'];
  const outputs = names.map((a) => new L.Activation({ activation: a, name: `act_${a}` }).apply(h) as s.SymbolicTensor);
  const model = new s.Model({ inputs: x, outputs: [...outputs, new L.Dense({ units: 3, activation: 'tanh', useBias: false }).apply(h) as s.SymbolicTensor] });
  randomize(model, 1);
  s.setSeed(2);
  await agrees('activations', model, [s.mul(s.randomNormal([4, 6]), 3)]);
});

test('Dense over a sequence (MatMul on rank 3)', async () => {
  await agrees('dense-seq', sequential([3, 4], [new L.Dense({ units: 2, activation: 'relu' }), new L.Dropout({ rate: 0.5 }), new L.Flatten()]), [s.randomNormal([2, 3, 4])]);
});

test('Conv2D: same and valid padding, strides, dilation, groups, channels first', async () => {
  const model = sequential([9, 8, 4], [
    new L.Conv2D({ filters: 6, kernelSize: 3, padding: 'same', strides: 2, activation: 'relu' }),
    new L.Conv2D({ filters: 4, kernelSize: [2, 3], padding: 'same', dilationRate: 2, groups: 2 }),
    new L.Conv2D({ filters: 3, kernelSize: 2, padding: 'valid', useBias: false }),
    new L.Conv2D({ filters: 2, kernelSize: 1, dataFormat: 'channelsFirst' }),
    new L.Flatten({ dataFormat: 'channelsFirst' }),
  ]);
  await agrees('conv2d', model, [s.randomNormal([2, 9, 8, 4])]);
});

test('Conv1D: same, valid and causal padding, strides and dilation', async () => {
  const model = sequential([11, 3], [
    new L.Conv1D({ filters: 4, kernelSize: 3, padding: 'causal', dilationRate: 2, activation: 'tanh' }),
    new L.Conv1D({ filters: 5, kernelSize: 4, padding: 'same', strides: 2 }),
    new L.Conv1D({ filters: 2, kernelSize: 2, padding: 'valid' }),
  ]);
  await agrees('conv1d', model, [s.randomNormal([3, 11, 3])]);
});

test('DepthwiseConv2D and SeparableConv2D with a depth multiplier', async () => {
  const model = sequential([8, 7, 3], [
    new L.DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, padding: 'same', strides: 2, activation: 'relu' }),
    new L.SeparableConv2D({ filters: 4, kernelSize: 2, depthMultiplier: 2, padding: 'valid' }),
    new L.SeparableConv2D({ filters: 3, kernelSize: 3, padding: 'same', useBias: false, dilationRate: 2 }),
  ]);
  await agrees('depthwise', model, [s.randomNormal([2, 8, 7, 3])]);
});

test('max and average pooling (1-D, 2-D, same and valid) and the global poolings', async () => {
  const image = s.Input({ shape: [7, 6, 3] });
  const seq = s.Input({ shape: [9, 4] });
  const apply = (layer: s.layers.Layer, x: s.SymbolicTensor): s.SymbolicTensor => layer.apply(x) as s.SymbolicTensor;
  const outputs = [
    apply(new L.MaxPooling2D({ poolSize: 2 }), image),
    apply(new L.MaxPooling2D({ poolSize: 3, strides: 2, padding: 'same' }), image),
    apply(new L.AveragePooling2D({ poolSize: [2, 3], strides: 1, padding: 'same' }), image),
    apply(new L.AveragePooling2D({ poolSize: 2, dataFormat: 'channelsFirst' }), image),
    apply(new L.MaxPooling1D({ poolSize: 2, padding: 'same' }), seq),
    apply(new L.AveragePooling1D({ poolSize: 3, strides: 2, padding: 'same' }), seq),
    apply(new L.GlobalMaxPooling2D(), image),
    apply(new L.GlobalAveragePooling2D({ keepdims: true }), image),
    apply(new L.GlobalMaxPooling1D(), seq),
    apply(new L.GlobalAveragePooling1D(), seq),
  ];
  await agrees('pooling', new s.Model({ inputs: [image, seq], outputs }), [s.randomNormal([2, 7, 6, 3]), s.randomNormal([2, 9, 4])]);
});

test('BatchNormalization (moving statistics, last and first feature axis) and LayerNormalization', async () => {
  const model = sequential([3, 5], [
    new L.BatchNormalization(),
    new L.BatchNormalization({ axis: 1, center: false, epsilon: 0.01 }),
    new L.LayerNormalization(),
    new L.LayerNormalization({ axis: [1, 2], scale: false }),
  ]);
  await agrees('normalization', model, [s.randomNormal([4, 3, 5], 1, 2)]);
});

test('Flatten, Reshape, Rescaling, ZeroPadding2D and UpSampling2D (nearest and bilinear)', async () => {
  const model = sequential([12], [
    new L.Rescaling({ scale: 0.5, offset: -1 }),
    new L.Reshape({ targetShape: [2, -1, 2] }),
    new L.ZeroPadding2D({ padding: [[1, 0], [2, 1]] }),
    new L.UpSampling2D({ size: [2, 3] }),
    new L.UpSampling2D({ size: 2, interpolation: 'bilinear' }),
    new L.Flatten(),
  ]);
  await agrees('reshaping', model, [s.randomNormal([3, 12])]);
});

test('Embedding (Gather) on int32 and on float ids', async () => {
  s.setSeed(4);
  const ids = s.tensor(Int32Array.from({ length: 12 }, (_, i) => (i * 7) % 10), [2, 6], 'int32');
  const model = sequential([6], [new L.Embedding({ inputDim: 10, outputDim: 3 }), new L.Flatten(), new L.Dense({ units: 2 })]);
  await agrees('embedding-float-ids', model, [s.cast(ids, 'float32')]);
  const tokens = s.Input({ shape: [6], dtype: 'int32' });
  const typed = new s.Model({ inputs: tokens, outputs: new L.Embedding({ inputDim: 10, outputDim: 4 }).apply(tokens) as s.SymbolicTensor });
  randomize(typed, 5);
  await agrees('embedding-int-ids', typed, [ids]);
});

test('SimpleRNN, LSTM and GRU: sequences, states, backwards, both GRU forms, hard_sigmoid gates, RNN over a cell', async () => {
  const x = s.Input({ shape: [5, 3] });
  const apply = (layer: s.layers.Layer, v: s.SymbolicTensor): s.SymbolicTensor[] => {
    const out = layer.applyMulti(v);
    return Array.isArray(out) ? out : [out];
  };
  const outputs = [
    ...apply(new L.SimpleRNN({ units: 4, returnSequences: true }), x),
    ...apply(new L.SimpleRNN({ units: 3, activation: 'relu', goBackwards: true }), x),
    ...apply(new L.LSTM({ units: 4, returnState: true }), x),
    ...apply(new L.LSTM({ units: 2, returnSequences: true, goBackwards: true, recurrentActivation: 'hard_sigmoid' }), x),
    ...apply(new L.GRU({ units: 3, returnSequences: true, returnState: true }), x),
    ...apply(new L.GRU({ units: 4, resetAfter: false, goBackwards: true }), x),
    ...apply(new L.GRU({ units: 2, useBias: false }), x),
    ...apply(new L.GRU({ units: 2, activation: 'hard_sigmoid', resetAfter: false }), x),
    ...apply(new L.RNN({ cell: new L.LSTMCell({ units: 3 }), returnSequences: true }), x),
  ];
  const model = new s.Model({ inputs: x, outputs });
  randomize(model, 6);
  await agrees('recurrent', model, [s.randomNormal([2, 5, 3])]);
});

test('images and sequences of sizes unknown until run time (same padding without fixed pads), and recurrent initial states as inputs', async () => {
  const images = sequential([null, null, 2], [new L.Conv2D({ filters: 3, kernelSize: 3, padding: 'same', strides: 2 }), new L.MaxPooling2D({ padding: 'same' }), new L.GlobalMaxPooling2D()]);
  await agrees('unknown-sizes', images, [s.randomNormal([2, 7, 6, 2])]);
  const x = s.Input({ shape: [null, 3] });
  const [h0, c0] = [s.Input({ shape: [2] }), s.Input({ shape: [2] })];
  const conv = new L.Conv1D({ filters: 3, kernelSize: 2, padding: 'same' }).apply(x) as s.SymbolicTensor;
  const y = new L.LSTM({ units: 2, returnSequences: true }).apply([conv, h0!, c0!]) as s.SymbolicTensor;
  const model = new s.Model({ inputs: [x, h0!, c0!], outputs: y });
  randomize(model, 11);
  await agrees('initial-states', model, [s.randomNormal([2, 5, 3]), s.randomNormal([2, 2]), s.randomNormal([2, 2])]);
});

test('a functional model with two inputs, two outputs, a shared layer, every merge and a nested Sequential', async () => {
  const a = s.Input({ shape: [4], name: 'left' });
  const b = s.Input({ shape: [4], name: 'right' });
  const shared = new L.Dense({ units: 4, activation: 'tanh', name: 'shared' });
  const [ya, yb] = [shared.apply(a), shared.apply(b)] as s.SymbolicTensor[];
  const merges = [new L.Add(), new L.Subtract(), new L.Multiply(), new L.Average(), new L.Maximum(), new L.Minimum()].map((m) => m.apply([ya!, yb!]) as s.SymbolicTensor);
  const joined = new L.Concatenate({ name: 'joined' }).apply(merges) as s.SymbolicTensor;
  const head = new s.Sequential({ layers: [new L.Dense({ units: 3, activation: 'relu', inputShape: [24] }), new L.Dense({ units: 2 })], name: 'head' });
  const model = new s.Model({ inputs: [a, b], outputs: [head.apply(joined) as s.SymbolicTensor, new L.Concatenate({ axis: 1, name: 'pair' }).apply([ya!, yb!]) as s.SymbolicTensor] });
  randomize(model, 7);
  s.setSeed(8);
  await agrees('functional', model, [s.randomNormal([3, 4]), s.randomNormal([3, 4])]);
  const session = await ort.InferenceSession.create(readFileSync(written.at(-1)!));
  assert.deepEqual([session.inputNames, session.outputNames], [['left', 'right'], ['head', 'pair']]);
});

test('weights known only by their layer and position (as Keras 3 files store them) are taken in the order the layer declares them', async () => {
  const model = sequential([6, 3], [
    new L.Conv1D({ filters: 4, kernelSize: 2 }),
    new L.BatchNormalization({ center: false }),
    new L.LSTM({ units: 3, returnSequences: true }),
    new L.Bidirectional({ layer: new L.GRU({ units: 2 }) }),
    new L.Dense({ units: 2 }),
  ]);
  const artifacts = s.modelToArtifacts(model);
  const counts = new Map<string, number>();
  const positional = artifacts.weights.map((w) => {
    const i = counts.get(w.layer!) ?? 0;
    counts.set(w.layer!, i + 1);
    return { ...w, name: `${w.layer}/vars/${i}` };
  });
  await agrees('positional-weights', model, [s.randomNormal([2, 6, 3])], { ...artifacts, weights: positional });
});

test('a LeakyReLU layer (as Keras files bring it) uses its own slope', async () => {
  const model = sequential([3], [new L.Dense({ units: 3 })]);
  const artifacts = s.modelToArtifacts(model);
  const config = artifacts.modelConfig!.config as { layers: unknown[] };
  config.layers.push({ className: 'LeakyReLU', config: { name: 'leaky', negativeSlope: 0.1 } });
  const session = await ort.InferenceSession.create(await s.artifactsToOnnx(artifacts, 'leaky.onnx'));
  const x = s.tensor([[1, -2, 3], [-4, 5, -6]]);
  const got = (await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x.dataSync() as Float32Array, [2, 3]) }))['leaky']!.data as Float32Array;
  const dense = model.predict(x) as s.Tensor;
  const want = [...dense.dataSync()].map((v) => (v > 0 ? v : 0.1 * v));
  want.forEach((v, i) => assert.ok(Math.abs(v - got[i]!) <= 1e-5, `${v} vs ${got[i]}`));
});

/** A layer of the user's own: registered, so it saves, but ONNX export has no converter for it. */
class Doubler extends L.Layer {
  static override readonly className = 'Doubler';
  override call(inputs: s.Tensor | s.Tensor[]): s.Tensor {
    return s.mul(Array.isArray(inputs) ? inputs[0]! : inputs, 2);
  }
}
L.registerLayer(Doubler);

test('Bidirectional (every merge mode, sequences and states) and TimeDistributed (Dense, Conv2D)', async () => {
  const x = s.Input({ shape: [4, 3] });
  const outputs = [
    ...new L.Bidirectional({ layer: new L.LSTM({ units: 2, returnSequences: true }) }).applyMulti(x),
    ...new L.Bidirectional({ layer: new L.GRU({ units: 3, returnState: true }), mergeMode: 'sum' }).applyMulti(x),
    ...new L.Bidirectional({ layer: new L.SimpleRNN({ units: 2, returnSequences: true }), mergeMode: 'ave' }).applyMulti(x),
    ...new L.Bidirectional({ layer: new L.GRU({ units: 2 }), mergeMode: 'mul' }).applyMulti(x),
    ...new L.Bidirectional({ layer: new L.LSTM({ units: 2, returnSequences: true }), mergeMode: null }).applyMulti(x),
    new L.TimeDistributed({ layer: new L.Dense({ units: 5, activation: 'relu' }) }).apply(x) as s.SymbolicTensor,
  ];
  const model = new s.Model({ inputs: x, outputs });
  randomize(model, 10);
  await agrees('bidirectional', model, [s.randomNormal([2, 4, 3])]);
  const frames = sequential([3, 5, 5, 2], [new L.TimeDistributed({ layer: new L.Conv2D({ filters: 3, kernelSize: 3 }) }), new L.TimeDistributed({ layer: new L.Flatten() })]);
  await agrees('time-distributed', frames, [s.randomNormal([2, 3, 5, 5, 2])]);
});

test('layers ONNX cannot express give a NotSupportedError naming the layer and what to do', async () => {
  const refuses = async (model: s.Model, pattern: RegExp): Promise<void> => {
    await assert.rejects(model.save(join(dir, 'refused.onnx')), (e: unknown) => e instanceof s.NotSupportedError && pattern.test(e.message));
  };
  const tail = /Save the model as '\.keras' \(Keras 3\) or '\.strata' instead/;
  const doubled = sequential([3], [new Doubler({ name: 'twice' })]);
  await refuses(doubled, /^cannot export layer 'twice' \(Doubler\) to ONNX: ONNX export has no converter for Doubler \(it converts Dense, Activation, /);
  await refuses(doubled, tail);
  await refuses(
    sequential([6], [new L.Embedding({ inputDim: 10, outputDim: 3, maskZero: true }), new L.Dense({ units: 3 }), new L.GRU({ units: 2, name: 'masked_gru' })]),
    /^cannot export layer 'masked_gru' \(GRU\) to ONNX: its input carries a mask \(from an Embedding with maskZero\)/,
  );
  await refuses(
    sequential([6], [new L.Embedding({ inputDim: 10, outputDim: 3, maskZero: true }), new L.GlobalAveragePooling1D({ name: 'masked_mean' })]),
    /^cannot export layer 'masked_mean' \(GlobalAveragePooling1D\) to ONNX: its input carries a mask/,
  );
  s.activations.registerActivation('cube_for_onnx', (t) => s.mul(s.mul(t, t), t));
  await refuses(sequential([2], [new L.Dense({ units: 2, activation: 'cube_for_onnx', name: 'cubic' })]), /^cannot export layer 'cubic' \(Dense\) to ONNX: its activation 'cube_for_onnx' has no ONNX form/);
  await refuses(sequential([3, 2], [new L.LSTM({ units: 2, activation: 'gelu', name: 'gelu_lstm' })]), /^cannot export layer 'gelu_lstm' \(LSTM\) to ONNX: its activation 'gelu' has no form in ONNX's recurrent ops/);
});

test('a mask that changes nothing (Embedding maskZero followed by Flatten) exports', async () => {
  const ids = s.tensor([[1, 2, 0, 0], [3, 0, 0, 0]], [2, 4], 'int32');
  const tokens = s.Input({ shape: [4], dtype: 'int32' });
  const y = new L.Dense({ units: 2 }).apply(new L.Flatten().apply(new L.Embedding({ inputDim: 5, outputDim: 2, maskZero: true }).apply(tokens) as s.SymbolicTensor) as s.SymbolicTensor) as s.SymbolicTensor;
  const model = new s.Model({ inputs: tokens, outputs: y });
  randomize(model, 9);
  await agrees('mask-unused', model, [ids]);
});

test('weights alone, or a model without a declared input shape, cannot be exported', async () => {
  const model = sequential([2], [new L.Dense({ units: 1 })]);
  await assert.rejects(model.saveWeights(join(dir, 'w.onnx')), (e: unknown) => e instanceof s.ValueError && /w\.onnx: cannot export to ONNX: the artifacts hold weights only; ONNX export needs the whole model \(use model\.save\)/.test((e as Error).message));
  const unbuilt = new s.Sequential({ layers: [new L.Dense({ units: 1 })] });
  await assert.rejects(unbuilt.save(join(dir, 'u.onnx')), (e: unknown) => e instanceof s.ValueError && /Sequential 'sequential\w*' declares no input shape/.test((e as Error).message));
});

const onnxPeer = onnxPython();

test('ONNX\'s checker (full_check: types and shapes inferred) accepts every exported file', { skip: onnxPeer.skip }, () => {
  assert.ok(written.length >= 12, `only ${written.length} files were written`);
  const script = 'import sys, onnx\nfor p in sys.argv[1:]:\n    onnx.checker.check_model(p, full_check=True)\n    m = onnx.load(p)\n    print(p, m.opset_import[0].version)\n';
  const out = execFileSync(onnxPeer.python!, ['-c', script, ...written], { encoding: 'utf8' });
  assert.deepEqual(out.trim().split('\n').map((l) => l.split(' ')[1]), written.map(() => '17'));
});

