/**
 * A log directory read live: its runs (each directory holding event files) found again on every
 * refresh, and each event file followed from where the last refresh stopped, in chunks (Node only).
 * Nothing outside the directory is read: symbolic links leading out of it are skipped, and a link
 * to a directory or file already found (a loop, or a second name) adds nothing.
 */
import { closeSync, fstatSync, openSync, readSync, readdirSync, realpathSync, statSync, type BigIntStats, type Dirent } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { NotFoundError } from '../../core/errors.js';
import { resolveLimits, type Limits } from '../../core/limits.js';
import { checkOptions, optionKeys } from '../../core/options.js';
import { RunData, resolveSampleSizes, type SampleSizes } from '../event-reader.js';
import { EventFileTail } from '../event-tail.js';

/** How deep below the log directory runs are looked for. */
const MAX_DEPTH = 8;

/** True for the files TensorFlow and Strata write events to. */
export function isEventFile(name: string): boolean {
  return name.includes('tfevents');
}

/** Options of a `LogDirectory`. */
export interface LogDirectoryArgs {
  /** How many values of each tag a run keeps (default 1000 scalars, 500 histograms, 10 images). */
  samples?: SampleSizes;
  /** Caps for this directory (a record's length is checked against `maxTensorBytes`, default 2 GiB). */
  limits?: Partial<Limits>;
}

const LOG_DIRECTORY_KEYS = optionKeys<LogDirectoryArgs>({ samples: true, limits: true });

/** An event file found by a scan: its path as found (below the root, maybe through a link) and its run. */
interface FoundFile {
  path: string;
  run: string;
}

/** A followed file, and its size when it was last read to the end (a file that has not grown is not opened again). */
interface Followed {
  tail: EventFileTail;
  idleAt: number;
}

/** The runs of a log directory and what has been read of them. */
export class LogDirectory {
  /** The directory, resolved (symbolic links followed). */
  readonly root: string;
  private readonly runs = new Map<string, RunData>();
  private readonly files = new Map<string, Followed>();
  private readonly samples: Required<SampleSizes>;
  private readonly limits: Limits;

  /**
   * The log directory `logDir`; a `NotFoundError` when it is missing, not a directory, or cannot
   * be read. Nothing is read until `refresh`.
   *
   * @example
   * ```ts
   * const dir = new LogDirectory('logs');
   * dir.refresh();
   * for (const run of dir.list()) console.log(run.name, [...run.scalars.keys()]);
   * ```
   */
  constructor(logDir: string, args: LogDirectoryArgs = {}) {
    checkOptions('LogDirectory', args, LOG_DIRECTORY_KEYS);
    this.samples = resolveSampleSizes(args.samples, 'LogDirectory');
    this.limits = resolveLimits(args.limits, 'LogDirectory');
    const hint = 'Train with a TensorBoard({logDir}) callback (strata train --logdir) first, or pass the directory it wrote.';
    let root: string;
    try {
      root = realpathSync(logDir);
    } catch {
      throw new NotFoundError(`strata board: the log directory '${logDir}' does not exist. ${hint}`);
    }
    if (!statSync(root).isDirectory()) throw new NotFoundError(`strata board: '${logDir}' is not a directory: pass the log directory holding the runs, not a file in it. ${hint}`);
    try {
      readdirSync(root);
    } catch (e) {
      throw new NotFoundError(`strata board: the log directory '${logDir}' cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
    }
    this.root = root;
  }

  /** True when `path` (resolved) is the root or inside it. */
  contains(path: string): boolean {
    const rel = relative(this.root, path);
    return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
  }

  /**
   * Finds new runs and files and reads what was appended since the last refresh, at most
   * `budget` bytes of each file (default: all of it). Returns true when some file has more to
   * read now, so that a server can answer between slices of a huge file.
   */
  refresh(budget = Infinity): boolean {
    let more = false;
    for (const file of this.scan()) {
      const run = this.runs.get(file.run) ?? this.runs.set(file.run, new RunData(file.run, this.samples)).get(file.run)!;
      if (this.follow(run, file.path, budget)) more = true;
    }
    return more;
  }

  /** The runs, sorted by name. */
  list(): RunData[] {
    return [...this.runs.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A run by name, or undefined: names come from the scan, never from joining a request onto a path. */
  get(name: string): RunData | undefined {
    return this.runs.get(name);
  }

  /** The name of the run of directory `dir`: its path relative to the root, `.` for the root. */
  private runName(dir: string): string {
    return relative(this.root, dir).split(sep).join('/') || '.';
  }

  /**
   * Every event file below the root with its run, each file and directory once: real directories
   * are walked first, then the symbolic links met (inside the root only), skipping what was
   * already found by device and inode, so a loop or a second name for a run adds nothing.
   */
  private scan(): FoundFile[] {
    const found: FoundFile[] = [];
    const taken = new Set<string>();
    const links: { path: string; depth: number }[] = [];
    const take = (stats: BigIntStats | undefined): boolean => {
      const id = stats ? `${stats.dev}:${stats.ino}` : '';
      if (!stats || taken.has(id)) return false;
      taken.add(id);
      return true;
    };
    const visit = (dir: string, depth: number): void => {
      for (const entry of listDir(dir)) {
        const path = join(dir, entry.name);
        if (entry.isSymbolicLink()) links.push({ path, depth });
        else if (entry.isDirectory()) {
          if (depth < MAX_DEPTH && !entry.name.startsWith('.') && take(identity(path))) visit(path, depth + 1);
        } else if (entry.isFile() && isEventFile(entry.name) && take(identity(path))) found.push({ path, run: this.runName(dir) });
      }
    };
    take(identity(this.root));
    visit(this.root, 0);
    // `links` grows while this runs: links inside linked directories come after.
    for (let i = 0; i < links.length; i++) {
      const { path, depth } = links[i]!;
      let real: string;
      try {
        real = realpathSync(path);
      } catch {
        continue;
      }
      if (!this.contains(real)) continue;
      const stats = identity(real);
      const name = basename(path);
      if (stats?.isDirectory()) {
        if (depth < MAX_DEPTH && !name.startsWith('.') && take(stats)) visit(path, depth + 1);
      } else if (stats?.isFile() && isEventFile(name) && take(stats)) found.push({ path, run: this.runName(dirname(path)) });
    }
    return found.sort((a, b) => a.run.localeCompare(b.run) || a.path.localeCompare(b.path));
  }

  /** Reads what was appended to `path` since the last time; true when more is left than `budget` allowed. */
  private follow(run: RunData, path: string, budget: number): boolean {
    let followed = this.files.get(path);
    if (!followed) {
      followed = { tail: new EventFileTail(relative(this.root, path).split(sep).join('/'), run, { limits: this.limits }), idleAt: -1 };
      this.files.set(path, followed);
    }
    const size = statSync(path, { throwIfNoEntry: false })?.size;
    if (size === undefined || size === followed.idleAt || followed.tail.failed) return false;
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return false;
    }
    try {
      const now = fstatSync(fd).size;
      const more = followed.tail.follow((into, position) => readSync(fd, into, 0, into.length, position), now, budget);
      followed.idleAt = more ? -1 : now;
      return more;
    } finally {
      closeSync(fd);
    }
  }
}

/** The entries of `dir` in name order; none when it cannot be read. */
function listDir(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return [];
  }
}

/** The stats (with exact device and inode numbers) of `path`, or undefined when it is gone. */
function identity(path: string): BigIntStats | undefined {
  return statSync(path, { bigint: true, throwIfNoEntry: false });
}
