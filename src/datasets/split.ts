/** trainTestSplit: a seeded, optionally stratified split of in-memory samples into a training and a test part. */
import { ValueError, fmtShape } from '../core/errors.js';
import { tidy } from '../core/memory.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { generatorFor, type RandomGenerator } from '../core/random.js';
import { Tensor } from '../core/tensor.js';
import { gather, tensor } from '../ops/index.js';

/** Options of `trainTestSplit` (scikit-learn's `train_test_split`, in camelCase). */
export interface TrainTestSplitArgs {
  /** The test part: a fraction in (0, 1), or a number of samples (default: what trainSize leaves, or 0.25). */
  testSize?: number;
  /** The training part: a fraction in (0, 1), or a number of samples (default: all that the test part leaves). */
  trainSize?: number;
  /** Seed of the shuffle, for a reproducible split (default: the global generator, see `setSeed`). */
  seed?: number;
  /** Shuffle before splitting (default true). Without, the first samples train and the next ones test. */
  shuffle?: boolean;
  /**
   * Class labels [n]: each class then has the same share of each part as of the whole (exactly
   * where the counts allow, otherwise within one sample per class).
   */
  stratify?: Tensor;
}

/** Resolves a size given as a fraction or a count against `n` samples; `round` turns fractions into counts. */
function sizeOf(what: string, value: number, n: number, round: (x: number) => number): number {
  if (!(value > 0) || (value >= 1 && !Number.isInteger(value))) {
    throw new ValueError(`trainTestSplit: ${what} must be a fraction in (0, 1) or a positive whole number of samples, got ${value}.`);
  }
  const count = value < 1 ? round(value * n) : value;
  if (count > n) throw new ValueError(`trainTestSplit: ${what} ${value} asks for ${count} samples but there are only ${n}.`);
  return count;
}

/** Shuffles `a` in place (Fisher–Yates). */
function shuffleInPlace(a: Int32Array, g: RandomGenerator): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = g.int(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/**
 * Splits `total` samples among classes of the given sizes in proportion to them: each class gets
 * the floor of its share, and the samples left over go to the largest remainders (ties: larger
 * class first, then the earlier class), so no class is ever more than one sample off its share.
 */
function apportion(classSizes: number[], total: number): number[] {
  const n = classSizes.reduce((a, b) => a + b, 0);
  const shares = classSizes.map((c) => (c * total) / n);
  const counts = shares.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = classSizes.map((_, i) => i).sort((a, b) => shares[b]! - counts[b]! - (shares[a]! - counts[a]!) || classSizes[b]! - classSizes[a]! || a - b);
  for (const i of order) {
    if (left === 0) break;
    if (counts[i]! < classSizes[i]!) {
      counts[i]!++;
      left--;
    }
  }
  return counts;
}

/** The rows of the training and test parts, as index lists. */
function splitIndices(n: number, nTrain: number, nTest: number, args: TrainTestSplitArgs): [Int32Array, Int32Array] {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (args.shuffle === false) {
    if (args.stratify) throw new ValueError('trainTestSplit: stratify needs shuffle; a stratified split without shuffling cannot keep the class ratios.');
    return [all.slice(0, nTrain), all.slice(nTrain, nTrain + nTest)];
  }
  const g = generatorFor(args.seed);
  if (!args.stratify) {
    shuffleInPlace(all, g);
    return [all.slice(nTest, nTest + nTrain), all.slice(0, nTest)];
  }
  const labels = args.stratify.dataSync();
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = members.get(labels[i]!);
    if (list) list.push(i);
    else members.set(labels[i]!, [i]);
  }
  const classes = [...members.keys()].sort((a, b) => a - b).map((k) => Int32Array.from(members.get(k)!));
  const sizes = classes.map((c) => c.length);
  const trainCounts = apportion(sizes, nTrain);
  const testCounts = apportion(sizes.map((s, i) => s - trainCounts[i]!), nTest);
  const train = new Int32Array(nTrain);
  const test = new Int32Array(nTest);
  let [tr, te] = [0, 0];
  classes.forEach((rows, c) => {
    shuffleInPlace(rows, g);
    train.set(rows.subarray(0, trainCounts[c]!), tr);
    test.set(rows.subarray(trainCounts[c]!, trainCounts[c]! + testCounts[c]!), te);
    tr += trainCounts[c]!;
    te += testCounts[c]!;
  });
  shuffleInPlace(train, g);
  shuffleInPlace(test, g);
  return [train, test];
}

