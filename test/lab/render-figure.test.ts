/** The lab's figures drawn to SVG and PNG: every kind of figure, with its title, and pictures kept crisp. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode as decodePng } from 'fast-png';
import { lab } from '../../src/node/index.js';
import { FONT, missing } from '../helpers/system-packages.js';

const FIGURES: lab.FigureSpec[] = [
  { kind: 'lines', title: 'Accuracy against depth', xLabel: 'hidden layers', yLabel: 'accuracy', series: [{ name: 'linear', points: [[0, 0.8], [1, 0.81]] }, { name: 'relu', points: [[0, 0.8], [1, 0.86]] }] },
  { kind: 'lines', title: 'Gradient norms', xLabel: 'layer', yLabel: 'norm', yScale: 'log', series: [{ name: 'sigmoid', points: [[1, 1e-6], [10, 1e-2]] }] },
  { kind: 'bars', title: 'Outputs of the last layer', xLabel: 'class', yLabel: 'probability', categories: ['T-shirt', 'Trouser', 'Bag'], series: [{ name: 'p', values: [0.1, 0.7, 0.2] }], highlight: 1 },
  { kind: 'heatmap', title: 'Confusion matrix', xLabel: 'predicted', yLabel: 'true', xCategories: ['a', 'b'], yCategories: ['a', 'b'], values: [[9, 1], [2, 8]] },
  {
    kind: 'images',
    title: 'Weights of each class',
    colormap: 'diverging',
    images: [0, 1, 2].map((k) => ({ width: 4, height: 3, pixels: Array.from({ length: 12 }, (_, i) => (i - 6) * (k + 1)), caption: `class ${k}` })),
  },
];

test('every kind of figure renders to SVG with its title and to a PNG of the size the SVG declares', { skip: missing(FONT) }, async () => {
  for (const figure of FIGURES) {
    const { svg, png } = await lab.renderFigure(figure);
    assert.ok(svg.startsWith('<svg') && svg.includes(figure.title), `${figure.kind}: SVG with its title`);
    const [, width, height] = /width="(\d+)" height="(\d+)"/.exec(svg)!;
    const image = decodePng(png);
    assert.deepEqual([image.width, image.height], [Number(width), Number(height)], figure.kind);
  }
});

test('an images figure embeds each picture enlarged by whole pixels, in the diverging colours', { skip: missing(FONT) }, async () => {
  const { svg } = await lab.renderFigure(FIGURES[4]!);
  const embedded = [...svg.matchAll(/data:image\/png;base64,([A-Za-z0-9+/=]+)/g)].map((m) => decodePng(Buffer.from(m[1]!, 'base64')));
  assert.equal(embedded.length, 3);
  const first = embedded[0]!;
  // 4 × 3 pixels drawn 32 times larger (128 / 4), each source pixel a solid 32 × 32 block.
  assert.deepEqual([first.width, first.height, first.channels], [128, 96, 3]);
  const at = (x: number, y: number): number[] => Array.from(first.data.slice((y * first.width + x) * 3, (y * first.width + x) * 3 + 3));
  assert.deepEqual(at(0, 0), at(31, 31));
  // Pixel 0 holds -6 (blue), pixel 6 holds 0 (white), pixel 11 holds +5 (towards red); the scale is
  // the largest |value| of all the pictures, 18 (the third's first pixel), so that they compare.
  const fade = (v: number): number => Math.round(255 * (1 - v / 18));
  assert.deepEqual(at(0, 0), [fade(6), fade(6), 255]);
  assert.deepEqual(at(2 * 32, 32), [255, 255, 255]);
  assert.deepEqual(at(3 * 32, 2 * 32), [255, fade(5), fade(5)]);
});
