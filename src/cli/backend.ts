/** Choosing the backend from --backend. */
import { NotFoundError, getBackend, setBackend } from '../node/index.js';
import { UsageError } from './usage-error.js';

/**
 * Switches to the backend named by --backend; without it, settles the default now (STRATA_BACKEND,
 * else the best available), so that a bad STRATA_BACKEND is reported before any work, not from
 * inside the first operation that needs a backend.
 */
export function useBackend(name: string | undefined): void {
  if (name === undefined) {
    getBackend();
    return;
  }
  try {
    setBackend(name);
  } catch (e) {
    if (e instanceof NotFoundError) throw new UsageError(`--backend ${name}: ${e.message.replace(/^setBackend: /, '')}`);
    throw e;
  }
}
