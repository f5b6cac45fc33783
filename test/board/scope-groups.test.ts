/** Op graphs folded by name scope: closed scopes stand as one node fed from outside, and a model's single outer scope opens first. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GraphNode } from '../../src/board/api-types.js';
import { firstOpenScopes, foldScopes } from '../../src/board/web/scope-groups.js';

const op = (name: string, ...inputs: string[]): GraphNode => ({ name, op: name.split('/').pop()!, inputs, outputShapes: [], parameters: 0, trainableParameters: 0 });

const graph = [
  op('x'),
  op('model/dense/kernel'),
  op('model/dense/MatMul', 'x', 'model/dense/kernel'),
  op('model/dense/Relu', 'model/dense/MatMul', '^x'),
  op('model/out/MatMul', 'model/dense/Relu'),
  op('model/out/Softmax', 'model/out/MatMul'),
  op('strided_slice', 'model/out/Softmax', 'strided_slice/stack'),
  op('strided_slice/stack'),
];

test('closed scopes fold into one node each, fed by what feeds their ops from outside; an op named as a scope joins it', () => {
  const top = foldScopes(graph, new Set());
  assert.deepEqual(top.map((n) => [n.name, n.inputs, n.scope?.size]), [['x', [], undefined], ['model/', ['x'], 5], ['strided_slice/', ['model/'], 2]]);
  const layers = foldScopes(graph, new Set(['model']));
  assert.deepEqual(layers.map((n) => [n.name, n.op, n.inputs]), [['x', 'x', []], ['model/dense/', 'dense', ['x']], ['model/out/', 'out', ['model/dense/']], ['strided_slice/', 'strided_slice', ['model/out/']]]);
  const open = foldScopes(graph, new Set(['model', 'model/dense', 'strided_slice']));
  // Control inputs (`^x`) are left out of the drawing.
  assert.deepEqual(open.map((n) => [n.name, n.inputs]), [['x', []], ['model/dense/kernel', []], ['model/dense/MatMul', ['x', 'model/dense/kernel']], ['model/dense/Relu', ['model/dense/MatMul']], ['model/out/', ['model/dense/Relu']], ['strided_slice', ['model/out/', 'strided_slice/stack']], ['strided_slice/stack', []]]);
});

test('a single outer scope opens first, so the layers show; several scopes stay closed', () => {
  assert.deepEqual([...firstOpenScopes(graph.slice(0, 6))], ['model']);
  assert.deepEqual([...firstOpenScopes(graph)], []);
  assert.deepEqual([...firstOpenScopes([op('a/b/c'), op('a/b/d')])], ['a', 'a/b']);
});
