/**
 * Where a model is read from: a path (through the installed ArtifactStore, in Node the file
 * system), a URL, a browser `File`/`Blob` (or a list of them: `model.json` with its shards), or
 * bytes already in memory. Each becomes a `ModelInput`: the main file's bytes and a way to read
 * the files named beside it, with every size checked against the caps before it is read.
 */
import { NotFoundError, ValueError } from '../core/errors.js';
import { checkLimit, type Limits } from '../core/limits.js';
import type { ModelInput } from './artifacts.js';
import { artifactStore } from './store.js';

/**
 * What `loadModel` reads: a path (Node), an `http(s):` URL or `URL`, a `File`/`Blob`, several
 * `File`s (a TF.js `model.json` and its weight files, as a file picker gives them), or the bytes
 * of a single-file model.
 */
export type ModelSource = string | URL | Blob | readonly Blob[] | ArrayBuffer | ArrayBufferView;

const isUrl = (s: string): boolean => /^(https?|blob|data):/i.test(s);

/**
 * Checks a file name found inside a model file (a TF.js weight path) before it is used: no
 * absolute path, no drive, no `..`, so a hostile file cannot make Strata read outside its folder.
 */
export function checkRelativePath(relative: string, source: string): string {
  const parts = relative.split(/[\\/]/);
  if (relative === '' || /^[\\/]/.test(relative) || /^[a-z][a-z0-9+.-]*:/i.test(relative) || parts.some((p) => p === '..')) {
    throw new ValueError(`${source}: refuses to read '${relative}': a file named inside a model must be a relative path below its folder (no '/', drive, URL scheme or '..' at the start or between parts).`);
  }
  return parts.filter((p) => p !== '' && p !== '.').join('/');
}

/** The bytes of `response`, refusing more than `limits.maxFileBytes` before and while reading. */
async function boundedBody(response: Response, what: string, limits: Limits): Promise<Uint8Array> {
  if (!response.ok) throw new NotFoundError(`${what}: the server answered ${response.status} ${response.statusText}.`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared)) checkLimit(limits, 'maxFileBytes', declared, `${what} declares`);
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limits.maxFileBytes) {
      await reader.cancel();
      checkLimit(limits, 'maxFileBytes', total, `${what} sends at least`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

async function fetchBytes(url: string, limits: Limits): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new NotFoundError(`${url}: cannot fetch it (${(e as Error).message}).`);
  }
  return boundedBody(response, url, limits);
}

async function blobBytes(blob: Blob, what: string, limits: Limits): Promise<Uint8Array> {
  checkLimit(limits, 'maxFileBytes', blob.size, `${what} has`);
  return new Uint8Array(await blob.arrayBuffer());
}

const nameOf = (blob: Blob, i: number): string => (blob as { name?: unknown }).name?.toString() ?? `blob #${i}`;

function noSiblings(source: string): (relative: string) => Promise<Uint8Array> {
  return async (relative) => {
    throw new NotFoundError(`${source}: the model names a second file, '${relative}', but was given as a single file; pass the folder's path, the URL of its model.json, or every file (model.json and its weight files) together.`);
  };
}

/** The `ModelInput` of `source` (see `ModelSource`), with every size checked against `limits`. */
export async function readModelInput(source: ModelSource, limits: Limits): Promise<ModelInput> {
  if (typeof source === 'string' || source instanceof URL) {
    const text = source.toString();
    if (source instanceof URL || isUrl(text)) {
      const bytes = await fetchBytes(text, limits);
      return { source: text, bytes, readSibling: (rel) => fetchBytes(new URL(checkRelativePath(rel, text), text).toString(), limits) };
    }
    const store = artifactStore();
    // A folder means the TF.js model.json in it.
    let path = /[\\/]$/.test(text) ? `${text}model.json` : text;
    let bytes: Uint8Array;
    try {
      bytes = await store.read(path, limits);
    } catch (e) {
      if (!(e instanceof ValueError && /is a directory/.test(e.message))) throw e;
      path = `${text}/model.json`;
      bytes = await store.read(path, limits);
    }
    const dir = path.replace(/[^\\/]*$/, '');
    return { source: path, bytes, readSibling: (rel) => store.read(dir + checkRelativePath(rel, path), limits) };
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const name = nameOf(source, 0);
    return { source: name, bytes: await blobBytes(source, name, limits), readSibling: noSiblings(name) };
  }
  if (Array.isArray(source)) {
    const files = source as readonly Blob[];
    if (files.length === 0) throw new ValueError('loadModel: the list of files is empty; give model.json and its weight files.');
    const names = files.map(nameOf);
    const main = Math.max(0, names.findIndex((n) => /(^|[\\/])model\.json$/i.test(n)));
    const byName = new Map(files.map((f, i) => [names[i]!.replace(/^.*[\\/]/, ''), f]));
    return {
      source: names[main]!,
      bytes: await blobBytes(files[main]!, names[main]!, limits),
      readSibling: async (rel) => {
        const wanted = checkRelativePath(rel, names[main]!).replace(/^.*\//, '');
        const file = byName.get(wanted);
        if (!file) throw new NotFoundError(`${names[main]}: names the file '${rel}', which is not among the files given (${names.join(', ')}).`);
        return blobBytes(file, wanted, limits);
      },
    };
  }
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    checkLimit(limits, 'maxFileBytes', bytes.length, 'the bytes given have');
    return { source: 'bytes', bytes, readSibling: noSiblings('bytes') };
  }
  throw new ValueError(`loadModel: cannot read a model from ${Object.prototype.toString.call(source)}; give a path, a URL, a File or Blob (or a list of them), or an ArrayBuffer.`);
}
