/** A traced function's op graph in the Board: its GraphDef, how it is stored in event files and read back, and its layout. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as s from '../../src/node/index.js';
import { Graph, TensorSlot, opLabel, type GraphNode, type GraphValue, type ValueSource } from '../../src/graph/graph.js';
import { layoutGraph } from '../../src/board/web/graph-layout.js';
import { decodeRunMetadataGraphs, readEventDir, valuesOf } from '../helpers/event-file-decoder.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'strata-op-graph-'));
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/**
 * x [4, 3] · w [3, 2] + c, then a fused node standing for relu and mul, then an add of it with
 * itself; returns the sum and assigns it to `state`.
 */
function handGraph(): Graph {
  let id = 0;
  const value = (shape: number[], source: ValueSource | ((v: GraphValue) => ValueSource), dtype: s.DType = 'float32'): GraphValue => {
    const v: GraphValue = { id: id++, shape, dtype, source: undefined as never };
    v.source = typeof source === 'function' ? source(v) : source;
    return v;
  };
  const w = s.variable(s.ones([3, 2]), { name: 'dense/kernel' });
  const state = s.variable(s.zeros([4, 2]), { name: 'state' });
  const x = value([4, 3], { kind: 'input', index: 0 });
  const wv = value([3, 2], { kind: 'variable', variable: w });
  const c = value([2], { kind: 'constant', values: new Float32Array([1, 2]) });
  const nodes: GraphNode[] = [];
  const node = (op: GraphNode['op'], inputs: GraphValue[], shape: number[]): GraphValue => {
    const n: GraphNode = { id: id++, op, inputs: inputs.map((v) => ({ value: v, shape: v.shape })), outputs: [], inPlace: [-1], dynamic: [] };
    n.outputs.push(value(shape, { kind: 'node', node: n, index: 0 }));
    nodes.push(n);
    return n.outputs[0]!;
  };
  const mm = node({ kind: 'kernel', name: 'matMul', args: [new TensorSlot(0), new TensorSlot(1), false, true] }, [x, wv], [4, 2]);
  const biased = node({ kind: 'kernel', name: 'binary', args: ['add', new TensorSlot(0), new TensorSlot(1)] }, [mm, c], [4, 2]);
  const fused = node({ kind: 'call', name: 'fusedElementwise', run: () => [], fusedFrom: ['unary:relu', 'binary:mul'] }, [biased], [4, 2]);
  const sum = node({ kind: 'kernel', name: 'binary', args: ['add', new TensorSlot(0), new TensorSlot(1)] }, [fused, fused], [4, 2]);
  return new Graph({ name: 'hand', inputs: [x], nodes, outputs: [{ value: sum, shape: [8] }], template: { tensor: 0 }, assignments: [{ variable: state, value: { value: sum, shape: sum.shape } }], effects: [], nextId: id });
}

test('opGraphDef: a node per op named after it, inputs and variables as Placeholder and VariableV2, results and assignments; shapes, arguments and fused ops as attributes', () => {
  const def = s.board.opGraphDef(handGraph());
  assert.deepEqual(def.node.map((n) => [n.name, n.op, n.input]), [
    ['input_0', 'Placeholder', []],
    ['dense/kernel', 'VariableV2', []],
    ['const', 'Const', []],
    ['state', 'VariableV2', []],
    ['matMul', 'matMul', ['input_0', 'dense/kernel']],
    ['add', 'binary:add', ['matMul', 'const']],
    ['fusedElementwise', 'fusedElementwise', ['add']],
    ['add_1', 'binary:add', ['fusedElementwise', 'fusedElementwise']],
    ['output', 'Identity', ['add_1']],
    ['assign/state', 'Assign', ['state', 'add_1']],
  ]);
  const attr = (name: string) => def.node.find((n) => n.name === name)!.attr!;
  const shapes = (name: string): number[][] => attr(name)['_output_shapes']!.list!.shape!.map((sh) => sh.dim!.map((d) => d.size));
  assert.deepEqual(shapes('input_0'), [[4, 3]]);
  assert.deepEqual(shapes('dense/kernel'), [[3, 2]]);
  assert.deepEqual(shapes('matMul'), [[4, 2]]);
  assert.deepEqual(shapes('output'), [[8]], 'a result is shown under the shape it is returned with');
  assert.equal(attr('matMul')['dtype']!.type, 1);
  assert.equal(text(attr('matMul')['args']!.s!), '[false,true]');
  assert.equal(text(attr('add')['args']!.s!), '["add"]');
  assert.deepEqual(attr('fusedElementwise')['fused_ops']!.list!.s!.map(text), ['unary:relu', 'binary:mul']);
  assert.equal(attr('add_1')['fused_ops'], undefined);
});

