/**
 * The playground's page: its controls, a labelled section per view with a line on what to look at,
 * and its styles, all inline; the only script is `playground.js`, which loads `strata.js` beside it.
 */

const STYLES = `
:root { color-scheme: light; font: 15px/1.45 system-ui, sans-serif; color: #222; background: #f6f7f9; }
body { margin: 0; }
header { padding: 12px 20px; background: #183153; color: #fff; }
header h1 { margin: 0; font-size: 1.3rem; }
header p { margin: 2px 0 0; opacity: 0.85; }
main { display: grid; grid-template-columns: 270px repeat(auto-fill, minmax(330px, 1fr)); gap: 14px; padding: 14px 20px; align-items: start; }
section { background: #fff; border: 1px solid #d9dde3; border-radius: 6px; padding: 10px 14px; }
section[hidden] { display: none; }
h2 { font-size: 1rem; margin: 0 0 4px; }
.hint { margin: 0 0 8px; color: #555; font-size: 0.85rem; }
.controls { grid-row: span 3; }
.controls label { display: flex; justify-content: space-between; align-items: center; gap: 8px; margin: 6px 0; }
.controls select, .controls input[type=number] { width: 110px; font: inherit; }
.controls input[type=range] { width: 110px; }
.buttons { display: flex; gap: 6px; margin: 12px 0 6px; }
button { font: inherit; padding: 6px 12px; border: 1px solid #183153; border-radius: 4px; background: #fff; color: #183153; cursor: pointer; }
button#train { background: #183153; color: #fff; }
button:disabled { opacity: 0.45; cursor: default; }
:focus-visible { outline: 3px solid #f59322; outline-offset: 2px; }
#status { min-height: 2.6em; font-size: 0.85rem; color: #333; }
dl.numbers { display: grid; grid-template-columns: auto auto; gap: 2px 10px; margin: 8px 0 0; font-variant-numeric: tabular-nums; }
dl.numbers dt { color: #555; }
dl.numbers dd { margin: 0; text-align: right; font-weight: 600; }
canvas.chart { width: 100%; height: 160px; display: block; }
canvas.square { width: 100%; aspect-ratio: 1; display: block; }
.histograms { display: grid; grid-template-columns: 1fr 1fr; gap: 6px; }
.histograms figure { margin: 0; }
.histograms figcaption, .readout { font-size: 0.8rem; color: #444; font-variant-numeric: tabular-nums; }
.histograms canvas { width: 100%; height: 80px; display: block; }
.mistakes { display: grid; grid-template-columns: repeat(4, 1fr); gap: 6px; }
.mistakes figure { margin: 0; text-align: center; font-size: 0.72rem; }
.mistakes canvas { width: 56px; height: 56px; image-rendering: pixelated; border: 1px solid #ccc; }
.legend { font-size: 0.8rem; color: #444; }
.legend .swatch { display: inline-block; width: 10px; height: 10px; margin: 0 3px 0 8px; vertical-align: middle; }
`;

/** One `<option>` per value, the first `selected` one chosen. */
function options(values: readonly (string | [string, string])[], selected: string): string {
  return values.map((v) => {
    const [value, text] = typeof v === 'string' ? [v, v] : v;
    return `<option value="${value}"${value === selected ? ' selected' : ''}>${text}</option>`;
  }).join('');
}

/**
 * The page served at `/` (and written as `index.html` by `buildPlayground`).
 *
 * @example
 * res.end(PLAYGROUND_HTML);
 */
export const PLAYGROUND_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Strata Playground</title>
<link rel="icon" href="data:,">
<style>${STYLES}</style>
<script type="module" src="playground.js"></script>
</head>
<body>
<header>
  <h1>Strata Playground</h1>
  <p>A neural network trained live in this page, by Strata on WebAssembly. Choose the data and the network, then press Train.</p>
