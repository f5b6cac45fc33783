/**
 * The text of `model.summary()`: a table drawn as Keras 3 draws it (the `rich` library's
 * heavy-head box), Keras's column layout, and its number and memory formats.
 */
import { ValueError } from '../core/errors.js';
import { optionKeys } from '../core/options.js';
import type { ParamFormula } from '../layers/param-formula.js';
import type { SymbolicShape } from '../layers/symbolic-tensor.js';

/** Options of `model.summary()`. */
export interface SummaryArgs {
  /** Total width of the table (default 88 for sequential-like models, 108 for others, as in Keras). */
  lineLength?: number;
  /** Right edge of each column, as fractions of `lineLength` (Keras's defaults: [0.45, 0.8, 1] and [0.3, 0.56, 0.74, 1]). */
  positions?: number[];
  /** Receives each line (default `console.log`). */
  printFn?: (line: string) => void;
  /**
   * Adds a column with each layer's parameter formula, in symbols and with the layer's sizes:
   * `(in + 1) × out = (784 + 1) × 100` for a Dense layer of 784 inputs and 100 units (Strata's own
   * option; Keras has none). A layer without a formula of its own shows its count alone.
   */
  explain?: boolean;
}

/** The keys `summary` and `summaryLines` take. */
export const SUMMARY_KEYS = optionKeys<SummaryArgs>({ lineLength: true, positions: true, printFn: true, explain: true });

/** A table to draw: headers, per-column alignment and the rows' cells (which may hold several lines). */
export interface TableSpec {
  headers: string[];
  align: ('left' | 'right')[];
  rows: string[][];
}

/**
 * A layer's formula as the summary writes it: `(in + 1) × out = (784 + 1) × 100`, with its note in
 * parentheses; empty without a formula.
 *
 * @example
 * formulaText({ symbols: '4 × c', numbers: '4 × 64', note: '2 × c trainable' }); // '4 × c = 4 × 64 (2 × c trainable)'
 */
export function formulaText(formula: ParamFormula | undefined): string {
  if (!formula) return '';
  const equation = formula.symbols === formula.numbers ? formula.numbers : `${formula.symbols} = ${formula.numbers}`;
  return formula.note ? `${equation} (${formula.note})` : equation;
}

/**
 * Where the columns end, as fractions of the line: Keras's [0.45, 0.8, 1] for a stack and
 * [0.3, 0.56, 0.74, 1] for a graph, and with the formula's column after `Param #` when explaining.
 *
 * @example
 * defaultPositions(true, false); // [0.45, 0.8, 1]
 */
export function defaultPositions(sequentialLike: boolean, explain: boolean): number[] {
  if (!explain) return sequentialLike ? [0.45, 0.8, 1] : [0.3, 0.56, 0.74, 1];
  return sequentialLike ? [0.27, 0.46, 0.55, 1] : [0.19, 0.34, 0.41, 0.76, 1];
}

/** `79510` → `79,510`. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `x` with two decimals, ties to even (Python's `format(x, '.2f')`, which Keras uses). */
function twoDecimals(x: number): string {
  const scaled = x * 100;
  const floor = Math.floor(scaled);
  const rounded = scaled - floor === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(scaled);
  return (rounded / 100).toFixed(2);
}

/**
 * A byte count as Keras prints it, in 1024-steps: `318040` → `310.59 KB`, `0` → `0.00 B`.
 */
export function readableBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  for (const unit of units) {
    if (value / 1024 < 1) return `${twoDecimals(value)} ${unit}`;
    value /= 1024;
  }
  return `${twoDecimals(value * 1024)} PB`;
}

/** A shape as Keras prints it: `(None, 28, 28)`. */
export function kerasShape(shape: SymbolicShape): string {
  // Python writes a tuple of one with a trailing comma: (None,).
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff === 0.5) return floor % 2 === 0 ? floor : floor + 1;
  return Math.round(x);
}

/**
 * The text width of each column. Keras gives column i the width between positions i-1 and i of
 * the line; `rich` then adds one space of padding on each side plus the borders and, the sum
 * being too wide, shrinks the columns evenly until the table is `lineLength` wide.
 */
export function columnWidths(lineLength: number, positions: readonly number[]): number[] {
  const widths: number[] = [];
  let current = 0;
  for (const p of positions) {
    const w = Math.floor(p * lineLength) - current;
    if (w < 4) throw new ValueError(`summary: lineLength ${lineLength} is too small for ${positions.length} columns at positions [${positions.join(', ')}].`);
    widths.push(w);
    current += w;
  }
  const cells = widths.map((w) => w + 2);
  let excess = cells.reduce((a, b) => a + b, 0) - (lineLength - (cells.length + 1));
  for (let i = 0, remaining = cells.length; i < cells.length && excess > 0; i++, remaining--) {
    const cut = Math.min(cells[i]!, roundHalfEven(excess / remaining));
    cells[i]! -= cut;
    excess -= cut;
  }
  return cells.map((c) => Math.max(1, c - 2));
}

/** Breaks `text` into lines of at most `width` characters, at spaces where possible. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (let word of paragraph.split(' ')) {
      while (word.length > width) {
        if (line) lines.push(line);
        line = '';
        lines.push(word.slice(0, width));
        word = word.slice(width);
      }
      if (!line) line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Draws the table with the given text width per column. */
export function renderTable(spec: TableSpec, widths: readonly number[]): string[] {
  const rule = (left: string, fill: string, joint: string, right: string): string =>
    left + widths.map((w) => fill.repeat(w + 2)).join(joint) + right;
  const rowLines = (cells: string[], edge: string): string[] => {
    const wrapped = cells.map((c, i) => wrapText(c, widths[i]!));
    const height = Math.max(...wrapped.map((w) => w.length));
    const out: string[] = [];
    for (let k = 0; k < height; k++) {
      const parts = wrapped.map((w, i) => {
        const text = w[k] ?? '';
        const padded = spec.align[i] === 'right' ? text.padStart(widths[i]!) : text.padEnd(widths[i]!);
        return ` ${padded} `;
      });
      out.push(edge + parts.join(edge) + edge);
    }
    return out;
  };
  const lines = [rule('┏', '━', '┳', '┓'), ...rowLines(spec.headers, '┃'), rule('┡', '━', '╇', '┩')];
  spec.rows.forEach((row, i) => {
    if (i > 0) lines.push(rule('├', '─', '┼', '┤'));
    lines.push(...rowLines(row, '│'));
  });
  lines.push(rule('└', '─', '┴', '┘'));
  return lines;
}
