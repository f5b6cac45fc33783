/** examples/image-sequences runs on a slice: ConvLSTM2D learns the direction of motion that an order-blind model cannot. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { FASHION_MNIST, missing } from '../helpers/system-packages.js';
import { wasmSuiteOnly } from '../helpers/suite-backend.js';

test('examples/image-sequences: ConvLSTM2D tells which way a Fashion-MNIST item moves; averaging the frames over time cannot (600 clips here)', { skip: missing(FASHION_MNIST) || wasmSuiteOnly() }, async () => {
  const path = fileURLToPath(new URL('../../examples/image-sequences.js', import.meta.url));
  // NOTE: on the wasm backend whatever this suite runs on: the reference kernels' convolutions take minutes
  // here, and the example's numbers are the same on both (its weights and clips are seeded).
  const out = execFileSync(process.execPath, [path, '--train', '600', '--test', '100', '--epochs', '4'], { encoding: 'utf8', env: { ...process.env, STRATA_BACKEND: 'wasm' } });
  assert.match(out, /^600 training clips and 100 held-out clips of 4 frames 12×12, moving up, down, left, right\n/);
  assert.match(out, /conv_lstm2d \(ConvLSTM2D\)\s+│\s+\(None, 12, 12, 8\)\s+│\s+2,624 │/);
  const recurrent = Number(/ConvLSTM2D\(8\) → pooling → Dense: (\d\.\d{4}) on held-out clips/.exec(out)![1]);
  const blind = Number(/Frames averaged over time \(order-blind\): (\d\.\d{4}) on held-out clips/.exec(out)![1]);
  assert.ok(recurrent >= 0.7, `ConvLSTM2D accuracy ${recurrent}`);
  assert.ok(blind <= 0.6, `order-blind accuracy ${blind}: without the order it can tell at best the axis of motion, not its sign`);
  const { buildConvLstm, buildOrderBlind, movingClips } = await import('../../examples/image-sequences.js');
  assert.equal(buildConvLstm().countParams(), 2_660);
  assert.equal(buildOrderBlind().countParams(), 18_596);
  // A clip moving right: the item's mass moves one column per frame.
  const items = new Float32Array(8 * 784).fill(1);
  const { x, y } = movingClips(items, 0, 8, 5);
  const labels = Array.from(y.dataSync());
  const frames = x.arraySync() as number[][][][][];
  labels.forEach((label, n) => {
    const centre = (t: number, axis: 0 | 1): number => {
      let sum = 0;
      let mass = 0;
      frames[n]![t]!.forEach((row, r) => row.forEach(([v], c) => { sum += v! * (axis === 0 ? r : c); mass += v!; }));
      return sum / mass;
    };
    const [dr, dc] = [[-1, 0], [1, 0], [0, -1], [0, 1]][label]!;
    assert.ok(Math.abs(centre(3, 0) - centre(0, 0) - 3 * dr!) < 1e-4 && Math.abs(centre(3, 1) - centre(0, 1) - 3 * dc!) < 1e-4, `clip ${n} moves ${label}`);
  });
});
