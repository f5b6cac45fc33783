/**
 * The wasm backend's graph compiler: fuses chains of float32 elementwise nodes (unary and binary ops, where,
 * casts between bool and float32) into single calls of the fused elementwise kernel, bit for bit the unfused
 * results, with each chain's intermediates kept in cache-sized blocks instead of tensors.
 */
import type { BinaryOp, UnaryOp } from '../../core/backend.js';
import { fmtShape } from '../../core/errors.js';
import { sizeOf, type Shape } from '../../core/shape.js';
import { TensorSlot, opLabel, type Graph, type GraphNode, type GraphValue, type ValueRef } from '../../graph/graph.js';
import { BINARY_CODES, CAST_CODES, UNARY_CODES } from './abi.js';
import type { FusedProgram, FusedRunner, FusedSlot, FusedStep } from './fast-fusion.js';

/** A node the fused kernel can run: its step kind and op code, its tensor operands in order, its output. */
interface Elementwise {
  kind: FusedStep['kind'];
  code: number;
  operands: ValueRef[];
  out: GraphValue;
}

/** `node` as a fused step, or undefined where the fused kernel does not run it as the unfused kernels do. */
function elementwiseOf(node: GraphNode): Elementwise | undefined {
  const op = node.op;
  if (op.kind !== 'kernel' || node.outputs.length !== 1 || node.dynamic.length > 0 || node.inPlace.some((i) => i >= 0)) return undefined;
  const out = node.outputs[0]!;
  const tensors = op.args.filter((a): a is TensorSlot => a instanceof TensorSlot).map((s) => node.inputs[s.input]!);
  const dtypes = tensors.map((r) => r.value.dtype).join(',');
  const found = (code: number | undefined, expected: string): Elementwise | undefined =>
    code !== undefined && dtypes === expected && sizeOf(out.shape) > 0 ? { kind: op.name as FusedStep['kind'], code, operands: tensors, out } : undefined;
  const variant = op.args.find((a) => typeof a === 'string');
  switch (op.name) {
    // erf has no WebAssembly kernel (the reference runs it), so it is left out with everything else the kernels decline.
    case 'unary': return found(UNARY_CODES[variant as UnaryOp], 'float32');
    case 'binary': return found(BINARY_CODES[variant as BinaryOp], 'float32,float32');
    case 'where': return found(0, 'bool,float32,float32');
    case 'cast': {
      // bool ↔ float32 only: the bytes of a comparison to floats, or floats to a mask.
      const from = out.dtype === 'bool' ? 'float32' : 'bool';
      return out.dtype === 'float32' || out.dtype === 'bool' ? found(CAST_CODES[`${from}>${out.dtype}`], from) : undefined;
    }
    default: return undefined;
  }
}

/** How a region reads an operand of `shape` given the region's shape, or undefined where it cannot. */
function operandMode(ref: ValueRef, shape: Shape): 'direct' | 'scalar' | 'row' | undefined {
  const size = sizeOf(ref.shape);
  if (size === sizeOf(shape)) return 'direct';
  if (size === 1) return 'scalar';
  const dims = ref.shape.filter((d, i) => d !== 1 || i === ref.shape.length - 1);
  return dims.length === 1 && dims[0] === shape[shape.length - 1] ? 'row' : undefined;
}

/** Elementwise nodes of one shape, fused into one call placed where the last of them was. */
interface Region {
  shape: Shape;
  nodes: number[];
  steps: Elementwise[];
  /** The values its nodes compute. */
  made: Set<GraphValue>;
}

/**
 * Groups the elementwise nodes of `graph` into regions. A region gathers nodes of one output shape (not
 * necessarily adjacent) and is cut where moving its nodes to the place of its last one would change what
 * the graph computes: where another node reads one of its values, or a node overwrites storage in place.
 */
