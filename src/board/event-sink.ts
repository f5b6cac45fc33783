/** Where event records go: an event file in Node, whatever the application provides elsewhere. */
import { NotFoundError } from '../core/errors.js';

/** Receives framed records of one event file, in order. */
export interface EventSink {
  /** Appends one framed record; it should be readable (by a dashboard) once this returns. */
  write(record: Uint8Array): void;
  /** Ends the file. */
  close(): void;
}

/** Opens a new event file in the directory `dir` (made if missing). */
export type EventSinkFactory = (dir: string) => EventSink;

let current: EventSinkFactory | undefined;

/**
 * Installs how summary writers open event files (Node's entry point installs one writing
 * `events.out.tfevents.*` files; in a browser, pass one that keeps or uploads the bytes).
 */
export function setEventSinkFactory(factory: EventSinkFactory): void {
  current = factory;
}

/** The installed factory, or an error explaining how to log where there is no file system. */
export function eventSinkFactory(): EventSinkFactory {
  if (!current) {
    throw new NotFoundError('No event file storage is available here (outside Node). Install one with setEventSinkFactory((dir) => ({write, close})), or give the TensorBoard callback a sinkFactory.');
  }
  return current;
}
