/** A kernel node's argument template with its tensor slots filled: what runs the kernel outside a trace. */
import type { TensorInfo } from '../../core/backend.js';
import { StrataError } from '../../core/errors.js';
import { TensorSlot } from '../graph.js';

/**
 * `template` (a kernel node's `op.args`) with every `TensorSlot(i)` replaced by `infos[i]`, inside arrays and
 * plain objects too (`concat`'s list of tensors, `applyUpdates`' targets); other values are kept as they are.
 *
 * @example
 * bindArgs([new TensorSlot(0), 'relu'], [xInfo]); // [xInfo, 'relu']: backend.unary(...those)
 */
export function bindArgs(template: readonly unknown[], infos: readonly TensorInfo[]): unknown[] {
  return template.map((a) => bind(a, infos));
}

function bind(arg: unknown, infos: readonly TensorInfo[]): unknown {
  if (arg instanceof TensorSlot) {
    const info = infos[arg.input];
    if (!info) throw new StrataError(`internal: a kernel argument reads node input ${arg.input} of ${infos.length}`);
    return info;
  }
  if (Array.isArray(arg)) return arg.map((a: unknown) => bind(a, infos));
  if (isPlainObject(arg)) return Object.fromEntries(Object.entries(arg).map(([k, v]) => [k, bind(v, infos)]));
  return arg;
}

/** Whether `x` is an object literal (not a class instance, typed array or function). */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}
