/**
 * The allocator behind the wasm backend's tensors: blocks of one shared WebAssembly.Memory, handed
 * out by size class and reused from free lists, the memory growing only when no freed block fits.
 */
import { StrataError } from '../../core/errors.js';

/** The wasm backend's memory cannot grow enough to hold a new tensor. */
export class OutOfMemoryError extends StrataError {}

/** Memory pages are 64 KiB. */
const PAGE = 65536;
/** Blocks start on cache-line boundaries, so SIMD loads never straddle lines needlessly. */
const ALIGN = 64;
/** Growing in steps of at least this much keeps `memory.grow` calls rare while a model warms up. */
const MIN_GROWTH = 16 << 20;

/**
 * The byte size of the class a request of `bytes` falls in: four classes per power of two
 * (so at most 25% is wasted), multiples of 64 bytes.
 */
export function sizeClass(bytes: number): number {
  if (bytes <= ALIGN) return ALIGN;
  if (bytes <= 2 ** 31) {
    // The same in 32-bit integer arithmetic, which every op's allocation goes through: floor(log2(bytes - 1))
    // from the leading zeros, and the rounding up to a multiple of the (power of two) step as a mask.
    const top = 31 - Math.clz32(bytes - 1);
    const mask = top < 8 ? ALIGN - 1 : (1 << (top - 2)) - 1;
    return ((bytes + mask) & ~mask) >>> 0;
  }
  const step = 2 ** (Math.floor(Math.log2(bytes - 1)) - 2);
  return Math.ceil(bytes / step) * step;
}

/**
 * Hands out aligned blocks of a WebAssembly.Memory. Freed blocks go to a free list of their size
 * class and are reused first, so a training loop that allocates the same shapes each step reaches a
 * steady state with no growth. Blocks are never merged or returned to the system.
 */
export class Heap {
  private readonly freeLists = new Map<number, number[]>();
  private top: number;
  private bytesInUse = 0;

  /** `base` is the first byte the allocator may use (past the module's static data). */
  constructor(readonly memory: WebAssembly.Memory, base: number) {
    this.top = Math.ceil(Math.max(base, ALIGN) / ALIGN) * ALIGN;
  }

  /** Returns the offset of a block of at least `bytes` bytes (its contents are undefined). Zero bytes give offset 0. */
  alloc(bytes: number): number {
    if (bytes === 0) return 0;
    const size = sizeClass(bytes);
    let offset = this.freeLists.get(size)?.pop();
    if (offset === undefined) {
      this.ensureCapacity(this.top + size);
      offset = this.top;
      this.top += size;
    }
    this.bytesInUse += size;
    return offset;
  }

  /** Returns a block from `alloc(bytes)` to its free list. */
  free(offset: number, bytes: number): void {
    if (bytes === 0) return;
    const size = sizeClass(bytes);
    this.bytesInUse -= size;
    let list = this.freeLists.get(size);
    if (!list) {
      list = [];
      this.freeLists.set(size, list);
    }
    list.push(offset);
  }

  /** Bytes of memory the heap has claimed so far (its high-water mark). */
  get reservedBytes(): number {
    return this.top;
  }

  /** Bytes in blocks handed out and not yet freed (rounded up to their size classes). */
  get usedBytes(): number {
    return this.bytesInUse;
  }

  private ensureCapacity(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const need = Math.ceil((end - have) / PAGE);
    const want = Math.ceil(Math.max(end - have, MIN_GROWTH, have >> 2) / PAGE);
    try {
      this.memory.grow(want);
    } catch {
      try {
        this.memory.grow(need);
      } catch {
        throw new OutOfMemoryError(
          `wasm backend: cannot grow WebAssembly memory from ${have} to ${end} bytes (${this.bytesInUse} bytes in live tensors). ` +
            'Dispose tensors you no longer need (or use tidy()), or use a smaller batch.',
        );
      }
    }
  }
}