test('SummaryWriter.opGraph stores the GraphDef as TensorFlow 2 stores a traced function (RunMetadata, plugin graph_run_metadata_graph), and the reader gives it back by tag', async () => {
  const dir = tmp();
  const writer = s.createFileWriter(dir);
  writer.opGraph(handGraph(), 3);
  writer.close();
  const { events } = readEventDir(dir);
  const [stored] = valuesOf(events, 'hand');
  assert.equal(stored!.step, 3);
  assert.equal(stored!.value.metadata.plugin_data.plugin_name, 'graph_run_metadata_graph');
  assert.equal(text(stored!.value.metadata.plugin_data.content), '1', 'TensorBoard ignores other versions');
  assert.equal(stored!.value.tensor.dtype, 7);
  const [graph] = decodeRunMetadataGraphs(stored!.value.tensor.string_val[0]);
  assert.deepEqual(graph!.node.map((n) => n.name), ['input_0', 'dense/kernel', 'const', 'state', 'matMul', 'add', 'fusedElementwise', 'add_1', 'output', 'assign/state']);
  assert.deepEqual(graph!.node[6]!.attr.fused_ops.list.s.map(text), ['unary:relu', 'binary:mul']);

  const run = new s.board.RunData('hand');
  for (const f of (await import('node:fs')).readdirSync(dir)) run.feed(f, (await import('node:fs')).readFileSync(join(dir, f)));
  assert.deepEqual(run.info().opGraphTags, ['hand']);
  assert.equal(run.info().hasGraph, false);
  const nodes = run.opGraphs.get('hand')!;
  assert.deepEqual(nodes.map((n) => [n.name, n.op, n.outputShapes, n.fusedOps]), [
    ['input_0', 'Placeholder', [[4, 3]], undefined],
    ['dense/kernel', 'VariableV2', [[3, 2]], undefined],
    ['const', 'Const', [[2]], undefined],
    ['state', 'VariableV2', [[4, 2]], undefined],
    ['matMul', 'matMul', [[4, 2]], undefined],
    ['add', 'binary:add', [[4, 2]], undefined],
    ['fusedElementwise', 'fusedElementwise', [[4, 2]], ['unary:relu', 'binary:mul']],
    ['add_1', 'binary:add', [[4, 2]], undefined],
    ['output', 'Identity', [[8]], undefined],
    ['assign/state', 'Assign', [[4, 2]], undefined],
  ]);
});

/** A jitted training step of a small MLP: forward, loss, gradients and an SGD update in place. */
function jittedStep(): { step: s.Jitted<(x: s.Tensor, y: s.Tensor) => s.Tensor>; x: s.Tensor; y: s.Tensor; variables: s.Variable[] } {
  s.setSeed(5);
  const w1 = s.variable(s.randomNormal([6, 8], 0, 0.3, { seed: 1 }), { name: 'hidden/kernel' });
  const b1 = s.variable(s.zeros([8]), { name: 'hidden/bias' });
  const w2 = s.variable(s.randomNormal([8, 1], 0, 0.3, { seed: 2 }), { name: 'out/kernel' });
  const variables = [w1, b1, w2];
  const step = s.jit((x: s.Tensor, y: s.Tensor) => {
    const { value, grads } = s.variableGrads(() => s.mean(s.square(s.sub(s.matMul(s.relu(s.add(s.matMul(x, w1), b1)), w2), y))), variables);
    variables.forEach((v, i) => v.assign(s.sub(v, s.mul(grads[i]!, 0.1))));
    return value;
  }, { name: 'mlp_step' });
  return { step, x: s.randomUniform([16, 6], 0, 1, { seed: 3 }), y: s.randomUniform([16, 1], 0, 1, { seed: 4 }), variables };
}

test('the GraphDef of a jitted training step has one node per graph node, every input names a node, and the variables keep their names', () => {
  const { step, x, y } = jittedStep();
  step(x, y);
  const graph = step.lastGraph!;
  const def = s.board.opGraphDef(graph);
  const names = new Set(def.node.map((n) => n.name));
  assert.equal(names.size, def.node.length, 'names are unique');
  for (const n of def.node) for (const input of n.input ?? []) assert.ok(names.has(input.replace(/:\d+$/, '')), `${n.name} reads ${input}`);
  const ops = def.node.filter((n) => !Object.values(s.board.OP_GRAPH_ENDPOINTS).includes(n.op as never));
  assert.deepEqual(ops.map((n) => n.op), graph.nodes.map(opLabel));
  assert.deepEqual(ops.map((n) => n.attr!['_output_shapes']!.list!.shape!.map((sh) => sh.dim!.map((d) => d.size))), graph.nodes.map((n) => n.outputs.map((v) => [...v.shape])));
  for (const v of ['hidden/kernel', 'hidden/bias', 'out/kernel']) assert.equal(def.node.find((n) => n.name === v)?.op, 'VariableV2', v);
  assert.deepEqual(def.node.filter((n) => n.op === 'Placeholder').map((n) => n.name), ['input_0', 'input_1']);
});

