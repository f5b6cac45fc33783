/** What a line chart shows, as data: `strata plot` and the lab's figures draw it (board/node/render-chart.ts). */

/** A line chart: one or more series of (x, y) points, on linear or logarithmic axes. */
export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  /** `'log'` for a logarithmic axis. Default `'value'`. */
  xScale?: 'value' | 'log';
  yScale?: 'value' | 'log';
  /** Ticks on whole numbers only (epochs, layers). Default false. */
  xIntegers?: boolean;
  series: { name: string; points: [number, number][] }[];
}
