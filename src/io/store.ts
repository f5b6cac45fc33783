/** Where `save` and `load` put bytes: a file system in Node, something the application provides elsewhere. */
import { NotFoundError } from '../core/errors.js';
import type { Limits } from '../core/limits.js';

/**
 * Reads and writes whole files by path. Writes must be atomic: a failure leaves the old file intact.
 * Reads should refuse a file over `limits.maxFileBytes` (the caps in force when omitted) before reading it.
 */
export interface ArtifactStore {
  write(path: string, bytes: Uint8Array): Promise<void>;
  read(path: string, limits?: Limits): Promise<Uint8Array>;
  /** Creates the directory `path` and its parents if missing (for formats that write several files, as TF.js's). */
  makeDirectory?(path: string): Promise<void>;
}

let current: ArtifactStore | undefined;

/** Installs the store used by `model.save(path)`, `loadModel(path)` and their weights-only forms (Node's entry point installs its file system). */
export function setArtifactStore(store: ArtifactStore): void {
  current = store;
}

/** The installed store, or an error explaining how to save where there is no file system. */
export function artifactStore(): ArtifactStore {
  if (!current) {
    throw new NotFoundError(
      'No file storage is available here (outside Node). Install one with setArtifactStore({read, write}), or use encodeModel(model) / decodeModel(bytes) to handle the bytes yourself.',
    );
  }
  return current;
}
