/**
 * `jit`: a function traced once per input signature into a graph of kernels, optimised, then replayed —
 * TensorFlow's `tf.function`, JAX's `jit`, Keras's `jit_compile`, in Strata's eager engine.
 */
import type { Backend } from '../core/backend.js';
import { ENGINE, type TensorContainer } from '../core/engine.js';
import { ValueError, fmtShape } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { Tensor } from '../core/tensor.js';
import { graphCompilerFor } from './compilers.js';
import { GraphExecutable, fillTemplate } from './execute.js';
import type { Graph } from './graph.js';
import { optimizeGraph, type OptimizationSummary } from './passes/index.js';
import { updateInPlace } from './passes/update-in-place.js';
import { traceFunction } from './trace.js';

/** Options of `jit`. */
export interface JitOptions {
  /** The name graphs and warnings show (default: the function's name). */
  name?: string;
  /** Whether each graph is optimised before it runs (default true); false replays it as traced. */
  optimize?: boolean;
}

/** A function `jit` made: called as the original, with what it traced to inspect. */
export interface Jitted<F extends (...args: never[]) => unknown> {
  (...args: Parameters<F>): ReturnType<F>;
  /** How many times it has traced (once per new signature). */
  readonly traceCount: number;
  /** The graph it runs for arguments like `args` (same shapes, dtypes and other values), if traced. */
  graphFor(...args: Parameters<F>): Graph | undefined;
  /** The graph traced last, if any. */
  readonly lastGraph: Graph | undefined;
  /** What the generic passes did to the graph traced last (undefined before a trace, or with `optimize: false`). */
  readonly lastOptimization: OptimizationSummary | undefined;
  /** Releases every graph (their constants and captured tensors); the next call traces again. */
  dispose(): void;
}

const JIT_KEYS = optionKeys<JitOptions>({ name: true, optimize: true });

/** Traces past this many make `jit` warn once that something keeps changing the signature. */
const RETRACE_WARNING_AT = 5;

const objectIds = new WeakMap<object, number>();
let nextObjectId = 0;

/** The signature of a call: each tensor's dtype and shape, and every other argument's value, in order. */
function signatureOf(args: readonly unknown[], tensors: Tensor[]): string {
  const visit = (x: unknown): string => {
    if (x instanceof Tensor) {
      // A tensor sharing an earlier one's storage is marked: the graph reads both from one value.
      const shared = tensors.findIndex((t) => t.dataId === x.dataId);
      tensors.push(x);
      return `${x.dtype}${fmtShape(x.shape)}${shared < 0 ? '' : `=${shared}`}`;
    }
    if (Array.isArray(x)) return `[${x.map(visit).join(',')}]`;
    if (typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype) {
      return `{${Object.entries(x).map(([k, v]) => `${JSON.stringify(k)}:${visit(v)}`).join(',')}}`;
    }
    if ((typeof x === 'object' && x !== null) || typeof x === 'function') {
      // Other objects (a model, a layer) count by identity: the same one replays, another traces anew.
      let id = objectIds.get(x);
      if (id === undefined) objectIds.set(x, (id = nextObjectId++));
      return `#${id}`;
    }
    return typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean' || x === null ? JSON.stringify(x) : String(x);
  };
  return args.map(visit).join(';');
}

/** What changed between two signatures, in words, for the retracing warning. */
function describeChange(before: string, after: string): string {
  const a = before.split(/(?=[;,[\]{}])/);
  const b = after.split(/(?=[;,[\]{}])/);
  const i = a.findIndex((part, k) => part !== b[k]);
  return i < 0 ? `${before} → ${after}` : `…${a.slice(Math.max(0, i - 1), i + 2).join('')}… became …${b.slice(Math.max(0, i - 1), i + 2).join('')}…`;
}

/**
 * Optimises a freshly traced graph for `backend`: the generic passes (dead code first gone, so that fewer
 * readers keep an optimizer's update from running in place), the in-place updates, then the backend's own compiler.
 */
function optimize(graph: Graph, backend: Backend): OptimizationSummary {
  const summary = optimizeGraph(graph, backend);
  updateInPlace(graph);
  graphCompilerFor(backend.name)?.(graph);
  return summary;
}

