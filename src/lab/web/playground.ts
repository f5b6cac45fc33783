/**
 * The playground page's script: reads the controls, trains a {@link TrainingSession} epoch by epoch
 * (pausing between batches so the page stays responsive) and redraws the views after each epoch.
 * Bundled into `playground.js`; Strata itself comes from `strata.js` beside it.
 */
import { decodeFashionSlice, FASHION_PIXELS, type FashionSliceInfo } from '../fashion-slice.js';
import { splitToyData, toyData, type ToyData, type ToySetName } from '../toy-data.js';
import { drawBoundary, drawConfusion, drawGray, drawHistogram, drawLines, drawLogBars } from './charts.js';
import { TrainingSession, type EpochStats, type PlaygroundData, type PlaygroundSettings } from './session.js';
import { loadStrata, type StrataModule } from './strata-api.js';

/** Points of a toy set (split into training and test by the training share). */
const TOY_SIZE = 500;
/** The decision boundary's grid: cells per side, over [-EXTENT, EXTENT]². */
const GRID = 60;
const EXTENT = 1.3;
/** Misclassified test images shown. */
const MISTAKES = 12;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const value = (id: string): string => $<HTMLInputElement | HTMLSelectElement>(id).value;
const fixed = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : '–');

/** The grid's points, row 0 at the top (largest y), for the model to answer on. */
const GRID_POINTS = Float32Array.from({ length: 2 * GRID * GRID }, (_, i) => {
  const cell = i >> 1;
  const [row, column] = [Math.floor(cell / GRID), cell % GRID];
  return i % 2 === 0 ? -EXTENT + ((column + 0.5) * 2 * EXTENT) / GRID : EXTENT - ((row + 0.5) * 2 * EXTENT) / GRID;
});

/** Fashion-MNIST as the server sends it, fetched once. */
let fashion: Promise<PlaygroundData> | undefined;

async function fetchFashion(): Promise<PlaygroundData> {
  const base = new URL('./data/', import.meta.url);
  const info = (await (await fetch(new URL('fashion-mnist.json', base))).json()) as FashionSliceInfo;
  const response = await fetch(new URL('fashion-mnist.bin', base));
  if (!response.ok) throw new Error(`Fashion-MNIST could not be fetched: ${response.status} ${response.statusText}`);
  const slice = decodeFashionSlice(info, new Uint8Array(await response.arrayBuffer()));
  const scale = (bytes: Uint8Array): Float32Array => Float32Array.from(bytes, (b) => b / 255);
  return { kind: 'images', inputSize: FASHION_PIXELS, classNames: info.classNames, xTrain: scale(slice.trainImages), yTrain: Int32Array.from(slice.trainLabels), xTest: scale(slice.testImages), yTest: Int32Array.from(slice.testLabels) };
}

/** The data the controls choose; for a toy set, also its two parts as points to draw. */
async function chosenData(): Promise<{ data: PlaygroundData; toy?: { train: ToyData; test: ToyData } }> {
  const name = value('dataset');
  if (name === 'fashion-mnist') return { data: await (fashion ??= fetchFashion()) };
  const toy = splitToyData(toyData(name as ToySetName, { size: TOY_SIZE, noise: Number(value('noise')), seed: 1 }), Number(value('ratio')));
  return { toy, data: { kind: 'points', inputSize: 2, classNames: ['0', '1'], xTrain: toy.train.points, yTrain: toy.train.labels, xTest: toy.test.points, yTest: toy.test.labels } };
}

function chosenSettings(): PlaygroundSettings {
  return {
    hiddenLayers: Math.max(0, Math.min(10, Math.round(Number(value('hidden-layers'))))),
    units: Math.max(1, Math.min(256, Math.round(Number(value('units'))))),
    activation: value('activation') as PlaygroundSettings['activation'],
    optimizer: value('optimizer') as PlaygroundSettings['optimizer'],
    learningRate: Number(value('learning-rate')),
    batchSize: Number(value('batch-size')),
    seed: 1,
  };
}

/** The page's state: the current session, its history, and whether it is training. */
class Playground {
  private session: TrainingSession | undefined;
  private toy: { train: ToyData; test: ToyData } | undefined;
  private history: EpochStats[] = [];
  private startWeights = new Map<string, Float32Array>();
  private running = false;
  private backendNote = '';

  constructor(private readonly s: StrataModule) {}

