/**
 * Charts drawn without a browser: an Apache ECharts option rendered by ECharts's server-side SVG
 * renderer, and SVG turned into PNG by resvg (WebAssembly) with a TrueType font from the system.
 * `strata plot` and the lab's figures draw through here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { EChartsOption } from 'echarts';
import { NotFoundError } from '../../core/errors.js';

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
