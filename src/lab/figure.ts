/**
 * The figures an experiment draws, as data: lines, bars, heat maps and image grids. Rendering is the
 * context's job (PNG and SVG files in Node, via ECharts and resvg), so experiments stay browser-safe.
 */
import type { LineChart } from '../board/line-chart.js';

/** A line chart: one or more series of (x, y) points (optionally on log axes). */
export interface LinesFigure extends LineChart {
  kind: 'lines';
}

/** A bar chart: one value per category for each series (grouped bars). */
export interface BarsFigure {
  kind: 'bars';
  title: string;
  xLabel: string;
  yLabel: string;
  categories: string[];
  series: { name: string; values: number[] }[];
  /** The index of a category to draw in a stronger colour (the predicted class, ...). */
  highlight?: number;
  yScale?: 'value' | 'log';
}

/** A heat map: `values[row][column]`, with labels (a confusion matrix, ...). */
export interface HeatmapFigure {
  kind: 'heatmap';
  title: string;
  xLabel: string;
  yLabel: string;
  xCategories: string[];
  yCategories: string[];
  values: number[][];
}

/** A grid of small grey or diverging pictures with captions (weights of a class, misclassified images). */
export interface ImagesFigure {
  kind: 'images';
  title: string;
  images: {
    /** Row-major pixels, `height · width` of them. */
    pixels: ArrayLike<number>;
    width: number;
    height: number;
    /** Text below the picture; `\n` breaks it into lines. */
    caption?: string;
  }[];
  /** Pictures per row. Default: up to 5. */
  columns?: number;
  /**
   * `'gray'`: pixels in [0, 1] (scaled to the grid's range when outside); `'diverging'`: blue for
   * negative, white for zero, red for positive, symmetric around 0 (weights). Default `'gray'`.
   */
  colormap?: 'gray' | 'diverging';
}

/** Any figure of the lab. */
export type FigureSpec = LinesFigure | BarsFigure | HeatmapFigure | ImagesFigure;
