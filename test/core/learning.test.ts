/** Networks written with the engine alone (matMul, add, relu, softmax, grad and plain SGD) must learn. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';

interface Net {
  params: s.Variable[];
  logits: (x: s.Tensor) => s.Tensor;
}

function twoLayerNet(inputs: number, hidden: number, classes: number): Net {
  const params = s.tidy(() => [
    s.variable(s.randomNormal([inputs, hidden], 0, Math.sqrt(2 / inputs))),
    s.variable(s.zeros([hidden])),
    s.variable(s.randomNormal([hidden, classes], 0, Math.sqrt(1 / hidden))),
    s.variable(s.zeros([classes])),
  ]);
  const [w1, b1, w2, b2] = params as [s.Variable, s.Variable, s.Variable, s.Variable];
  return { params, logits: (x) => s.add(s.matMul(s.relu(s.add(s.matMul(x, w1), b1)), w2), b2) };
}

function train(net: Net, x: s.Tensor, labels: s.Tensor, classes: number, steps: number, learningRate: number): void {
  const target = s.oneHot(labels, classes);
  const loss = (): s.Tensor => {
    const probs = s.softmax(net.logits(x));
    return s.neg(s.mean(s.sum(s.mul(target, s.log(probs)), -1)));
  };
  for (let i = 0; i < steps; i++) {
    s.tidy(() => {
      const { grads } = s.variableGrads(loss, net.params);
      net.params.forEach((p, j) => p.assign(s.sub(p, s.mul(grads[j]!, learningRate))));
    });
  }
  target.dispose();
}

function accuracy(net: Net, x: s.Tensor, labels: s.Tensor): number {
  return s.tidy(() => s.mean(s.cast(s.equal(s.argmax(net.logits(x)), labels), 'float32')).item());
}

test('XOR is learned to 100% accuracy', () => {
  s.setSeed(1);
  const x = s.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = s.tensor([0, 1, 1, 0], [4], 'int32');
  const net = twoLayerNet(2, 8, 2);
  train(net, x, y, 2, 500, 0.5);
  assert.equal(accuracy(net, x, y), 1);
});

test('a 3-class spiral is learned to at least 95% training accuracy', () => {
  s.setSeed(2);
  const perClass = 100;
  const points: number[] = [];
  const labels: number[] = [];
  const g = s.randomNormal([3 * perClass], 0, 0.2).dataSync();
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < perClass; i++) {
      const r = i / perClass;
      const theta = c * 4 + 4 * r + g[c * perClass + i]!;
      points.push(r * Math.sin(theta), r * Math.cos(theta));
      labels.push(c);
    }
  }
  const x = s.tensor(points, [3 * perClass, 2]);
  const y = s.tensor(labels, [3 * perClass], 'int32');
  const net = twoLayerNet(2, 64, 3);
  train(net, x, y, 3, 1500, 1);
  const acc = accuracy(net, x, y);
  assert.ok(acc >= 0.95, `spiral training accuracy ${acc}`);
});
