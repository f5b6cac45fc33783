/** Writing files atomically and reading them back, on Node's file system, refusing what is not a regular file or is over a size cap. */
import {
  closeSync, constants, fchmodSync, fstatSync, fsyncSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, realpathSync, renameSync, rmSync, statSync, writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ValueError } from '../../core/errors.js';
import { checkLimit, getLimits, type Limits } from '../../core/limits.js';

/** A temporary file older than this is stale even when its writer's process id is in use again. */
const STALE_TEMP_MS = 24 * 60 * 60 * 1000;

/**
 * Writes `bytes` to `path` so that a crash never leaves a half-written file: the bytes go to a
 * temporary file beside it (`.<name>.<pid>.<time>.tmp`), are flushed to disk, and the temporary
 * file is renamed over `path`. An existing file keeps its permission bits; a symbolic link stays a
 * link and its target gets the bytes. The temporary file is removed on any failure, and temporary
 * files of `path` left by a run that was killed are removed first. Throws a `ValueError` naming the
 * path and the cause (with a hint for a full disk).
 *
 * @example
 * ```ts
 * writeFileAtomic('model.strata', encodeArtifacts(artifacts));
 * ```
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  let target = path;
  let tmp: string | undefined;
  let fd: number | undefined;
  try {
    target = linkTarget(path);
    const dir = dirname(target);
    removeStaleTemps(dir, basename(target));
    const mode = existingMode(target);
    tmp = join(dir, `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
    fd = openSync(tmp, 'wx');
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    if (mode !== undefined) fchmodSync(fd, mode);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target);
    tmp = undefined;
    syncDirectory(dir);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    if (tmp !== undefined) rmSync(tmp, { force: true });
    throw new ValueError(`cannot save to '${path}'${target !== path ? ` (a link to '${target}')` : ''}: ${describeFsError(e, target)}`);
  }
}

/** The file a save to `path` must replace: `path` itself, or the file a symbolic link points to (which may not exist yet). */
function linkTarget(path: string): string {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch {
    return path;
  }
  if (!stats.isSymbolicLink()) return path;
  try {
    return realpathSync(path);
  } catch {
    // A dangling link: the file it names is created (one level; a chain of dangling links is not followed).
    return resolve(dirname(path), readlinkSync(path));
  }
}

/** The permission bits of the file being replaced, or undefined when there is none. */
function existingMode(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/**
 * Removes `.<name>.<pid>.<time>.tmp` files beside `name` whose writer has died, or that are older
 * than a day. Best effort: a directory that cannot be listed, or a file that cannot be removed,
 * never makes the save itself fail (the save reports its own errors).
 */
function removeStaleTemps(dir: string, name: string): void {
  const prefix = `.${name}.`;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const match = /^(\d+)\.(\d+)\.tmp$/.exec(entry.slice(prefix.length));
    if (!match) continue;
    const stale = !processAlive(Number(match[1])) || Date.now() - Number(match[2]) > STALE_TEMP_MS;
    try {
      if (stale) rmSync(join(dir, entry), { force: true });
    } catch {
      // Not ours to remove (another user's, or a directory by that name): leave it.
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Flushes the directory entry of a rename, where the platform allows opening a directory. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a directory; the rename is still atomic there, only its durability waits for the OS.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A file-system error in words, with the error code for searching and a hint where one helps. */
export function describeFsError(e: unknown, path: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOSPC':
      return 'no space left on device (ENOSPC). Free some space or save to another disk; the earlier file, if any, is unchanged.';
    case 'EDQUOT':
      return 'the disk quota is exceeded (EDQUOT). Free some space or save elsewhere; the earlier file, if any, is unchanged.';
    case 'ENOENT':
      return `the directory '${dirname(path)}' does not exist (ENOENT). Create it first.`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code}): the directory '${dirname(path)}' or the file is not writable.`;
    case 'EROFS':
      return 'the file system is read-only (EROFS).';
    case 'EISDIR':
      return 'it is a directory (EISDIR).';
    default:
      return (e as Error).message;
  }
}

/** What a non-regular file is, in words. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads a whole regular file. Refuses, before reading a byte, what is not a regular file (a
 * directory, a device such as `/dev/zero`, a FIFO, a socket) and a file larger than the cap
 * `limits.maxFileBytes`; reads at most the size the file had when opened, so a file that grows
 * meanwhile cannot grow the allocation. Errors name the path.
 *
 * @example
 * ```ts
 * const bytes = readFileBytes('model.strata', resolveLimits({ maxFileBytes: 2 ** 33 }, 'loadModel'));
 * ```
 */
export function readFileBytes(path: string, limits: Limits = getLimits()): Uint8Array {
  const refuse = (why: string): never => {
    throw new ValueError(`cannot load '${path}': ${why}.`);
  };
  let fd: number | undefined;
  try {
    // stat first, so that opening never blocks on a FIFO without a writer; O_NONBLOCK in case one
    // replaces the file between the two calls, and fstat to check what was actually opened.
    const before = statSync(path);
    if (!before.isFile()) refuse(`it is ${kindOf(before)}, not a regular file`);
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stats = fstatSync(fd);
    if (!stats.isFile()) refuse(`it is ${kindOf(stats)}, not a regular file`);
    checkLimit(limits, 'maxFileBytes', stats.size, `cannot load '${path}': its size`);
    const out = Buffer.allocUnsafe(stats.size);
    let got = 0;
    while (got < out.length) {
      const n = readSync(fd, out, got, out.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return got < out.length ? out.subarray(0, got) : out;
  } catch (e) {
    if (e instanceof ValueError) throw e;
    return refuse(describeReadError(e));
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function describeReadError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return (e as Error).message;
}