test('the TensorBoard callback writes the op graph of a model\'s traced training step once, after the first batch, and none for an eager model', async () => {
  const { step, x, y } = jittedStep();
  let asked = 0;
  // Until models replay their steps as graphs, a model that answers with a jitted step stands in.
  class GraphModel extends s.Sequential {
    stepGraph(kind: 'train'): s.Graph | undefined {
      assert.equal(kind, 'train');
      asked++;
      step(x, y);
      return step.lastGraph;
    }
  }
  const layers = () => [s.Input({ shape: [6] }), new s.layers.Dense({ units: 1, name: 'out' })];
  const fitWith = async (model: s.Sequential, dir: string, writeGraph = true): Promise<void> => {
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [new s.TensorBoard({ logDir: dir, histogramFreq: 0, writeGraph })] });
  };
  const dir = tmp();
  await fitWith(new GraphModel({ layers: layers() }), dir);
  assert.equal(asked, 1);
  const { events } = readEventDir(join(dir, 'train'));
  const written = valuesOf(events, s.board.TRAIN_STEP_GRAPH_TAG);
  assert.equal(written.length, 1);
  assert.equal(written[0]!.step, 1, 'written after the first batch');
  const [graph] = decodeRunMetadataGraphs(written[0]!.value.tensor.string_val[0]);
  assert.deepEqual(graph!.node.map((n) => n.name), s.board.opGraphDef(step.lastGraph!).node.map((n) => n.name));
  assert.equal(events.filter((e) => e.graph_def).length, 1, 'the layer graph is still written');

  const off = tmp();
  await fitWith(new GraphModel({ layers: layers() }), off, false);
  assert.equal(asked, 1, 'writeGraph: false does not ask for the step graph');
  assert.deepEqual(valuesOf(readEventDir(join(off, 'train')).events, s.board.TRAIN_STEP_GRAPH_TAG), []);

  const eager = tmp();
  await fitWith(new s.Sequential({ layers: layers() }), eager);
  const eagerEvents = readEventDir(join(eager, 'train')).events;
  assert.deepEqual(valuesOf(eagerEvents, s.board.TRAIN_STEP_GRAPH_TAG), []);
  assert.equal(eagerEvents.filter((e) => e.graph_def).length, 1);
});

test('op graph layout: variables sit just above their first reader, every node has its own place', () => {
  const { step, x, y } = jittedStep();
  step(x, y);
  const nodes = s.board.opGraphDef(step.lastGraph!).node.map((n) => ({ name: n.name, op: n.op, inputs: n.input ?? [], outputShapes: [], parameters: 0, trainableParameters: 0 }));
  const { placed } = layoutGraph(nodes);
  const at = new Map(placed.map((p) => [p.node.name, p]));
  assert.equal(new Set(placed.map((p) => `${p.row},${p.column}`)).size, placed.length);
  for (const p of placed) for (const src of p.sources) assert.ok(at.get(src)!.row < p.row, `${src} above ${p.node.name}`);
  for (const v of ['hidden/kernel', 'hidden/bias', 'out/kernel']) {
    const readers = placed.filter((p) => p.sources.includes(v)).map((p) => p.row);
    assert.equal(at.get(v)!.row, Math.min(...readers) - 1, v);
  }
});

test('graph layout: a row wider than maxColumns wraps onto lines below it, keeping every edge pointing down', () => {
  const node = (name: string, inputs: string[]) => ({ name, op: 'op', inputs, outputShapes: [], parameters: 0, trainableParameters: 0 });
  const fan = ['a', 'b', 'c', 'd', 'e'].map((n) => node(n, ['in']));
  const { placed, rows, columns } = layoutGraph([node('in', []), ...fan, node('out', fan.map((n) => n.name))], 2);
  assert.deepEqual(placed.map((p) => [p.node.name, p.row, p.column]), [['in', 0, 0], ['a', 1, 0], ['b', 1, 1], ['c', 2, 0], ['d', 2, 1], ['e', 3, 0], ['out', 4, 0]]);
  assert.deepEqual([rows, columns], [5, 2]);
});
