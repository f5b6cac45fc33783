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

/** `runFused` on `rt`'s memory and kernels. */
export function fusedRunner(rt: WasmRuntime): FusedRunner['runFused'] {
  return (program, inputs) => {
    const { shape, slots, steps } = program;
    const outs = program.outputs.map((o) => (o.inPlace >= 0 ? { dataId: inputs[o.inPlace]!.dataId, shape, dtype: o.dtype } : rt.out(shape, o.dtype)));
    const registers = slots.filter((s) => s.kind === 'register' || (s.kind === 'input' && s.mode === 'row')).length;
    // The table, then the registers on a 16-byte boundary.
    const tableBytes = Math.ceil((8 + 4 * (SLOT_INTS * slots.length + STEP_INTS * steps.length)) / 16) * 16;
    const bytes = tableBytes + registers * FUSED_BLOCK * 4;
    const table = rt.heap.alloc(bytes);
    const ints = new Int32Array(rt.memory.buffer, table, tableBytes / 4);
    ints[0] = slots.length;
    ints[1] = steps.length;
    let register = table + tableBytes;
    const scratch = (): number => (register += FUSED_BLOCK * 4) - FUSED_BLOCK * 4;
    slots.forEach((s, i) => {
      const x = s.kind === 'input' ? inputs[s.input]! : s.kind === 'output' ? outs[s.output]! : undefined;
      const width = x ? bytesPerElement(x.dtype) : 4;
      const row = s.kind === 'input' && s.mode === 'row';
      const mode = s.kind === 'register' ? 'fixed' : s.kind === 'output' ? 'direct' : s.mode;
      const at = x === undefined || row ? scratch() : rt.at(x);
      ints.set([FUSED_SLOT_CODES[mode], at, width, row ? rt.at(x!) : 0, row ? shape[shape.length - 1]! : 0], 2 + SLOT_INTS * i);
    });
    steps.forEach((st, k) => {
      ints.set([FUSED_STEP_CODES[st.kind], st.code, st.out, st.operands[0] ?? 0, st.operands[1] ?? 0, st.operands[2] ?? 0], 2 + SLOT_INTS * slots.length + STEP_INTS * k);
    });
    rt.kernels.fusedElementwiseF32(table, sizeOf(shape), FUSED_BLOCK);
    rt.heap.free(table, bytes);
    return outs;
  };
}