function findRegions(graph: Graph): Region[] {
  const open = new Map<string, Region>();
  const done: Region[] = [];
  const close = (key: string): void => {
    if (open.get(key)!.nodes.length >= 2) done.push(open.get(key)!);
    open.delete(key);
  };
  graph.nodes.forEach((node, i) => {
    const found = elementwiseOf(node);
    // Every operand of a step is of the step's shape (a value of the region, or an input), a scalar or a row.
    const step = found?.operands.every((r) => operandMode(r, found.out.shape)) ? found : undefined;
    const key = step ? fmtShape(step.out.shape) : undefined;
    const overwrites = node.inPlace.some((k) => k >= 0);
    for (const [k, region] of [...open]) {
      if (overwrites || (k !== key && node.inputs.some((r) => region.made.has(r.value)))) close(k);
    }
    if (!step || !key) return;
    let region = open.get(key);
    if (!region) open.set(key, (region = { shape: step.out.shape, nodes: [], steps: [], made: new Set() }));
    region.nodes.push(i);
    region.steps.push(step);
    region.made.add(step.out);
  });
  for (const key of [...open.keys()]) close(key);
  return done;
}

/** Where each node's computation runs after fusion: its region's call, at the region's last node, or itself. */
function placesOf(graph: Graph, regions: readonly Region[]): number[] {
  const places = graph.nodes.map((_, i) => i);
  for (const r of regions) for (const i of r.nodes) places[i] = r.nodes[r.nodes.length - 1]!;
  return places;
}

/** Values a replay owns the storage of (node outputs, handed on through in-place outputs), as the memory plan counts them. */
function ownedValues(graph: Graph): Set<GraphValue> {
  const owned = new Set<GraphValue>();
  for (const node of graph.nodes) {
    node.outputs.forEach((out, k) => {
      const from = node.inPlace[k]!;
      if (from < 0 || owned.delete(node.inputs[from]!.value)) owned.add(out);
    });
  }
  return owned;
}

/** What fusing needs to know of the whole graph: who reads each value (by place), and which values must stay. */
interface Uses {
  readers: Map<GraphValue, number[]>;
  kept: Set<GraphValue>;
  owned: Set<GraphValue>;
  places: number[];
}

/**
 * The call replacing `region`: its inputs, program and outputs. A value is an output where anything outside
 * the region reads it (a node, the function's results, an assignment or an effect); the others live in
 * registers. An output may overwrite an input that dies with this call (see `inPlaceInput`).
 */
function compileRegion(region: Region, uses: Uses): { inputs: ValueRef[]; outputs: GraphValue[]; program: FusedProgram; inPlace: number[] } {
  const inRegion = new Set(region.nodes);
  const place = region.nodes[region.nodes.length - 1]!;
  const outputs = region.steps.map((s) => s.out).filter((v) => uses.kept.has(v) || (uses.readers.get(v) ?? []).some((n) => !inRegion.has(n)));
  const inputs: ValueRef[] = [];
  const slots: FusedSlot[] = outputs.map((_, output) => ({ kind: 'output', output }));
  const slotOf = new Map<GraphValue, number>(outputs.map((v, k) => [v, k]));
  const lastRead = new Map<GraphValue, number>();
  region.steps.forEach((s, k) => s.operands.forEach((r) => lastRead.set(r.value, k)));
  const free: number[] = [];
  const steps: FusedStep[] = region.steps.map((s, k) => {
    const operands = s.operands.map((r) => {
      let slot = slotOf.get(r.value);
      if (slot === undefined) {
        slot = slots.push({ kind: 'input', input: inputs.push(r) - 1, mode: operandMode(r, region.shape)! }) - 1;
        slotOf.set(r.value, slot);
      }
      return slot;
    });
    let out = slotOf.get(s.out);
    if (out === undefined) {
      out = free.pop() ?? slots.push({ kind: 'register' }) - 1;
      slotOf.set(s.out, out);
    }
    // A register is free again once its value's last reader has run (never the step's own output: a cast
    // from bytes to floats would overwrite bytes it has yet to read).
    for (const r of s.operands) {
      const slot = slotOf.get(r.value)!;
      if (lastRead.get(r.value) === k && slots[slot]!.kind === 'register' && !free.includes(slot)) free.push(slot);
    }
    if (!lastRead.has(s.out) && slots[out]!.kind === 'register') free.push(out);
    return { kind: s.kind, code: s.code, out, operands };
  });
  const taken = new Set<number>();
  const inPlace = outputs.map((v, k) => {
    const written = steps.findIndex((s) => s.out === k);
    const input = inPlaceInput(v, written, steps, slots, inputs, place, uses, taken);
    if (input >= 0) taken.add(input);
    return input;
  });
  const program: FusedProgram = { shape: region.shape, slots, steps, outputs: outputs.map((v, k) => ({ dtype: v.dtype, inPlace: inPlace[k]! })) };
  return { inputs, outputs, program, inPlace };
}

