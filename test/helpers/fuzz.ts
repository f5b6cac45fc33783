/**
 * The mutation fuzzer shared by the decoder tests: mutates valid files (bit flips, truncations, size
 * fields set to hostile values, sections swapped, bytes inserted or deleted, numbers in text replaced) and asserts that the
 * decoder answers each with a typed error or a result, within a time and memory bound per case.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StrataError } from '../../src/index.js';

/** A field of the seed files that holds a size or a count, so the fuzzer aims hostile values at it. */
export interface SizeField {
  /** Byte offset in the file; negative counts from the end (-4: the last four bytes). */
  at: number;
  width: 1 | 2 | 4 | 8;
  littleEndian: boolean;
}

/** What to fuzz and how hard. */
export interface FuzzSpec {
  /** Names the decoder in failure messages. */
  name: string;
  /** Valid files the mutations start from (at least one). */
  seeds: Uint8Array[];
  /** Decodes one (mutated) file; may return a promise. Throwing a `StrataError` counts as a clean refusal. */
  decode: (bytes: Uint8Array) => unknown;
  /** Size fields of the seeds worth aiming at, beyond the random positions every run tries. */
  sizeFields?: SizeField[];
  /**
   * Applied to each mutated file before decoding, to make its checksums right again, so that the
   * mutations reach the checks behind them instead of all stopping at the first checksum.
   */
  repair?: (bytes: Uint8Array) => Uint8Array;
  /** Cases to run: the environment's FUZZ_RUNS wins over this, default 300. */
  runs?: number;
  /** The fast-check seed: FUZZ_SEED wins over this, default 12. */
  seed?: number;
  /** Longest a case may take, in ms (a robustness bound, not a speed target): default 1000. */
  caseMs?: number;
  /** Most memory one case may add (peak RSS growth, or array buffers still held after it): default 64 MiB. */
  caseBytes?: number;
  /** Which thrown values are clean refusals: default, instances of `StrataError`. */
  expected?: (error: unknown) => boolean;
}

/** One line about a fuzz run, for `t.diagnostic`: cases, refusals, the slowest case and the most memory one added. */
export function describeReport(name: string, r: FuzzReport): string {
  return `${name}: ${r.cases} cases, ${r.refused} refused, ${r.accepted} accepted; slowest ${r.slowestMs.toFixed(1)} ms, most memory added ${(r.largestBytes / 2 ** 20).toFixed(1)} MiB`;
}

/** What a fuzz run saw. */
export interface FuzzReport {
  cases: number;
  /** Cases the decoder refused with an expected error. */
  refused: number;
  /** Cases the decoder accepted. */
  accepted: number;
  /** The slowest case, in ms. */
  slowestMs: number;
  /** The most memory one case added, in bytes. */
  largestBytes: number;
}

/** One edit of a file. Positions are taken modulo the file's length, so any number fits any file. */
export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'word'; at: number; width: 1 | 2 | 4 | 8; littleEndian: boolean; value: bigint }
  | { kind: 'field'; field: number; value: bigint }
  | { kind: 'swap'; a: number; b: number; length: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'number'; index: number; text: string };

/** Values that break size arithmetic: zero, one, sign and width boundaries, 2^31, 2^32 - 1, 2^53 ± 1. */
const HOSTILE = [0n, 1n, 0x7fn, 0xffn, 0x7fffn, 0xffffn, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 53n - 1n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n];

/** Hostile numbers for text formats (JSON descriptions): the same boundaries in decimal, and what a number field should never hold. */
const HOSTILE_TEXT = ['0', '-1', '1.5', '2147483648', '4294967296', '9007199254740993', '1e308', '-0', 'NaN', 'null', '"8"', '[]'];

