/**
 * Replaying a graph: each node's kernel is called with its traced arguments re-bound to this call's
 * storage, intermediates are released as the memory plan says, and what the function returned, assigned
 * and ran JavaScript on is handed back as at an eager call. No op checks, tape or scope runs per node.
 */
import type { Backend, DataId, TensorInfo } from '../core/backend.js';
import { ENGINE } from '../core/engine.js';
import { DisposedError, ShapeError, fmtShape } from '../core/errors.js';
import { shapesEqual } from '../core/shape.js';
import { Tensor, type Variable } from '../core/tensor.js';
import { TensorSlot, type Graph, type GraphNode, type GraphValue, type OutputTemplate, type ValueRef } from './graph.js';
import { planMemory, type MemoryPlan } from './memory-plan.js';

/** `template` with each `TensorSlot` replaced by the tensor it names. */
export function bindArgs(template: unknown, infos: readonly TensorInfo[]): unknown {
  if (template instanceof TensorSlot) return infos[template.input];
  if (Array.isArray(template)) return template.map((a) => bindArgs(a, infos));
  if (typeof template === 'object' && template !== null && Object.getPrototypeOf(template) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, a] of Object.entries(template)) out[k] = bindArgs(a, infos);
    return out;
  }
  return template;
}

function containsSlot(x: unknown): boolean {
  if (x instanceof TensorSlot) return true;
  if (Array.isArray(x)) return x.some(containsSlot);
  return typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype && Object.values(x).some(containsSlot);
}

/**
 * A function that runs `node` on `backend` with `bindings` (its inputs, re-pointed at each call's storage)
 * and returns its outputs' storage (an in-place output's is its input's). A kernel's argument list is
 * built once: only the tensor and dynamic arguments change between calls.
 */
export function nodeRunner(backend: Backend, node: GraphNode, bindings: readonly TensorInfo[]): () => DataId[] {
  const op = node.op;
  const outputs = node.outputs.length;
  const inPlace = node.inPlace;
  const storageOf = (fresh: readonly TensorInfo[]): DataId[] => {
    const out = new Array<DataId>(outputs);
    for (let k = 0; k < outputs; k++) out[k] = inPlace[k]! >= 0 ? bindings[inPlace[k]!]!.dataId : fresh[k]!.dataId;
    return out;
  };
  if (op.kind === 'host') {
    return () => {
      const outs = op.compute(bindings.map((i) => ({ values: backend.read(i.dataId), shape: i.shape, dtype: i.dtype })));
      return storageOf(outs.map((o) => ({ dataId: backend.write(o.values, o.shape, o.dtype), shape: o.shape, dtype: o.dtype })));
    };
  }
  if (op.kind === 'call') return () => storageOf(op.run(backend, bindings));
  const kernel = backend[op.name] as (...a: unknown[]) => TensorInfo | readonly TensorInfo[];
  // Tensors at the top level of the argument list (most kernels) are set in place in one reused array;
  // nested ones (concat's list, an update's targets) are bound afresh.
  const nested = op.args.some((a) => !(a instanceof TensorSlot) && containsSlot(a));
  const args = op.args.slice();
  const slots = op.args.flatMap((a, i) => (a instanceof TensorSlot ? [[i, a.input] as const] : []));
  const dynamic = node.dynamic;
  return () => {
    if (nested) for (let i = 0; i < args.length; i++) args[i] = bindArgs(op.args[i], bindings);
    else for (let s = 0; s < slots.length; s++) args[slots[s]![0]] = bindings[slots[s]![1]];
    for (let d = 0; d < dynamic.length; d++) args[dynamic[d]!.arg] = dynamic[d]!.compute();
    const result = kernel.apply(backend, args);
    return storageOf(Array.isArray(result) ? (result as readonly TensorInfo[]) : [result as TensorInfo]);
  };
}

/** Rebuilds what the traced function returned from the output tensors. */
export function fillTemplate(template: OutputTemplate, tensors: readonly Tensor[]): unknown {
  if ('tensor' in template) return tensors[template.tensor];
  if ('array' in template) return template.array.map((t) => fillTemplate(t, tensors));
  if ('object' in template) return Object.fromEntries(template.object.map(([k, t]) => [k, fillTemplate(t, tensors)]));
  return template.plain;
}

