// The fused elementwise kernel: a short program of elementwise steps (a chain the wasm graph compiler found)
// run block by block, so that the chain's intermediates stay in cache instead of going through memory.
// Each step calls the very kernel that runs it unfused, on the block: results are bit for bit the unfused
// ones, SIMD and scalar lanes included (blocks are multiples of 4 elements, so an element is computed by
// the vector code, or by the scalar tail, exactly where the unfused kernel computes it so).
import { binaryF32, cast, unaryF32, where32 } from './elementwise';
import { BINARY_STEP, CAST_STEP, DIRECT_SLOT, FIXED_SLOT, ROW_SLOT, SCALAR_SLOT, UNARY_STEP } from './codes';

// A program in memory: [slot count, step count], then each slot as [mode, pointer (for registers: an offset
// into the calling thread's scratch), element bytes, row pointer, row length], then each step as [kind, op
// code, output slot, operand slots (three; unused ones are 0)].
const SLOT_BYTES: usize = 20;
const STEP_BYTES: usize = 24;

@inline function slotAt(program: usize, index: i32): usize {
  return program + 8 + <usize>index * SLOT_BYTES;
}

// Where a slot's elements of the block starting at element `start` are.
@inline function pointer(slot: usize, scratch: usize, start: i32): usize {
  const mode = load<i32>(slot);
  const at = <usize>load<u32>(slot, 4);
  if (mode == DIRECT_SLOT) return at + <usize>start * <usize>load<i32>(slot, 8);
  return mode == FIXED_SLOT || mode == ROW_SLOT ? scratch + at : at;
}

@inline function stride(slot: usize): i32 {
  return load<i32>(slot) == SCALAR_SLOT ? 0 : 1;
}

// Copies the row elements of the block [start, start + len) into the slot's register: runs of the row.
function fillRow(slot: usize, scratch: usize, start: i32, len: i32): void {
  const width = load<i32>(slot, 8);
  const row = <usize>load<u32>(slot, 12);
  const cols = load<i32>(slot, 16);
  let to = scratch + <usize>load<u32>(slot, 4);
  let col = start % cols;
  let left = len;
  while (left > 0) {
    const run = min(cols - col, left);
    memory.copy(to, row + <usize>(col * width), <usize>(run * width));
    to += <usize>(run * width);
    left -= run;
    col = 0;
  }
}

/**
 * Runs the program at `program` over elements [begin, end) (begin a multiple of 4), `block` (a multiple of 4)
 * at a time, its registers in `scratch` (each thread running part of a call has its own).
 */
export function fusedElementwiseF32(program: usize, scratch: usize, begin: i32, end: i32, block: i32): void {
  const slots = load<i32>(program);
  const steps = load<i32>(program, 4);
  const firstStep = slotAt(program, slots);
  for (let start = begin; start < end; start += block) {
    const len = min(block, end - start);
    for (let i = 0; i < slots; i++) {
      const slot = slotAt(program, i);
      if (load<i32>(slot) == ROW_SLOT) fillRow(slot, scratch, start, len);
    }
    for (let k = 0; k < steps; k++) {
      const step = firstStep + <usize>k * STEP_BYTES;
      const kind = load<i32>(step);
      const code = load<i32>(step, 4);
      const out = pointer(slotAt(program, load<i32>(step, 8)), scratch, start);
      const a = slotAt(program, load<i32>(step, 12));
      const b = slotAt(program, load<i32>(step, 16));
      const c = slotAt(program, load<i32>(step, 20));
      if (kind == UNARY_STEP) unaryF32(code, pointer(a, scratch, start), out, len);
      else if (kind == CAST_STEP) cast(code, pointer(a, scratch, start), out, len);
      else if (kind == BINARY_STEP) binaryF32(code, pointer(a, scratch, start), pointer(b, scratch, start), out, 1, 1, 1, len, 0, 0, 0, stride(a), 0, 0, 0, stride(b));
      else where32(pointer(a, scratch, start), pointer(b, scratch, start), pointer(c, scratch, start), out, 1, 1, 1, len, 0, 0, 0, stride(a), 0, 0, 0, stride(b), 0, 0, 0, stride(c));
    }
  }
}
