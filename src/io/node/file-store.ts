/** The ArtifactStore of Node: files, written atomically. */
import type { ArtifactStore } from '../store.js';
import { readFileBytes, writeFileAtomic } from './atomic-file.js';

/** Saves and loads files on the local file system. */
export const fileStore: ArtifactStore = {
  async write(path, bytes) {
    writeFileAtomic(path, bytes);
  },
  async read(path, limits) {
    return readFileBytes(path, limits);
  },
};
