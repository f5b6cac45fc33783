/**
 * How the command line reports what went wrong: one line on standard error for anything a user can
 * cause (Strata's typed errors, and the operating system's: a missing file, a full disk, a
 * permission), the exit status that goes with it, and a quiet exit when the reader of the output
 * goes away (`strata ... | head`). Anything else is a bug, and keeps its stack trace.
 */
import { StrataError } from '../node/index.js';
import { UsageError } from './usage-error.js';

/** An error raised by the operating system through Node (`ENOENT`, `ENOSPC`, `EACCES`, ...). */
export interface SystemError extends Error {
  code: string;
  syscall: string;
  path?: string;
  dest?: string;
}

/** True for an error of the operating system, as Node raises them (a code and the system call). */
export function isSystemError(e: unknown): e is SystemError {
  return e instanceof Error && typeof (e as SystemError).code === 'string' && /^E[A-Z0-9]+$/.test((e as SystemError).code) && typeof (e as SystemError).syscall === 'string';
}

/** What the user was doing, by system call, for the message. */
const ACTIONS: Record<string, string> = {
  open: 'open', read: 'read', write: 'write to', mkdir: 'create the directory', rename: 'rename', unlink: 'remove',
  rmdir: 'remove', scandir: 'list', stat: 'read', lstat: 'read', fstat: 'read', fsync: 'write to', copyfile: 'copy',
  access: 'use', realpath: 'find', chmod: 'change the mode of', listen: 'listen on', connect: 'connect to',
};

/** A hint for the codes a user can act on. */
const HINTS: Record<string, string> = {
  ENOSPC: ' Free some space or write elsewhere, then run again.',
  EDQUOT: ' Free some space or write elsewhere, then run again.',
  EACCES: ' Check the permissions, or choose another path.',
  EPERM: ' Check the permissions, or choose another path.',
  EROFS: ' Choose a path on a writable file system.',
};

/**
 * A system error as one sentence: what was being done (to which file, or `doing` when given),
 * what the system said, and a hint where there is one.
 *
 * @example
 * describeSystemError(e); // "cannot open 'models/a.strata': permission denied (EACCES). Check the permissions, ..."
 * describeSystemError(e, 'write the output'); // "cannot write the output: no space left on device (ENOSPC). Free ..."
 */
export function describeSystemError(e: SystemError, doing?: string): string {
  // Node's message reads "ENOSPC: no space left on device, write '/path'": keep the middle part.
  const said = e.message.replace(/^[A-Z0-9]+: /, '').replace(/, \w+( '.*)?$/, '');
  const action = ACTIONS[e.syscall] ?? e.syscall;
  const done = e.path === undefined ? action.replace(/ to$/, '') : `${action} '${e.path}'${e.dest === undefined ? '' : ` to '${e.dest}'`}`;
  return `cannot ${doing ?? done}: ${said} (${e.code}).${HINTS[e.code] ?? ''}`;
}

/** The one line that reports `e`, or undefined for an error that is a bug (it keeps its stack). */
export function errorLine(e: unknown): string | undefined {
  if (e instanceof StrataError) return `strata: error: ${e.message.replace(/\s*\n\s*/g, ' ')}`;
  if (isSystemError(e)) return `strata: error: ${describeSystemError(e)}`;
  return undefined;
}

/** The exit status for an error `errorLine` reports: 2 when the command line is at fault, else 1. */
export function exitStatus(e: unknown): number {
  return e instanceof UsageError ? 2 : 1;
}

/**
 * Ends the process for a failure of standard output or error: when the reader went away (EPIPE,
 * as after `strata ... | head`) quietly with status 0, as Unix tools stopped by SIGPIPE do; any
 * other failure of standard output (a full disk under `> file`) in one line on standard error,
 * with status 1. Nothing can be reported once standard error fails.
 */
export function exitOnOutputError(stream: NodeJS.WriteStream, e: Error): never {
  if ((e as SystemError).code === 'EPIPE') process.exit(0);
  if (stream === process.stdout) {
    process.stderr.write(`strata: error: ${isSystemError(e) ? describeSystemError(e, 'write the output') : `cannot write the output: ${e.message}`}\n`);
  }
  process.exit(1);
}

/**
 * Routes failures of standard output and error to `exitOnOutputError`. The event comes late when
 * the stream is a pipe (after the next turn of the event loop, which a long computation may not
 * give), so `Output` also checks the stream after each line.
 */
export function guardOutputStreams(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', (e: Error) => exitOnOutputError(stream, e));
}
