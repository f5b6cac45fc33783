/** What the attention layers share: the mask saying which query step may attend to which key step, and the softmax that turns scores into weights under it. */
import { ShapeError, ValueError, fmtShape } from '../../core/errors.js';
import type { Tensor } from '../../core/tensor.js';
import { maskedSoftmax, softmax } from '../../ops/activations.js';
import { cast } from '../../ops/convert.js';
import { greaterEqual, logicalAnd } from '../../ops/compare.js';
import { ones, range } from '../../ops/creation.js';
import { reshape } from '../../ops/shape.js';

/** The masks an attention call combines. */
export interface AttentionInputs {
  batch: number;
  targetSteps: number;
  sourceSteps: number;
  /** [batch, targetSteps]: false at padded query steps. */
  queryMask: Tensor | null;
  /** [batch, sourceSteps]: false at padded value steps. */
  valueMask: Tensor | null;
  /** [batch, sourceSteps]: false at padded key steps. */
  keyMask: Tensor | null;
  /** [batch, targetSteps, sourceSteps] (or broadcastable to it): false where attention is not allowed. */
  attentionMask: Tensor | null;
  /** Whether query step i may attend only to key steps j ≤ i. */
  causal: boolean;
}

/**
 * The bool mask [batch, targetSteps, sourceSteps] that is true where a query step may attend to a
 * key step: the query mask as rows, the value and key masks as columns, the explicit mask and the
 * causal triangle, all and-ed, as Keras's attention layers combine them; null when none is given.
 *
 * @example
 * attentionMask('mha', { batch: 1, targetSteps: 2, sourceSteps: 2, queryMask: null, valueMask: null, keyMask: null, attentionMask: null, causal: true })!.arraySync();
 * // [[[true, false], [true, true]]]
 */
export function attentionMask(who: string, m: AttentionInputs): Tensor | null {
  const parts: Tensor[] = [];
  const checked = (what: string, mask: Tensor, shape: number[]): Tensor => {
    const steps = what === 'query' ? m.targetSteps : m.sourceSteps;
    if (mask.rank !== 2 || mask.shape[0] !== m.batch || mask.shape[1] !== steps) {
      throw new ShapeError(`${who}: the ${what} mask must be [batch, steps] = ${fmtShape([m.batch, steps])}, got ${fmtShape(mask.shape)}.`);
    }
    return reshape(asBool(mask), shape);
  };
  if (m.queryMask) parts.push(checked('query', m.queryMask, [m.batch, m.targetSteps, 1]));
  if (m.valueMask) parts.push(checked('value', m.valueMask, [m.batch, 1, m.sourceSteps]));
  if (m.keyMask) parts.push(checked('key', m.keyMask, [m.batch, 1, m.sourceSteps]));
  if (m.attentionMask) {
    const a = m.attentionMask;
    const want = [m.batch, m.targetSteps, m.sourceSteps];
    if (a.rank !== 3 || a.shape.some((d, i) => d !== 1 && d !== want[i])) {
      throw new ShapeError(`${who}: attentionMask must be [batch, targetSteps, sourceSteps] = ${fmtShape(want)} (or broadcast to it), got ${fmtShape(a.shape)}.`);
    }
    parts.push(asBool(a));
  }
  if (m.causal) parts.push(causalMask(m.targetSteps, m.sourceSteps));
  if (parts.length === 0) return null;
  // Starting from all-true broadcasts every part to the full shape.
  return parts.reduce((acc, p) => logicalAnd(acc, p), cast(ones([m.batch, m.targetSteps, m.sourceSteps]), 'bool'));
}

/**
 * The lower triangle [1, targetSteps, sourceSteps]: query step i may see key steps 0..i, counted
 * from the top left as Keras does (also when target and source lengths differ).
 */
function causalMask(targetSteps: number, sourceSteps: number): Tensor {
  const rows = reshape(range(0, targetSteps, 1, 'int32'), [1, targetSteps, 1]);
  const columns = reshape(range(0, sourceSteps, 1, 'int32'), [1, 1, sourceSteps]);
  return greaterEqual(rows, columns);
}

function asBool(mask: Tensor): Tensor {
  if (mask.dtype === 'bool') return mask;
  if (mask.dtype === 'float32' || mask.dtype === 'float64' || mask.dtype === 'int32' || mask.dtype === 'uint8') return cast(mask, 'bool');
  throw new ValueError(`attention: a mask must be bool (or numbers, nonzero where allowed), got ${mask.dtype}.`);
}

/**
 * Attention weights from scores [..., targetSteps, sourceSteps]: a softmax over the source steps,
 * under `mask` (broadcast to the scores) when given, so masked steps get weight 0.
 *
 * @example
 * attend(tensor([[1, 1, 1]]), tensor([[true, true, false]])).arraySync(); // [[0.5, 0.5, 0]]
 */
export function attend(scores: Tensor, mask: Tensor | null): Tensor {
  return mask === null ? softmax(scores, -1) : maskedSoftmax(scores, mask, -1);
}
