/**
 * scikit-learn's logistic regression by stochastic gradient descent, `SGDClassifier(loss='log_loss')`,
 * run beside an experiment through the peers' Python on exactly the images the experiment used.
 */
import type { LabContext, LabImages } from './experiment.js';

/** What scikit-learn's classifier scored on the test images. */
export interface SgdClassifierScores {
  /** scikit-learn's version, as `sklearn.__version__` gives it. */
  version: string;
  /** The test accuracy of one classifier per seed, in the order of the seeds. */
  accuracies: number[];
}

/** Options of {@link sgdClassifierScores}. */
export interface SgdClassifierArgs {
  /** Passes over the training images (`max_iter`; the lesson's 5). */
  maxIter: number;
  /** One classifier is trained per seed (`random_state`, which orders the images of each pass). */
  seeds: number[];
}

// The images travel as one line of base64 bytes after a line of JSON saying how to cut them up; the
// script answers with one line of JSON. Python's own warning about stopping before convergence is
// silenced: five passes are the lesson's choice, not an accident. n_jobs=-1 trains the ten
// one-against-the-rest classifiers on all cores; their seeds are drawn before, so it changes no result.
const SCRIPT = `
import base64, json, sys, warnings
import numpy as np, sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier
warnings.simplefilter('ignore', ConvergenceWarning)
head = json.loads(sys.stdin.readline())
data = np.frombuffer(base64.b64decode(sys.stdin.readline()), np.uint8)
n, m, p = head['train'], head['test'], head['pixels']
parts = np.split(data, np.cumsum([n * p, n, m * p]))
x, y = parts[0].reshape(n, p) / 255.0, parts[1]
xt, yt = parts[2].reshape(m, p) / 255.0, parts[3]
scores = [SGDClassifier(loss='log_loss', max_iter=head['maxIter'], random_state=s, n_jobs=-1).fit(x, y).score(xt, yt) for s in head['seeds']]
print(json.dumps({'version': sklearn.__version__, 'accuracies': scores}))
`;

/** Pixels in [0, 1] back to the bytes they were scaled from (x / 255), and labels as bytes. */
function toBytes(values: ArrayLike<number>, scale: number): Uint8Array {
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = Math.round(values[i]! * scale);
  return bytes;
}

/** Base64 of `bytes` with `btoa`, which Node and browsers both have, a few kilobytes at a time. */
function base64(bytes: Uint8Array): string {
  // A multiple of 3 bytes per chunk, so that the chunks' encodings join without padding between them.
  const chunk = 3 * 4096;
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += chunk) parts.push(btoa(String.fromCharCode(...bytes.subarray(i, i + chunk))));
  return parts.join('');
}

/**
 * Trains scikit-learn's `SGDClassifier(loss='log_loss')` — with its defaults otherwise, as a user of
 * the lesson would — on the experiment's training images, once per seed, and scores each on its test
 * images. Undefined when the context has no Python or the Python lacks scikit-learn.
 *
 * @example
 * const scores = await sgdClassifierScores(ctx, await ctx.fashionMnist(60000, 10000), { maxIter: 5, seeds: [0, 1, 2] });
 * scores?.accuracies; // [0.8212, 0.8195, 0.8134]
 */
export async function sgdClassifierScores(ctx: LabContext, data: LabImages, args: SgdClassifierArgs): Promise<SgdClassifierScores | undefined> {
  if (!ctx.python) return undefined;
  const [n, m] = [data.xTrain.shape[0]!, data.xTest.shape[0]!];
  const pixels = data.xTrain.size / n;
  const parts = [toBytes(data.xTrain.dataSync(), 255), toBytes(data.yTrain.dataSync(), 1), toBytes(data.xTest.dataSync(), 255), toBytes(data.yTest.dataSync(), 1)];
  const bytes = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  const head = JSON.stringify({ train: n, test: m, pixels, maxIter: args.maxIter, seeds: args.seeds });
  const answer = await ctx.python(SCRIPT, `${head}\n${base64(bytes)}\n`);
  return answer === undefined ? undefined : (JSON.parse(answer) as SgdClassifierScores);
}
