/**
 * Charts drawn without a browser: an Apache ECharts option rendered by ECharts's server-side SVG
 * renderer, and SVG turned into PNG by resvg (WebAssembly) with a TrueType font from the system.
 * `strata plot` and the lab's figures draw through here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { EChartsOption } from 'echarts';
import { NotFoundError } from '../../core/errors.js';
import type { LineChart } from '../line-chart.js';

/** The font families charts name, in the order a system is likely to have them. */
export const CHART_FONT_FAMILY = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/liberation/LiberationSans-Regular.ttf',
  '/System/Library/Fonts/Supplemental/Arial.ttf',
  '/Library/Fonts/Arial.ttf',
  '/System/Library/Fonts/Helvetica.ttc',
  'C:\\Windows\\Fonts\\arial.ttf',
];

let wasmReady: Promise<void> | undefined;

/** The colours of a chart's series, in order. */
export const CHART_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
/** Where a chart's title goes, and its size. */
export const CHART_TITLE = { left: 'center', top: 10, textStyle: { fontSize: 16 } } as const;
// ECharts measures text without the PNG's font, a little narrower than DejaVu Sans draws it: wide
// gaps keep one legend entry's text off the next one's symbol.
/** Where a chart's legend goes, its entries spaced for the PNG's font. */
export const CHART_LEGEND = { top: 40, itemGap: 30 } as const;

/**
 * A number short enough for a label: up to 3 significant digits, whole numbers as they are.
 *
 * @example
 * formatChartValue(0.123456); // '0.123'
 */
export function formatChartValue(v: number): string {
  return Number.isInteger(v) ? String(v) : Number(v.toPrecision(3)).toString();
}

/**
 * A value axis named `name` (its name `gap` pixels from the axis), linear or logarithmic.
 *
 * @example
 * const yAxis = valueAxis('loss', 'log', 60);
 */
export function valueAxis(name: string, scale: 'value' | 'log' | undefined, gap: number): Record<string, unknown> {
  // NOTE: a log axis's ticks are powers of ten computed in floating point (1e-5 comes out as
  // 0.000009999…), so their labels are rounded like every other figure's values.
  const labels = scale === 'log' ? { axisLabel: { formatter: formatChartValue } } : {};
  return { type: scale ?? 'value', name, nameLocation: 'middle', nameGap: gap, scale: scale !== 'log', ...labels };
}

/**
 * The ECharts option of a line chart, as `strata plot` and the lab draw them.
 *
 * @example
 * const svg = await renderChartSvg(lineChartOption({ title: 'loss', xLabel: 'epoch', yLabel: 'loss', series: [{ name: 'train', points: [[1, 0.6], [2, 0.4]] }] }), 800, 480);
 */
export function lineChartOption(chart: LineChart): EChartsOption {
  return {
    title: { text: chart.title, ...CHART_TITLE },
    legend: { ...CHART_LEGEND, data: chart.series.map((s) => s.name) },
    grid: { left: 80, right: 30, top: 80, bottom: 60 },
    xAxis: { ...valueAxis(chart.xLabel, chart.xScale, 32), splitLine: { show: false }, ...(chart.xIntegers ? { minInterval: 1 } : {}) },
    yAxis: valueAxis(chart.yLabel, chart.yScale, 60),
    series: chart.series.map((s, i) => ({
      name: s.name,
      type: 'line',
      color: CHART_COLORS[i % CHART_COLORS.length],
      showSymbol: s.points.length <= 50,
      symbolSize: 7,
      lineStyle: { width: 2.5 },
      data: s.points,
    })),
  } as EChartsOption;
}

/**
 * The chart `option` describes, as SVG text of `width` × `height` pixels. ECharts is loaded here, not
 * with the package: most programs never draw.
 *
 * @example
 * const svg = await renderChartSvg({ xAxis: { type: 'value' }, yAxis: { type: 'value' }, series: [{ type: 'line', data: [[0, 1], [1, 0]] }] }, 640, 400);
 */
export async function renderChartSvg(option: EChartsOption, width: number, height: number): Promise<string> {
  const echarts = await import('echarts');
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: { fontFamily: CHART_FONT_FAMILY }, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

function findFont(explicit: string | undefined, who: string): Uint8Array {
  const path = explicit ?? FONT_CANDIDATES.find((p) => existsSync(p));
  if (!path || !existsSync(path)) {
    throw new NotFoundError(
      `${who}: ${explicit ? `the font '${explicit}' does not exist` : 'no TrueType font was found to draw the PNG\'s text'}. Pass one with font (--font FILE.ttf), install one (Debian: fonts-dejavu-core), or write SVG.`,
    );
  }
  return readFileSync(path);
}

/**
 * `svg` as PNG bytes, its text drawn with `font` (a TrueType/OpenType file) or a common system font;
 * `who` names the caller in the error raised when no font is found.
 *
 * @example
 * writeFileSync('chart.png', await svgToPng(svg, undefined, 'strata plot'));
 */
export async function svgToPng(svg: string, font: string | undefined, who: string): Promise<Uint8Array> {
  const fontBytes = findFont(font, who);
  const { initWasm, Resvg } = await import('@resvg/resvg-wasm');
  wasmReady ??= initWasm(readFileSync(createRequire(import.meta.url).resolve('@resvg/resvg-wasm/index_bg.wasm')));
  await wasmReady;
  const resvg = new Resvg(svg, { background: '#ffffff', font: { fontBuffers: [fontBytes], loadSystemFonts: false } });
  const png = resvg.render().asPng();
  resvg.free();
  return png;
}
