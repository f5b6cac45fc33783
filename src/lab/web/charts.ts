/**
 * The playground's charts, drawn on canvases by hand (no charting library to load): line charts,
 * bar charts on a log scale, histograms, the decision boundary, a confusion matrix and small images.
 */

/** Colours of the two classes (and of the boundary's two sides): TensorFlow Playground's orange and blue. */
const CLASS_COLOURS: readonly [number, number, number][] = [[245, 147, 34], [8, 119, 189]];
/** Series colours of the line and bar charts. */
const PALETTE = ['#0877bd', '#f59322', '#2e7d32', '#8e24aa'];
const AXIS = '#555';
const FONT = '12px system-ui, sans-serif';

/** The canvas's 2-D context, sized to its element and the screen's pixel ratio, cleared. */
function prepare(canvas: HTMLCanvasElement): { g: CanvasRenderingContext2D; width: number; height: number } {
  const ratio = globalThis.devicePixelRatio || 1;
  const width = canvas.clientWidth || canvas.width;
  const height = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d')!;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  g.font = FONT;
  return { g, width, height };
}

/** A short label of a number for an axis: 3 significant digits, exponent form when very small or large. */
function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 1e-2 || a >= 1e4 ? v.toExponential(0) : String(Number(v.toPrecision(3)));
}