/** A mutable view of a value for a kernel: the same object is re-pointed at each call's storage. */
interface Binding {
  dataId: DataId;
  readonly shape: TensorInfo['shape'];
  readonly dtype: TensorInfo['dtype'];
}

/** One node made ready to run: where its inputs' storage is, and how its kernel is called. */
interface Step {
  node: GraphNode;
  /** Value id of each input. */
  inputIds: number[];
  /** The inputs as the kernel sees them, re-pointed at every call. */
  bindings: Binding[];
  /** Runs the node on `bindings`; returns its outputs' storage. */
  run: () => DataId[];
  /** Value id of each output, and for in-place outputs the id of the input they take over (else -1). */
  outputIds: number[];
  takesOver: number[];
  /** Value ids whose storage is released once the node has run. */
  release: number[];
}

/**
 * A graph ready to run on one backend: its constants written once, its kernels' argument lists and its
 * memory plan made once. `run` takes the tensors of a call (as traced: same shapes and dtypes) and
 * returns the function's outputs.
 */
export class GraphExecutable {
  readonly graph: Graph;
  private readonly backend: Backend;
  /** Storage of each value this call, by value id; constants and captures stay set between calls. */
  private readonly storage: DataId[] = [];
  /** Whether the replay holds value id's storage (made by a node, not yet released). */
  private readonly held: boolean[] = [];
  private readonly steps: Step[];
  private readonly keptToEnd: number[];
  private readonly constants: DataId[] = [];
  private readonly captured: readonly DataId[];
  /** Value ids read from variables at the start of each call, with their variables. */
  private readonly variableValues: [number, Variable][] = [];
  /** Variables whose storage some node overwrites: each must own its storage alone before a call. */
  private readonly overwrittenVariables: Variable[];
  /** Every variable the graph reads or assigns. */
  private readonly variables: Variable[];
  private disposed = false;

  constructor(graph: Graph, backend: Backend, captured: readonly DataId[]) {
    this.graph = graph;
    this.backend = backend;
    this.captured = captured;
    const plan: MemoryPlan = planMemory(graph);
    const overwritten = new Set<Variable>();
    const variables = new Set<Variable>(graph.assignments.map((a) => a.variable));
    const seen = new Set<GraphValue>();
    const visit = (v: GraphValue): void => {
      if (seen.has(v)) return;
      seen.add(v);
      const src = v.source;
      if (src.kind === 'variable') {
        variables.add(src.variable);
        this.variableValues.push([v.id, src.variable]);
      } else if (src.kind === 'constant') {
        const info = { dataId: backend.write(src.values, v.shape, v.dtype), shape: v.shape, dtype: v.dtype };
        ENGINE.holdStorage(info, backend);
        this.constants.push(info.dataId);
        this.storage[v.id] = info.dataId;
      } else if (src.kind === 'capture') this.storage[v.id] = src.info.dataId;
    };
    for (const node of graph.nodes) {
      node.inputs.forEach((r, i) => {
        visit(r.value);
        if (node.inPlace.includes(i) && r.value.source.kind === 'variable') overwritten.add(r.value.source.variable);
      });
    }
    for (const r of [...graph.outputs, ...graph.assignments.map((a) => a.value), ...graph.effects.flatMap((e) => e.inputs)]) visit(r.value);
    this.overwrittenVariables = [...overwritten];
    this.variables = [...variables];
    this.steps = graph.nodes.map((node, n) => this.compileStep(node, plan.releaseAfter[n]!.map((v) => v.id)));
    this.keptToEnd = plan.keptToEnd.map((v) => v.id);
  }

  private compileStep(node: GraphNode, release: number[]): Step {
    const bindings: Binding[] = node.inputs.map((r) => ({ dataId: undefined as unknown as DataId, shape: r.shape, dtype: r.value.dtype }));
    const takesOver = node.inPlace.map((i) => (i >= 0 ? node.inputs[i]!.value.id : -1));
    return {
      node,
      inputIds: node.inputs.map((r) => r.value.id),
      bindings,
      run: nodeRunner(this.backend, node, bindings),
      outputIds: node.outputs.map((v) => v.id),
      takesOver,
      release,
    };
  }

