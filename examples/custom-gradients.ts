/**
 * Opening the engine: gradients of gradients, a Hessian-vector product, a gradient penalty, a custom
 * gradient and a new op with its own kernel. Each line printed is checked by test/examples.
 */
import {
  customGrad, defineOp, grad, layers, mean, mul, pow, round, sequential, SGD, sqrt, square, sub, sum, tensor, tidy, variableGrads,
  type Tensor,
} from '../src/index.js';

const show = (t: Tensor): string => `[${Array.from(t.dataSync(), (v) => +v.toFixed(4)).join(', ')}]`;

// d²/dx² x³ = 6x, and the third derivative is 6.
const cube = (x: Tensor): Tensor => sum(pow(x, 3));
const d2 = grad((x) => sum(grad(cube)(x)));
console.log(`second derivative of x³ at [1, 2]: ${show(d2(tensor([1, 2])))}`);
console.log(`third derivative of x³ at [1, 2]: ${show(grad((x) => sum(d2(x)))(tensor([1, 2])))}`);

// The Hessian of Σ w⁴/4 is diag(3w²); times v = [1, 1, 1] at w = [1, 2, 3] that is [3, 12, 27].
const quartic = (w: Tensor): Tensor => mul(sum(pow(w, 4)), 0.25);
const v = tensor([1, 1, 1]);
const hvp = grad((w) => sum(mul(grad(quartic)(w), v)))(tensor([1, 2, 3]));
console.log(`Hessian-vector product: ${show(hvp)}`);

// A straight-through estimator: round forward, identity backward.
const roundST = customGrad((x: Tensor) => ({ value: round(x), gradFunc: (dy) => dy }));
const x = tensor([0.4, 1.6]);
console.log(`straight-through round: value ${show(roundST(x))}, gradient ${show(grad((t) => sum(roundST(t)))(x))}`);

// A new op with a kernel for the reference backend (the composite runs on the others).
const cubeOp = defineOp({
  name: 'cube',
  forward: (t) => mul(mul(t, t), t),
  gradient: (dy, [t]) => mul(dy, mul(square(t!), 3)),
  kernels: { cpu: ([t]) => ({ values: t!.values.map((e) => e ** 3), shape: t!.shape, dtype: t!.dtype }) },
});
console.log(`defined op cube: value ${show(cubeOp(tensor([1, 2])))}, gradient ${show(grad((t) => sum(cubeOp(t)))(tensor([1, 2])))}`);

// A gradient penalty alone drives a linear critic's input gradient to norm 1 (WGAN-GP's constraint).
const critic = sequential([layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })]);
const points = tensor([[0.5, -1], [2, 0.3], [-1, 1]]);
const inputGradientNorm = (): Tensor => {
  const dx = grad((p) => sum(critic.apply(p) as Tensor))(points);
  return sqrt(sum(square(dx), -1));
};
const optimizer = new SGD({ learningRate: 0.1 });
console.log(`critic's input-gradient norm before: ${tidy(() => mean(inputGradientNorm()).item()).toFixed(4)}`);
for (let step = 0; step < 50; step++) {
  tidy(() => {
    const { grads } = variableGrads(() => mean(square(sub(inputGradientNorm(), 1))), critic.trainableWeights);
    optimizer.applyGradients(grads.map((g, i) => [g, critic.trainableWeights[i]!] as const));
  });
}
console.log(`critic's input-gradient norm after 50 penalty steps: ${tidy(() => mean(inputGradientNorm()).item()).toFixed(4)}`);
