/**
 * TFRecord framing, the container of TensorFlow event files: each record is its length (uint64,
 * little-endian), a masked CRC32C of those 8 bytes, the data, and a masked CRC32C of the data.
 */
import CRC32C from 'crc-32/crc32c.js';
import { checkLimit, getLimits, type Limits } from '../core/limits.js';

/** The constant TensorFlow adds when masking a CRC, so that CRCs of data holding CRCs stay well distributed. */
const MASK_DELTA = 0xa282ead8;

/** The masked CRC32C of `bytes` that TFRecord stores: the CRC rotated right by 15 bits, plus a constant. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = CRC32C.buf(bytes) >>> 0;
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/** One record framed for an event file. */
export function encodeRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length, true);
  view.setUint32(4, Math.floor(data.length / 2 ** 32), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** The records found in a stretch of an event file. */
export interface DecodedRecords {
  records: Uint8Array[];
  /** Bytes used by whole records; a record cut short at the end (still being written) is left for later. */
  consumed: number;
  /**
   * When the stretch ends inside a record whose 12-byte header was read and checked: the bytes the
   * whole record takes (header, data and CRC), so that a reader can fetch it in one piece.
   */
  pending?: number;
  /** Set when a record is corrupt; `records` then holds those before it. */
  error?: string;
}

/**
 * Splits bytes of an event file into records, checking both CRCs of each. `base` is the offset of
 * `bytes` in the file, used in error messages. A record declaring more data than the cap
 * `maxTensorBytes` of `limits` is an error, so a garbled or hostile length never allocates.
 *
 * @example
 * ```ts
 * const { records, consumed, error } = decodeRecords(bytes);
 * // read again from byte `consumed` once more bytes have arrived
 * ```
 */
export function decodeRecords(bytes: Uint8Array, base = 0, limits: Limits = getLimits()): DecodedRecords {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let pos = 0;
  while (bytes.length - pos >= 12) {
    const length = view.getUint32(pos, true) + view.getUint32(pos + 4, true) * 2 ** 32;
    if (view.getUint32(pos + 8, true) !== maskedCrc32c(bytes.subarray(pos, pos + 8))) {
      return { records, consumed: pos, error: `record at byte ${base + pos}: the CRC of its length does not match (the file is corrupt or not a TensorFlow event file)` };
    }
    try {
      checkLimit(limits, 'maxTensorBytes', length, `record at byte ${base + pos} declares its data as`);
    } catch (e) {
      return { records, consumed: pos, error: (e as Error).message };
    }
    if (bytes.length - pos < 12 + length + 4) return { records, consumed: pos, pending: 12 + length + 4 };
    const data = bytes.subarray(pos + 12, pos + 12 + length);
    if (view.getUint32(pos + 12 + length, true) !== maskedCrc32c(data)) {
      return { records, consumed: pos, error: `record at byte ${base + pos}: the CRC of its ${length} data bytes does not match (the file is corrupt)` };
    }
    records.push(data);
    pos += 12 + length + 4;
  }
  return { records, consumed: pos };
}