  /** Runs the graph on `inputs`; returns the output tensors (in the order of `graph.outputs`). */
  run(inputs: readonly Tensor[]): Tensor[] {
    if (this.disposed) throw new DisposedError(`jit(${this.graph.name}): this graph was disposed; call the jitted function again to trace a new one.`);
    const { graph, backend, storage } = this;
    graph.inputs.forEach((v, i) => {
      const t = inputs[i]!;
      t.assertAlive(`jit(${graph.name})`);
      if (!shapesEqual(t.shape, v.shape) || t.dtype !== v.dtype) {
        throw new ShapeError(`jit(${graph.name}): argument tensor ${i} is ${t.dtype} ${fmtShape(t.shape)} but the graph was traced for ${v.dtype} ${fmtShape(v.shape)}.`);
      }
      storage[v.id] = t.dataId;
    });
    for (const v of this.variables) v.assertAlive(`jit(${graph.name})`);
    for (const v of this.overwrittenVariables) ensureOwnStorage(v, backend);
    for (const [id, v] of this.variableValues) storage[id] = v.dataId;
    try {
      this.runSteps();
      return this.finishCall();
    } catch (e) {
      // A kernel failed midway: what the replay held goes back, as an eager step's scope would release it.
      for (const step of this.steps) for (const id of step.outputIds) this.releaseHeld(id);
      throw e;
    }
  }

  private runSteps(): void {
    const { storage, held, steps } = this;
    for (let n = 0; n < steps.length; n++) {
      const step = steps[n]!;
      const { bindings, inputIds, outputIds, takesOver, release } = step;
      for (let i = 0; i < bindings.length; i++) bindings[i]!.dataId = storage[inputIds[i]!]!;
      const outs = step.run();
      for (let k = 0; k < outputIds.length; k++) {
        const id = outputIds[k]!;
        storage[id] = outs[k]!;
        const from = takesOver[k]!;
        if (from < 0) {
          const v = step.node.outputs[k]!;
          ENGINE.holdStorage({ dataId: outs[k]!, shape: v.shape, dtype: v.dtype }, this.backend);
          held[id] = true;
        } else {
          // The overwritten input's storage (and whether the replay holds it) passes to this version.
          held[id] = held[from] === true;
          held[from] = false;
        }
      }
      for (let r = 0; r < release.length; r++) this.releaseHeld(release[r]!);
    }
  }

  private releaseHeld(id: number): void {
    if (!this.held[id]) return;
    this.held[id] = false;
    ENGINE.releaseStorage(this.storage[id]!);
  }

  /** Hands back the outputs, assigns the variables, runs the effects, and releases what the replay still holds. */
  private finishCall(): Tensor[] {
    const { graph, backend, storage } = this;
    const tensorOf = (r: ValueRef): Tensor => ENGINE.makeTensor({ dataId: storage[r.value.id]!, shape: r.shape, dtype: r.value.dtype }, backend);
    const outputs = graph.outputs.map(tensorOf);
    for (const a of graph.assignments) {
      const value = tensorOf(a.value);
      a.variable.assign(value);
      value.dispose();
    }
    for (const effect of graph.effects) ENGINE.tidy(() => effect.run(effect.inputs.map(tensorOf)));
    for (const id of this.keptToEnd) this.releaseHeld(id);
    return outputs;
  }

  /** Releases the constants and captured storage the graph holds. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of [...this.constants, ...this.captured]) ENGINE.releaseStorage(d);
  }
}

/**
 * Gives `v` storage no other tensor shares (a copy, when a tensor taken from it still shares it), so that
 * an in-place update changes the variable alone, as eager updates it.
 */
function ensureOwnStorage(v: Variable, backend: Backend): void {
  if (ENGINE.ownsStorage(v)) return;
  const copy = ENGINE.makeTensor({ dataId: backend.write(backend.read(v.dataId), v.shape, v.dtype), shape: v.shape, dtype: v.dtype }, backend);
  v.assign(copy);
  copy.dispose();
}