/** The plotting area inside the axes' margins. */
interface Frame {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function frameOf(width: number, height: number): Frame {
  return { left: 48, top: 10, right: width - 10, bottom: height - 26 };
}

/** Draws the two axes with labelled ticks at `yTicks` (already in pixels) and `xTicks`. */
function axes(g: CanvasRenderingContext2D, f: Frame, yTicks: [number, string][], xTicks: [number, string][]): void {
  g.strokeStyle = AXIS;
  g.fillStyle = AXIS;
  g.beginPath();
  g.moveTo(f.left, f.top);
  g.lineTo(f.left, f.bottom);
  g.lineTo(f.right, f.bottom);
  g.stroke();
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (const [y, text] of yTicks) g.fillText(text, f.left - 4, y);
  g.textAlign = 'center';
  g.textBaseline = 'top';
  for (const [x, text] of xTicks) g.fillText(text, x, f.bottom + 4);
}

/** A series of a line chart. */
export interface LineSeries {
  name: string;
  values: number[];
}

/**
 * Line charts of values per epoch (loss, accuracy), from epoch 1 at the left; y from 0 to the
 * largest value (or `yMax`).
 *
 * @example
 * drawLines(canvas, [{ name: 'train', values: [0.7, 0.4] }, { name: 'test', values: [0.72, 0.45] }]);
 */
export function drawLines(canvas: HTMLCanvasElement, series: LineSeries[], yMax?: number): void {
  const { g, width, height } = prepare(canvas);
  const f = frameOf(width, height);
  const epochs = Math.max(2, ...series.map((s) => s.values.length));
  const top = yMax ?? Math.max(1e-6, ...series.flatMap((s) => s.values.filter(Number.isFinite)));
  const px = (i: number): number => f.left + ((f.right - f.left) * i) / (epochs - 1);
  const py = (v: number): number => f.bottom - ((f.bottom - f.top) * Math.min(v, top)) / top;
  axes(g, f, [0, 0.5, 1].map((k) => [py(k * top), tickLabel(k * top)]), [[px(0), '1'], [px(epochs - 1), String(epochs)]]);
  series.forEach((s, k) => {
    g.strokeStyle = PALETTE[k % PALETTE.length]!;
    g.lineWidth = 2;
    g.beginPath();
    s.values.forEach((v, i) => (i === 0 ? g.moveTo(px(i), py(v)) : g.lineTo(px(i), py(v))));
    g.stroke();
    // The latest value as a dot, so that a curve of one epoch shows too.
    const last = s.values.length - 1;
    if (last >= 0) {
      g.beginPath();
      g.arc(px(last), py(s.values[last]!), 3, 0, 2 * Math.PI);
      g.fillStyle = g.strokeStyle;
      g.fill();
    }
    g.lineWidth = 1;
    g.fillStyle = g.strokeStyle;
    // The legend goes where the curves are not: under accuracies (near the top), over losses (falling to the bottom).
    g.textAlign = 'right';
    g.textBaseline = 'top';
    g.fillText(s.name, f.right, yMax === undefined ? f.top + 14 * k : f.bottom - 14 * (series.length - k) - 4);
  });
}

/**
 * Bars on a logarithmic scale (gradient norms per layer), one per label, the decades marked.
 *
 * @example
 * drawLogBars(canvas, ['hidden_1', 'hidden_2', 'output'], [1e-4, 3e-3, 0.2]);
 */
export function drawLogBars(canvas: HTMLCanvasElement, labels: string[], values: number[]): void {
  const { g, width, height } = prepare(canvas);
  const f = frameOf(width, height);
  const positive = values.filter((v) => v > 0);
  const low = Math.floor(Math.log10(Math.min(1, ...positive))) - 1;
  const high = Math.ceil(Math.log10(Math.max(1e-3, ...positive)));
  const py = (v: number): number => f.bottom - ((f.bottom - f.top) * (Math.log10(Math.max(v, 10 ** low)) - low)) / (high - low);
  const decades = Array.from({ length: high - low + 1 }, (_, i) => low + i).filter((_, i, all) => all.length <= 8 || i % 2 === 0);
  const slot = (f.right - f.left) / labels.length;
  axes(g, f, decades.map((d) => [py(10 ** d), `1e${d}`]), labels.map((l, i) => [f.left + slot * (i + 0.5), l]));
  values.forEach((v, i) => {
    g.fillStyle = PALETTE[0]!;
    g.fillRect(f.left + slot * (i + 0.2), py(v), slot * 0.6, f.bottom - py(v));
  });
}

/**
 * A histogram of `values` in 30 bins over their range, with the histogram of `before` (the same
 * layer at the start of training) outlined behind it, so that the weights' movement shows.
 *
 * @example
 * drawHistogram(canvas, kernelNow, kernelAtStart);
 */
export function drawHistogram(canvas: HTMLCanvasElement, values: Float32Array, before?: Float32Array): void {
  const { g, width, height } = prepare(canvas);
  const f = { left: 6, top: 6, right: width - 6, bottom: height - 20 };
  const all = before ? [values, before] : [values];
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of all) for (const v of a) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (!(hi > lo)) [lo, hi] = [lo - 1, hi + 1];
  const bins = 30;
  const count = (a: Float32Array): number[] => {
    const c = new Array<number>(bins).fill(0);
    for (const v of a) c[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]! += 1;
    return c;
  };
  const counts = all.map(count);
  const peak = Math.max(...counts.flat());
  const w = (f.right - f.left) / bins;
  const h = (c: number): number => ((f.bottom - f.top) * c) / peak;
  counts[0]!.forEach((c, i) => {
    g.fillStyle = PALETTE[0]!;
    g.fillRect(f.left + i * w, f.bottom - h(c), w - 1, h(c));
  });
  if (counts[1]) {
    g.strokeStyle = PALETTE[1]!;
    g.beginPath();
    g.moveTo(f.left, f.bottom);
    counts[1].forEach((c, i) => {
      g.lineTo(f.left + i * w, f.bottom - h(c));
      g.lineTo(f.left + (i + 1) * w, f.bottom - h(c));
    });
    g.lineTo(f.right, f.bottom);
    g.stroke();
  }
  g.fillStyle = AXIS;
  g.textBaseline = 'top';
  g.textAlign = 'left';
  g.fillText(tickLabel(lo), f.left, f.bottom + 4);
  g.textAlign = 'right';
  g.fillText(tickLabel(hi), f.right, f.bottom + 4);
}

/**
 * The decision boundary: the model's probability of class 1 on a `resolution`² grid over [-extent,
 * extent]² (row 0 at the top), shaded from orange (class 0) to blue (class 1), with the points over
 * it — training points filled, test points ringed in black.
 *
 * @example
 * drawBoundary(canvas, probabilities, 50, 1.2, { points, labels, size }, testData);
 */
