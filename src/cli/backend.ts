/** Choosing the backend from --backend. */
import { NotFoundError, setBackend } from '../node/index.js';
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
