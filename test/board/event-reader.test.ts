/**
 * Reading what other writers put in event files, from events made here field by field: TensorFlow
 * 2's tensors of every numeric dtype, text tables, sounds (TensorFlow 1 and 2), Keras's conceptual
 * graph (Sequential and functional, Keras 2 and 3), op GraphDefs, and a restarted run's values
 * merged in step order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RUN_OP_GRAPH_TAG, RunData } from '../../src/board/event-reader.js';
import { kerasGraph } from '../../src/board/keras-graph.js';
import { sniffMediaType } from '../../src/board/media-type.js';
import { encodeRecord } from '../../src/board/records.js';
import { tensorNumbers } from '../../src/board/tensor-values.js';
import { DataType, encodeEvent, encodeGraph, type SummaryValueMessage, type TensorMessage } from '../../src/board/tf-protos.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const shape = (...dims: number[]): { dim: { size: number }[] } => ({ dim: dims.map((size) => ({ size })) });
const tensorValue = (tag: string, plugin: string, tensor: TensorMessage): SummaryValueMessage => ({ tag, metadata: { pluginData: { pluginName: plugin } }, tensor });

/** A run fed the events `values[i]` at steps `steps[i]`. */
function runOf(events: { step: number; values?: SummaryValueMessage[]; graphDef?: Uint8Array }[]): RunData {
  const run = new RunData('run');
  const bytes = events.map((e, i) => encodeRecord(encodeEvent({ wallTime: i + 1, step: e.step, ...(e.graphDef ? { graphDef: e.graphDef } : { summary: { value: e.values ?? [] } }) })));
  const all = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  bytes.reduce((at, b) => (all.set(b, at), at + b.length), 0);
  const result = run.feed('events.out.tfevents.1', all);
  assert.equal(run.error, undefined);
  assert.equal(result.consumed, all.length);
  return run;
}

test('tensors of every numeric dtype read as numbers, from value lists and from little-endian bytes', () => {
  const bytes = (write: (v: DataView) => void, n: number): Uint8Array => {
    const b = new Uint8Array(n);
    write(new DataView(b.buffer));
    return b;
  };
  const cases: [TensorMessage, number[]][] = [
    [{ dtype: DataType.DT_FLOAT, tensorShape: shape(), floatVal: [0.5] }, [0.5]],
    [{ dtype: DataType.DT_DOUBLE, tensorShape: shape(2), tensorContent: bytes((v) => (v.setFloat64(0, 1.25, true), v.setFloat64(8, -3, true)), 16) }, [1.25, -3]],
    [{ dtype: DataType.DT_HALF, tensorShape: shape(3), halfVal: [0x3c00, 0xc000, 0x3555] }, [1, -2, 0.333251953125]],
    [{ dtype: DataType.DT_BFLOAT16, tensorShape: shape(), halfVal: [0x3fc0] }, [1.5]],
    [{ dtype: DataType.DT_INT64, tensorShape: shape(2), tensorContent: bytes((v) => (v.setBigInt64(0, -7n, true), v.setBigInt64(8, 2n ** 40n, true)), 16) }, [-7, 2 ** 40]],
    [{ dtype: DataType.DT_INT32, tensorShape: shape(2, 2), intVal: [4] }, [4, 4, 4, 4]],
  ];
  for (const [tensor, expected] of cases) assert.deepEqual(Array.from(tensorNumbers(tensor)!.values), expected, `dtype ${tensor.dtype}`);
  assert.equal(tensorNumbers({ dtype: DataType.DT_STRING, stringVal: [utf8('x')] }), undefined);
});

test('TensorFlow 2 histograms, images, text and sounds, and TensorFlow 1 sounds, are read into the Board\'s kinds', () => {
  const wav = utf8('RIFF\u0024\u0000\u0000\u0000WAVEfmt ');
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]);
  const run = runOf([{
    step: 3,
    values: [
      tensorValue('w/histogram', 'histograms', { dtype: DataType.DT_DOUBLE, tensorShape: shape(2, 3), doubleVal: [-1, 0, 4, 0, 2, 6] }),
      tensorValue('samples', 'images', { dtype: DataType.DT_STRING, tensorShape: shape(4), stringVal: [utf8('28'), utf8('14'), png, png] }),
      tensorValue('table', 'text', { dtype: DataType.DT_STRING, tensorShape: shape(2, 2), stringVal: ['a', 'b', 'c', '<script>'].map(utf8) }),
      tensorValue('voice', 'audio', { dtype: DataType.DT_STRING, tensorShape: shape(1, 2), stringVal: [wav, utf8('a **label**')] }),
      { tag: 'tf1/audio', audio: { sampleRate: 16000, numChannels: 1, lengthFrames: 4, encodedAudioString: wav, contentType: 'audio/wav' } },
    ],
  }]);
  assert.deepEqual(run.histograms.get('w/histogram')!.items, [{ step: 3, wallTime: 1, min: -1, max: 2, num: 10, buckets: [[-1, 0, 4], [0, 2, 6]] }]);
  const image = run.images.get('samples')!.items[0]!;
  assert.deepEqual([image.width, image.height, image.samples, image.encoded.map(sniffMediaType)], [28, 14, 2, ['image/png', 'image/png']]);
  assert.deepEqual(run.text.get('table')!.items[0], { step: 3, wallTime: 1, shape: [2, 2], values: ['a', 'b', 'c', '<script>'] });
  const voice = run.audio.get('voice')!.items[0]!;
  assert.deepEqual([voice.samples, voice.labels, sniffMediaType(voice.encoded[0]!)], [1, ['a **label**'], 'audio/wav']);
  const tf1 = run.audio.get('tf1/audio')!.items[0]!;
  assert.deepEqual([tf1.samples, tf1.sampleRate, tf1.contentType], [1, 16000, 'audio/wav']);
  assert.deepEqual(run.info().textTags, ['table']);
  assert.deepEqual(run.info().audioTags, ['voice', 'tf1/audio']);
  // Bytes that are not a known raster image or sound (an SVG could carry a script) are served as opaque bytes.
  assert.equal(sniffMediaType(utf8('<svg onload="alert(1)">')), 'application/octet-stream');
});

