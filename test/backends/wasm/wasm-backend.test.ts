/** Every kernel of the wasm backend against the reference cpu backend, on random inputs of many shapes. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CpuBackend } from '../../../src/backends/cpu/cpu-backend.js';
import { nodeWorkerSupport } from '../../../src/backends/wasm/node/spawn-worker.js';
import { sizeClass } from '../../../src/backends/wasm/heap.js';
import { WasmBackend, setWorkerSupport } from '../../../src/backends/wasm/wasm-backend.js';
import { KERNEL_NAMES, type Backend, type BinaryOp, type FusedActivation, type ReduceOp, type TensorInfo, type UnaryOp, type UpdateRule } from '../../../src/core/backend.js';
import { allocArray, type DType } from '../../../src/core/dtype.js';
import { broadcastShapes, sizeOf } from '../../../src/core/shape.js';
import { assertClose } from '../../helpers/grad-check.js';

const wasm = new WasmBackend();
const cpu = new CpuBackend();

/** A small seeded generator, so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

interface Input {
  shape: number[];
  dtype?: DType;
  /** Values drawn uniformly from [low, high); integers and bools are rounded. */
  range?: [number, number];
  /** Values placed first (edge cases), the rest random. */
  special?: number[];
}

function values(spec: Input, seed: number): ReturnType<typeof allocArray> {
  const dtype = spec.dtype ?? 'float32';
  const [low, high] = spec.range ?? (dtype === 'bool' ? [0, 2] : [-3, 3]);
  const out = allocArray(dtype, sizeOf(spec.shape));
  const next = rng(seed);
  for (let i = 0; i < out.length; i++) {
    const v = spec.special?.[i] ?? low + (high - low) * next();
    out[i] = dtype === 'int32' || dtype === 'uint8' || dtype === 'bool' ? Math.floor(v) : v;
  }
  return out;
}

/**
 * Runs `kernel` on both backends with the same inputs and asserts equal shapes, dtypes and values
 * (within `tol`, relative to max(1, |expected|)). Returns the reference output.
 */
function compare(what: string, inputs: Input[], kernel: (b: Backend, xs: TensorInfo[]) => TensorInfo, tol = 0): Float64Array {
  const make = (b: Backend): TensorInfo[] =>
    inputs.map((spec, i) => {
      const dtype = spec.dtype ?? 'float32';
      return { dataId: b.write(values(spec, 17 + 31 * i), spec.shape, dtype), shape: spec.shape, dtype };
    });
  const wasmInputs = make(wasm);
  const got = kernel(wasm, wasmInputs);
  const want = kernel(cpu, make(cpu));
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  assert.equal(got.dtype, want.dtype, `${what}: dtype`);
  const expected = Float64Array.from(cpu.read(want.dataId));
  assertClose(wasm.read(got.dataId), expected, tol, what);
  for (const x of [...wasmInputs, got]) wasm.disposeData(x.dataId);
  return expected;
}

const unaryOps: UnaryOp[] = [
  'neg', 'abs', 'sign', 'sqrt', 'square', 'reciprocal', 'exp', 'expm1', 'log', 'log1p',
  'relu', 'sigmoid', 'tanh', 'erf', 'sin', 'cos', 'floor', 'ceil', 'round',
];
const edges = [NaN, Infinity, -Infinity, 0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-8, 100, -100];

test('the wasm backend has every kernel: a fast path that may decline to the reference, or the reference alone', () => {
  assert.equal(KERNEL_NAMES.length, 30);
  for (const name of KERNEL_NAMES) assert.equal(typeof wasm[name], 'function', name);
  // concat has no fast path, and an int32 matMul is declined: both are the reference's answer on wasm memory.
  compare('concat (reference only)', [{ shape: [2, 3] }, { shape: [2, 2] }], (b, xs) => b.concat(xs, 1));
  compare('matMul int32 (declined)', [{ shape: [3, 4], dtype: 'int32' }, { shape: [4, 2], dtype: 'int32' }], (b, [x, y]) => b.matMul(x!, y!, false, false, []));
});

describe('wasm unary', () => {
  for (const op of unaryOps) {
    test(op, () => {
      for (const shape of [[0], [1], [3], [4], [7], [4, 5], [33, 17], [1000]]) {
        compare(`${op} ${shape}`, [{ shape, special: edges }], (b, [x]) => b.unary(x!, op), 1e-6);
      }
      compare(`${op} float64`, [{ shape: [9], dtype: 'float64', special: edges }], (b, [x]) => b.unary(x!, op));
    });
  }
  test('the SIMD tanh is within 4 ulp of the reference from 1e-30 to 20 in magnitude, exact at 0, -0 and ±Infinity', () => {
    // Log-spaced magnitudes, and a fine linear sweep where its two formulas meet (|x| = 0.5).
    const logSpaced = Array.from({ length: 3000 }, (_, i) => 10 ** (-30 + (i * 31.3) / 3000));
    const magnitudes = [...logSpaced, ...Array.from({ length: 4001 }, (_, i) => i / 2000), 0];
    const x = Float32Array.from([...magnitudes, ...magnitudes.map((m) => -m), Infinity, -Infinity]);
    const id = wasm.write(x, [x.length], 'float32');
    const got = wasm.read(wasm.unary({ dataId: id, shape: [x.length], dtype: 'float32' }, 'tanh').dataId);
    x.forEach((v, i) => {
      const want = Math.fround(Math.tanh(v));
      const ulp = Math.max(2 ** -149, 2 ** (Math.floor(Math.log2(Math.abs(want) || 2 ** -149)) - 23));
      assert.ok(Math.abs(got[i]! - want) <= 4 * ulp, `tanh(${v}) = ${got[i]}, reference ${want}`);
      if (v === 0) assert.ok(Object.is(got[i], v), `tanh(${Object.is(v, -0) ? '-0' : '0'}) keeps its sign`);
    });
  });
  test('int32 goes through the reference kernels', () => {
    for (const op of ['neg', 'abs', 'square', 'sign'] as const) {
      compare(`${op} int32`, [{ shape: [11], dtype: 'int32', range: [-50, 50] }], (b, [x]) => b.unary(x!, op));
    }
  });
});

