/** The TensorBoard callback and SummaryWriter, checked by decoding the event files they write with an independent decoder. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decode as decodePng } from 'fast-png';
import * as s from '../../src/node/index.js';
import { decodeGraphDef, readEventDir, valuesOf } from '../helpers/event-file-decoder.js';
import { TinyConv2D } from '../helpers/tiny-conv.js';

const { Dense, Flatten } = s.layers;
const tmp = (): string => mkdtempSync(join(tmpdir(), 'strata-board-'));
const f32 = Math.fround;

/** Random 8×8 one-channel images and 3 classes, the same for every seed. */
function data(n: number): { x: s.Tensor; y: s.Tensor } {
  return { x: s.randomUniform([n, 8, 8, 1], 0, 1, { seed: 11 }), y: s.tensor(Array.from({ length: n }, (_, i) => i % 3), [n], 'int32') };
}

function convModel(): s.Sequential {
  return new s.Sequential({ layers: [s.Input({ shape: [8, 8, 1] }), new TinyConv2D(4, 3, { name: 'conv' }), new Flatten({ name: 'flat' }), new Dense({ units: 3, activation: 'softmax', name: 'out' })] });
}

test('fit with TensorBoard writes train and validation event files whose scalars, histograms, graph and images hold the real values', async () => {
  s.setSeed(3);
  const dir = tmp();
  const { x, y } = data(40);
  const model = convModel();
  model.compile({ optimizer: new s.SGD({ learningRate: 0.05 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  // An observer of our own computes each layer's gradient norm with ops, to check the callback's bookkeeping.
  const mine = new Map<string, number[]>();
  const perEpoch: Record<string, number>[] = [];
  model.observeGradients((grads, vars) => {
    const sq = new Map<string, number>();
    grads.forEach((g, i) => {
      const layer = vars[i]!.name.split('/')[0]!;
      sq.set(layer, (sq.get(layer) ?? 0) + s.sum(s.square(s.cast(g, 'float64'))).item());
    });
    for (const [layer, v] of sq) (mine.get(layer) ?? mine.set(layer, []).get(layer)!).push(Math.sqrt(v));
  });
  const collect = { onEpochEnd: () => { perEpoch.push(Object.fromEntries([...mine].map(([l, ns]) => [l, ns.reduce((a, b) => a + b, 0) / ns.length]))); mine.clear(); } };
  const board = new s.TensorBoard({ logDir: dir, featureMaps: { sample: x } });
  const history = await model.fit(x, y, { epochs: 3, batchSize: 10, validationSplit: 0.25, shuffle: false, verbose: 0, callbacks: [board, collect] });

  assert.deepEqual(readdirSync(dir).sort(), ['train', 'validation']);
  const train = readEventDir(join(dir, 'train'));
  const validation = readEventDir(join(dir, 'validation'));
  for (const file of [...train.files, ...validation.files]) assert.match(file, /^events\.out\.tfevents\.\d{10}\.[^/]+$/);
  assert.equal(train.events[0]!.file_version, 'brain.Event:2');
  assert.equal(validation.events[0]!.file_version, 'brain.Event:2');

  const scalars = (events: typeof train.events, tag: string): [number, number][] => valuesOf(events, tag).map(({ step, value }) => [step, value.simple_value]);
  assert.deepEqual(scalars(train.events, 'epoch_loss'), history.history.loss!.map((v, i) => [i, f32(v)]));
  assert.deepEqual(scalars(train.events, 'epoch_accuracy'), history.history.accuracy!.map((v, i) => [i, f32(v)]));
  assert.deepEqual(scalars(validation.events, 'epoch_loss'), history.history.val_loss!.map((v, i) => [i, f32(v)]));
  assert.deepEqual(scalars(validation.events, 'epoch_accuracy'), history.history.val_accuracy!.map((v, i) => [i, f32(v)]));
  assert.deepEqual(scalars(train.events, 'epoch_learning_rate'), [[0, f32(0.05)], [1, f32(0.05)], [2, f32(0.05)]]);
  assert.deepEqual(valuesOf(validation.events, 'epoch_learning_rate'), [], 'the learning rate is a training figure');
  for (const layer of ['conv', 'out']) {
    const logged = scalars(train.events, `gradient_norm/${layer}`);
    assert.equal(logged.length, 3);
    logged.forEach(([step, v]) => assert.ok(Math.abs(v - perEpoch[step]![layer]!) <= 1e-6 * perEpoch[step]![layer]!, `${layer} epoch ${step}: ${v} vs ${perEpoch[step]![layer]}`));
  }

  // Histograms of every weight each epoch; at the last epoch they describe the final weights.
  const weights = model.weights;
  assert.deepEqual(weights.map((w) => w.name), ['conv/kernel', 'conv/bias', 'out/kernel', 'out/bias']);
  for (const w of weights) {
    const hs = valuesOf(train.events, `${w.name}/histogram`);
    assert.deepEqual(hs.map((h) => h.step), [0, 1, 2]);
    const last = hs[2]!.value.histo;
    const values = Array.from(w.dataSync());
    assert.equal(last.bucket.reduce((a: number, b: number) => a + b, 0), w.size, `${w.name}: bucket counts sum to the weight count`);
    assert.equal(last.num, w.size);
    assert.equal(last.bucket_limit.length, last.bucket.length);
    if (Math.min(...values) !== Math.max(...values)) {
      assert.equal(last.min, Math.min(...values));
      assert.equal(last.max, Math.max(...values));
      assert.equal(last.bucket_limit.at(-1), last.max);
      assert.ok(Math.abs(last.sum - values.reduce((a, b) => a + b, 0)) < 1e-9);
      // Equal-width buckets: the count below each limit is the number of values at or below it.
      last.bucket_limit.slice(0, -1).forEach((limit: number, i: number) => {
        const below = last.bucket.slice(0, i + 1).reduce((a: number, b: number) => a + b, 0);
        const width = (last.max - last.min) / last.bucket.length;
        assert.equal(below, values.filter((v) => Math.min(Math.floor((v - last.min) / width), last.bucket.length - 1) <= i).length);
        assert.ok(Math.abs(limit - (last.min + (i + 1) * width)) < 1e-12);
      });
    }
  }

  // The graph: every layer, its type, inputs, output shape and parameter count.
  const graphs = train.events.filter((e) => e.graph_def);
  assert.equal(graphs.length, 1);
  const graph = decodeGraphDef(graphs[0]!.graph_def);
  assert.deepEqual(graph.node.map((n) => [n.name, n.op, n.input]), [['input_layer', 'InputLayer', []], ['conv', 'TinyConv2D', ['input_layer']], ['flat', 'Flatten', ['conv']], ['out', 'Dense', ['flat']]]);
  assert.deepEqual(graph.node.map((n) => n.attr._output_shapes.list.shape[0].dim.map((d: { size: number }) => d.size)), [[-1, 8, 8, 1], [-1, 6, 6, 4], [-1, 144], [-1, 3]]);
  assert.deepEqual(graph.node.map((n) => n.attr.parameters.i), [0, 3 * 3 * 1 * 4 + 4, 0, 144 * 3 + 3]);
  assert.deepEqual(graph.node.map((n) => n.attr.dtype.type), [1, 1, 1, 1]);
  assert.equal(JSON.parse(new TextDecoder().decode(graph.node[3]!.attr.config.s)).units, 3);

  // Images: the 4 filters (3×3, enlarged 8 times) on a 2×2 grid with 2-pixel gaps, and 4 feature maps (6×6, enlarged 4 times).
  const filters = valuesOf(train.events, 'conv/filters');
  assert.deepEqual(filters.map((f) => f.step), [0, 1, 2]);
  const img = filters[2]!.value.image;
  assert.deepEqual([img.width, img.height, img.colorspace], [2 * 24 + 3 * 2, 2 * 24 + 3 * 2, 3]);
  const png = decodePng(img.encoded_image_string);
  assert.deepEqual([png.width, png.height, png.channels], [54, 54, 3]);
  // Filter 0's tile spans black to white at its smallest and largest weights; the gaps are blue-grey.
  const kernel = weights[0]!.dataSync();
  const f0 = Array.from({ length: 9 }, (_, k) => kernel[k * 4]!);
  const rgb = (row: number, col: number): number[] => Array.from(png.data.subarray((row * 54 + col) * 3, (row * 54 + col) * 3 + 3));
  const pixel = (k: number): number[] => rgb(2 + Math.floor(k / 3) * 8, 2 + (k % 3) * 8);
  assert.deepEqual(pixel(f0.indexOf(Math.min(...f0))), [0, 0, 0]);
  assert.deepEqual(pixel(f0.indexOf(Math.max(...f0))), [255, 255, 255]);
  assert.deepEqual(rgb(0, 0), [159, 179, 200]);
  assert.deepEqual(rgb(26, 27), [159, 179, 200], 'the gap between the tile rows');
  const maps = valuesOf(train.events, 'conv/feature_maps');
  assert.deepEqual(maps.map((m) => [m.step, m.value.image.width, m.value.image.height]), [[0, 54, 54], [1, 54, 54], [2, 54, 54]]);
});

test('gradient norms show vanishing gradients in a deep sigmoid network; updateFreq "batch" logs every batch', async () => {
  s.setSeed(5);
  const dir = tmp();
  const x = s.randomNormal([32, 10], 0, 1, { seed: 5 });
  const y = s.tensor(Array.from({ length: 32 }, (_, i) => i % 2), [32], 'int32');
  const model = new s.Sequential({
    layers: [
      new Dense({ units: 16, activation: 'sigmoid', inputShape: [10], name: 'd0' }),
      ...[1, 2, 3, 4, 5].map((i) => new Dense({ units: 16, activation: 'sigmoid', name: `d${i}` })),
      new Dense({ units: 2, activation: 'softmax', name: 'top' }),
    ],
  });
  model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  const history = await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, shuffle: false, callbacks: [new s.TensorBoard({ logDir: dir, updateFreq: 'batch', histogramFreq: 0 })] });
  const { events } = readEventDir(join(dir, 'train'));
  const norm = (layer: string): number => valuesOf(events, `gradient_norm/${layer}`)[0]!.value.simple_value;
  // Each sigmoid scales the gradient by at most 1/4: six layers down, the first layer's gradient is far smaller.
  assert.ok(norm('d0') < norm('d5') / 10, `d0 ${norm('d0')} vs d5 ${norm('d5')}`);
  assert.ok(norm('d5') < norm('top'));
  assert.deepEqual(valuesOf(events, 'batch_loss').map((v) => v.step), [1, 2, 3, 4, 5, 6, 7, 8], 'one value per batch, counted across epochs');
  assert.equal(valuesOf(events, 'batch_gradient_norm/d0').length, 8);
  assert.deepEqual(valuesOf(events, 'epoch_loss').map((v) => v.value.simple_value), history.history.loss!.map(f32));
  assert.deepEqual(valuesOf(events, 'd0/kernel/histogram'), [], 'histogramFreq 0 writes no histograms');
  assert.equal(readdirSync(dir).includes('validation'), false, 'no validation run without validation data');
});

test('SummaryWriter writes scalars, histograms, images and text that a custom loop logs', () => {
  const dir = tmp();
  const writer = s.createFileWriter(dir);
  writer.scalar('loss', 0.25, 0);
  writer.scalar('loss', 0.125, 10);
  writer.histogram('w', [0, 1, 1, 2], 10, 2);
  writer.image('pic', s.tensor([[0, 0.5], [1, 1]]), 10);
  writer.text('note', '**trained** on 4 samples', 10);
  writer.close();
  assert.throws(() => writer.scalar('loss', 1, 11), /closed/);
  const { files, events } = readEventDir(dir);
  assert.equal(files.length, 1);
  assert.deepEqual(valuesOf(events, 'loss').map((v) => [v.step, v.value.simple_value]), [[0, 0.25], [10, 0.125]]);
  const h = valuesOf(events, 'w')[0]!.value.histo;
  assert.deepEqual([h.min, h.max, h.num, h.sum, h.sum_squares, h.bucket_limit, h.bucket], [0, 2, 4, 4, 6, [1, 2], [1, 3]]);
  const image = valuesOf(events, 'pic')[0]!.value.image;
  assert.deepEqual(Array.from(decodePng(image.encoded_image_string).data), [0, 128, 255, 255]);
  const text = valuesOf(events, 'note')[0]!.value;
  assert.equal(text.metadata.plugin_data.plugin_name, 'text');
  assert.equal(new TextDecoder().decode(text.tensor.string_val[0]), '**trained** on 4 samples');
  assert.throws(() => s.createFileWriter(dir).scalar('x', 1, -1), /step must be a non-negative integer/);
});

test('a model built by its first batch gets its graph after the first epoch; histogramFreq 2 writes every other epoch', async () => {
  const dir = tmp();
  const model = new s.Sequential({ layers: [new Dense({ units: 4, name: 'a' }), new Dense({ units: 1, name: 'b' })] });
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  await model.fit(s.ones([6, 3]), s.zeros([6, 1]), { epochs: 3, verbose: 0, callbacks: [new s.TensorBoard({ logDir: dir, histogramFreq: 2 })] });
  const { events } = readEventDir(join(dir, 'train'));
  const graphs = events.filter((e) => e.graph_def);
  assert.equal(graphs.length, 1);
  assert.equal(graphs[0]!.step, 0);
  assert.deepEqual(decodeGraphDef(graphs[0]!.graph_def).node.map((n) => [n.op, n.op === 'InputLayer' ? '' : n.name, n.attr.parameters.i]), [['InputLayer', '', 0], ['Dense', 'a', 16], ['Dense', 'b', 5]]);
  assert.deepEqual(valuesOf(events, 'a/kernel/histogram').map((v) => v.step), [0, 2]);
  assert.deepEqual(valuesOf(events, 'a/filters'), [], 'a dense layer on non-image inputs has no filter picture');
});

test('the graph of a functional model with two heads names each layer\'s inputs', () => {
  const x = s.Input({ shape: [5], name: 'features' });
  const trunk = new Dense({ units: 8, name: 'trunk' }).apply(x);
  const cls = new Dense({ units: 3, activation: 'softmax', name: 'cls' }).apply(trunk);
  const reg = new Dense({ units: 1, name: 'reg' }).apply(trunk);
  const model = new s.Model({ inputs: x, outputs: [cls, reg] });
  const graph = s.board.modelGraph(model);
  assert.deepEqual(graph.node.map((n) => [n.name, n.op, n.input]), [['features', 'InputLayer', []], ['trunk', 'Dense', ['features']], ['cls', 'Dense', ['trunk']], ['reg', 'Dense', ['trunk']]]);
  assert.deepEqual(graph.node.map((n) => n.attr!['trainable_parameters']!.i), [0, 48, 27, 9]);
});