/** The fast-check generator of mutations (`fields` size fields can be aimed at). */
export function mutationArbitrary(fields: number): fc.Arbitrary<Mutation> {
  const at = fc.nat();
  const value = fc.oneof(fc.constantFrom(...HOSTILE), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }));
  const options: fc.Arbitrary<Mutation>[] = [
    fc.record({ kind: fc.constant('flip' as const), at, bit: fc.nat(7) }),
    fc.record({ kind: fc.constant('truncate' as const), at }),
    fc.record({ kind: fc.constant('word' as const), at, width: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const), littleEndian: fc.boolean(), value }),
    fc.record({ kind: fc.constant('swap' as const), a: at, b: at, length: fc.integer({ min: 1, max: 256 }) }),
    fc.record({ kind: fc.constant('insert' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
    fc.record({ kind: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 256 }) }),
  ];
  options.push(fc.record({ kind: fc.constant('number' as const), index: fc.nat(), text: fc.constantFrom(...HOSTILE_TEXT) }));
  if (fields > 0) options.push(fc.record({ kind: fc.constant('field' as const), field: fc.nat(fields - 1), value }));
  return fc.oneof(...options);
}

function writeWord(out: Uint8Array, at: number, width: number, littleEndian: boolean, value: bigint): void {
  if (out.length < width) return;
  const start = Math.min(at, out.length - width);
  for (let i = 0; i < width; i++) {
    const byte = Number((value >> BigInt(8 * i)) & 0xffn);
    out[littleEndian ? start + i : start + width - 1 - i] = byte;
  }
}

/** Applies one mutation, returning a new array (the input is left alone). */
export function mutate(bytes: Uint8Array, m: Mutation, fields: readonly SizeField[] = []): Uint8Array {
  const n = bytes.length;
  if (n === 0) return m.kind === 'insert' ? new Uint8Array(m.bytes) : new Uint8Array(0);
  // A copy, never `bytes.slice()`: on a Node Buffer that is a view, and the seed itself would change.
  const out = new Uint8Array(bytes);
  switch (m.kind) {
    case 'flip':
      out[m.at % n]! ^= 1 << m.bit;
      return out;
    case 'truncate':
      return out.subarray(0, m.at % n);
    case 'word':
      writeWord(out, m.at % n, m.width, m.littleEndian, m.value);
      return out;
    case 'field': {
      const f = fields[m.field]!;
      writeWord(out, f.at < 0 ? Math.max(0, n + f.at) : Math.min(f.at, n - 1), f.width, f.littleEndian, m.value);
      return out;
    }
    case 'swap': {
      const length = Math.min(m.length, Math.floor(n / 2));
      const a = m.a % (n - length + 1);
      const b = m.b % (n - length + 1);
      const first = bytes.subarray(a, a + length);
      out.copyWithin(a, b, b + length);
      out.set(first, b);
      return out;
    }
    case 'insert': {
      const at = m.at % (n + 1);
      const grown = new Uint8Array(n + m.bytes.length);
      grown.set(bytes.subarray(0, at));
      grown.set(m.bytes, at);
      grown.set(bytes.subarray(at), at + m.bytes.length);
      return grown;
    }
    case 'number':
      return replaceNumber(bytes, m.index, m.text);
    case 'delete': {
      const at = m.at % n;
      const shrunk = new Uint8Array(n - Math.min(m.length, n - at));
      shrunk.set(bytes.subarray(0, at));
      shrunk.set(bytes.subarray(at + m.length), at);
      return shrunk;
    }
  }
}

/** Replaces the `index`-th run of ASCII digits (modulo their count) with `text`; unchanged when there is none. */
function replaceNumber(bytes: Uint8Array, index: number, text: string): Uint8Array {
  const runs: [number, number][] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! < 0x30 || bytes[i]! > 0x39) continue;
    const start = i;
    while (i < bytes.length && bytes[i]! >= 0x30 && bytes[i]! <= 0x39) i++;
    runs.push([start, i]);
  }
  if (runs.length === 0) return new Uint8Array(bytes);
  const [start, end] = runs[index % runs.length]!;
  const replacement = new TextEncoder().encode(text);
  const out = new Uint8Array(bytes.length - (end - start) + replacement.length);
  out.set(bytes.subarray(0, start));
  out.set(replacement, start);
  out.set(bytes.subarray(end), start + replacement.length);
  return out;
}

