/**
 * A classifier's confusion matrix (rows the true class, columns the predicted one) and its picture
 * as a heat map: each cell shaded by its share of the row, so each class's recall reads along the diagonal.
 */
import { ValueError } from '../core/errors.js';
import type { Pixels } from './summary-values.js';

/**
 * Counts of (true class, predicted class): `matrix[t][p]`.
 *
 * @example
 * ```ts
 * confusionMatrix([0, 1, 1], [0, 0, 1], 2); // [[1, 0], [1, 1]]
 * ```
 */
export function confusionMatrix(labels: ArrayLike<number>, predicted: ArrayLike<number>, numClasses: number): number[][] {
  if (labels.length !== predicted.length) throw new ValueError(`confusionMatrix: ${labels.length} labels but ${predicted.length} predictions; pass one prediction per label.`);
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]!;
    const p = predicted[i]!;
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses)) throw new ValueError(`confusionMatrix: class ${t} or ${p} at ${i} is outside 0..${numClasses - 1}; labels must be class indices.`);
    matrix[t]![p]!++;
  }
  return matrix;
}

/** Pixels per cell side of the heat map. */
export const CELL_PIXELS = 16;
/** The colour of a full cell (a row's every sample); an empty cell is white. */
const FULL = [8, 69, 148];

/**
 * The heat map of `matrix` as RGB pixels, `CELL_PIXELS` a cell with a 1-pixel grey grid: white for
 * no samples, deep blue for all of the row's.
 *
 * @example
 * ```ts
 * writer.image('confusion_matrix', confusionImage([[5, 0], [1, 4]]), epoch);
 * ```
 */
export function confusionImage(matrix: readonly (readonly number[])[]): Pixels {
  const k = matrix.length;
  const side = k * CELL_PIXELS + 1;
  const data = new Uint8Array(side * side * 3).fill(190);
  matrix.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, p) => {
      const share = total ? count / total : 0;
      const colour = FULL.map((c) => Math.round(255 + (c - 255) * share));
      for (let y = 1; y < CELL_PIXELS; y++) {
        for (let x = 1; x < CELL_PIXELS; x++) data.set(colour, ((t * CELL_PIXELS + y) * side + p * CELL_PIXELS + x) * 3);
      }
    });
  });
  return { width: side, height: side, channels: 3, data };
}