  /** Picks the wasm backend, with threads where the page is cross-origin isolated. */
  async start(): Promise<void> {
    this.s.setBackend('wasm');
    if (globalThis.crossOriginIsolated) await this.s.setThreadsCount(Math.min(4, navigator.hardwareConcurrency || 1));
    const threads = this.s.getThreadsCount();
    this.backendNote = `wasm backend, ${threads} thread${threads === 1 ? '' : 's'}${globalThis.crossOriginIsolated ? '' : ' (the page is not cross-origin isolated)'}`;
    $('train').addEventListener('click', () => void this.train());
    $('pause').addEventListener('click', () => this.pause());
    $('reset').addEventListener('click', () => void this.reset());
    $('dataset').addEventListener('change', () => this.suggestSettings());
    for (const id of ['dataset', 'noise', 'ratio', 'hidden-layers', 'units', 'activation', 'optimizer', 'learning-rate', 'batch-size']) {
      $(id).addEventListener('change', () => void this.reset());
    }
    await this.reset();
  }

  /**
   * Sets the network's controls to a starting point that suits the data chosen: a small network
   * learns the toy sets in seconds, while Fashion-MNIST wants wider layers, larger batches and a
   * smaller step. Each stays the user's to change.
   */
  private suggestSettings(): void {
    const images = value('dataset') === 'fashion-mnist';
    const suggested: [string, string][] = images ? [['units', '32'], ['batch-size', '100'], ['learning-rate', '0.003']] : [['units', '8'], ['batch-size', '10'], ['learning-rate', '0.03']];
    for (const [id, v] of suggested) $<HTMLInputElement | HTMLSelectElement>(id).value = v;
  }

  private status(text: string): void {
    $('status').textContent = text;
  }

  /** A new network on the chosen data, untrained, and the views drawn for it. */
  async reset(): Promise<void> {
    this.pause();
    this.session?.dispose();
    this.session = undefined;
    const images = value('dataset') === 'fashion-mnist';
    $<HTMLInputElement>('noise').disabled = images;
    $<HTMLInputElement>('ratio').disabled = images;
    for (const [id, show] of [['view-boundary', !images], ['view-confusion', images], ['view-mistakes', images]] as const) $(id).hidden = !show;
    this.status(images ? 'Fetching Fashion-MNIST…' : `Ready · ${this.backendNote}`);
    try {
      const { data, toy } = await chosenData();
      this.toy = toy;
      this.session = new TrainingSession(this.s, data, chosenSettings());
    } catch (e) {
      this.status(`Could not set up: ${(e as Error).message}`);
      return;
    }
    this.history = [];
    this.startWeights = new Map(this.session.weights().map((w) => [w.layer, w.values]));
    $('histograms').replaceChildren();
    this.drawAll();
    this.status(`Ready: ${this.session.data.yTrain.length} training and ${this.session.data.yTest.length} test examples · ${this.backendNote}`);
  }