const binaryOps: BinaryOp[] = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'mod', 'floorDiv', 'reluGrad',
  'equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual', 'logicalAnd', 'logicalOr',
];
const compareOps = new Set<BinaryOp>(['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual', 'logicalAnd', 'logicalOr']);
const broadcastPairs: [number[], number[]][] = [
  [[5, 7], [5, 7]], // same shape
  [[13], []], // tensor and scalar
  [[], [4, 4]], // scalar and tensor
  [[3, 9], [9]], // bias add: row broadcast
  [[6, 1], [6, 5]], // column broadcast (softmax's x - max)
  [[6, 5], [6, 1]],
  [[2, 1, 3], [1, 4, 1]],
  [[1], [1]],
  [[0, 3], [3]], // empty
  [[2, 1, 2, 1, 2], [1, 2, 1, 2, 1]], // more broadcast axes than the kernel loops over
  [[64, 37], [64, 37]],
];

function binaryRange(op: BinaryOp, side: 0 | 1): [number, number] {
  if (op === 'pow') return side === 0 ? [0.1, 3] : [-2, 2];
  if ((op === 'mod' || op === 'floorDiv' || op === 'div') && side === 1) return [0.5, 3];
  // Few distinct values, so comparisons and maximum/minimum meet ties (and reluGrad meets x = 0).
  if (compareOps.has(op) || op === 'maximum' || op === 'minimum' || op === 'reluGrad') return [-2, 2];
  return [-3, 3];
}

describe('wasm binary', () => {
  for (const op of binaryOps) {
    test(op, () => {
      const outDtype: DType = compareOps.has(op) ? 'bool' : 'float32';
      const tie = compareOps.has(op) || op === 'maximum' || op === 'minimum' || op === 'reluGrad';
      for (const [sa, sb] of broadcastPairs) {
        const outShape = broadcastShapes(op, sa, sb);
        const inputs: Input[] = [0, 1].map((side) => {
          const shape = side === 0 ? sa : sb;
          const [low, high] = binaryRange(op, side as 0 | 1);
          return { shape, range: [low, high], special: tie ? undefined : side === 0 ? [NaN, Infinity, 0] : [1, NaN, -0] };
        });
        if (tie) {
          // Round to halves so that equal values occur.
          const t = (spec: Input): Input => ({ ...spec, special: Array.from(values(spec, 5), (v) => Math.round(v * 2) / 2) });
          inputs[0] = t(inputs[0]!);
          inputs[1] = t(inputs[1]!);
        }
        compare(`${op} [${sa}] [${sb}]`, inputs, (b, [x, y]) => b.binary(x!, y!, op, outShape, outDtype), 1e-6);
      }
      const f64: Input[] = [{ shape: [3, 4], dtype: 'float64', range: binaryRange(op, 0) }, { shape: [4], dtype: 'float64', range: binaryRange(op, 1) }];
      if (compareOps.has(op)) {
        // Runs long enough for the 16-wide vector loop, with NaN, infinities and ties, same shape and by a scalar (NaN too).
        const long = Array.from({ length: 203 }, (_, i) => [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5][i % 8]!);
        const other = Array.from({ length: 203 }, (_, i) => [1, NaN, 0, 0, 0.5, -1, 2, -0][i % 7]!);
        compare(`${op} long run`, [{ shape: [203], special: long }, { shape: [203], special: other }], (b, [x, y]) => b.binary(x!, y!, op, [203], 'bool'));
        for (const v of [0, NaN, 0.5]) {
          compare(`${op} long run by ${v}`, [{ shape: [7, 29], special: long }, { shape: [], special: [v] }], (b, [x, y]) => b.binary(x!, y!, op, [7, 29], 'bool'));
        }
      }
      compare(`${op} float64`, f64, (b, [x, y]) => b.binary(x!, y!, op, [3, 4], compareOps.has(op) ? 'bool' : 'float64'));
      const i32: Input[] = [{ shape: [3, 4], dtype: 'int32', range: [-5, 5] }, { shape: [3, 1], dtype: 'int32', range: [1, 4] }];
      if (op !== 'div' && op !== 'pow') compare(`${op} int32`, i32, (b, [x, y]) => b.binary(x!, y!, op, [3, 4], compareOps.has(op) ? 'bool' : 'int32'));
    });
  }
});

describe('wasm where', () => {
  const cases: [number[], number[], number[], number[]][] = [
    [[4, 5], [4, 5], [4, 5], [4, 5]],
    [[4, 1], [1, 5], [], [4, 5]],
    [[7], [3, 7], [7], [3, 7]],
    [[2, 1, 2, 1, 2], [1, 2, 1, 2, 1], [2, 2, 2, 2, 2], [2, 2, 2, 2, 2]],
    [[0, 2], [2], [2], [0, 2]],
  ];
  for (const dtype of ['float32', 'int32', 'float64', 'bool'] as DType[]) {
    test(dtype, () => {
      for (const [sc, sa, sb, so] of cases) {
        const inputs: Input[] = [{ shape: sc, dtype: 'bool' }, { shape: sa, dtype, range: [-9, 9] }, { shape: sb, dtype, range: [-9, 9] }];
        compare(`where ${dtype} [${sc}] [${sa}] [${sb}]`, inputs, (b, [c, x, y]) => b.where(c!, x!, y!, so));
      }
    });
  }
});

describe('wasm reduce', () => {
  const cases: [number[], number[]][] = [
    [[7], [0]], [[5, 9], [1]], [[5, 9], [0]], [[5, 9], [0, 1]], [[5, 9], []],
    [[3, 4, 5], [1]], [[3, 4, 5], [1, 2]], [[3, 4, 5], [0, 1]], [[3, 4, 5], [0, 2]],
    [[4, 1, 6], [0, 2]], [[2, 0, 3], [1]], [[0, 3], [1]], [[1, 1], [0, 1]],
    [[257, 129], [0]], [[257, 129], [1]], [[32, 10], [1]], [[32, 100], [0]],
  ];
  for (const op of ['sum', 'prod', 'max', 'min'] as ReduceOp[]) {
    test(op, () => {
      for (const [shape, axes] of cases) {
        // prod of many values over/underflows; keep its factors near 1.
        const range: [number, number] = op === 'prod' ? [0.9, 1.1] : [-3, 3];
        compare(`${op} [${shape}] over [${axes}]`, [{ shape, range }], (b, [x]) => b.reduce(x!, axes, op), 1e-6);
      }
      compare(`${op} with NaN`, [{ shape: [3, 6], special: [1, NaN, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, NaN] }], (b, [x]) => b.reduce(x!, [1], op));
      compare(`${op} with NaN, first axis`, [{ shape: [3, 6], special: [1, NaN, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, NaN] }], (b, [x]) => b.reduce(x!, [0], op));
      compare(`${op} float64`, [{ shape: [4, 6], dtype: 'float64' }], (b, [x]) => b.reduce(x!, [1], op));
      compare(`${op} int32`, [{ shape: [4, 6], dtype: 'int32', range: [-3, 3] }], (b, [x]) => b.reduce(x!, [0], op));
    });
  }
  test('argmax and argmin', () => {
    for (const op of ['argmax', 'argmin'] as const) {
      compare(`${op} rows`, [{ shape: [6, 11] }], (b, [x]) => b.argReduce(x!, 1, op));
      compare(`${op} columns`, [{ shape: [6, 11] }], (b, [x]) => b.argReduce(x!, 0, op));
      // The last axis of a 3-D tensor; ties (the first wins), NaN first in a row and inside it, infinities.
      compare(`${op} last axis`, [{ shape: [2, 3, 7], range: [-2, 2] }], (b, [x]) => b.argReduce(x!, 2, op));
      const special = [1, 3, 3, 0, NaN, 5, 2, -Infinity, Infinity, 2, 2, 2, 2, NaN, -1, 0, -0, 4, -4, 4];
      compare(`${op} ties and NaN`, [{ shape: [5, 4], special }], (b, [x]) => b.argReduce(x!, 1, op));
      compare(`${op} one column`, [{ shape: [4, 1] }], (b, [x]) => b.argReduce(x!, 1, op));
      compare(`${op} float64 rows`, [{ shape: [3, 5], dtype: 'float64' }], (b, [x]) => b.argReduce(x!, 1, op));
    }
  });
});

