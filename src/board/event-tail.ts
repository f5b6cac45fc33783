/**
 * Following one event file as it grows: each call reads the records appended since the last one,
 * in chunks of a fixed size, so a file of any size is read with the memory of one chunk (or of its
 * largest record), and a record still being written waits for its end instead of passing for
 * corruption.
 */
import { getLimits, type Limits } from '../core/limits.js';
import type { RunData } from './event-reader.js';

/**
 * Reads bytes of a file at `position` into `into`; returns how many came (0 at the end).
 * `position` may be anywhere below 2^53: files of more than 4 GiB are read like small ones.
 */
export type ReadAt = (into: Uint8Array, position: number) => number;

/** Bytes read at a time (larger records are read whole, up to the cap `maxTensorBytes`). */
export const EVENT_CHUNK_BYTES = 1 << 20;

/** Options of an `EventFileTail`. */
export interface EventFileTailArgs {
  /** The byte to start from (default 0, the file's first record). */
  start?: number;
  /** Bytes read at a time (default `EVENT_CHUNK_BYTES`). */
  chunkBytes?: number;
  /** The caps in force (a record's length is checked against `maxTensorBytes`). */
  limits?: Limits;
}

/** One event file of a run, and how far it was read. */
export class EventFileTail {
  /** Where the next record starts: every byte before it was read. */
  offset: number;
  /** True once the file proved corrupt: it is not read any more (the run's `error` says why). */
  failed = false;
  private readonly chunkBytes: number;
  private readonly limits: Limits;

  /**
   * A file named `name` (in messages) whose records go to `run`.
   *
   * @example
   * ```ts
   * const tail = new EventFileTail('train/events.out.tfevents.1', run);
   * tail.follow((into, position) => readSync(fd, into, 0, into.length, position), fstatSync(fd).size);
   * ```
   */
  constructor(
    readonly name: string,
    private readonly run: RunData,
    args: EventFileTailArgs = {},
  ) {
    this.offset = args.start ?? 0;
    this.chunkBytes = args.chunkBytes ?? EVENT_CHUNK_BYTES;
    this.limits = args.limits ?? getLimits();
  }

  /**
   * Reads what lies between `offset` and `size` (the file's size now), `budget` bytes at most,
   * and feeds its whole records to the run. Returns true when bytes are left that can be read now
   * (the budget ran out), false when the file was read up to its end, up to a record still being
   * written, or up to a corruption.
   */
  follow(readAt: ReadAt, size: number, budget = Infinity): boolean {
    if (this.failed) return false;
    if (size < this.offset) {
      this.run.fail(this.name, `the file shrank to ${size} bytes, below the ${this.offset} already read (it was truncated or replaced)`);
      this.failed = true;
      return false;
    }
    let read = 0;
    let want = this.chunkBytes;
    while (this.offset < size) {
      const bytes = new Uint8Array(Math.min(want, size - this.offset));
      const got = readFully(readAt, bytes, this.offset);
      read += got;
      const result = this.run.feed(this.name, bytes.subarray(0, got), this.offset, this.limits);
      this.offset += result.consumed;
      if (result.failed) {
        this.failed = true;
        return false;
      }
      // A short read: the file ends before `size` said (it was truncated meanwhile); the next call sees its new size.
      if (got < bytes.length) return false;
      if (result.consumed > 0) {
        // The budget is checked only after progress, so that a record larger than it is still read.
        if (read >= budget) return this.offset < size;
        want = this.chunkBytes;
        continue;
      }
      // The first record did not fit: read it whole next time if all of it is on disk yet.
      if (result.pending === undefined || result.pending <= got || this.offset + result.pending > size) return false;
      want = result.pending;
    }
    return false;
  }
}

/** Largest single read: Node refuses lengths of 2 GiB or more in one call. */
const MAX_READ = 1 << 30;

/** Fills `into` from `position` with as many reads as it takes; returns the bytes read (fewer at the end of the file). */
function readFully(readAt: ReadAt, into: Uint8Array, position: number): number {
  let got = 0;
  while (got < into.length) {
    const n = readAt(into.subarray(got, got + Math.min(MAX_READ, into.length - got)), position + got);
    if (n <= 0) break;
    got += n;
  }
  return got;
}