/**
 * Splits each array (same number of samples, along the first axis) into a training and a test
 * part, the same rows for every array. Returns `[aTrain, aTest, bTrain, bTest, ...]`, as
 * scikit-learn's `train_test_split` does; the inputs are left as they are.
 *
 * @example
 * // 48,000 training and 12,000 validation images, each class in the same proportion in both.
 * const [xTrain, xVal, yTrain, yVal] = trainTestSplit([x, y], { testSize: 12000, seed: 42, stratify: y });
 */
export function trainTestSplit(arrays: [Tensor], args?: TrainTestSplitArgs): [Tensor, Tensor];
export function trainTestSplit(arrays: [Tensor, Tensor], args?: TrainTestSplitArgs): [Tensor, Tensor, Tensor, Tensor];
export function trainTestSplit(arrays: [Tensor, Tensor, Tensor], args?: TrainTestSplitArgs): [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
export function trainTestSplit(arrays: Tensor[], args?: TrainTestSplitArgs): Tensor[];
export function trainTestSplit(arrays: Tensor[], args: TrainTestSplitArgs = {}): Tensor[] {
  if (!Array.isArray(arrays) || arrays.length === 0 || !arrays.every((a) => a instanceof Tensor)) {
    throw new ValueError('trainTestSplit: pass a non-empty array of tensors, e.g. trainTestSplit([x, y], { testSize: 0.2 }).');
  }
  checkOptions('trainTestSplit', args, optionKeys<TrainTestSplitArgs>({ testSize: true, trainSize: true, seed: true, shuffle: true, stratify: true }));
  arrays.forEach((a) => a.assertAlive('trainTestSplit'));
  const n = arrays[0]!.shape[0];
  if (n === undefined) throw new ValueError('trainTestSplit: the arrays need a first (sample) axis; got a scalar.');
  arrays.forEach((a, i) => {
    if (a.shape[0] !== n) throw new ValueError(`trainTestSplit: every array needs the same number of samples, but array 0 is ${fmtShape(arrays[0]!.shape)} and array ${i} is ${fmtShape(a.shape)}.`);
  });
  if (args.stratify && (args.stratify.rank !== 1 || args.stratify.shape[0] !== n)) {
    throw new ValueError(`trainTestSplit: stratify must hold one label per sample, shape [${n}], got ${fmtShape(args.stratify.shape)}.`);
  }
  const nTest = args.testSize !== undefined ? sizeOf('testSize', args.testSize, n, Math.ceil) : undefined;
  const nTrain = args.trainSize !== undefined ? sizeOf('trainSize', args.trainSize, n, Math.floor) : undefined;
  const test = nTest ?? (nTrain !== undefined ? n - nTrain : Math.ceil(0.25 * n));
  const train = nTrain ?? n - test;
  if (train + test > n || train === 0 || test === 0) {
    throw new ValueError(`trainTestSplit: ${train} training and ${test} test samples do not fit in ${n}; both parts need at least one sample and together at most ${n}.`);
  }
  const [trainRows, testRows] = splitIndices(n, train, test, args);
  return tidy(() => {
    const trainIdx = tensor(trainRows, [trainRows.length], 'int32');
    const testIdx = tensor(testRows, [testRows.length], 'int32');
    return arrays.flatMap((a) => [gather(a, trainIdx), gather(a, testIdx)]);
  });
}