describe('wasm matMul', () => {
  // [m, k, n]: size 1, not multiples of the 4×8 tile, empty, and one larger than a packed block.
  const sizes: [number, number, number][] = [
    [1, 1, 1], [1, 5, 3], [3, 5, 7], [4, 8, 8], [5, 9, 17], [7, 1, 9], [33, 65, 31],
    [3, 0, 4], [0, 3, 4], [3, 4, 0], [257, 129, 131], [6, 600, 20],
  ];
  const combos: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

  function checkProduct(sa: number[], sb: number[], tA: boolean, tB: boolean, batchShape: number[]): void {
    const run = (b: Backend, [x, y]: TensorInfo[]): TensorInfo => b.matMul(x!, y!, tA, tB, batchShape);
    const k = tA ? sa[sa.length - 2]! : sa[sa.length - 1]!;
    // float32 sums in another order than the reference's float64 sums: allow k roundings.
    compare(`matMul [${sa}]${tA ? 'ᵀ' : ''} · [${sb}]${tB ? 'ᵀ' : ''}`, [{ shape: sa, range: [-1, 1] }, { shape: sb, range: [-1, 1] }], run, 2e-7 * Math.max(k, 1));
  }

  for (const [tA, tB] of combos) {
    test(`transposeA=${tA} transposeB=${tB}`, () => {
      for (const [m, k, n] of sizes) checkProduct(tA ? [k, m] : [m, k], tB ? [n, k] : [k, n], tA, tB, []);
    });
    test(`batched with broadcasting, transposeA=${tA} transposeB=${tB}`, () => {
      const a = (m: number, k: number): number[] => (tA ? [k, m] : [m, k]);
      const b = (k: number, n: number): number[] => (tB ? [n, k] : [k, n]);
      checkProduct([2, 3, ...a(5, 4)], b(4, 6), tA, tB, [2, 3]);
      checkProduct([3, 1, ...a(5, 4)], [1, 2, ...b(4, 6)], tA, tB, [3, 2]);
      checkProduct(a(9, 7), [4, ...b(7, 10)], tA, tB, [4]);
      checkProduct([2, ...a(13, 11)], [2, ...b(11, 9)], tA, tB, [2]);
    });
  }
  test('float64 goes through the reference kernel', () => {
    compare('matMul float64', [{ shape: [5, 7], dtype: 'float64' }, { shape: [7, 3], dtype: 'float64' }], (b, [x, y]) => b.matMul(x!, y!, false, false, []));
  });
});

describe('wasm transpose', () => {
  const cases: [number[], number[]][] = [
    [[7, 13], [1, 0]], [[1, 5], [1, 0]], [[33, 40], [1, 0]], [[2, 5, 3], [0, 2, 1]], [[3, 4, 5], [1, 0, 2]],
    [[3, 4, 5], [2, 0, 1]], [[2, 3, 4, 5], [0, 2, 1, 3]], [[2, 3, 4, 5], [3, 1, 2, 0]], [[6], [0]],
    [[3, 1, 4], [2, 1, 0]], [[0, 4], [1, 0]], [[2, 3], [0, 1]],
  ];
  for (const dtype of ['float32', 'int32', 'float64', 'bool'] as DType[]) {
    test(dtype, () => {
      for (const [shape, perm] of cases) compare(`transpose ${dtype} [${shape}] by [${perm}]`, [{ shape, dtype }], (b, [x]) => b.transpose(x!, perm));
    });
  }
});

describe('wasm cast', () => {
  const dtypes: DType[] = ['float32', 'float64', 'int32', 'uint8', 'bool'];
  for (const from of dtypes) {
    for (const to of dtypes) {
      test(`${from} to ${to}`, () => {
        for (const shape of [[0], [1], [9], [4, 7], [3, 11]]) {
          const special = from === 'float32' || from === 'float64' ? [NaN, -0, 0.5, -1.5, 1e10] : from === 'uint8' ? [0, 255, 128, 1] : undefined;
          const range: [number, number] = from === 'uint8' ? [0, 256] : [-5, 5];
          compare(`cast [${shape}]`, [{ shape, dtype: from, range, special }], (b, [x]) => b.cast(x!, to));
        }
      });
    }
  }
});

