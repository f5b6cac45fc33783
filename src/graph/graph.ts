/**
 * The dataflow graph `jit` traces: values in single-assignment form and the nodes that compute them, in
 * the order they ran. A graph is plain data: passes rewrite it, backends compile it, the Board draws it.
 */
import type { Backend, Kernels, TensorInfo } from '../core/backend.js';
import { bytesPerElement, type DType, type TypedArray } from '../core/dtype.js';
import { fmtShape } from '../core/errors.js';
import { sizeOf, type Shape } from '../core/shape.js';
import type { HostTensor } from '../core/engine.js';
import type { Tensor, Variable } from '../core/tensor.js';

/** Where a graph value comes from. */
export type ValueSource =
  /** The `index`-th tensor among the traced function's arguments (in the order `flattenTensors` lists them). */
  | { kind: 'input'; index: number }
  /** A variable's value when a call starts (its storage, read afresh at every call). */
  | { kind: 'variable'; variable: Variable }
  /** Storage made before tracing and held by the graph: a tensor the function closed over, or an engine constant. */
  | { kind: 'capture'; info: TensorInfo }
  /** Values fixed when the graph was made (written while tracing, or folded from constants). */
  | { kind: 'constant'; values: TypedArray }
  /** Output `index` of `node`. */
  | { kind: 'node'; node: GraphNode; index: number };

/** One tensor of a graph, assigned once. */
export interface GraphValue {
  readonly id: number;
  readonly shape: Shape;
  readonly dtype: DType;
  source: ValueSource;
}

/** A node's tensor argument: a value seen under a shape (reshapes are views that share storage). */
export interface ValueRef {
  value: GraphValue;
  shape: Shape;
}

/**
 * What a node computes.
 * - `kernel`: a backend kernel; `args` are its arguments as traced, each tensor argument replaced by a
 *   `TensorSlot` naming the node input it reads (so `args` can be compared, printed and re-bound).
 * - `host`: JavaScript on the inputs' values (random numbers, `defineOp` kernels), run again at every call;
 *   `pure` when equal inputs give equal outputs (a random draw is not pure: it advances a generator).
 * - `call`: a backend's compiled replacement for several nodes (a fused elementwise chain, say).
 */
export type NodeOp =
  | { kind: 'kernel'; name: keyof Kernels; args: unknown[] }
  | { kind: 'host'; name: string; compute: (inputs: HostTensor[]) => HostTensor[]; pure: boolean }
  | { kind: 'call'; name: string; run: (backend: Backend, inputs: readonly TensorInfo[]) => TensorInfo[]; fusedFrom: readonly string[] };

/** Marks where a kernel's argument list holds a tensor: the node's `inputs[input]`. */
export class TensorSlot {
  constructor(readonly input: number) {}
}

/**
 * A value computed at every call by JavaScript outside the graph (an optimizer's learning rate at this
 * step, say), which a kernel argument holds: `args[arg]` is replaced by `compute()` before the node runs.
 */
export interface DynamicArg {
  arg: number;
  compute: () => unknown;
}

/** One step of the computation. */
export interface GraphNode {
  readonly id: number;
  op: NodeOp;
  inputs: ValueRef[];
  outputs: GraphValue[];
  /**
   * For each output, the input whose storage it overwrites in place (an optimizer's update), or -1 for
   * fresh storage. An in-place node is never removed, merged or moved past another reader of that input.
   */
  inPlace: number[];
  /** Arguments recomputed at every call; empty for most nodes. */
  dynamic: DynamicArg[];
}

/** JavaScript the traced function ran on tensor values (a metric's running total, say), run again after every call. */
export interface GraphEffect {
  inputs: ValueRef[];
  run: (tensors: Tensor[]) => void;
}

/** A variable assigned a new value by the function (not in place): it holds `value` after each call. */
export interface Assignment {
  variable: Variable;
  value: ValueRef;
}

/**
 * What the function returned, with each tensor replaced by its index in `Graph.outputs`.
 * Numbers, strings, booleans and null are returned as they were when tracing.
 */
export type OutputTemplate = { tensor: number } | { array: OutputTemplate[] } | { object: [string, OutputTemplate][] } | { plain: unknown };

/** A traced function as a dataflow graph. */
export class Graph {
  /** The function's name, for printing and warnings. */
  readonly name: string;
  /** The function's tensor arguments, in order. */
  inputs: GraphValue[];
  /** The nodes in an order that runs them correctly (the order they were traced in, until a pass changes it). */
  nodes: GraphNode[];
  /** The tensors returned, in the order `template` numbers them. */
  outputs: ValueRef[];
  template: OutputTemplate;
  assignments: Assignment[];
  effects: GraphEffect[];
  /** The number of nodes when traced, before any pass: what `stats()` compares with. */
  readonly tracedNodeCount: number;
  private nextId: number;