  /** Trains epoch after epoch until paused, reset, or the data or network change. */
  async train(): Promise<void> {
    const session = this.session;
    if (this.running || !session) return;
    this.running = true;
    $<HTMLButtonElement>('train').disabled = true;
    $<HTMLButtonElement>('pause').disabled = false;
    this.status(`Training · ${this.backendNote}`);
    const keepGoing = (): boolean => this.running && this.session === session;
    // Between batches: let the page handle input, and say how far the epoch has gone (an epoch of Fashion-MNIST takes seconds).
    const breathe = (): Promise<void> => {
      this.status(`Training · epoch ${session.epoch + 1}, ${Math.round(100 * session.progress)}% · ${this.backendNote}`);
      return new Promise((resolve) => setTimeout(resolve, 0));
    };
    try {
      while (keepGoing()) {
        const stats = await session.trainEpoch(keepGoing, breathe);
        if (!stats) break;
        // Drawn at once, so that what the page shows is always the last epoch that ran; then a frame to paint it.
        this.history.push(stats);
        this.drawAll();
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
    } catch (e) {
      this.pause();
      this.status(`Training stopped: ${(e as Error).message}`);
    }
  }

  pause(): void {
    if (!this.running) return;
    this.running = false;
    $<HTMLButtonElement>('train').disabled = false;
    $<HTMLButtonElement>('pause').disabled = true;
    const last = this.history.at(-1);
    this.status(`Paused after epoch ${last?.epoch ?? 0}${last ? `, test accuracy ${fixed(last.testAccuracy)}` : ''}`);
  }

  private drawAll(): void {
    const session = this.session!;
    const last = this.history.at(-1);
    $('epoch').textContent = String(last?.epoch ?? 0);
    $('train-loss').textContent = fixed(last?.trainLoss ?? NaN);
    $('test-loss').textContent = fixed(last?.testLoss ?? NaN);
    $('train-accuracy').textContent = fixed(last?.trainAccuracy ?? NaN);
    $('test-accuracy').textContent = fixed(last?.testAccuracy ?? NaN);
    if (last && this.running) this.status(`Training · epoch ${last.epoch} · test accuracy ${fixed(last.testAccuracy)} · ${this.backendNote}`);
    const epochs = `${this.history.length} epoch${this.history.length === 1 ? '' : 's'}`;
    $('loss-chart').setAttribute('aria-label', `Loss per epoch: ${epochs}${last ? `, last train loss ${fixed(last.trainLoss)}, test loss ${fixed(last.testLoss)}` : ''}`);
    $('accuracy-chart').setAttribute('aria-label', `Accuracy per epoch: ${epochs}${last ? `, last train accuracy ${fixed(last.trainAccuracy)}, test accuracy ${fixed(last.testAccuracy)}` : ''}`);
    drawLines($('loss-chart'), [{ name: 'train loss', values: this.history.map((h) => h.trainLoss) }, { name: 'test loss', values: this.history.map((h) => h.testLoss) }]);
    drawLines($('accuracy-chart'), [{ name: 'train accuracy', values: this.history.map((h) => h.trainAccuracy) }, { name: 'test accuracy', values: this.history.map((h) => h.testAccuracy) }], 1);
    if (this.toy) drawBoundary($('boundary'), this.classOneProbability(session.predict(GRID_POINTS)), GRID, EXTENT, this.toy.train, this.toy.test);
    else this.drawTestViews(session);
    this.drawWeights(session);
    const gradients = session.gradientNorms();
    drawLogBars($('gradients'), gradients.map((g) => g.layer), gradients.map((g) => g.norm));
    $('gradient-values').textContent = gradients.map((g) => `${g.layer}: ${g.norm.toExponential(2)}`).join(' · ');
  }

  private classOneProbability(probabilities: Float32Array): Float32Array {
    return Float32Array.from({ length: probabilities.length / 2 }, (_, i) => probabilities[2 * i + 1]!);
  }

  /** The confusion matrix and the misclassified images of the test set. */
  private drawTestViews(session: TrainingSession): void {
    const { xTest, yTest, classNames } = session.data;
    const k = classNames.length;
    const probabilities = session.predict(xTest);
    const matrix = classNames.map(() => new Array<number>(k).fill(0));
    const mistakes: HTMLElement[] = [];
    for (let i = 0; i < yTest.length; i++) {
      let predicted = 0;
      for (let c = 1; c < k; c++) if (probabilities[i * k + c]! > probabilities[i * k + predicted]!) predicted = c;
      matrix[yTest[i]!]![predicted]! += 1;
      if (predicted !== yTest[i] && mistakes.length < MISTAKES) {
        const figure = document.createElement('figure');
        const canvas = document.createElement('canvas');
        drawGray(canvas, xTest.subarray(i * FASHION_PIXELS, (i + 1) * FASHION_PIXELS), 28, 28);
        const caption = `${classNames[yTest[i]!]} → ${classNames[predicted]}`;
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', caption);
        const text = document.createElement('figcaption');
        text.textContent = caption;
        figure.append(canvas, text);
        mistakes.push(figure);
      }
    }
    drawConfusion($('confusion'), matrix, classNames);
    $('mistakes').replaceChildren(...mistakes);
  }

  /** One histogram per layer, made the first time and redrawn after. */
  private drawWeights(session: TrainingSession): void {
    const box = $('histograms');
    for (const { layer, values } of session.weights()) {
      let figure = box.querySelector<HTMLElement>(`figure[data-layer="${layer}"]`);
      if (!figure) {
        figure = document.createElement('figure');
        figure.dataset['layer'] = layer;
        const canvas = document.createElement('canvas');
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `Histogram of the weights of ${layer}`);
        figure.append(canvas, document.createElement('figcaption'));
        box.append(figure);
      }
      drawHistogram(figure.querySelector('canvas')!, values, this.startWeights.get(layer));
      let sum = 0;
      let squares = 0;
      for (const v of values) [sum, squares] = [sum + v, squares + v * v];
      const mean = sum / values.length;
      figure.querySelector('figcaption')!.textContent = `${layer}: ${values.length} weights, mean ${mean.toFixed(3)}, sd ${Math.sqrt(Math.max(0, squares / values.length - mean * mean)).toFixed(3)}`;
    }
  }
}

async function main(): Promise<void> {
  try {
    await new Playground(await loadStrata()).start();
  } catch (e) {
    $('status').textContent = `Strata could not start: ${(e as Error).message}`;
    throw e;
  }
}

void main();
