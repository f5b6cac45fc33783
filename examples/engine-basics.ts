/** The engine in ten lines: a function, its gradient, and a few steps of gradient descent. */
import { grad, mean, mul, square, sub, tensor, tidy, variable, type Tensor } from '../src/index.js';

// f(w) = mean((w - 3)²) has its minimum at w = 3, and f'(w) = 2(w - 3) / n.
const f = (w: Tensor) => mean(square(sub(w, 3)));
const df = grad(f);
console.log(df(tensor([1, 5])).arraySync()); // [-2, 2]

const w = variable(tensor([0, 10]));
for (let step = 0; step < 100; step++) tidy(() => w.assign(sub(w, mul(df(w), 0.5))));
console.log(w.arraySync()); // [3, 3] (to float32 precision)