</header>
<main>
  <section class="controls" aria-labelledby="controls-title">
    <h2 id="controls-title">Data and network</h2>
    <label for="dataset">Data <select id="dataset">${options([['circles', 'Circles'], ['xor', 'XOR'], ['gaussians', 'Gaussians'], ['spirals', 'Spirals'], ['fashion-mnist', 'Fashion-MNIST']], 'circles')}</select></label>
    <label for="noise">Noise <input id="noise" type="range" min="0" max="0.5" step="0.05" value="0.1"></label>
    <label for="ratio">Training share <input id="ratio" type="range" min="0.1" max="0.9" step="0.1" value="0.5"></label>
    <label for="hidden-layers">Hidden layers <input id="hidden-layers" type="number" min="0" max="10" step="1" value="2"></label>
    <label for="units">Units per layer <input id="units" type="number" min="1" max="256" step="1" value="8"></label>
    <label for="activation">Activation <select id="activation">${options(['relu', 'tanh', 'sigmoid', 'linear'], 'relu')}</select></label>
    <label for="optimizer">Optimizer <select id="optimizer">${options([['adam', 'Adam'], ['sgd', 'SGD'], ['rmsprop', 'RMSprop']], 'adam')}</select></label>
    <label for="learning-rate">Learning rate <select id="learning-rate">${options(['0.0001', '0.001', '0.003', '0.01', '0.03', '0.1', '0.3', '1'], '0.03')}</select></label>
    <label for="batch-size">Batch size <select id="batch-size">${options(['1', '10', '32', '100'], '10')}</select></label>
    <div class="buttons">
      <button id="train" type="button">Train</button>
      <button id="pause" type="button" disabled>Pause</button>
      <button id="reset" type="button">Reset</button>
    </div>
    <p id="status" role="status" aria-live="polite">Loading Strata…</p>
    <dl class="numbers" aria-label="Latest epoch">
      <dt>Epoch</dt><dd id="epoch">0</dd>
      <dt>Train loss</dt><dd id="train-loss">–</dd>
      <dt>Test loss</dt><dd id="test-loss">–</dd>
      <dt>Train accuracy</dt><dd id="train-accuracy">–</dd>
      <dt>Test accuracy</dt><dd id="test-accuracy">–</dd>
    </dl>
  </section>
  <section id="view-curves" aria-labelledby="curves-title">
    <h2 id="curves-title">Loss and accuracy</h2>
    <p class="hint">Per epoch, on the training and the test data. Both losses falling together is learning; the test loss rising while the training loss falls is overfitting.</p>
    <canvas id="loss-chart" class="chart" role="img" aria-label="Loss per epoch"></canvas>
    <canvas id="accuracy-chart" class="chart" role="img" aria-label="Accuracy per epoch"></canvas>
  </section>
  <section id="view-boundary" aria-labelledby="boundary-title">
    <h2 id="boundary-title">Decision boundary</h2>
    <p class="hint">The model's answer at every point of the plane: blue where it says class 1, orange class 0, pale where it is unsure. Training points are ringed in white, test points in black. A linear network can only draw a straight line.</p>
    <canvas id="boundary" class="square" role="img" aria-label="Decision boundary with the data points"></canvas>
  </section>
  <section id="view-confusion" aria-labelledby="confusion-title" hidden>
    <h2 id="confusion-title">Confusion matrix</h2>
    <p class="hint">Rows: the true class of each test image; columns: the class predicted. The diagonal is right; look for the pairs the model mixes up (shirts, T-shirts, pullovers and coats).</p>
    <canvas id="confusion" class="square" role="img" aria-label="Confusion matrix of the test images"></canvas>
  </section>
  <section id="view-mistakes" aria-labelledby="mistakes-title" hidden>
    <h2 id="mistakes-title">Misclassified test images</h2>
    <p class="hint">Test images the model gets wrong, true class → predicted class: often ones a person would hesitate over too.</p>
    <div id="mistakes" class="mistakes"></div>
  </section>
  <section id="view-weights" aria-labelledby="weights-title">
    <h2 id="weights-title">Weights per layer</h2>
    <p class="hint">A histogram of each layer's kernel now (blue) and at the start (orange line). Training moves the weights away from their random start; watch which layers move.</p>
    <div id="histograms" class="histograms"></div>
  </section>
  <section id="view-gradients" aria-labelledby="gradients-title">
    <h2 id="gradients-title">Gradient norm per layer</h2>
    <p class="hint">How strongly the loss pulls on each layer's weights (log scale), measured each epoch on a batch. With sigmoid and many layers the first layers' bars shrink by orders of magnitude: the vanishing gradient. ReLU keeps them level.</p>
    <canvas id="gradients" class="chart" role="img" aria-label="Gradient norm per layer, log scale"></canvas>
    <p id="gradient-values" class="readout"></p>
  </section>
</main>
</body>
</html>
`;
