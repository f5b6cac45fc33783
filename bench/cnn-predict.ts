/**
 * Inference throughput of the lesson's CNN (examples/lesson-cnn.ts), images per second at batch 256, the way
 * bench/peers/cnn_predict.py measures PyTorch and Keras: untrained weights (throughput does not depend on
 * their values), the first `--images` test images of Fashion-MNIST as float32 pixels / 255, one warm-up
 * batch (the heap's first blocks of each size, the threads' first jobs), then `--passes` timed calls of
 * `model.predict(x, { batchSize: 256 })` over all of them. Prints one JSON line: images/s of each pass, their
 * median, and the process's peak RSS.
 *
 * Usage: node dist/bench/cnn-predict.js [--threads=1] [--images=4096] [--passes=3] [--batch=256] [--backend=wasm]
 */
import * as s from '../src/node/index.js';
import { buildLessonCnn } from '../examples/lesson-cnn.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('='))) as Record<string, string | undefined>;
const backend = args['backend'] ?? 'wasm';
const threads = Number(args['threads'] ?? 1);
const count = Number(args['images'] ?? 4096);
const passes = Number(args['passes'] ?? 3);
const batchSize = Number(args['batch'] ?? 256);
const DIR = process.env['FMNIST_DIR'] ?? '/usr/share/datasets/fashion-mnist';

s.setBackend(backend);
if (backend === 'wasm') await s.setThreadsCount(threads);
const pixels = s.datasets.readIdxFile(`${DIR}/t10k-images-idx3-ubyte.gz`).data.subarray(0, count * 784);
const x = s.tidy(() => s.reshape(s.div(s.tensor(pixels, [count, 784], 'uint8'), 255), [count, 28, 28, 1]));
const model = buildLessonCnn();

s.tidy(() => model.predict(s.slice(x, [0, 0, 0, 0], [Math.min(batchSize, count), 28, 28, 1]), { batchSize }));
const rates: number[] = [];
for (let i = 0; i < passes; i++) {
  const t0 = performance.now();
  s.dispose(model.predict(x, { batchSize }));
  rates.push(count / ((performance.now() - t0) / 1000));
  process.stderr.write(`pass ${i + 1}: ${rates.at(-1)!.toFixed(0)} images/s\n`);
}
const sorted = [...rates].sort((a, b) => a - b);
console.log(JSON.stringify({
  framework: 'strata', backend, threads, batch: batchSize, images: count,
  images_per_sec: rates.map((r) => +r.toFixed(1)), median_images_per_sec: +sorted[(sorted.length - 1) >> 1]!.toFixed(1),
  peak_rss_mb: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
}));
process.exit(0);
