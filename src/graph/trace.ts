/**
 * The tracer: while a `jit` trace runs, the engine's ops call kernels through the tracer's recording view
 * of the backend, so that every kernel call (forward, backward and optimizer alike) becomes a node of a
 * graph, in the order it ran. The function really runs: its results are those of an eager call.
 */
import { KERNEL_NAMES, type Backend, type DataId, type Kernels, type TensorInfo, type UpdateTarget } from '../core/backend.js';
import { allocArray, type DType, type TypedArray } from '../core/dtype.js';
import { ENGINE, type HostTensor, type TraceHooks } from '../core/engine.js';
import { StrataError, fmtShape } from '../core/errors.js';
import type { Shape } from '../core/shape.js';
import { Tensor, type Variable } from '../core/tensor.js';
import { Graph, TensorSlot, type Assignment, type DynamicArg, type GraphEffect, type GraphNode, type GraphValue, type NodeOp, type OutputTemplate, type ValueRef, type ValueSource } from './graph.js';

/** Kernels that overwrite some of their arguments instead of returning fresh storage. */
const IN_PLACE_KERNELS: ReadonlySet<keyof Kernels> = new Set(['applyUpdates']);

function isTensorInfo(x: unknown): x is TensorInfo {
  return typeof x === 'object' && x !== null && 'dataId' in x && 'shape' in x && 'dtype' in x;
}

/** What a finished trace gives: the graph, and the storage it captured from outside (held until released). */
export interface TraceResult {
  graph: Graph;
  captured: DataId[];
  /** Where the function read values of tensors it computed into JavaScript (fixed at trace time). */
  reads: string[];
}

/** Records one trace; see `traceFunction`. */
export class Tracer implements TraceHooks {
  readonly backend: Backend;
  private readonly active: Backend;
  /** The value each piece of storage holds now, in the trace's single-assignment form. */
  private readonly current = new Map<DataId, GraphValue>();
  private readonly inputs: GraphValue[] = [];
  private readonly nodes: GraphNode[] = [];
  private readonly effects: GraphEffect[] = [];
  private readonly assigned = new Set<Variable>();
  private readonly dynamics = new Map<object, () => object>();
  private readonly captured: DataId[] = [];
  private readonly reads: string[] = [];
  private nextId = 0;

  constructor(active: Backend, inputs: readonly Tensor[]) {
    this.active = active;
    this.backend = this.recordingView();
    inputs.forEach((t, index) => {
      const value = this.newValue(t.shape, t.dtype, { kind: 'input', index });
      this.inputs.push(value);
      if (!this.current.has(t.dataId)) this.current.set(t.dataId, value);
    });
  }

  private newValue(shape: Shape, dtype: DType, source: ValueSource): GraphValue {
    return { id: this.nextId++, shape, dtype, source };
  }

  /** The backend's methods, each kernel recorded after it ran; writes become constants. */
  private recordingView(): Backend {
    const active = this.active;
    const view: Record<string, unknown> = {
      name: active.name,
      write: (values: TypedArray, shape: Shape, dtype: DType) => {
        const dataId = active.write(values, shape, dtype);
        const copy = allocArray(dtype, values.length);
        copy.set(values as never);
        this.current.set(dataId, this.newValue(shape, dtype, { kind: 'constant', values: copy }));
        return dataId;
      },
      read: (dataId: DataId) => active.read(dataId),
      disposeData: (dataId: DataId) => {
        this.current.delete(dataId);
        active.disposeData(dataId);
      },
    };
    for (const name of KERNEL_NAMES) {
      const kernel = (active[name] as (...args: unknown[]) => unknown).bind(active);
      view[name] = (...args: unknown[]) => {
        const result = kernel(...args);
        this.recordKernel(name, args, result);
        return result;
      };
    }
    return view as unknown as Backend;
  }

  /** The value `info`'s storage holds now: traced, a variable's, or captured from outside. */
  private valueOf(info: TensorInfo): GraphValue {
    const known = this.current.get(info.dataId);
    if (known) return known;
    const variable = ENGINE.variableOf(info.dataId);
    const value = variable
      ? this.newValue(variable.shape, variable.dtype, { kind: 'variable', variable })
      : this.newValue(info.shape, info.dtype, { kind: 'capture', info: { dataId: info.dataId, shape: info.shape, dtype: info.dtype } });
    if (!variable) {
      ENGINE.retainStorage(info);
      this.captured.push(info.dataId);
    }
    this.current.set(info.dataId, value);
    return value;
  }

  private ref(info: TensorInfo): ValueRef {
    return { value: this.valueOf(info), shape: info.shape };
  }

  /** `args` with each tensor replaced by a slot naming its place in `inputs`. */
  private template(arg: unknown, inputs: ValueRef[]): unknown {
    if (isTensorInfo(arg)) {
      inputs.push(this.ref(arg));
      return new TensorSlot(inputs.length - 1);
    }
    if (Array.isArray(arg)) return arg.map((a) => this.template(a, inputs));
    if (typeof arg === 'object' && arg !== null && !this.dynamics.has(arg) && Object.getPrototypeOf(arg) === Object.prototype) {
      return Object.fromEntries(Object.entries(arg).map(([k, a]) => [k, this.template(a, inputs)]));
    }
    return arg;
  }