describe('wasm slicing, gathering and softmax kernels, and the reference code they fall back to on wasm memory', () => {
  test('slice, concat, pad, tile', () => {
    compare('slice', [{ shape: [5, 6, 7] }], (b, [x]) => b.slice(x!, [1, 0, 2], [3, 6, 4]));
    // Contiguous runs: a batch of rows, rows of a 3-D block, a whole tensor, a corner with long rows, empty.
    compare('slice rows', [{ shape: [40, 30] }], (b, [x]) => b.slice(x!, [7, 0], [20, 30]));
    compare('slice int32 block', [{ shape: [4, 5, 20], dtype: 'int32' }], (b, [x]) => b.slice(x!, [1, 2, 0], [2, 3, 20]));
    compare('slice all', [{ shape: [3, 8], dtype: 'bool' }], (b, [x]) => b.slice(x!, [0, 0], [3, 8]));
    compare('slice corner', [{ shape: [6, 50], dtype: 'float64' }], (b, [x]) => b.slice(x!, [2, 3], [3, 40]));
    compare('slice empty', [{ shape: [6, 50] }], (b, [x]) => b.slice(x!, [2, 3], [0, 40]));
    compare('concat', [{ shape: [2, 3] }, { shape: [2, 5] }, { shape: [2, 1] }], (b, xs) => b.concat(xs, 1));
    compare('pad', [{ shape: [3, 4], dtype: 'int32' }], (b, [x]) => b.pad(x!, [[1, 2], [0, 3]], 7));
    compare('tile', [{ shape: [2, 3] }], (b, [x]) => b.tile(x!, [3, 2]));
    // Runs long enough to be copied whole: a bias broadcast to a batch, a 3-D block, int32, one axis empty.
    compare('tile rows', [{ shape: [1, 100] }], (b, [x]) => b.tile(x!, [32, 1]));
    compare('tile block', [{ shape: [2, 3, 20] }], (b, [x]) => b.tile(x!, [2, 3, 2]));
    compare('tile int32', [{ shape: [3, 17], dtype: 'int32' }], (b, [x]) => b.tile(x!, [1, 4]));
    compare('tile float64 columns', [{ shape: [5, 1], dtype: 'float64' }], (b, [x]) => b.tile(x!, [2, 40]));
    compare('tile empty', [{ shape: [0, 20] }], (b, [x]) => b.tile(x!, [3, 1]));
  });
  test('gather, scatterAdd, oneHot', () => {
    const indices: Input = { shape: [4, 2], dtype: 'int32', range: [0, 5] };
    compare('gather', [{ shape: [5, 3] }, indices], (b, [x, i]) => b.gather(x!, i!, 0));
    // Rows long enough to be copied whole, along the first and a middle axis, repeated indices, bool.
    compare('gather rows', [{ shape: [5, 40] }, indices], (b, [x, i]) => b.gather(x!, i!, 0));
    compare('gather middle axis', [{ shape: [2, 5, 3, 8], dtype: 'int32' }, indices], (b, [x, i]) => b.gather(x!, i!, 1));
    compare('gather bool rows', [{ shape: [5, 16], dtype: 'bool' }, { shape: [7], dtype: 'int32', range: [0, 5] }], (b, [x, i]) => b.gather(x!, i!, 0));
    compare('gather no indices', [{ shape: [5, 40] }, { shape: [0], dtype: 'int32' }], (b, [x, i]) => b.gather(x!, i!, 0));
    // A batch of labels (4-byte runs), uint8 image rows, float64 columns of the last axis, a scalar per index.
    const batch: Input = { shape: [32], dtype: 'int32', range: [0, 50] };
    compare('gather labels', [{ shape: [50] }, batch], (b, [x, i]) => b.gather(x!, i!, 0));
    compare('gather uint8 rows', [{ shape: [50, 28, 28], dtype: 'uint8', range: [0, 256] }, batch], (b, [x, i]) => b.gather(x!, i!, 0));
    compare('gather float64 last axis', [{ shape: [3, 4, 5], dtype: 'float64' }, indices], (b, [x, i]) => b.gather(x!, i!, 2));
    compare('gather from a scalar axis', [{ shape: [5], dtype: 'bool' }, indices], (b, [x, i]) => b.gather(x!, i!, 0));
    compare('scatterAdd', [{ shape: [4, 2, 3] }, indices], (b, [u, i]) => b.scatterAdd(u!, i!, 0, [5, 3]));
    compare('oneHot', [{ shape: [6], dtype: 'int32', range: [-1, 5] }], (b, [i]) => b.oneHot(i!, 4, 1, 0));
  });
  test('softmax and softmax cross-entropy with its gradient', () => {
    const logits: Input = { shape: [6, 10], range: [-20, 20], special: [Infinity, -Infinity, NaN] };
    const ids: Input = { shape: [6], dtype: 'int32', range: [-1, 11] };
    // The SIMD exp is within a few ulp of the reference's float64 exp.
    compare('softmax', [logits], (b, [x]) => b.softmax(x!), 1e-6);
    compare('softmax rows of 8 and a tail', [{ shape: [3, 4, 11], range: [-90, 90] }], (b, [x]) => b.softmax(x!), 1e-6);
    compare('softmax of -Infinity rows', [{ shape: [2, 5], special: new Array(10).fill(-Infinity) }], (b, [x]) => b.softmax(x!));
    compare('softmaxCrossEntropy ids', [logits, ids], (b, [z, t]) => b.softmaxCrossEntropy(z!, t!));
    compare('softmaxCrossEntropy probabilities', [logits, { shape: [6, 10], range: [0, 1] }], (b, [z, t]) => b.softmaxCrossEntropy(z!, t!));
    compare('softmaxCrossEntropyGrad', [logits, ids, { shape: [6] }], (b, [z, t, dy]) => b.softmaxCrossEntropyGrad(z!, t!, dy!));
    // A training batch (32 rows of 10 classes, every id valid) and probability labels, through both kernels,
    // and rows of a 3-D tensor: float64 inside, as the reference, so the float32 results are the same.
    const batch: Input = { shape: [32, 10], range: [-30, 30] };
    const batchIds: Input = { shape: [32], dtype: 'int32', range: [0, 10] };
    compare('softmaxCrossEntropy batch', [batch, batchIds], (b, [z, t]) => b.softmaxCrossEntropy(z!, t!));
    compare('softmaxCrossEntropyGrad batch', [batch, batchIds, { shape: [32] }], (b, [z, t, dy]) => b.softmaxCrossEntropyGrad(z!, t!, dy!));
    const probabilities: Input = { shape: [32, 10], range: [0, 0.2], special: [0, 1, 0, 0.5] };
    compare('softmaxCrossEntropyGrad probabilities', [batch, probabilities, { shape: [32] }], (b, [z, t, dy]) => b.softmaxCrossEntropyGrad(z!, t!, dy!));
    compare('softmaxCrossEntropy 3-D', [{ shape: [2, 3, 7] }, { shape: [2, 3], dtype: 'int32', range: [-1, 8] }], (b, [z, t]) => b.softmaxCrossEntropy(z!, t!));
    compare('softmaxCrossEntropyGrad -Infinity rows', [{ shape: [2, 5], special: new Array(10).fill(-Infinity) }, { shape: [2], dtype: 'int32', range: [0, 5] }, { shape: [2] }],
      (b, [z, t, dy]) => b.softmaxCrossEntropyGrad(z!, t!, dy!));
    compare('softmaxCrossEntropy float64', [{ shape: [3, 4], dtype: 'float64' }, { shape: [3], dtype: 'int32', range: [0, 4] }], (b, [z, t]) => b.softmaxCrossEntropy(z!, t!));
  });
});