  constructor(init: { name: string; inputs: GraphValue[]; nodes: GraphNode[]; outputs: ValueRef[]; template: OutputTemplate; assignments: Assignment[]; effects: GraphEffect[]; nextId: number }) {
    this.name = init.name;
    this.inputs = init.inputs;
    this.nodes = init.nodes;
    this.outputs = init.outputs;
    this.template = init.template;
    this.assignments = init.assignments;
    this.effects = init.effects;
    this.nextId = init.nextId;
    this.tracedNodeCount = init.nodes.length;
  }

  /** A fresh value id, for passes that add values. */
  newId(): number {
    return this.nextId++;
  }

  /** Node and kernel counts: now, and as traced. */
  stats(): GraphStats {
    const byOp: Record<string, number> = {};
    for (const n of this.nodes) byOp[opLabel(n)] = (byOp[opLabel(n)] ?? 0) + 1;
    return { traced: this.tracedNodeCount, nodes: this.nodes.length, fused: this.nodes.filter((n) => n.op.kind === 'call').length, byOp };
  }

  /**
   * One line per node: `%7 = matMul(%3, %5 [32,784]) {false, true} -> float32 [32,128]`, inputs and outputs
   * first, fused nodes marked with the ops they replace.
   */
  toString(): string {
    const lines = [`graph ${this.name}(${this.inputs.map((v) => `%${v.id}: ${v.dtype} ${fmtShape(v.shape)}`).join(', ')}) {`];
    for (const n of this.nodes) {
      const outs = n.outputs.map((v) => `%${v.id}`).join(', ');
      const ins = n.inputs.map((r) => refLabel(r)).join(', ');
      const attrs = n.op.kind === 'kernel' ? attrLabel(n.op.args) : n.op.kind === 'call' ? ` {fused: ${n.op.fusedFrom.join(' → ')}}` : '';
      const types = n.outputs.map((v) => `${v.dtype} ${fmtShape(v.shape)}`).join(', ');
      const inPlace = n.inPlace.some((i) => i >= 0) ? ' (in place)' : '';
      lines.push(`  ${outs} = ${opLabel(n)}(${ins})${attrs} -> ${types}${inPlace}`);
    }
    for (const a of this.assignments) lines.push(`  ${a.variable.name} := ${refLabel(a.value)}`);
    if (this.effects.length > 0) lines.push(`  effects: ${this.effects.length}`);
    lines.push(`  return ${this.outputs.map((r) => refLabel(r)).join(', ')}`, '}');
    return lines.join('\n');
  }
}

/** What `Graph.stats` reports. */
export interface GraphStats {
  /** Nodes as traced. */
  traced: number;
  /** Nodes now. */
  nodes: number;
  /** Nodes that are fused replacements of several. */
  fused: number;
  /** Nodes now, by op (a kernel's name with its variant: `binary:add`, `unary:relu`). */
  byOp: Record<string, number>;
}

/** A node's op as printed: the kernel (with the variant of elementwise kernels), host computation or fused call. */
export function opLabel(n: GraphNode): string {
  const op = n.op;
  if (op.kind !== 'kernel') return op.name;
  const variant = op.name === 'unary' || op.name === 'binary' || op.name === 'reduce' ? op.args.find((a) => typeof a === 'string') : undefined;
  return variant === undefined ? op.name : `${op.name}:${String(variant)}`;
}

function refLabel(r: ValueRef): string {
  const src = r.value.source;
  const name = src.kind === 'variable' ? `${src.variable.name}` : src.kind === 'constant' && sizeOf(r.value.shape) === 1 ? `${src.values[0]}` : `%${r.value.id}`;
  return r.shape === r.value.shape || fmtShape(r.shape) === fmtShape(r.value.shape) ? name : `${name} ${fmtShape(r.shape)}`;
}

function attrLabel(args: readonly unknown[]): string {
  const shown = args.filter((a) => !(a instanceof TensorSlot) && typeof a !== 'string').map((a) => JSON.stringify(a, (_k, v: unknown) => (v instanceof TensorSlot ? `%in${v.input}` : v)));
  return shown.length > 0 ? ` {${shown.join(', ')}}` : '';
}

/** The bytes a value's storage takes. */
export function valueBytes(v: GraphValue): number {
  return sizeOf(v.shape) * bytesPerElement(v.dtype);
}