function positiveEnv(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, not '${text}'`);
  return value;
}

const heldBytes = (): number => process.memoryUsage().arrayBuffers;
const peakRssBytes = (): number => process.resourceUsage().maxRSS * 1024;

/**
 * Runs `spec.runs` cases: each picks a seed, applies one to four mutations, and decodes the result.
 * Fails (with fast-check's shrunk counterexample) when a case throws anything but an expected
 * error, takes longer than `caseMs`, or adds more than `caseBytes` of memory. A hang cannot be
 * interrupted from inside the process: give the calling `test` a `timeout`.
 *
 * @example
 * ```ts
 * test('the IDX decoder refuses every mutation cleanly', { timeout: 60_000 }, async () => {
 *   await fuzzDecoder({ name: 'parseIdx', seeds: [validIdx], decode: (b) => parseIdx(b, 'x.idx'), sizeFields: [{ at: 4, width: 4, littleEndian: false }] });
 * });
 * ```
 */
export async function fuzzDecoder(spec: FuzzSpec): Promise<FuzzReport> {
  assert.ok(spec.seeds.length > 0, `${spec.name}: fuzzDecoder needs at least one seed file`);
  const fields = spec.sizeFields ?? [];
  const caseMs = spec.caseMs ?? 1000;
  const caseBytes = spec.caseBytes ?? 64 * 1024 * 1024;
  const expected = spec.expected ?? ((e: unknown) => e instanceof StrataError);
  const report: FuzzReport = { cases: 0, refused: 0, accepted: 0, slowestMs: 0, largestBytes: 0 };
  // Plain copies: a decoder or a mutation must never change the seeds of later cases.
  const seeds = spec.seeds.map((b) => new Uint8Array(b));
  const input = fc.record({
    seed: fc.nat(spec.seeds.length - 1),
    mutations: fc.array(mutationArbitrary(fields.length), { minLength: 1, maxLength: 4 }),
  });
  const property = fc.asyncProperty(input, async ({ seed, mutations }) => {
    const mutated = mutations.reduce<Uint8Array>((b, m) => mutate(b, m, fields), seeds[seed]!);
    const bytes = spec.repair ? spec.repair(mutated) : mutated;
    const rssBefore = peakRssBytes();
    const heldBefore = heldBytes();
    const start = performance.now();
    let outcome: 'refused' | 'accepted';
    try {
      await spec.decode(bytes);
      outcome = 'accepted';
    } catch (e) {
      if (!expected(e)) throw new Error(`${spec.name}: a mutated file (${bytes.length} bytes) raised an untyped error: ${(e as Error)?.stack ?? String(e)}`);
      outcome = 'refused';
    }
    const ms = performance.now() - start;
    const added = Math.max(peakRssBytes() - rssBefore, heldBytes() - heldBefore);
    report.cases++;
    report[outcome]++;
    report.slowestMs = Math.max(report.slowestMs, ms);
    report.largestBytes = Math.max(report.largestBytes, added);
    if (ms > caseMs) throw new Error(`${spec.name}: a mutated file (${bytes.length} bytes, ${outcome}) took ${ms.toFixed(0)} ms, more than the bound ${caseMs} ms`);
    if (added > caseBytes) throw new Error(`${spec.name}: a mutated file (${bytes.length} bytes, ${outcome}) added ${(added / 2 ** 20).toFixed(1)} MiB of memory, more than the bound ${(caseBytes / 2 ** 20).toFixed(0)} MiB`);
  });
  await fc.assert(property, { numRuns: positiveEnv('FUZZ_RUNS') ?? spec.runs ?? 300, seed: positiveEnv('FUZZ_SEED') ?? spec.seed ?? 12, includeErrorInReport: true });
  return report;
}