/** A convolution or pooling case: input shape, window, strides, pads [top, bottom, left, right], dilations. */
interface WindowCase {
  x: number[];
  k: [number, number];
  cout: number;
  strides: [number, number];
  pads: [number, number, number, number];
  dilations: [number, number];
}

// Odd sizes, stride 2, same and valid padding, asymmetric padding, dilation 2, channels that are not
// multiples of 4, 1×1 filters, a window larger than the input with padding, batch 1 and more.
const windowCases: WindowCase[] = [
  { x: [1, 5, 5, 1], k: [3, 3], cout: 1, strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1] },
  { x: [2, 7, 6, 3], k: [3, 3], cout: 5, strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1] },
  { x: [3, 9, 8, 4], k: [3, 2], cout: 8, strides: [2, 2], pads: [0, 1, 0, 1], dilations: [1, 1] },
  { x: [2, 11, 10, 6], k: [3, 3], cout: 7, strides: [1, 2], pads: [2, 2, 2, 2], dilations: [2, 2] },
  { x: [2, 6, 6, 9], k: [1, 1], cout: 12, strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1] },
  { x: [1, 8, 7, 5], k: [1, 1], cout: 3, strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1] },
  { x: [4, 3, 4, 2], k: [5, 5], cout: 3, strides: [1, 1], pads: [2, 2, 2, 2], dilations: [1, 1] },
  { x: [2, 14, 14, 32], k: [3, 3], cout: 64, strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1] },
  // Shallow windows (a first layer on grey or RGB images).
  { x: [2, 9, 7, 1], k: [3, 3], cout: 32, strides: [2, 1], pads: [2, 2, 2, 2], dilations: [2, 2] },
  { x: [3, 6, 5, 3], k: [3, 3], cout: 24, strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1] },
  { x: [1, 5, 6, 2], k: [2, 3], cout: 8, strides: [1, 2], pads: [0, 1, 0, 1], dilations: [1, 1] },
];

function caseName(c: WindowCase): string {
  return `x ${c.x} k ${c.k} cout ${c.cout} strides ${c.strides} pads ${c.pads} dilations ${c.dilations}`;
}

function convOutShape(c: WindowCase): number[] {
  const size = (i: number, k: number, s: number, before: number, after: number, d: number): number => Math.floor((i + before + after - (k - 1) * d - 1) / s) + 1;
  return [c.x[0]!, size(c.x[1]!, c.k[0], c.strides[0], c.pads[0], c.pads[1], c.dilations[0]), size(c.x[2]!, c.k[1], c.strides[1], c.pads[2], c.pads[3], c.dilations[1]), c.cout];
}

describe('wasm convolution and pooling', () => {
  test('conv2d and its gradients match the reference (float32 products, float64 sums)', () => {
    for (const c of windowCases) {
      const filter: Input = { shape: [c.k[0], c.k[1], c.x[3]!, c.cout], range: [-1, 1] };
      // Half of x and dy exactly zero, as behind relu and max pooling.
      const x: Input = { shape: c.x, range: [-1, 1], special: Array.from({ length: sizeOf(c.x) }, (_, i) => (i % 3 === 0 ? 0 : undefined)) as number[] };
      const dy: Input = { shape: convOutShape(c), range: [-1, 1] };
      const depth = c.k[0] * c.k[1] * c.x[3]!;
      const tol = 4e-7 * Math.max(depth, c.cout, sizeOf(dy.shape) / c.cout);
      compare(`conv2d ${caseName(c)}`, [x, filter], (b, [xi, f]) => b.conv2d(xi!, f!, c.strides, c.pads, c.dilations, 1), tol);
      compare(`conv2dBackpropInput ${caseName(c)}`, [dy, filter], (b, [d, f]) => b.conv2dBackpropInput(d!, f!, c.x, c.strides, c.pads, c.dilations, 1), tol);
      compare(`conv2dBackpropFilter ${caseName(c)}`, [x, dy], (b, [xi, d]) => b.conv2dBackpropFilter(xi!, d!, filter.shape, c.strides, c.pads, c.dilations, 1), tol);
    }
  });
  test('grouped and float64 convolutions go through the reference kernels', () => {
    const c = windowCases[1]!;
    compare('conv2d groups 3', [{ shape: [2, 5, 5, 6] }, { shape: [3, 3, 2, 9] }], (b, [x, f]) => b.conv2d(x!, f!, [1, 1], [1, 1, 1, 1], [1, 1], 3), 1e-6);
    compare('conv2d float64', [{ shape: c.x, dtype: 'float64' }, { shape: [3, 3, 3, 5], dtype: 'float64' }], (b, [x, f]) => b.conv2d(x!, f!, c.strides, c.pads, c.dilations, 1));
  });
  test('max and average pooling and their gradients match the reference', () => {
    for (const c of windowCases) {
      const strides = c.strides;
      const pads = c.pads;
      const size = c.k;
      const outShape = convOutShape({ ...c, dilations: [1, 1], cout: c.x[3]! });
      // Few distinct values so that windows hold ties (the first maximum takes the gradient), and edge values.
      const x: Input = { shape: c.x, range: [-2, 2], special: [NaN, Infinity, -Infinity, 0, 0, 1, 1] };
      const xTies: Input = { shape: c.x, special: Array.from({ length: sizeOf(c.x) }, (_, i) => (i * 7) % 3) };
      const dy: Input = { shape: outShape, range: [-1, 1] };
      const name = caseName(c);
      compare(`max pool ${name}`, [x], (b, [xi]) => b.pool2d(xi!, 'max', size, strides, pads));
      compare(`avg pool ${name}`, [{ shape: c.x, range: [-2, 2] }], (b, [xi]) => b.pool2d(xi!, 'avg', size, strides, pads), 1e-6);
      compare(`maxPool2dGrad ${name}`, [dy, x], (b, [d, xi]) => b.maxPool2dGrad(d!, xi!, size, strides, pads), 1e-6);
      compare(`maxPool2dGrad with ties ${name}`, [dy, xTies], (b, [d, xi]) => b.maxPool2dGrad(d!, xi!, size, strides, pads), 1e-6);
      compare(`avgPool2dGrad ${name}`, [dy], (b, [d]) => b.avgPool2dGrad(d!, c.x, size, strides, pads), 1e-6);
    }
    compare('max pool float64', [{ shape: [1, 4, 4, 3], dtype: 'float64' }], (b, [xi]) => b.pool2d(xi!, 'max', [2, 2], [2, 2], [0, 0, 0, 0]));
  });
});

