/** Choosing the backend from --backend, and what the report says about it. */
import { NotFoundError, getBackend, setBackend } from '../node/index.js';
import { UsageError } from './usage-error.js';

/** Switches to the backend named by --backend (the default one when undefined). */
export function useBackend(name: string | undefined): void {
  if (name === undefined) return;
  try {
    setBackend(name);
  } catch (e) {
    if (e instanceof NotFoundError) throw new UsageError(`--backend ${name}: ${e.message.replace(/^setBackend: /, '')}`);
    throw e;
  }
}

/** The threads the current backend computes with (the reference backend has one). */
export function backendThreads(): number {
  return (getBackend() as { threads?: number }).threads ?? 1;
}
