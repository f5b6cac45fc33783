/** Saying plainly that a model computes NaN or infinite numbers: for which inputs, and whether its weights hold them. */
import { ValueError, type Model, type Tensor } from '../node/index.js';

/** The rows (first axis) of `output` with a NaN or infinite value. */
export function nonFiniteRows(output: Tensor): number[] {
  const values = output.dataSync();
  const perRow = output.size / output.shape[0]!;
  const rows: number[] = [];
  for (let r = 0; r < output.shape[0]!; r++) {
    for (let i = r * perRow; i < (r + 1) * perRow; i++) {
      if (!Number.isFinite(values[i] as number)) {
        rows.push(r);
        break;
      }
    }
  }
  return rows;
}

/** What the weights say: e.g. "47 of its 7,960 weights are NaN or infinite (a diverged training?)", or that they are all finite. */
function weightsNote(model: Model): string {
  let bad = 0;
  let total = 0;
  for (const w of model.weights) {
    const values = w.dataSync();
    total += values.length;
    for (const v of values) if (!Number.isFinite(v as number)) bad++;
  }
  return bad > 0
    ? `${bad.toLocaleString('en-US')} of its ${total.toLocaleString('en-US')} weights are NaN or infinite (saved from a training that diverged?)`
    : 'its weights are all finite, so the inputs or a layer overflow';
}

/**
 * The error for a model whose outputs hold NaN or infinite values: `rows` are the samples
 * affected among `count`, `what` names them (e.g. "test images").
 *
 * @example
 * throw nonFiniteOutputError(model, 'models/a.strata', [0, 3], 10, 'test images');
 */
export function nonFiniteOutputError(model: Model, path: string, rows: number[], count: number, what: string): ValueError {
  const first = rows.slice(0, 5).join(', ') + (rows.length > 5 ? ', ...' : '');
  const which = count === 1 ? '' : ` for ${rows.length.toLocaleString('en-US')} of the ${count.toLocaleString('en-US')} ${what} (${first})`;
  return new ValueError(`the model '${path}' produced NaN or infinite outputs${which}; ${weightsNote(model)}. Its results would be meaningless; retrain it, e.g. with a lower --learning-rate.`);
}
