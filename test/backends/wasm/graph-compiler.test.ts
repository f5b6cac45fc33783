/**
 * The wasm graph compiler: elementwise chains fused into one kernel give bit for bit the unfused results
 * (random chains, broadcast operands, NaN, infinities, signed zeros and denormals), keep every value read
 * outside the chain, reuse dying storage in place, and shrink a dropout MLP's training step; the cpu backend
 * compiles nothing.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { nodeWorkerSupport } from '../../../src/backends/wasm/node/spawn-worker.js';
import { setWorkerSupport, type WasmBackend } from '../../../src/backends/wasm/wasm-backend.js';
import {
  Sequential, SGD, abs, add, ceil, cos, cast, div, exp, expm1, floor, floorDiv, getBackend, greater, greaterEqual, jit, layers, less, lessEqual,
  log, log1p, matMul, maximum, mean, minimum, mod, mul, neg, notEqual, pow, reciprocal, relu, round, setBackend, setSeed, sigmoid, sign, sin, sqrt,
  square, sub, sum, tanh, tensor, equal, variableGrads, where, losses, type Graph, type Tensor,
} from '../../../src/index.js';

const backendBefore = getBackend().name;
afterEach(() => setBackend(backendBefore));

/** A small seeded generator, so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const EDGES = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 1, -1, 0.5, 88.9, -87, 1e30];

/** Random float32 values of `shape`, the edge values scattered among them. */
function values(shape: number[], seed: number): Tensor {
  const next = rng(seed);
  const n = shape.reduce((p, d) => p * d, 1);
  const data = Float32Array.from({ length: n }, () => (next() < 0.15 ? EDGES[Math.floor(next() * EDGES.length)]! : (next() - 0.5) * 8));
  return tensor(data, shape);
}

/** The bits of a tensor's values (NaN payloads and the sign of zero included). */
function bits(t: Tensor): number[] {
  const v = t.dataSync();
  return v instanceof Float32Array ? Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length)) : Array.from(v);
}

const UNARY = [neg, abs, sign, sqrt, square, reciprocal, exp, expm1, log, log1p, relu, sigmoid, tanh, sin, cos, floor, ceil, round];
const BINARY = [add, sub, mul, div, pow, maximum, minimum, mod, floorDiv];
const COMPARE = [equal, notEqual, greater, greaterEqual, less, lessEqual];

/**
 * A random elementwise chain over x and y (of `shape`), a row (the last axis) and scalars: unary ops, binary
 * ops with operands from the chain, comparisons cast back to floats or used by `where`, and sums that read the
 * chain from outside (cutting it). Returns its last value and some values of the middle, masks among them
 * (which must stay tensors).
 */
function chain(seed: number): (x: Tensor, y: Tensor, row: Tensor) => Tensor[] {
  return (x, y, row) => {
    const next = rng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const pool = [x, y];
    const kept: Tensor[] = [];
    const compare = (a: Tensor, b: Tensor | number): Tensor => {
      const mask = pick(COMPARE)(a, b);
      if (next() < 0.2) kept.push(mask);
      return mask;
    };
    for (let i = 0; i < 14; i++) {
      const a = pick(pool);
      const other = (): Tensor | number => (next() < 0.2 ? row : next() < 0.2 ? pick([2, -0.5, 0]) : pick(pool));
      const r = next();
      const v = r < 0.3 ? pick(UNARY)(a)
        : r < 0.6 ? pick(BINARY)(a, other())
          : r < 0.72 ? cast(compare(a, other()), 'float32')
            : r < 0.86 ? where(compare(a, other()), a, other())
              : add(a, sum(pick(pool)));
      pool.push(v);
      if (next() < 0.1) kept.push(v);
    }
    return [pool[pool.length - 1]!, ...kept];
  };
}

/** Runs `fn` eagerly and through jit (tracing, then a replay of the compiled graph); asserts equal bits. Returns the graph. */
function assertFusedMatches(fn: (...xs: Tensor[]) => Tensor[], inputs: Tensor[], what: string): Graph {
  const eager = fn(...inputs).map(bits);
  const jitted = jit(fn);
  jitted(...inputs);
  const replayed = jitted(...inputs).map(bits);
  assert.deepEqual(replayed, eager, what);
  return jitted.lastGraph!;
}

const fusedNodes = (g: Graph): number => g.nodes.filter((n) => n.op.kind === 'call').length;