export function drawBoundary(
  canvas: HTMLCanvasElement,
  probabilities: Float32Array,
  resolution: number,
  extent: number,
  train: { points: Float32Array; labels: Int32Array },
  test: { points: Float32Array; labels: Int32Array },
): void {
  const { g, width, height } = prepare(canvas);
  const image = new ImageData(resolution, resolution);
  const [a, b] = CLASS_COLOURS as [[number, number, number], [number, number, number]];
  for (let i = 0; i < resolution * resolution; i++) {
    const p = probabilities[i]!;
    for (let c = 0; c < 3; c++) image.data[4 * i + c] = Math.round(255 + (((1 - p) * a[c]! + p * b[c]!) - 255) * Math.abs(2 * p - 1) * 0.6);
    image.data[4 * i + 3] = 255;
  }
  const cells = document.createElement('canvas');
  [cells.width, cells.height] = [resolution, resolution];
  cells.getContext('2d')!.putImageData(image, 0, 0);
  g.imageSmoothingEnabled = true;
  g.drawImage(cells, 0, 0, width, height);
  const dot = (x: number, y: number, label: number, ring: boolean): void => {
    g.beginPath();
    g.arc(((x + extent) / (2 * extent)) * width, ((extent - y) / (2 * extent)) * height, 3.5, 0, 2 * Math.PI);
    g.fillStyle = `rgb(${CLASS_COLOURS[label]!.join(',')})`;
    g.fill();
    g.strokeStyle = ring ? '#000' : '#fff';
    g.stroke();
  };
  for (const [set, ring] of [[train, false], [test, true]] as const) {
    for (let i = 0; i < set.labels.length; i++) dot(set.points[2 * i]!, set.points[2 * i + 1]!, set.labels[i]!, ring);
  }
}

/**
 * A confusion matrix: `matrix[true][predicted]` counts, shaded by their share of the row, with the
 * counts written in the cells and the classes' names as row labels.
 *
 * @example
 * drawConfusion(canvas, counts, ['T-shirt/top', 'Trouser', ...]);
 */
export function drawConfusion(canvas: HTMLCanvasElement, matrix: number[][], classNames: readonly string[]): void {
  const { g, width, height } = prepare(canvas);
  const left = 84;
  const top = 4;
  const k = classNames.length;
  const cell = Math.min((width - left - 4) / k, (height - top - 4) / k);
  g.textBaseline = 'middle';
  matrix.forEach((row, t) => {
    const total = row.reduce((sum, c) => sum + c, 0) || 1;
    g.fillStyle = AXIS;
    g.textAlign = 'right';
    g.fillText(classNames[t]!, left - 4, top + cell * (t + 0.5));
    row.forEach((c, p) => {
      const share = c / total;
      g.fillStyle = t === p ? `rgba(8, 119, 189, ${share})` : `rgba(245, 147, 34, ${Math.min(1, 3 * share)})`;
      g.fillRect(left + cell * p, top + cell * t, cell - 1, cell - 1);
      g.fillStyle = share > 0.5 ? '#fff' : '#222';
      g.textAlign = 'center';
      if (c > 0) g.fillText(String(c), left + cell * (p + 0.5), top + cell * (t + 0.5));
    });
  });
}

/**
 * Draws a grey image (values in [0, 1], row-major) onto a small canvas of its own size.
 *
 * @example
 * const canvas = document.createElement('canvas');
 * drawGray(canvas, pixels, 28, 28);
 */
export function drawGray(canvas: HTMLCanvasElement, pixels: Float32Array, width: number, height: number): void {
  [canvas.width, canvas.height] = [width, height];
  const image = new ImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const v = 255 - Math.round(255 * Math.min(1, Math.max(0, pixels[i]!)));
    image.data.set([v, v, v, 255], 4 * i);
  }
  canvas.getContext('2d')!.putImageData(image, 0, 0);
}