/**
 * Traces `fn` into a dataflow graph on its first call for each signature (the shapes and dtypes of the
 * tensors among its arguments, at any depth of arrays and objects, and the values of its other arguments),
 * optimises the graph and replays it on later calls: no per-op dispatch, checks or tape, intermediates
 * released as soon as they are dead, elementwise chains fused where the backend can. The first call runs
 * `fn` itself, so its results (and errors) are an eager call's.
 *
 * What is traced is what ran: JavaScript `if`s and loops that depend on tensor values are fixed as they
 * went for the traced call, and JavaScript that reads values (`dataSync`, `item`) runs only while tracing
 * (`jit` warns). Random ops draw afresh at every call. Variables are read at every call, and
 * assignments and optimizer updates apply as in eager. Inside a gradient computation (`grad`,
 * `variableGrads`) the function runs eagerly so that gradients flow through it.
 *
 * @example
 * const step = jit((x: Tensor, y: Tensor) => {
 *   const { value, grads } = variableGrads(() => meanSquaredError(y, matMul(x, w)), [w]);
 *   optimizer.applyGradients([[grads[0]!, w]]);
 *   return value;
 * });
 * for (const [x, y] of batches) step(x, y); // traces once, then replays
 * console.log(step.lastGraph!.toString());
 */
export function jit<F extends (...args: never[]) => unknown>(fn: F, options: JitOptions = {}): Jitted<F> {
  if (typeof fn !== 'function') throw new ValueError(`jit: expected a function to trace, got ${fn === null ? 'null' : typeof fn}.`);
  checkOptions('jit', options, JIT_KEYS);
  const name = options.name ?? (fn.name || 'fn');
  const graphs = new Map<string, { graph: Graph; executable: GraphExecutable }>();
  let traceCount = 0;
  let lastGraph: Graph | undefined;
  let lastOptimization: OptimizationSummary | undefined;
  let lastSignature: string | undefined;
  let warnedRetrace = false;
  let warnedReads = false;

  const call = (...args: Parameters<F>): ReturnType<F> => {
    // Nested in another trace, the function becomes part of that graph; under a tape it must record.
    if (ENGINE.isTracing || ENGINE.isRecording) return fn(...args) as ReturnType<F>;
    const tensors: Tensor[] = [];
    const signature = `${ENGINE.activeBackend().name}|${signatureOf(args, tensors)}`;
    const known = graphs.get(signature);
    if (known) return fillTemplate(known.graph.template, known.executable.run(tensors)) as ReturnType<F>;

    const backend = ENGINE.activeBackend();
    // In a scope, as every replay is: the trace's intermediates are freed when it ends, its results kept.
    const traced = traceFunction(name, () => ENGINE.tidy(() => {
      const result = fn(...args);
      if (result instanceof Promise) {
        throw new ValueError(`jit(${name}): the function returned a Promise; jit traces synchronous functions only (the kernels a step runs are synchronous: drop the async, or await outside the jitted part).`);
      }
      return result as TensorContainer;
    }), tensors);
    traceCount++;
    if (traceCount >= RETRACE_WARNING_AT && !warnedRetrace && lastSignature !== undefined) {
      warnedRetrace = true;
      console.warn(
        `jit(${name}) has traced ${traceCount} times: every new signature — the shapes and dtypes of its tensor arguments, or the values of its other arguments — traces again. ` +
          `The last retrace came from: ${describeChange(lastSignature, signature)}. Pass values that vary as tensors, and keep shapes fixed (a last partial batch costs one more trace).`,
      );
    }
    if (traced.reads.length > 0 && !warnedReads) {
      warnedReads = true;
      console.warn(
        `jit(${name}): the function read the values of ${traced.reads.length} tensor(s) it computed (the first: ${traced.reads[0]}) while tracing. ` +
          'That JavaScript ran once, when tracing; later calls replay the tensor computation only. Return such tensors and read them outside, or pass the code to an effect.',
      );
    }
    lastSignature = signature;
    lastOptimization = options.optimize === false ? undefined : optimize(traced.graph, backend);
    graphs.set(signature, { graph: traced.graph, executable: new GraphExecutable(traced.graph, backend, traced.captured) });
    lastGraph = traced.graph;
    return traced.result as ReturnType<F>;
  };

  // defineProperties, not Object.assign, which would copy the getters' values once.
  return Object.defineProperties(call, {
    traceCount: { get: () => traceCount },
    lastGraph: { get: () => lastGraph },
    lastOptimization: { get: () => lastOptimization },
    graphFor: { value: (...args: Parameters<F>): Graph | undefined => graphs.get(`${ENGINE.activeBackend().name}|${signatureOf(args, [])}`)?.graph },
    dispose: {
      value: (): void => {
        for (const { executable } of graphs.values()) executable.dispose();
        graphs.clear();
        lastGraph = undefined;
        lastOptimization = undefined;
      },
    },
  }) as unknown as Jitted<F>;
}
