/** The lesson's hidden-layer network (step 4 of the guide): Flatten → Dense 100 relu → Dense 10 softmax. */
import { Sequential, layers, setSeed } from '../../src/node/index.js';

/** The network, with the same initial weights on every call (the seed is set first). */
export function buildLessonMlp(): Sequential {
  setSeed(42);
  return new Sequential({
    layers: [
      new layers.Flatten({ inputShape: [28, 28] }),
      new layers.Dense({ units: 100, activation: 'relu' }),
      new layers.Dense({ units: 10, activation: 'softmax' }),
    ],
  });
}