test('a run restarted from an earlier step (a second file) keeps every value, in step order', () => {
  const scalar = (v: number): SummaryValueMessage[] => [{ tag: 'loss', simpleValue: v }];
  const run = runOf([{ step: 0, values: scalar(1) }, { step: 1, values: scalar(0.8) }, { step: 2, values: scalar(0.7) }, { step: 1, values: scalar(0.75) }, { step: 3, values: scalar(0.5) }]);
  assert.deepEqual(run.scalars.get('loss')!.items.map((p) => [p[0], p[1]]), [[0, 1], [1, 0.8], [1, 0.75], [2, Math.fround(0.7)], [3, 0.5]].map(([s, v]) => [s, Math.fround(v!)]));
});

test('Keras\'s conceptual graph becomes the layer graph; another writer\'s op GraphDef is listed as an op graph', () => {
  const keras2 = {
    class_name: 'Model', config: { layers: [
      { name: 'in', class_name: 'InputLayer', config: { batch_input_shape: [null, 4] }, inbound_nodes: [] },
      { name: 'a', class_name: 'Dense', config: { units: 3 }, inbound_nodes: [[['in', 0, 0, {}]]] },
      { name: 'b', class_name: 'Dense', config: { units: 3 }, inbound_nodes: [[['in', 0, 0, {}]]] },
      { name: 'sum', class_name: 'Add', config: {}, inbound_nodes: [[['a', 0, 0, {}], ['b', 0, 0, {}]]] },
    ] },
  };
  const keras3 = {
    class_name: 'Functional', config: { layers: [
      { name: 'x', class_name: 'InputLayer', config: { batch_shape: [null, 8] }, inbound_nodes: [] },
      { name: 'split', class_name: 'Lambda', config: {}, inbound_nodes: [{ args: [{ class_name: '__keras_tensor__', config: { shape: [null, 8], keras_history: ['x', 0, 0] } }], kwargs: {} }] },
      { name: 'out', class_name: 'Concatenate', config: {}, inbound_nodes: [{ args: [[
        { class_name: '__keras_tensor__', config: { shape: [null, 4], keras_history: ['split', 0, 0] } },
        { class_name: '__keras_tensor__', config: { shape: [null, 4], keras_history: ['split', 0, 1] } },
      ]], kwargs: {} }] },
    ] },
  };
  // Keras 2's functional configs record no input sizes: a Dense layer's count is unknown, an Add's is 0.
  assert.deepEqual(kerasGraph(JSON.stringify(keras2)).map((n) => [n.name, n.op, n.inputs, n.outputShapes, n.parametersUnknown ?? false]), [['in', 'InputLayer', [], [[null, 4]], false], ['a', 'Dense', ['in'], [], true], ['b', 'Dense', ['in'], [], true], ['sum', 'Add', ['a', 'b'], [], false]]);
  assert.deepEqual(kerasGraph(JSON.stringify(keras3)).map((n) => [n.name, n.inputs, n.outputShapes]), [['x', [], [[null, 8]]], ['split', ['x'], [[null, 4], [null, 4]]], ['out', ['split', 'split:1'], []]]);
  const sequential = { class_name: 'Sequential', config: { layers: [
    { class_name: 'InputLayer', config: { name: 'input_layer', batch_shape: [null, 28, 28] } },
    { class_name: 'Flatten', config: { name: 'flatten' }, build_config: { input_shape: [null, 28, 28] } },
    { class_name: 'Dense', config: { name: 'dense', units: 10, trainable: false }, build_config: { input_shape: [null, 784] } },
  ] } };
  const ops = encodeGraph({ node: [{ name: 'x', op: 'Placeholder' }, { name: 'dense/MatMul', op: 'MatMul', input: ['x'] }] });
  const run = runOf([
    { step: 0, graphDef: ops },
    { step: 0, values: [tensorValue('keras', 'graph_keras_model', { dtype: DataType.DT_STRING, tensorShape: shape(), stringVal: [utf8(JSON.stringify(sequential))] })] },
  ]);
  assert.deepEqual(run.graph!.map((n) => [n.name, n.op, n.inputs, n.outputShapes, n.parameters, n.trainableParameters]), [['input_layer', 'InputLayer', [], [[null, 28, 28]], 0, 0], ['flatten', 'Flatten', ['input_layer'], [[null, 784]], 0, 0], ['dense', 'Dense', ['flatten'], [], 7850, 0]]);
  assert.deepEqual(run.info().opGraphTags, [RUN_OP_GRAPH_TAG]);
  assert.deepEqual(run.opGraphs.get(RUN_OP_GRAPH_TAG)!.map((n) => n.name), ['x', 'dense/MatMul']);
  assert.equal(run.info().hasGraph, true);
});
