/**
 * The lab's figures drawn to files: each {@link FigureSpec} becomes an ECharts option, rendered as SVG
 * and, through resvg, as PNG. Pictures (weights, images) are embedded as PNG images enlarged by whole
 * pixels, so a 28×28 weight map stays crisp at any size.
 */
import type { EChartsOption } from 'echarts';
import { encode as encodePng } from 'fast-png';
import { CHART_COLORS as COLORS, CHART_LEGEND as LEGEND, CHART_TITLE as TITLE, formatChartValue as formatValue, lineChartOption, renderChartSvg, svgToPng, valueAxis as axis } from '../../board/node/render-chart.js';
import type { BarsFigure, FigureSpec, HeatmapFigure, ImagesFigure } from '../figure.js';

/** A figure as SVG text and PNG bytes. */
export interface RenderedFigure {
  svg: string;
  png: Uint8Array;
}

function barsOption(f: BarsFigure): EChartsOption {
  const single = f.series.length === 1;
  return {
    title: { text: f.title, ...TITLE },
    legend: single ? { show: false } : { ...LEGEND, data: f.series.map((s) => s.name) },
    grid: { left: 80, right: 30, top: single ? 60 : 80, bottom: 90 },
    xAxis: { type: 'category', data: f.categories, name: f.xLabel, nameLocation: 'middle', nameGap: 70, axisLabel: { interval: 0, rotate: f.categories.length > 6 ? 30 : 0 } },
    // Bars start at zero (a bar's length is its value), unlike lines, whose axis fits the data.
    yAxis: { ...axis(f.yLabel, f.yScale, 60), scale: false },
    series: f.series.map((s, i) => ({
      name: s.name,
      type: 'bar',
      color: COLORS[i % COLORS.length],
      label: { show: single && f.categories.length <= 12, position: 'top', formatter: (p: { value: number }) => formatValue(p.value) },
      data: s.values.map((v, j) => (j === f.highlight ? { value: v, itemStyle: { color: '#d62728' } } : v)),
    })),
  } as EChartsOption;
}

function heatmapOption(f: HeatmapFigure): EChartsOption {
  const cells = f.values.flatMap((row, r) => row.map((v, c) => [c, r, v]));
  const max = Math.max(...cells.map((c) => c[2]!), 0);
  const small = f.xCategories.length * f.yCategories.length <= 144;
  return {
    title: { text: f.title, ...TITLE },
    grid: { left: 110, right: 30, top: 50, bottom: 100 },
    xAxis: { type: 'category', data: f.xCategories, name: f.xLabel, nameLocation: 'middle', nameGap: 75, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: 'category', data: f.yCategories, name: f.yLabel, nameLocation: 'middle', nameGap: 95, inverse: true, axisLabel: { interval: 0 } },
    visualMap: { min: 0, max, show: false, inRange: { color: ['#ffffff', '#08519c'] } },
    series: [{ type: 'heatmap', data: cells, label: { show: small, fontSize: 10, formatter: (p: { value: number[] }) => formatValue(p.value[2]!) } }],
  } as EChartsOption;
}

/** The pixels of one picture as RGB, each pixel repeated `zoom` × `zoom` times. */
function pictureRgb(image: ImagesFigure['images'][number], colormap: 'gray' | 'diverging', range: { low: number; high: number; absMax: number }, zoom: number): Uint8Array {
  const { width, height, pixels } = image;
  const rgb = new Uint8Array(width * zoom * height * zoom * 3);
  for (let y = 0; y < height * zoom; y++) {
    for (let x = 0; x < width * zoom; x++) {
      const v = pixels[Math.floor(y / zoom) * width + Math.floor(x / zoom)]!;
      const o = (y * width * zoom + x) * 3;
      if (colormap === 'gray') {
        const g = Math.round(255 * Math.min(1, Math.max(0, (v - range.low) / (range.high - range.low || 1))));
        rgb[o] = rgb[o + 1] = rgb[o + 2] = g;
      } else {
        // White at zero, towards red for positive and blue for negative weights.
        const t = Math.min(1, Math.abs(v) / (range.absMax || 1));
        const fade = Math.round(255 * (1 - t));
        rgb[o] = v >= 0 ? 255 : fade;
        rgb[o + 1] = fade;
        rgb[o + 2] = v >= 0 ? fade : 255;
      }
    }
  }
  return rgb;
}

function imagesOption(f: ImagesFigure): { option: EChartsOption; width: number; height: number } {
  const colormap = f.colormap ?? 'gray';
  const all = f.images.flatMap((im) => Array.from(im.pixels));
  const low = Math.min(0, ...all);
  const high = Math.max(1, ...all);
  const range = { low, high, absMax: Math.max(...all.map(Math.abs)) };
  const columns = Math.max(1, f.columns ?? Math.min(5, f.images.length));
  const cell = 128;
  // One line of 12-px text below each picture, or as many as the longest caption has ('\n' breaks it).
  const caption = 8 + 14 * Math.max(1, ...f.images.map((im) => (im.caption ?? '').split('\n').length));
  const pad = 14;
  const top = 44;
  const rows = Math.ceil(f.images.length / columns);
  const width = Math.max(360, columns * (cell + pad) + pad);
  const height = top + rows * (cell + caption + pad) + pad;
  const graphic = f.images.flatMap((im, i) => {
    const zoom = Math.max(1, Math.floor(cell / Math.max(im.width, im.height)));
    const png = encodePng({ width: im.width * zoom, height: im.height * zoom, data: pictureRgb(im, colormap, range, zoom), channels: 3, depth: 8 });
    const x = pad + (i % columns) * (cell + pad);
    const y = top + Math.floor(i / columns) * (cell + caption + pad);
    const picture = { type: 'image', style: { image: `data:image/png;base64,${Buffer.from(png).toString('base64')}`, x, y, width: cell, height: cell } };
    if (im.caption === undefined) return [picture];
    return [picture, { type: 'text', style: { text: im.caption, x: x + cell / 2, y: y + cell + 4, align: 'center', fontSize: 12, fill: '#222' } }];
  });
  return { option: { title: { text: f.title, ...TITLE }, graphic } as EChartsOption, width, height };
}

/**
 * Draws `figure` as SVG and PNG (the PNG's text in a system font, or `font`).
 *
 * @example
 * const { svg, png } = await renderFigure({ kind: 'bars', title: 'Outputs', xLabel: 'class', yLabel: 'p', categories: ['a', 'b'], series: [{ name: 'p', values: [0.2, 0.8] }] });
 */
export async function renderFigure(figure: FigureSpec, font?: string): Promise<RenderedFigure> {
  let option: EChartsOption;
  let width = 800;
  let height = 480;
  if (figure.kind === 'lines') option = lineChartOption(figure);
  else if (figure.kind === 'bars') option = barsOption(figure);
  else if (figure.kind === 'heatmap') {
    option = heatmapOption(figure);
    height = 640;
  } else ({ option, width, height } = imagesOption(figure));
  const svg = await renderChartSvg(option, width, height);
  return { svg, png: await svgToPng(svg, font, 'strata lab') };
}
