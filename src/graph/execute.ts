/**
 * Replaying a graph: each node's kernel is called with its traced arguments re-bound to this call's
 * storage, intermediates are released as the memory plan says, and what the function returned, assigned
 * and ran JavaScript on is handed back as at an eager call. No op checks, tape or scope runs per node.
 */
import type { Backend, DataId, TensorInfo } from '../core/backend.js';
import { ENGINE } from '../core/engine.js';
import { DisposedError, ShapeError, StrataError, fmtShape } from '../core/errors.js';
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

/** Runs `node` on `backend` with its inputs' storage; returns its outputs' storage (in-place outputs: their input's). */
export function runNode(backend: Backend, node: GraphNode, infos: readonly TensorInfo[]): DataId[] {
  const op = node.op;
  let fresh: readonly TensorInfo[];
  if (op.kind === 'kernel') {
    const args = op.args.map((a) => bindArgs(a, infos));
    for (const d of node.dynamic) args[d.arg] = d.compute();
    const result = (backend[op.name] as (...a: unknown[]) => TensorInfo | readonly TensorInfo[])(...args);
    fresh = Array.isArray(result) ? result : [result as TensorInfo];
  } else if (op.kind === 'host') {
    const outs = op.compute(infos.map((i) => ({ values: backend.read(i.dataId), shape: i.shape, dtype: i.dtype })));
    fresh = outs.map((o) => ({ dataId: backend.write(o.values, o.shape, o.dtype), shape: o.shape, dtype: o.dtype }));
  } else {
    fresh = op.run(backend, infos);
  }
  return node.outputs.map((_, k) => (node.inPlace[k]! >= 0 ? infos[node.inPlace[k]!]!.dataId : fresh[k]!.dataId));
}

/** Rebuilds what the traced function returned from the output tensors. */
export function fillTemplate(template: OutputTemplate, tensors: readonly Tensor[]): unknown {
  if ('tensor' in template) return tensors[template.tensor];
  if ('array' in template) return template.array.map((t) => fillTemplate(t, tensors));
  if ('object' in template) return Object.fromEntries(template.object.map(([k, t]) => [k, fillTemplate(t, tensors)]));
  return template.plain;
}

/**
 * A graph ready to run on one backend: its constants written once, its plan made once. `run` takes the
 * tensors of a call (as traced: same shapes and dtypes) and returns the function's outputs.
 */
export class GraphExecutable {
  readonly graph: Graph;
  private readonly backend: Backend;
  private readonly plan: MemoryPlan;
  /** Storage of each value this call, by value; constants and captures stay set between calls. */
  private readonly storage = new Map<GraphValue, DataId>();
  private readonly constants: DataId[] = [];
  private readonly captured: readonly DataId[];
  /** Variables whose storage some node overwrites: each must own its storage alone before a call. */
  private readonly overwrittenVariables: Variable[];
  private disposed = false;

  constructor(graph: Graph, backend: Backend, captured: readonly DataId[]) {
    this.graph = graph;
    this.backend = backend;
    this.captured = captured;
    this.plan = planMemory(graph);
    const overwritten = new Set<Variable>();
    const visit = (v: GraphValue): void => {
      if (this.storage.has(v)) return;
      const src = v.source;
      if (src.kind === 'constant') {
        const info = { dataId: backend.write(src.values, v.shape, v.dtype), shape: v.shape, dtype: v.dtype };
        ENGINE.holdStorage(info, backend);
        this.constants.push(info.dataId);
        this.storage.set(v, info.dataId);
      } else if (src.kind === 'capture') this.storage.set(v, src.info.dataId);
    };
    for (const node of graph.nodes) {
      node.inputs.forEach((r, i) => {
        visit(r.value);
        if (node.inPlace.includes(i) && r.value.source.kind === 'variable') overwritten.add(r.value.source.variable);
      });
    }
    for (const r of [...graph.outputs, ...graph.assignments.map((a) => a.value), ...graph.effects.flatMap((e) => e.inputs)]) visit(r.value);
    this.overwrittenVariables = [...overwritten];
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
      storage.set(v, t.dataId);
    });
    for (const v of this.overwrittenVariables) ensureOwnStorage(v, backend);
    const held = new Set<GraphValue>();
    try {
      this.runNodes(held);
      return this.finishCall(held);
    } catch (e) {
      // A kernel failed midway: what the replay held goes back, as an eager step's scope would release it.
      for (const v of held) ENGINE.releaseStorage(storage.get(v)!);
      throw e;
    }
  }

  private runNodes(held: Set<GraphValue>): void {
    const { graph, backend, storage } = this;
    const releaseAfter = this.plan.releaseAfter;
    const nodes = graph.nodes;
    for (let n = 0; n < nodes.length; n++) {
      const node = nodes[n]!;
      const infos = node.inputs.map((r) => ({ dataId: this.storageOf(r.value), shape: r.shape, dtype: r.value.dtype }));
      const outs = runNode(backend, node, infos);
      node.outputs.forEach((v, k) => {
        storage.set(v, outs[k]!);
        if (node.inPlace[k]! < 0) {
          ENGINE.holdStorage({ dataId: outs[k]!, shape: v.shape, dtype: v.dtype }, backend);
          held.add(v);
        } else {
          // The overwritten input's storage (and whether the replay holds it) passes to this version.
          const from = node.inputs[node.inPlace[k]!]!.value;
          if (held.delete(from)) held.add(v);
        }
      });
      for (const v of releaseAfter[n]!) {
        ENGINE.releaseStorage(storage.get(v)!);
        held.delete(v);
      }
    }
  }

  /** Hands back the outputs, assigns the variables, runs the effects, and releases what the replay still holds. */
  private finishCall(held: Set<GraphValue>): Tensor[] {
    const { graph, backend, storage } = this;
    const tensorOf = (r: ValueRef): Tensor => ENGINE.makeTensor({ dataId: this.storageOf(r.value), shape: r.shape, dtype: r.value.dtype }, backend);
    const outputs = graph.outputs.map(tensorOf);
    for (const a of graph.assignments) {
      const value = tensorOf(a.value);
      a.variable.assign(value);
      value.dispose();
    }
    for (const effect of graph.effects) ENGINE.tidy(() => effect.run(effect.inputs.map(tensorOf)));
    for (const v of this.plan.keptToEnd) {
      ENGINE.releaseStorage(storage.get(v)!);
      held.delete(v);
    }
    return outputs;
  }

  private storageOf(v: GraphValue): DataId {
    const held = this.storage.get(v);
    if (held !== undefined) return held;
    if (v.source.kind === 'variable') return v.source.variable.dataId;
    throw new StrataError(`internal: jit(${this.graph.name}): value %${v.id} has no storage when it is read`);
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
  v.assertAlive(`jit: variable '${v.name}'`);
  if (ENGINE.ownsStorage(v)) return;
  const copy = ENGINE.makeTensor({ dataId: backend.write(backend.read(v.dataId), v.shape, v.dtype), shape: v.shape, dtype: v.dtype }, backend);
  v.assign(copy);
  copy.dispose();
}
