/** Typed errors for everything a user can get wrong; each message names the op, what it got, what it expected, and a hint. */

/** Base class of every error Strata raises on purpose. Catch this to tell user errors from bugs. */
export class StrataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A tensor has the wrong shape or rank for an op or layer, or two shapes do not fit together. */
export class ShapeError extends StrataError {}

/** A tensor has the wrong data type for an op (for example float indices for `gather`). */
export class DTypeError extends StrataError {}

/** An argument has a wrong value: a negative size, a NaN seed, an axis out of range, an unknown name. */
export class ValueError extends StrataError {}

/** An options object has a key the call does not know (a typo, or an option of another library); the message lists the known ones. */
export class UnknownOptionError extends ValueError {}

/** A file declares a size beyond a cap of `core/limits` (corrupt, hostile, or genuinely huge); the message names the cap and how to raise it. */
export class LimitError extends ValueError {}

/** A tensor, layer, model or optimizer was used after `dispose()` (for a tensor, also after the `tidy` scope that made it ended). */
export class DisposedError extends StrataError {}

/** Something Strata does not do yet was asked for (a gradient of a gradient, say); the message says what and what to do instead. */
export class NotSupportedError extends StrataError {}

/** Something was asked for that does not exist: an unregistered backend, a missing kernel. */
export class NotFoundError extends StrataError {}

/** Formats a shape the way messages print it: `[32,28,28]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
