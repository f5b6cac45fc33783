/**
 * `csv`: a dataset of the rows of a CSV file, read a chunk at a time and parsed by csv-parse
 * (quoted fields, delimiters inside quotes, line breaks inside quotes), each row an object of typed
 * column values.
 */
import { parse } from 'csv-parse/browser/esm';
import { ValueError } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import { Dataset } from './dataset.js';

/** A column's type: numbers (an empty field is an error, as it would poison training), or strings as they are. */
export type CsvColumnType = 'number' | 'string';

/** Options of `csv`. */
export interface CsvArgs {
  /** Whether the first row names the columns (default true). */
  header?: boolean;
  /** The column names (required without a header; with one, they replace its names). */
  columnNames?: string[];
  /** Types by column name; a column not listed is a number when its first value reads as one, else a string. */
  columns?: Record<string, CsvColumnType>;
  /** A column to split off as the label: each element is then `[features, label]`. */
  label?: string;
  /** The field separator (default ','). */
  delimiter?: string;
  /** The quote character (default '"'); a quote inside a quoted field is doubled. */
  quote?: string;
}

const CSV_KEYS = optionKeys<CsvArgs>({ header: true, columnNames: true, columns: true, label: true, delimiter: true, quote: true });

/** One row: its values by column name. */
export type CsvRow = Record<string, number | string>;

/**
 * Where CSV text comes from: a URL (fetched and streamed), `{ text }` for text in memory, or an
 * (async) iterable of text or byte chunks. Under Node, `data.csv` also takes a file path.
 */
export type CsvSource = string | URL | { text: string } | AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/**
 * A dataset of a CSV file's rows, `{ column: value }` (or `[features, label]` with `label`), read as
 * the iteration goes: only the chunk being parsed is in memory.
 *
 * @example
 * const rows = data.csv({ text: 'x,y,kind\n1,2,a\n3,4,b\n' }, { label: 'kind' });
 * await rows.toArray(); // [[{x: 1, y: 2}, 'a'], [{x: 3, y: 4}, 'b']]
 */
export function csv(source: CsvSource, args: CsvArgs & { label: string }): Dataset<[CsvRow, number | string]>;
export function csv(source: CsvSource, args?: CsvArgs): Dataset<CsvRow>;
export function csv(source: CsvSource, args?: CsvArgs): Dataset<CsvRow | [CsvRow, number | string]>;
export function csv(source: CsvSource, args: CsvArgs = {}): Dataset<CsvRow | [CsvRow, number | string]> {
  checkOptions('data.csv', args, CSV_KEYS);
  const header = args.header ?? true;
  if (!header && !args.columnNames) throw new ValueError('data.csv: without a header, give the column names as columnNames.');
  return new Dataset(async function* () {
    let names: string[] | undefined = header ? undefined : args.columnNames;
    let types: CsvColumnType[] | undefined;
    let line = 0;
    for await (const fields of records(textChunks(source), args)) {
      line++;
      if (names === undefined) {
        names = args.columnNames ?? fields;
        checkNames(names, args);
        continue;
      }
      if (fields.length !== names.length) {
        throw new ValueError(`data.csv: row ${line} has ${fields.length} fields, but there are ${names.length} columns (${names.join(', ')}). Check the delimiter and quoting.`);
      }
      types ??= names.map((name, i) => args.columns?.[name] ?? (fields[i]!.trim() !== '' && Number.isFinite(Number(fields[i])) ? 'number' : 'string'));
      const row: CsvRow = {};
      fields.forEach((field, i) => {
        row[names![i]!] = types![i] === 'number' ? toNumber(field, names![i]!, line) : field;
      });
      if (args.label === undefined) {
        yield row;
        continue;
      }
      const label = row[args.label]!;
      delete row[args.label];
      yield [row, label];
    }
  });
}

function checkNames(names: readonly string[], args: CsvArgs): void {
  for (const key of [...Object.keys(args.columns ?? {}), ...(args.label === undefined ? [] : [args.label])]) {
    if (!names.includes(key)) throw new ValueError(`data.csv: no column named '${key}'; the columns are ${names.join(', ')}.`);
  }
}

function toNumber(field: string, column: string, line: number): number {
  const value = Number(field);
  if (field.trim() === '' || !Number.isFinite(value)) {
    throw new ValueError(`data.csv: column '${column}' holds numbers, but row ${line} has '${field}'. Give it columns: { ${column}: 'string' }, or clean the file.`);
  }
  return value;
}

/** The records of the text, parsed a chunk at a time. */
async function* records(chunks: AsyncIterable<string | Uint8Array>, args: CsvArgs): AsyncGenerator<string[]> {
  const parser = parse({ delimiter: args.delimiter ?? ',', quote: args.quote ?? '"', relax_column_count: true });
  const parsed: string[][] = [];
  let failure: Error | undefined;
  let ended = false;
  parser.on('data', (record: string[]) => parsed.push(record));
  parser.on('error', (e: Error) => (failure = e));
  parser.on('end', () => (ended = true));
  const flush = function* (): Generator<string[]> {
    if (failure) throw new ValueError(`data.csv: ${failure.message}`);
    // The parser hands over a chunk's records as it is written: at most one chunk's rows wait here.
    while (parsed.length > 0) yield parsed.shift()!;
  };
  // Bytes are decoded here, a character split across two chunks included: the parser gets text.
  const decoder = new TextDecoder();
  for await (const chunk of chunks) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    yield* flush();
  }
  parser.end(decoder.decode());
  if (!ended && !failure) await new Promise<void>((resolve) => (parser.once('end', resolve), parser.once('error', () => resolve())));
  yield* flush();
}

/** The source's text as chunks. */
async function* textChunks(source: CsvSource): AsyncGenerator<string | Uint8Array> {
  if (typeof source === 'string' || source instanceof URL) {
    const response = await fetch(source);
    if (!response.ok || !response.body) throw new ValueError(`data.csv: fetching ${String(source)} failed: ${response.status} ${response.statusText}.`);
    const reader = response.body.getReader();
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
    } finally {
      reader.releaseLock();
    }
    return;
  }
  if ('text' in source) {
    yield source.text;
    return;
  }
  yield* source;
}
