/**
 * A log directory read live: its runs (each directory holding event files) found again on every
 * refresh, and each event file read from where the last refresh stopped (Node only). Nothing
 * outside the directory is read: symbolic links leading out of it are skipped.
 */
import { closeSync, openSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { NotFoundError } from '../../core/errors.js';
import { RunData } from '../event-reader.js';

/** How deep below the log directory runs are looked for. */
const MAX_DEPTH = 8;

/** True for the files TensorFlow and Strata write events to. */
export function isEventFile(name: string): boolean {
  return name.includes('tfevents');
}

interface FileState {
  offset: number;
  size: number;
}

/** The runs of a log directory and what has been read of them. */
export class LogDirectory {
  /** The directory, resolved (symbolic links followed). */
  readonly root: string;
  private readonly runs = new Map<string, RunData>();
  private readonly files = new Map<string, FileState>();

  constructor(logDir: string) {
    try {
      this.root = realpathSync(logDir);
      if (!statSync(this.root).isDirectory()) throw new Error('not a directory');
    } catch {
      throw new NotFoundError(`strata board: the log directory '${logDir}' does not exist or is not a directory. Train with a TensorBoard({logDir}) callback first, or pass the directory it wrote.`);
    }
  }

  /** True when `path` (resolved) is the root or inside it. */
  contains(path: string): boolean {
    const rel = relative(this.root, path);
    return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
  }

  /** Finds new runs and files and reads what was appended since the last refresh. */
  refresh(): void {
    for (const [name, files] of this.scan()) {
      const run = this.runs.get(name) ?? this.runs.set(name, new RunData(name)).get(name)!;
      for (const file of files) this.readNew(run, file);
    }
  }

  /** The runs, sorted by name. */
  list(): RunData[] {
    return [...this.runs.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A run by name, or undefined: names come from the scan, never from joining a request onto a path. */
  get(name: string): RunData | undefined {
    return this.runs.get(name);
  }

  /** Each run directory (by its name relative to the root, `.` for the root) and its event files, in name order. */
  private scan(): Map<string, string[]> {
    const found = new Map<string, string[]>();
    const visit = (dir: string, depth: number): void => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      const events: string[] = [];
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const path = join(dir, entry.name);
        let real: string;
        try {
          real = entry.isSymbolicLink() ? realpathSync(path) : path;
        } catch {
          continue;
        }
        if (!this.contains(real)) continue;
        const stats = statSync(real, { throwIfNoEntry: false });
        if (!stats) continue;
        if (stats.isDirectory()) {
          if (depth < MAX_DEPTH && !entry.name.startsWith('.')) visit(path, depth + 1);
        } else if (stats.isFile() && isEventFile(entry.name)) events.push(real);
      }
      if (events.length) found.set(relative(this.root, dir).split(sep).join('/') || '.', events);
    };
    visit(this.root, 0);
    return found;
  }

  private readNew(run: RunData, file: string): void {
    const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    const state = this.files.get(file) ?? { offset: 0, size: 0 };
    this.files.set(file, state);
    if (size === state.size && state.offset === size) return;
    state.size = size;
    if (size <= state.offset) return;
    const bytes = new Uint8Array(size - state.offset);
    const fd = openSync(file, 'r');
    try {
      let got = 0;
      while (got < bytes.length) {
        const n = readSync(fd, bytes, got, bytes.length - got, state.offset + got);
        if (n === 0) break;
        got += n;
      }
      const name = relative(this.root, file).split(sep).join('/');
      state.offset += run.feed(name, bytes.subarray(0, got), state.offset);
    } finally {
      closeSync(fd);
    }
  }
}