describe('wasm applyUpdate', () => {
  // Parameter, gradient, then slots; second moments and velocities are positive as they are in training.
  const rules: [UpdateRule, [number, number][]][] = [
    [{ kind: 'adam', alpha: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false }, [[-1, 1], [0, 2]]],
    [{ kind: 'adam', alpha: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-3, amsgrad: true }, [[-1, 1], [0, 2], [0, 2]]],
    [{ kind: 'sgd', learningRate: 0.1, momentum: 0, nesterov: false }, []],
    [{ kind: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: false }, [[-1, 1]]],
    [{ kind: 'sgd', learningRate: 0.01, momentum: 0.5, nesterov: true }, [[-1, 1]]],
    [{ kind: 'rmsprop', learningRate: 1e-3, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false }, [[0.5, 2]]],
    [{ kind: 'rmsprop', learningRate: 1e-2, rho: 0.8, momentum: 0.9, epsilon: 1e-7, centered: true }, [[1, 2], [-1, 1], [-0.3, 0.3]]],
  ];
  for (const [rule, slotRanges] of rules) {
    test(`${JSON.stringify(rule)} equals the reference bit for bit`, () => {
      // Sizes cover the SIMD body, the scalar tail and both at once.
      for (const n of [1, 3, 4, 37, 1000]) {
        const specs: Input[] = [[-2, 2], [-3, 3], ...slotRanges].map((range) => ({ shape: [n], range: range as [number, number] }));
        const make = (b: Backend): TensorInfo[] => specs.map((spec, i) => ({ dataId: b.write(values(spec, 5 + 13 * i + n), spec.shape, 'float32'), shape: spec.shape, dtype: 'float32' }));
        const [w, g, ...slots] = make(wasm);
        const got = wasm.applyUpdate(rule, w!, g!, slots);
        const [cw, cg, ...cslots] = make(cpu);
        const want = cpu.applyUpdate(rule, cw!, cg!, cslots);
        assert.equal(got.length, 1 + slotRanges.length);
        want.forEach((x, k) => assertClose(wasm.read(got[k]!.dataId), cpu.read(x.dataId), 0, `output ${k} of ${n}`));
        for (const x of [w!, g!, ...slots, ...got]) wasm.disposeData(x.dataId);
      }
    });
  }
  test('float64 goes through the reference kernel', () => {
    const rule: UpdateRule = { kind: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: true };
    const [w, g, m] = [[1, 2], [0.5, -1], [0.1, 0.2]].map((v) => ({ dataId: wasm.write(Float64Array.from(v), [2], 'float64'), shape: [2], dtype: 'float64' as const }));
    const [w2, m2] = wasm.applyUpdate(rule, w!, g!, [m!]);
    // m = 0.9 m - 0.1 g; w += 0.9 m - 0.1 g.
    assertClose(wasm.read(m2!.dataId), [0.09 - 0.05, 0.18 + 0.1], 1e-15);
    assertClose(wasm.read(w2!.dataId), [1 + 0.9 * 0.04 - 0.05, 2 + 0.9 * 0.28 + 0.1], 1e-15);
  });
});

describe('wasm storage', () => {
  test('size classes: multiples of 64 bytes, four per power of two, at most 25% above the request', () => {
    assert.deepEqual([0, 1, 64, 65, 127, 128, 129, 255, 256, 257, 320, 321].map(sizeClass), [64, 64, 64, 128, 128, 128, 192, 256, 256, 320, 320, 384]);
    // 32 × 784 float32 (a batch of images, 100,352 bytes, 2^16 ≤ n < 2^17) is rounded up to 7 steps of 2^14.
    assert.equal(sizeClass(32 * 784 * 4), 114_688);
    for (const bytes of [2 ** 20 - 1, 2 ** 20, 2 ** 20 + 1, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 3 * 2 ** 30 + 7]) {
      const size = sizeClass(bytes);
      const step = 2 ** (Math.floor(Math.log2(bytes - 1)) - 2);
      assert.ok(size >= bytes && size < bytes + step && size % step === 0, `${bytes} -> ${size}`);
    }
  });
  test('write and read round-trip every dtype', () => {
    for (const dtype of ['float32', 'float64', 'int32', 'bool'] as DType[]) {
      const v = values({ shape: [17], dtype, range: [-9, 9] }, 3);
      const id = wasm.write(v, [17], dtype);
      assert.deepEqual(wasm.read(id), v);
      wasm.disposeData(id);
    }
  });
  test('10,000 write/dispose cycles reuse freed blocks: the heap does not grow', () => {
    const shapes = [[32, 784], [32, 100], [100], [784, 100], [1], []];
    const cycle = (): void => {
      const ids = shapes.map((s) => wasm.write(allocArray('float32', sizeOf(s)), s, 'float32'));
      for (const id of ids) wasm.disposeData(id);
    };
    cycle();
    const reserved = wasm.heapStats().reservedBytes;
    const used = wasm.heapStats().usedBytes;
    for (let i = 0; i < 10000 / shapes.length; i++) cycle();
    assert.equal(wasm.heapStats().reservedBytes, reserved);
    assert.equal(wasm.heapStats().usedBytes, used);
  });
  test('the memory grows for a large tensor and keeps what it held', () => {
    const small = wasm.write(Float32Array.from([1, 2, 3]), [3], 'float32');
    const n = 8 << 20; // 32 MiB, more than the initial memory
    const big = new Float32Array(n);
    big[n - 1] = 5;
    const id = wasm.write(big, [n], 'float32');
    const back = wasm.read(id);
    assert.equal(back[n - 1], 5);
    assert.deepEqual(wasm.read(small), Float32Array.from([1, 2, 3]));
    wasm.disposeData(id);
    wasm.disposeData(small);
  });
});