  private recordKernel(name: keyof Kernels, args: unknown[], result: unknown): void {
    const inputs: ValueRef[] = [];
    const template = args.map((a) => this.template(a, inputs));
    const dynamic: DynamicArg[] = [];
    args.forEach((a, arg) => {
      const compute = typeof a === 'object' && a !== null ? this.dynamics.get(a) : undefined;
      if (compute) dynamic.push({ arg, compute });
    });
    const node = this.addNode({ kind: 'kernel', name, args: template }, inputs, dynamic);
    if (IN_PLACE_KERNELS.has(name)) {
      // Each target's parameter and slots are overwritten: new versions of them, in the same storage.
      const targets = args[1] as readonly UpdateTarget[];
      const slots = template[1] as { param: TensorSlot; slots: TensorSlot[] }[];
      targets.forEach((t, i) => {
        const overwritten = [t.param, ...t.slots];
        [slots[i]!.param, ...slots[i]!.slots].forEach((slot, j) => this.addOutput(node, overwritten[j]!, slot.input));
      });
      return;
    }
    const outputs = (Array.isArray(result) ? result : [result]) as TensorInfo[];
    for (const out of outputs) {
      if (inputs.some((r) => this.current.get(out.dataId) === r.value)) {
        throw new StrataError(`internal: jit: the ${this.active.name} kernel '${name}' returned the storage of one of its inputs; kernels must return fresh storage.`);
      }
      this.addOutput(node, out, -1);
    }
  }

  private addNode(op: NodeOp, inputs: ValueRef[], dynamic: DynamicArg[] = []): GraphNode {
    const node: GraphNode = { id: this.nodes.length, op, inputs, outputs: [], inPlace: [], dynamic };
    this.nodes.push(node);
    return node;
  }

  /** Adds an output to `node` held by `info`'s storage: fresh, or (inPlace ≥ 0) that input's, overwritten. */
  private addOutput(node: GraphNode, info: TensorInfo, inPlace: number): void {
    const value = this.newValue(info.shape, info.dtype, { kind: 'node', node, index: node.outputs.length });
    node.outputs.push(value);
    node.inPlace.push(inPlace);
    this.current.set(info.dataId, value);
  }

  // ---- the engine's hooks ----

  onRead(info: TensorInfo): void {
    const source = this.current.get(info.dataId)?.source.kind ?? (ENGINE.variableOf(info.dataId) ? 'variable' : 'capture');
    // Reading an argument (checking labels, say) or a constant is fine; reading what the function computes
    // makes JavaScript depend on this call's values, and that JavaScript will not run again.
    if (source === 'node' || source === 'variable') this.reads.push(`a ${info.dtype} ${fmtShape(info.shape)} tensor`);
  }

  onVariable(v: Variable): void {
    // Made while tracing (an optimizer's slots at its first step): from now on it is state, read afresh
    // at every call, not the value that initialised it.
    this.current.set(v.dataId, this.newValue(v.shape, v.dtype, { kind: 'variable', variable: v }));
  }

  onAssign(v: Variable): void {
    this.assigned.add(v);
  }

  onHost(name: string, inputs: readonly Tensor[], outputs: readonly TensorInfo[], compute: (inputs: HostTensor[]) => HostTensor[], pure: boolean): void {
    const node = this.addNode({ kind: 'host', name, compute, pure }, inputs.map((t) => this.ref(t)));
    for (const out of outputs) this.addOutput(node, out, -1);
  }

  onEffect(tensors: readonly Tensor[], run: (tensors: Tensor[]) => void): void {
    this.effects.push({ inputs: tensors.map((t) => this.ref(t)), run });
  }

  onDynamic(value: object, compute: () => object): void {
    this.dynamics.set(value, compute);
  }

  /** Lets go of the storage captured so far (the trace failed: no graph will hold it). */
  release(): void {
    for (const dataId of this.captured) ENGINE.releaseStorage(dataId);
    this.captured.length = 0;
  }

  /** The graph of what ran, returning `result`. */
  finish(name: string, result: unknown): TraceResult {
    const outputs: ValueRef[] = [];
    const template = this.outputTemplate(result, outputs);
    const assignments: Assignment[] = [];
    for (const variable of this.assigned) {
      if (variable.disposed) continue;
      const value = this.ref(variable);
      if (!(value.value.source.kind === 'variable' && value.value.source.variable === variable)) assignments.push({ variable, value });
    }
    const graph = new Graph({ name, inputs: this.inputs, nodes: this.nodes, outputs, template, assignments, effects: this.effects, nextId: this.nextId });
    return { graph, captured: this.captured, reads: this.reads };
  }

  private outputTemplate(x: unknown, outputs: ValueRef[]): OutputTemplate {
    if (x instanceof Tensor) {
      outputs.push(this.ref(x));
      return { tensor: outputs.length - 1 };
    }
    if (Array.isArray(x)) return { array: x.map((e) => this.outputTemplate(e, outputs)) };
    if (typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype) {
      return { object: Object.entries(x).map(([k, e]) => [k, this.outputTemplate(e, outputs)]) };
    }
    return { plain: x };
  }
}

/**
 * Runs `fn(...args)` under a tracer whose inputs are `inputs` (the tensors found in `args`, in order) and
 * returns its result with the graph of what it computed. Throws what `fn` throws.
 */
export function traceFunction<R>(name: string, fn: () => R, inputs: readonly Tensor[]): { result: R } & TraceResult {
  const tracer = new Tracer(ENGINE.activeBackend(), inputs);
  ENGINE.beginTrace(tracer);
  let result: R;
  try {
    result = fn();
  } catch (e) {
    tracer.release();
    throw e;
  } finally {
    ENGINE.endTrace();
  }
  return { result, ...tracer.finish(name, result) };
}
