/** `Dataset.cache(path)` on disk: one JSON line per element, tensor values as base64 bytes; written to a temporary file renamed when complete. */
import { createReadStream } from 'node:fs';
import { access, open, rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { bytesPerElement, viewArray, type DType } from '../../core/dtype.js';
import type { CacheFiles, ElementSnapshot } from '../snapshot.js';

/** A snapshot with each tensor's values as base64 (JSON has no typed arrays). */
function encode(s: ElementSnapshot): unknown {
  if (typeof s !== 'object') return s;
  if ('tensor' in s) {
    const v = s.tensor.values;
    return { tensor: { ...s.tensor, values: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') } };
  }
  if ('strings' in s) return s;
  if ('list' in s) return { list: s.list.map(encode) };
  return { record: Object.fromEntries(Object.entries(s.record).map(([k, v]) => [k, encode(v)])) };
}

function decode(s: unknown): ElementSnapshot {
  if (typeof s !== 'object' || s === null) return s as ElementSnapshot;
  if ('tensor' in s) {
    const t = (s as { tensor: { dtype: DType; shape: number[]; values: string } }).tensor;
    // A fresh buffer: decoded bytes may not sit at the typed array's alignment.
    const copy = new Uint8Array(Buffer.from(t.values, 'base64')).buffer;
    return { tensor: { dtype: t.dtype, shape: t.shape, values: viewArray(t.dtype, copy, 0, copy.byteLength / bytesPerElement(t.dtype)) } };
  }
  if ('strings' in s) return s as ElementSnapshot;
  if ('list' in s) return { list: (s as { list: unknown[] }).list.map(decode) };
  return { record: Object.fromEntries(Object.entries((s as { record: Record<string, unknown> }).record).map(([k, v]) => [k, decode(v)])) };
}

/**
 * File caches for `Dataset.cache(path)`, set by the Node entry point.
 *
 * @example
 * setCacheFiles(fileCaches);
 */
export const fileCaches: CacheFiles = {
  async exists(path) {
    return access(path).then(
      () => true,
      () => false,
    );
  },
  async *read(path) {
    const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
    for await (const line of lines) if (line !== '') yield decode(JSON.parse(line));
  },
  writer(path) {
    const partial = `${path}.partial`;
    const file = open(partial, 'w');
    return {
      async append(s) {
        await (await file).write(`${JSON.stringify(encode(s))}\n`);
      },
      async close() {
        await (await file).close();
        await rename(partial, path);
      },
      async abandon() {
        await (await file).close();
        await rm(partial, { force: true });
      },
    };
  },
};
