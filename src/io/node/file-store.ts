/** The ArtifactStore of Node: files, written atomically. */
import { mkdirSync } from 'node:fs';
import type { ArtifactStore } from '../store.js';
import { ValueError } from '../../core/errors.js';
import { describeFsError, readFileBytes, writeFileAtomic } from './atomic-file.js';

/** Saves and loads files on the local file system. */
export const fileStore: ArtifactStore = {
  async write(path, bytes) {
    writeFileAtomic(path, bytes);
  },
  async read(path, limits) {
    return readFileBytes(path, limits);
  },
  async makeDirectory(path) {
    try {
      mkdirSync(path, { recursive: true });
    } catch (e) {
      throw new ValueError(`cannot create the directory '${path}': ${describeFsError(e, path)}`);
    }
  },
};