describe('wasm graph compiler', () => {
  test('random elementwise chains: fused results equal the unfused bit for bit', () => {
    setBackend('wasm');
    let fused = 0;
    let masks = 0;
    // Shapes with remainders (not multiples of 4), one past a block of 1024 elements, rows of 1 to 61.
    for (const shape of [[7, 13], [3, 5, 6], [1030], [37, 61], [2, 3, 1]]) {
      for (let seed = 1; seed <= 12; seed++) {
        const inputs = [values(shape, seed), values(shape, seed + 100), values([shape[shape.length - 1]!], seed + 200)];
        const g = assertFusedMatches(chain(seed), inputs, `chain ${seed} on [${shape}]`);
        fused += fusedNodes(g);
        masks += g.nodes.filter((n) => n.op.kind === 'call').flatMap((n) => n.outputs).filter((v) => v.dtype === 'bool').length;
      }
    }
    assert.ok(fused >= 40 && masks > 0, `only ${fused} fused nodes in 60 chains, ${masks} bool outputs`);
  });

  test('large chains, which the unfused kernels split across threads: still bit for bit', async () => {
    setWorkerSupport(nodeWorkerSupport);
    setBackend('wasm');
    const wasm = getBackend() as WasmBackend;
    await wasm.setThreads(2);
    assert.equal(wasm.threads, 2);
    try {
      const shape = [300, 1001];
      for (const seed of [1, 2, 3]) {
        const inputs = [values(shape, seed), values(shape, seed + 100), values([1001], seed + 200)];
        assert.ok(fusedNodes(assertFusedMatches(chain(seed), inputs, `chain ${seed} on [${shape}]`)) > 0);
      }
    } finally {
      await wasm.setThreads(1);
      setWorkerSupport(undefined);
    }
  });

  test('a chain becomes one call listing the ops it replaces; values read outside stay outputs', () => {
    setBackend('wasm');
    const x = values([5, 7], 3);
    const b = values([7], 4);
    const g = assertFusedMatches((x, b) => {
      const z = add(mul(x, 2), b);
      const mask = cast(greater(z, 0), 'float32');
      const y = mul(relu(z), mask);
      return [y, sum(z)];
    }, [x, b], 'chain with an intermediate read outside');
    const call = g.nodes.find((n) => n.op.kind === 'call')!;
    assert.equal(call.op.kind, 'call');
    assert.deepEqual(call.op.kind === 'call' && call.op.fusedFrom, ['binary:mul', 'binary:add', 'binary:greater', 'cast', 'unary:relu', 'binary:mul']);
    // z (read by the sum) and y (returned) are its outputs.
    assert.equal(call.outputs.length, 2);
    assert.match(g.toString(), /fused: binary:mul → binary:add/);
  });

  test('an output takes over the storage of an input that dies with the call', () => {
    setBackend('wasm');
    const x = values([6, 9], 5);
    const w = values([9, 10], 6);
    const b = values([10], 7);
    const g = assertFusedMatches((x, w, b) => [sigmoid(add(mul(matMul(x, w), 0.5), b))], [x, w, b], 'in place');
    const call = g.nodes.find((n) => n.op.kind === 'call')!;
    assert.equal(call.inPlace[0], call.inputs.findIndex((r) => r.value.source.kind === 'node' && r.value.source.node.op.kind === 'kernel' && r.value.source.node.op.name === 'matMul'));
    // exp(t) is written before t's last read in the chain: only the later output may take t's storage.
    const product = (g: Graph): number => g.nodes.find((n) => n.op.kind === 'call')!.inputs.findIndex((r) => r.value.source.kind === 'node');
    const later = assertFusedMatches((x, w) => {
      const t = matMul(x, w);
      const e = exp(t);
      return [e, add(t, e)];
    }, [x, w], 'an input read after an output is written');
    assert.deepEqual(later.nodes.find((n) => n.op.kind === 'call')!.inPlace, [-1, product(later)]);
    // Not in place over a function argument, which the caller still holds.
    const h = assertFusedMatches((x) => [exp(neg(x))], [x], 'over an argument');
    assert.deepEqual(h.nodes.find((n) => n.op.kind === 'call')!.inPlace, [-1]);
  });

  test('a dropout MLP training step: fewer nodes, and the same weights as the unfused step after 3 steps', () => {
    setBackend('wasm');
    const run = (optimize: boolean): { bits: number[][]; graph: Graph } => {
      setSeed(11);
      const model = new Sequential({ layers: [layers.dense({ units: 16, activation: 'relu', inputShape: [12] }), layers.dropout({ rate: 0.3 }), layers.dense({ units: 3 })] });
      model.build([null, 12]);
      const optimizer = new SGD({ learningRate: 0.1 });
      const vars = model.trainableWeights;
      const step = jit((x: Tensor, y: Tensor) => {
        const { value, grads } = variableGrads(() => mean(losses.meanSquaredError(y, model.apply(x, { training: true }) as Tensor)), vars);
        optimizer.applyGradients(grads.map((g, i) => [g, vars[i]!] as const));
        return value;
      }, { optimize });
      const x = values([10, 12], 21);
      const y = values([10, 3], 22);
      for (let i = 0; i < 3; i++) step(x, y).dispose();
      return { bits: vars.map((v) => bits(v)), graph: step.lastGraph! };
    };
    const unfused = run(false);
    const fused = run(true);
    assert.deepEqual(fused.bits, unfused.bits);
    const stats = fused.graph.stats();
    assert.ok(stats.fused >= 2 && stats.nodes < unfused.graph.nodes.length, `nodes ${unfused.graph.nodes.length} → ${stats.nodes}, fused ${stats.fused}`);
    const labels = fused.graph.nodes.flatMap((n) => (n.op.kind === 'call' ? [n.op.fusedFrom.join(' ')] : []));
    assert.ok(labels.some((l) => l.includes('binary:greaterEqual cast binary:mul')), `dropout's mask is fused: ${labels.join(' | ')}`);
  });

  test('the cpu backend compiles nothing', () => {
    setBackend('cpu');
    const x = values([4, 5], 9);
    const g = assertFusedMatches((x) => [tanh(mul(add(x, 1), x))], [x], 'cpu');
    assert.equal(fusedNodes(g), 0);
  });
});