describe('wasm threads', () => {
  test('matMul split across 2 threads by rows of C matches the reference', async () => {
    setWorkerSupport(nodeWorkerSupport);
    const threaded = new WasmBackend();
    await threaded.setThreads(2);
    assert.equal(threaded.threads, 2);
    // m·n·k above the split threshold; m = 130 gives the worker a share that is not a multiple of the tile.
    for (const [tA, tB] of [[false, false], [true, true]] as const) {
      const sa = tA ? [200, 130] : [130, 200];
      const sb = tB ? [250, 200] : [200, 250];
      const make = (b: Backend): TensorInfo[] => [sa, sb].map((shape, i) => ({ dataId: b.write(values({ shape, range: [-1, 1] }, 3 + i), shape, 'float32'), shape, dtype: 'float32' }));
      const got = threaded.matMul(...(make(threaded) as [TensorInfo, TensorInfo]), tA, tB, []);
      const want = cpu.matMul(...(make(cpu) as [TensorInfo, TensorInfo]), tA, tB, []);
      assertClose(threaded.read(got.dataId), cpu.read(want.dataId), 2e-7 * 200, `threaded matMul tA=${tA} tB=${tB}`);
    }
    // Deep, short products (filter gradients: colᵀ · dy) split by ranges of k, odd k and m below one tile.
    for (const [m, k, n] of [[9, 20001, 40], [50, 3001, 64]]) {
      const operand = (b: Backend, shape: number[], seed: number): TensorInfo => ({ dataId: b.write(values({ shape, range: [-1, 1] }, seed), shape, 'float32'), shape, dtype: 'float32' });
      const make = (b: Backend): [TensorInfo, TensorInfo] => [operand(b, [k!, m!], 7), operand(b, [k!, n!], 8)];
      const got = threaded.matMul(...make(threaded), true, false, []);
      const want = cpu.matMul(...make(cpu), true, false, []);
      assertClose(threaded.read(got.dataId), cpu.read(want.dataId), 2e-7 * k!, `threaded deep matMul ${m}×${k}×${n}`);
    }
    // Elementwise ops over one run above the split threshold (300,007 elements: not a multiple of the grain).
    const n = 300007;
    const make1 = (b: Backend, seed: number, dtype: DType = 'float32'): TensorInfo => ({ dataId: b.write(values({ shape: [n], dtype, range: [-2, 2] }, seed), [n], dtype), shape: [n], dtype });
    for (const op of ['relu', 'exp', 'tanh'] as const) {
      assertClose(threaded.read(threaded.unary(make1(threaded, 1), op).dataId), cpu.read(cpu.unary(make1(cpu, 1), op).dataId), 1e-6, `threaded ${op}`);
    }
    for (const op of ['mul', 'greater'] as const) {
      const outDtype: DType = op === 'mul' ? 'float32' : 'bool';
      const scalar = (b: Backend): TensorInfo => ({ dataId: b.write(Float32Array.of(0.5), [], 'float32'), shape: [], dtype: 'float32' });
      const same = (b: Backend): TensorInfo => b.binary(make1(b, 1), make1(b, 2), op, [n], outDtype);
      const byScalar = (b: Backend): TensorInfo => b.binary(make1(b, 1), scalar(b), op, [n], outDtype);
      assertClose(threaded.read(same(threaded).dataId), cpu.read(same(cpu).dataId), 0, `threaded ${op}`);
      assertClose(threaded.read(byScalar(threaded).dataId), cpu.read(byScalar(cpu).dataId), 0, `threaded ${op} by a scalar`);
    }
    const tensor = (b: Backend, shape: number[], seed: number): TensorInfo => ({ dataId: b.write(values({ shape, range: [-1, 1] }, seed), shape, 'float32'), shape, dtype: 'float32' });
    // Broadcasting ops split along their first axis longer than 1: a bias add, a column broadcast, leading 1s.
    for (const [sa, sb, op] of [[[3001, 100], [100], 'add'], [[601, 500], [601, 1], 'reluGrad'], [[1, 3, 300, 301], [1, 3, 1, 301], 'sub']] as const) {
      const outShape = broadcastShapes(op, sa, sb);
      const pair = (b: Backend): TensorInfo => b.binary(tensor(b, [...sa], 6), tensor(b, [...sb], 7), op, outShape, 'float32');
      assertClose(threaded.read(pair(threaded).dataId), cpu.read(pair(cpu).dataId), 0, `threaded ${op} [${sa}] [${sb}]`);
    }
    // Optimizer updates split by elements (300,007 parameters: not a multiple of the grain), bit for bit.
    const rules: UpdateRule[] = [
      { kind: 'adam', alpha: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: true },
      { kind: 'sgd', learningRate: 0.01, momentum: 0.5, nesterov: true },
      { kind: 'rmsprop', learningRate: 1e-2, rho: 0.8, momentum: 0.9, epsilon: 1e-7, centered: true },
    ];
    for (const rule of rules) {
      const slotCount = rule.kind === 'sgd' ? 1 : 3;
      const update = (b: Backend): TensorInfo[] => {
        const [w, g, ...slots] = Array.from({ length: 2 + slotCount }, (_, i) => tensor(b, [300007], 11 + i));
        // Slots positive: second moments and velocities are, in training.
        return b.applyUpdate(rule, w!, g!, slots.map((x) => b.unary(x, 'abs')));
      };
      const got = update(threaded);
      update(cpu).forEach((x, k) => assertClose(threaded.read(got[k]!.dataId), cpu.read(x.dataId), 0, `threaded ${rule.kind} output ${k}`));
    }
    // Window kernels split by images: 5 and 7 images (shares of 3 and 2, 4 and 3), each call above the threshold.
    const conv = { x: [5, 20, 20, 16], filter: [3, 3, 16, 8], dy: [5, 20, 20, 8] };
    const same = [1, 1, 1, 1] as const;
    const checks: [string, (b: Backend) => TensorInfo, number][] = [
      ['conv2d', (b) => b.conv2d(tensor(b, conv.x, 1), tensor(b, conv.filter, 2), [1, 1], same, [1, 1], 1), 1e-4],
      ['conv2dBackpropInput', (b) => b.conv2dBackpropInput(tensor(b, conv.dy, 3), tensor(b, conv.filter, 2), conv.x, [1, 1], same, [1, 1], 1), 1e-4],
      ['conv2dBackpropFilter', (b) => b.conv2dBackpropFilter(tensor(b, conv.x, 1), tensor(b, conv.dy, 3), conv.filter, [1, 1], same, [1, 1], 1), 1e-3],
      ['max pool', (b) => b.pool2d(tensor(b, [7, 48, 48, 16], 4), 'max', [2, 2], [2, 2], [0, 0, 0, 0]), 0],
      ['avg pool', (b) => b.pool2d(tensor(b, [7, 48, 48, 16], 4), 'avg', [3, 3], [2, 2], [1, 1, 1, 1]), 1e-6],
      ['maxPool2dGrad', (b) => b.maxPool2dGrad(tensor(b, [7, 24, 24, 16], 5), tensor(b, [7, 48, 48, 16], 4), [2, 2], [2, 2], [0, 0, 0, 0]), 0],
      ['avgPool2dGrad', (b) => b.avgPool2dGrad(tensor(b, [7, 24, 24, 16], 5), [7, 48, 48, 16], [3, 3], [2, 2], [1, 1, 1, 1]), 1e-6],
      // 301 rows of 1000 (above the threshold), split by rows with the bias shared.
      ['biasActivation', (b) => b.biasActivation(tensor(b, [301, 1000], 6), tensor(b, [1000], 7), 'relu6'), 0],
    ];
    for (const [name, run, tol] of checks) assertClose(threaded.read(run(threaded).dataId), cpu.read(run(cpu).dataId), tol, `threaded ${name}`);
    await threaded.setThreads(1);
    assert.equal(threaded.threads, 1);
  });
});

