/**
 * Preloaded by tests (`node --import .../full-disk.js`): every write to a file under the directory
 * named by FULL_DISK_DIR goes to /dev/full instead, so the kernel answers ENOSPC exactly as a full
 * disk would, without filling one. Linux only (/dev/full); it covers `fs.writeSync`, which Strata's
 * model and event-file writers use.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { sep } from 'node:path';

const dir = process.env['FULL_DISK_DIR'];
if (dir) {
  const full = fs.openSync('/dev/full', 'w');
  const writeSync = fs.writeSync;
  const underDir = (fd: number): boolean => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir + sep);
    } catch {
      return false;
    }
  };
  fs.writeSync = ((fd: number, ...rest: unknown[]) => (writeSync as (...args: unknown[]) => number)(underDir(fd) ? full : fd, ...rest)) as typeof fs.writeSync;
  // The named imports (`import { writeSync } from 'node:fs'`) see the replacement too.
  syncBuiltinESMExports();
}
