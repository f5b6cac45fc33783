/** UsageError: the command line itself is wrong (exit status 2, as Unix tools report usage errors). */
import { StrataError } from '../node/index.js';

/** A mistake in the command line rather than in the data or files it names. */
export class UsageError extends StrataError {}
