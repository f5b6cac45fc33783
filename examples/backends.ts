/**
 * The two backends side by side: a small convolutional network's loss and gradients computed on `cpu`
 * (the reference, plain TypeScript) and on `wasm` (WebAssembly SIMD on worker threads), how far apart
 * they are, and how long a 512×512×512 product takes on each, on one thread and on two.
 *
 * Run: node dist/examples/backends.js
 */
import * as s from '../src/node/index.js';

/** The loss of a conv → relu → pool → dense network on fixed random data, and its gradients. */
function lossAndGradients(): { loss: number; gradients: Float32Array[] } {
  let result = { loss: NaN, gradients: [] as Float32Array[] };
  s.tidy(() => {
    const x = s.randomNormal([8, 12, 12, 3], 0, 1, { seed: 1 });
    const labels = s.tensor([0, 1, 2, 3, 4, 0, 1, 2], [8], 'int32');
    const filter = s.variable(s.randomNormal([3, 3, 3, 4], 0, 0.3, { seed: 2 }));
    const dense = s.variable(s.randomNormal([6 * 6 * 4, 5], 0, 0.1, { seed: 3 }));
    const f = () => {
      const features = s.maxPool(s.relu(s.conv2d(x, filter, { padding: 'same' })), 2);
      const logits = s.matMul(s.reshape(features, [8, 6 * 6 * 4]), dense);
      return s.mean(s.softmaxCrossEntropy(labels, logits));
    };
    const { value, grads } = s.variableGrads(f, [filter, dense]);
    result = { loss: value.item(), gradients: grads.map((g) => g.dataSync() as Float32Array) };
    s.dispose([filter, dense]);
  });
  return result;
}

/** Milliseconds per 512×512×512 product on the current backend (median of 5). */
function productMs(): number {
  const a = s.randomNormal([512, 512], 0, 1, { seed: 4 });
  const times: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t = performance.now();
    s.matMul(a, a).dispose();
    times.push(performance.now() - t);
  }
  a.dispose();
  return times.slice(1).sort((x, y) => x - y)[2]!;
}

s.setBackend('cpu');
const reference = lossAndGradients();
const cpuMs = productMs();
s.setBackend('wasm');
const fast = lossAndGradients();
let largest = 0;
fast.gradients.forEach((g, i) => g.forEach((v, j) => (largest = Math.max(largest, Math.abs(v - reference.gradients[i]![j]!)))));

console.log(`loss: cpu ${reference.loss.toFixed(6)}, wasm ${fast.loss.toFixed(6)}`);
console.log(`largest difference between the gradients: ${largest.toExponential(1)} (float32 rounding)`);
console.log(`512×512×512 product: cpu ${cpuMs.toFixed(1)} ms`);
for (const threads of [1, 2]) {
  await s.setThreadsCount(threads);
  console.log(`512×512×512 product: wasm on ${threads} thread${threads > 1 ? 's' : ''} ${productMs().toFixed(1)} ms`);
}
