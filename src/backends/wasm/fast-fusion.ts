/**
 * Fused elementwise programs on the wasm backend: what the graph compiler (graph-compiler.ts) makes of a chain
 * of elementwise nodes, and how the backend runs one — written to the heap with this call's pointers and
 * run, a block of elements at a time, by the fused kernel (kernels/fused-elementwise.ts).
 */
import type { TensorInfo } from '../../core/backend.js';
import { bytesPerElement, type DType } from '../../core/dtype.js';
import { sizeOf, type Shape } from '../../core/shape.js';
import { FUSED_SLOT_CODES, FUSED_STEP_CODES } from './abi.js';
import type { WasmRuntime } from './runtime.js';

/**
 * Elements per block: a multiple of 4 (so the vector and scalar parts of each step are the unfused kernel's),
 * and 4 KiB per float32 register, so that a chain's registers stay in the first-level cache.
 */
export const FUSED_BLOCK = 1024;

/**
 * An operand of a fused program: one of the call's inputs (`direct`: of the program's shape; `scalar`: one
 * element; `row`: the last axis, repeated along the others), one of its outputs, or a scratch register
 * holding an intermediate for one block.
 */
export type FusedSlot =
  | { kind: 'input'; input: number; mode: 'direct' | 'scalar' | 'row' }
  | { kind: 'output'; output: number }
  | { kind: 'register' };

/** One step: the unfused kernel `kind` with op `code` (abi.ts's code for that kernel), from operand slots to a slot. */
export interface FusedStep {
  kind: keyof typeof FUSED_STEP_CODES;
  code: number;
  out: number;
  operands: number[];
}

/**
 * A chain of elementwise steps over tensors of one shape, run as one kernel. Each output is fresh storage, or
 * overwrites the call's input `inPlace` (of its shape and dtype, read by no step after the one writing it).
 */
export interface FusedProgram {
  shape: Shape;
  slots: FusedSlot[];
  steps: FusedStep[];
  outputs: { dtype: DType; inPlace: number }[];
}

/** A backend that runs fused programs (the wasm backend). */
export interface FusedRunner {
  /** Runs `program` on `inputs` (the call's inputs, in its order); returns its outputs. */
  runFused(program: FusedProgram, inputs: readonly TensorInfo[]): TensorInfo[];
}

const SLOT_INTS = 5;
const STEP_INTS = 6;

/** A program's table as the kernel reads it (registers at offsets into a thread's scratch): made once per program. */
interface Encoded {
  ints: Int32Array;
  /** The bytes of the registers: each thread running part of a call has its own. */
  scratchBytes: number;
}

const encodings = new WeakMap<FusedProgram, Encoded>();

/** `program` as the kernel's table, its inputs of the dtypes of `inputs`; pointers to inputs and outputs are left 0. */
function encode(program: FusedProgram, inputs: readonly TensorInfo[]): Encoded {
  const { shape, slots, steps } = program;
  const ints = new Int32Array(2 + SLOT_INTS * slots.length + STEP_INTS * steps.length);
  ints[0] = slots.length;
  ints[1] = steps.length;
  let scratchBytes = 0;
  slots.forEach((s, i) => {
    const dtype = s.kind === 'input' ? inputs[s.input]!.dtype : s.kind === 'output' ? program.outputs[s.output]!.dtype : 'float32';
    const row = s.kind === 'input' && s.mode === 'row';
    const mode = s.kind === 'register' ? 'fixed' : s.kind === 'output' ? 'direct' : s.mode;
    const register = s.kind === 'register' || row ? (scratchBytes += FUSED_BLOCK * 4) - FUSED_BLOCK * 4 : 0;
    ints.set([FUSED_SLOT_CODES[mode], register, bytesPerElement(dtype), 0, row ? shape[shape.length - 1]! : 0], 2 + SLOT_INTS * i);
  });
  steps.forEach((st, k) => {
    ints.set([FUSED_STEP_CODES[st.kind], st.code, st.out, st.operands[0] ?? 0, st.operands[1] ?? 0, st.operands[2] ?? 0], 2 + SLOT_INTS * slots.length + STEP_INTS * k);
  });
  return { ints, scratchBytes };
}

/** `runFused` on `rt`'s memory, kernels and threads: the program's table copied to the heap with this call's pointers. */
export function fusedRunner(rt: WasmRuntime): FusedRunner['runFused'] {
  return (program, inputs) => {
    const { shape, slots } = program;
    const outs = program.outputs.map((o) => (o.inPlace >= 0 ? { dataId: inputs[o.inPlace]!.dataId, shape, dtype: o.dtype } : rt.out(shape, o.dtype)));
    let encoded = encodings.get(program);
    if (!encoded) encodings.set(program, (encoded = encode(program, inputs)));
    const tableBytes = 4 * encoded.ints.length;
    const table = rt.heap.alloc(tableBytes);
    const ints = new Int32Array(rt.memory.buffer, table, encoded.ints.length);
    ints.set(encoded.ints);
    slots.forEach((s, i) => {
      const at = 3 + SLOT_INTS * i;
      if (s.kind === 'output') ints[at] = rt.at(outs[s.output]!);
      else if (s.kind === 'input' && s.mode === 'row') ints[at + 2] = rt.at(inputs[s.input]!);
      else if (s.kind === 'input') ints[at] = rt.at(inputs[s.input]!);
    });
    const n = sizeOf(shape);
    rt.fused(table, encoded.scratchBytes, n, FUSED_BLOCK, n * program.steps.length);
    rt.heap.free(table, tableBytes);
    return outs;
  };
}
