/** `csv` under Node: a file path (or `file:` URL) is streamed from disk; other sources as in the browser. */
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { csv as csvFrom, type CsvArgs, type CsvRow, type CsvSource } from '../csv.js';
import type { Dataset } from '../dataset.js';

/**
 * A dataset of a CSV file's rows, streamed from a path (or `file:` URL, or fetched from an
 * `http(s):` URL, or `{ text }`), each `{ column: value }` or `[features, label]`.
 *
 * @example
 * const ds = data.csv('iris.csv', { label: 'species', columns: { species: 'string' } });
 */
export function csv(source: CsvSource, args: CsvArgs & { label: string }): Dataset<[CsvRow, number | string]>;
export function csv(source: CsvSource, args?: CsvArgs): Dataset<CsvRow>;
export function csv(source: CsvSource, args?: CsvArgs): Dataset<CsvRow | [CsvRow, number | string]>;
export function csv(source: CsvSource, args: CsvArgs = {}): Dataset<CsvRow | [CsvRow, number | string]> {
  const path = source instanceof URL ? (source.protocol === 'file:' ? fileURLToPath(source) : undefined) : typeof source === 'string' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(source) ? source : undefined;
  if (path === undefined) return csvFrom(source, args);
  // A new stream for each iteration: createReadStream is an async iterable of 64 KiB chunks.
  return csvFrom({ [Symbol.asyncIterator]: () => createReadStream(path)[Symbol.asyncIterator]() }, args);
}