describe('wasm on unshared memory (no SharedArrayBuffer: browser pages that are not cross-origin isolated)', () => {
  test('the same kernels run on the calling thread, and reference kernels survive the memory growing under them', async () => {
    setWorkerSupport(nodeWorkerSupport);
    const single = new WasmBackend({ sharedMemory: false });
    assert.equal(single.sharedMemory, false);
    assert.ok(!(single.memory.buffer instanceof SharedArrayBuffer));
    await single.setThreads(2);
    assert.equal(single.threads, 1);
    const operand = (b: Backend, shape: number[], seed: number, dtype: DType = 'float32'): TensorInfo => ({ dataId: b.write(values({ shape, dtype, range: [-1, 1] }, seed), shape, dtype), shape, dtype });
    const checks: [string, (b: Backend) => TensorInfo, number][] = [
      ['matMul', (b) => b.matMul(operand(b, [130, 200], 1), operand(b, [200, 250], 2), false, false, []), 1e-4],
      ['conv2d', (b) => b.conv2d(operand(b, [5, 20, 20, 16], 3), operand(b, [3, 3, 16, 8], 4), [1, 1], [1, 1, 1, 1], [1, 1], 1), 1e-4],
      ['relu', (b) => b.unary(operand(b, [1000], 5), 'relu'), 0],
      // The reference's epilogue works in place on a copy of the product here: it must land in the memory.
      ['float64 fusedMatMul (the reference epilogue)', (b) => b.fusedMatMul(operand(b, [6, 5], 10, 'float64'), operand(b, [5, 7], 11, 'float64'), false, false, [], operand(b, [7], 12, 'float64'), 'tanh'), 0],
      ['float64 add (a reference kernel)', (b) => b.binary(operand(b, [50, 3], 6, 'float64'), operand(b, [3], 7, 'float64'), 'add', [50, 3], 'float64'), 0],
      // A 72 MB result from small operands: the memory grows while the reference kernel holds its inputs.
      ['float64 outer sum growing the memory', (b) => b.binary(operand(b, [3000, 1], 8, 'float64'), operand(b, [1, 3000], 9, 'float64'), 'add', [3000, 3000], 'float64'), 0],
    ];
    for (const [name, run, tol] of checks) assertClose(single.read(run(single).dataId), cpu.read(run(cpu).dataId), tol, `unshared ${name}`);
  });
});

describe('wasm fused bias + activation', () => {
  const activations: FusedActivation[] = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh'];
  // Edge values for the activations' kinks and NaN, at positions both in SIMD lanes and in the scalar row tails.
  const special = [NaN, 0, -0, 6, 5.99, 6.01, -1e-8, 1e-8, Infinity, -Infinity, 20, -20, NaN];
  for (const activation of activations) {
    test(activation, () => {
      for (const shape of [[0, 3], [1, 1], [3, 4], [5, 7], [2, 3, 9], [64, 100]]) {
        const c = shape[shape.length - 1]!;
        const x = { shape, range: [-8, 8] as [number, number], special };
        compare(`biasActivation ${activation} [${shape}]`, [x, { shape: [c] }], (b, [z, bias]) => b.biasActivation(z!, bias!, activation), 1e-6);
        compare(`biasActivation ${activation} [${shape}] no bias`, [x], (b, [z]) => b.biasActivation(z!, null, activation), 1e-6);
        // y in the activation's range (sigmoid's in (0, 1)), with the edges.
        const y = { shape, range: (activation === 'sigmoid' ? [0, 1] : [-8, 8]) as [number, number], special };
        compare(`biasActivationGrad ${activation} [${shape}] dz`, [{ shape }, y], (b, [dy, out]) => b.biasActivationGrad(dy!, out!, activation, false)[0]!, 0);
        compare(`biasActivationGrad ${activation} [${shape}] dBias`, [{ shape }, y], (b, [dy, out]) => b.biasActivationGrad(dy!, out!, activation, true)[1]!, c === 1 ? 1e-6 : 0);
      }
      compare(`biasActivation ${activation} float64`, [{ shape: [4, 5], dtype: 'float64', special }, { shape: [5], dtype: 'float64' }], (b, [z, bias]) => b.biasActivation(z!, bias!, activation));
      compare(`biasActivationGrad ${activation} float64`, [{ shape: [4, 5], dtype: 'float64' }, { shape: [4, 5], dtype: 'float64', special }], (b, [dy, out]) => b.biasActivationGrad(dy!, out!, activation, true)[1]!);
    });
  }

  test('fusedMatMul and fusedConv2d: the product, then the epilogue in place', () => {
    for (const activation of activations) {
      for (const [sa, sb, tA, tB] of [[[33, 17], [17, 9], false, false], [[17, 33], [9, 17], true, true], [[2, 5, 6], [6, 12], false, false]] as const) {
        const n = tB ? sb[0]! : sb[sb.length - 1]!;
        const batchShape = sa.length > 2 ? [sa[0]!] : [];
        compare(`fusedMatMul ${activation} [${sa}]·[${sb}]`, [{ shape: [...sa], range: [-1, 1] }, { shape: [...sb], range: [-1, 1] }, { shape: [n] }],
          (b, [x, w, bias]) => b.fusedMatMul(x!, w!, tA, tB, batchShape, bias!, activation), 1e-5);
      }
      compare(`fusedConv2d ${activation}`, [{ shape: [2, 9, 9, 3], range: [-1, 1] }, { shape: [3, 3, 3, 5], range: [-1, 1] }, { shape: [5] }],
        (b, [x, f, bias]) => b.fusedConv2d(x!, f!, [2, 1], [1, 1, 0, 2], [1, 1], 1, bias!, activation), 1e-5);
      compare(`fusedConv2d ${activation} grouped (the product's fallback)`, [{ shape: [1, 6, 6, 4], range: [-1, 1] }, { shape: [3, 3, 2, 6], range: [-1, 1] }, { shape: [6] }],
        (b, [x, f, bias]) => b.fusedConv2d(x!, f!, [1, 1], [1, 1, 1, 1], [1, 1], 2, bias!, activation), 1e-5);
    }
  });
});