/**
 * The input whose storage output `v` (written by step `written`) may take over, or -1: a whole input of its
 * dtype that the replay owns, that nothing reads after this call (at `place`) and no step reads after `written`.
 */
function inPlaceInput(v: GraphValue, written: number, steps: readonly FusedStep[], slots: readonly FusedSlot[], inputs: readonly ValueRef[], place: number, uses: Uses, taken: ReadonlySet<number>): number {
  return inputs.findIndex((r, i) => {
    const slot = slots.findIndex((s) => s.kind === 'input' && s.input === i);
    const value = r.value;
    return !taken.has(i) && value.dtype === v.dtype && sizeOf(value.shape) === sizeOf(v.shape) && uses.owned.has(value) && !uses.kept.has(value) &&
      (uses.readers.get(value) ?? []).every((n) => uses.places[n]! <= place) &&
      steps.every((s, k) => k <= written || !s.operands.includes(slot));
  });
}

/** Which node positions read each value, and which values the function returns, assigns or hands to effects. */
function usesOf(graph: Graph, regions: readonly Region[]): Uses {
  const readers = new Map<GraphValue, number[]>();
  graph.nodes.forEach((node, i) => {
    for (const r of node.inputs) readers.set(r.value, [...(readers.get(r.value) ?? []), i]);
  });
  const kept = new Set<GraphValue>([...graph.outputs, ...graph.assignments.map((a) => a.value), ...graph.effects.flatMap((e) => e.inputs)].map((r) => r.value));
  return { readers, kept, owned: ownedValues(graph), places: placesOf(graph, regions) };
}

/**
 * Rewrites `graph` for the wasm backend: each region of two or more float32 elementwise nodes of one shape
 * (operands of that shape, scalars, or rows along the last axis) becomes one `call` node that runs the fused
 * elementwise kernel, `fusedFrom` listing the ops it replaces. Values read outside the region stay
 * tensors; an output may overwrite an input that dies there (declared in the node's `inPlace`).
 *
 * @example
 * registerGraphCompiler('wasm', fuseElementwise);
 * const step = jit((x: Tensor) => relu(add(mul(x, 2), 1)));
 * step(x);
 * step.lastGraph!.stats().fused; // 1: mul → add → relu in one kernel
 */
export function fuseElementwise(graph: Graph): void {
  const regions = findRegions(graph);
  if (regions.length === 0) return;
  const uses = usesOf(graph, regions);
  const calls = new Map<number, GraphNode>();
  const fused = new Set<number>();
  let nextNode = Math.max(...graph.nodes.map((n) => n.id)) + 1;
  for (const region of regions) {
    const { inputs, outputs, program, inPlace } = compileRegion(region, uses);
    const fusedFrom = region.nodes.map((i) => opLabel(graph.nodes[i]!));
    const call: GraphNode = {
      id: nextNode++,
      op: { kind: 'call', name: 'fusedElementwise', fusedFrom, run: (backend, infos) => (backend as unknown as FusedRunner).runFused(program, infos) },
      inputs,
      outputs,
      inPlace,
      dynamic: [],
    };
    outputs.forEach((v, index) => (v.source = { kind: 'node', node: call, index }));
    for (const i of region.nodes) fused.add(i);
    calls.set(region.nodes[region.nodes.length - 1]!, call);
  }
  graph.nodes = graph.nodes.flatMap((node, i) => calls.get(i) ?? (fused.has(i) ? [] : [node]));
}
