/** Event files on disk: `events.out.tfevents.<seconds>.<host>.<pid>.<n>`, appended record by record (Node only). */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { EventSink } from '../event-sink.js';

let opened = 0;

/**
 * The name TensorFlow gives event files, plus the process id and a counter so that two writers
 * started in the same second in one directory get different files.
 */
export function eventFileName(seconds = Math.floor(Date.now() / 1000)): string {
  return `events.out.tfevents.${seconds}.${hostname()}.${process.pid}.${opened++}`;
}

/**
 * Opens a new event file in `dir` (made if missing). Each record is written straight to the file,
 * so a dashboard reading the file while training runs sees every epoch as soon as it ends.
 */
export function fileEventSink(dir: string): EventSink & { readonly path: string } {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, eventFileName());
  const fd = openSync(path, 'a');
  let open = true;
  return {
    path,
    write(record: Uint8Array): void {
      let written = 0;
      while (written < record.length) written += writeSync(fd, record, written);
    },
    close(): void {
      if (open) closeSync(fd);
      open = false;
    },
  };
}
