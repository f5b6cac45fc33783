/**
 * Time of one epoch of the lesson's MLP (784 → 100 relu → 10 softmax, batch 32, Adam 1e-3, 48,000
 * images) written directly with Strata's ops, per backend: what the engine, the tape and the kernels
 * cost before any layers API. The images are random (time does not depend on the values); the
 * epoch time is extrapolated from `--steps` batches (default 300).
 *
 * Usage: node dist/bench/mlp-step.js [--steps=300] [--backends=wasm,cpu]
 */
import * as s from '../src/node/index.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('='))) as Record<string, string | undefined>;
const steps = Number(args['steps'] ?? 300);
const backends = (args['backends'] ?? 'wasm,cpu').split(',');
const BATCH = 32;
const EPOCH_IMAGES = 48000;

function epochSeconds(backend: string): { epoch: number; msPerStep: number; opsPerStep: number } {
  s.setBackend(backend);
  const glorot = (fanIn: number, fanOut: number): s.Tensor => s.randomUniform([fanIn, fanOut], -Math.sqrt(6 / (fanIn + fanOut)), Math.sqrt(6 / (fanIn + fanOut)), { seed: fanIn });
  const params = [s.variable(glorot(784, 100)), s.variable(s.zeros([100])), s.variable(glorot(100, 10)), s.variable(s.zeros([10]))];
  const moments = params.map((p) => [s.variable(s.zerosLike(p)), s.variable(s.zerosLike(p))] as const);
  const images = s.randomUniform([BATCH * 20, 784], 0, 1, { seed: 3 });
  const labels = s.oneHot(s.cast(s.randomUniform([BATCH * 20], 0, 10, { seed: 4 }), 'int32'), 10);
  const [b1, b2, lr, eps] = [0.9, 0.999, 1e-3, 1e-7];

  const step = (t: number): void => {
    s.tidy(() => {
      const first = (t % 20) * BATCH;
      const x = s.slice(images, [first, 0], [BATCH, 784]);
      const y = s.slice(labels, [first, 0], [BATCH, 10]);
      const loss = (): s.Tensor => {
        const h = s.relu(s.add(s.matMul(x, params[0]!), params[1]!));
        const logits = s.add(s.matMul(h, params[2]!), params[3]!);
        return s.neg(s.mean(s.sum(s.mul(y, s.logSoftmax(logits)), -1)));
      };
      const { grads } = s.variableGrads(loss, params);
      const correction = Math.sqrt(1 - b2 ** t) / (1 - b1 ** t);
      params.forEach((p, i) => {
        const [m, v] = moments[i]!;
        const g = grads[i]!;
        m.assign(s.add(s.mul(m, b1), s.mul(g, 1 - b1)));
        v.assign(s.add(s.mul(v, b2), s.mul(s.square(g), 1 - b2)));
        p.assign(s.sub(p, s.div(s.mul(m, lr * correction), s.add(s.sqrt(v), eps))));
      });
    });
  };
  for (let t = 1; t <= 20; t++) step(t);
  const tensorsBefore = s.memory().numTensors;
  const start = performance.now();
  for (let t = 21; t < 21 + steps; t++) step(t);
  const ms = (performance.now() - start) / steps;
  if (s.memory().numTensors !== tensorsBefore) throw new Error(`the training step leaks tensors (${tensorsBefore} before, ${s.memory().numTensors} after)`);
  s.dispose([...params, ...moments.flat(), images, labels]);
  return { epoch: (ms * EPOCH_IMAGES) / BATCH / 1000, msPerStep: ms, opsPerStep: 0 };
}

for (const backend of backends) {
  const r = epochSeconds(backend);
  console.log(`${backend}: ${r.msPerStep.toFixed(3)} ms per batch of ${BATCH}, epoch of ${EPOCH_IMAGES} images ≈ ${r.epoch.toFixed(2)} s`);
}
