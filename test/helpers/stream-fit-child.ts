/**
 * Run by test/data/stream-fit.test.ts in a Node process with a small heap: streams
 * STREAM_FIT_ROWS rows of STREAM_FIT_FEATURES numbers (made as plain JS arrays, far more than the
 * heap holds) through map, shuffle, batch and prefetch into fit, then prints what it saw as JSON.
 * Without those variables (as when the test runner loads every file under test/) it does nothing.
 */
import * as s from '../../src/index.js';

const rows = Number(process.env['STREAM_FIT_ROWS'] ?? 0);
const features = Number(process.env['STREAM_FIT_FEATURES'] ?? 0);
const { Dense } = s.layers;
if (rows > 0 && features > 0) await streamFit();

async function streamFit(): Promise<void> {
  s.setSeed(1);
  const model = new s.Sequential({ layers: [new Dense({ units: 1, inputShape: [features] })] });
  model.compile({ optimizer: new s.SGD({ learningRate: 0.01 }), loss: 'meanSquaredError' });
  const before = s.memory().numTensors;
  let made = 0;
  const stream = s.data
    .generator(function* () {
      for (let i = 0; i < rows; i++) {
        const x = new Array<number>(features).fill(((i * 7) % 11) / 11 - 0.5);
        made++;
        yield { x, y: x[0]! };
      }
    })
    .map((e) => {
      const { x, y } = e as unknown as { x: number[]; y: number };
      return [s.tensor(x), y];
    })
    .shuffle(500, { seed: 3 })
    .batch(100)
    .prefetch(2);
  let steps = 0;
  await model.fit(stream, undefined, { epochs: 1, verbose: 0, callbacks: [{ onBatchEnd: () => void steps++ }] });
  process.stdout.write(JSON.stringify({ made, steps, leaked: s.memory().numTensors - before, heapLimit: (await import('node:v8')).getHeapStatistics().heap_size_limit }));
}
