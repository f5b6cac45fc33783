/** Apache ECharts as the page loads it: the library's own build, served by the board from the package, as a global. */
import type * as ECharts from 'echarts';

/** The `echarts` namespace set by `/vendor/echarts.min.js`. */
export const echarts = (globalThis as unknown as { echarts: typeof ECharts }).echarts;

export type { ECharts, EChartsOption } from 'echarts';
