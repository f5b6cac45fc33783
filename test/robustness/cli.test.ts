/**
 * The `strata` command under bad inputs and faults, in child processes on a small synthetic data
 * set: each case exits with its status (1, or 2 for the command line), says what went wrong in one
 * line on standard error without a stack trace, and leaves earlier files as they were (bytes and
 * modification time). Also: the tests that need Debian packages skip, saying what to install.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, test } from 'node:test';
import * as s from '../../src/node/index.js';
import { errorLine } from '../../src/cli/errors.js';
import { decodeArtifacts, encodeArtifacts } from '../../src/io/format.js';
import { writeIdxSet } from '../helpers/dataset-files.js';
import { assertFails, runCli } from '../helpers/run-cli.js';
import { missing } from '../helpers/system-packages.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'strata-robust-'));
const FULL_DISK = fileURLToPath(new URL('../helpers/full-disk.js', import.meta.url));
const HAS_DEV_FULL = existsSync('/dev/full') && existsSync('/proc/self/fd');

/** A file's bytes and modification time, to show it was not touched. */
function snapshot(path: string): { bytes: Buffer; mtimeMs: number } {
  return { bytes: readFileSync(path), mtimeMs: statSync(path).mtimeMs };
}

/** Writes an "earlier" file at `path`, dated 2020, and returns its snapshot. */
function earlierFile(path: string, content = 'an earlier model'): { bytes: Buffer; mtimeMs: number } {
  writeFileSync(path, content);
  utimesSync(path, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
  return snapshot(path);
}

/** A saved Flatten → Dense(10, softmax) model for 28×28 images; with `nanBias`, its 10 biases are NaN, so every output is. */
async function savedModel(path: string, nanBias = false): Promise<void> {
  const model = new s.Sequential({ layers: [new s.layers.Flatten({ inputShape: [28, 28] }), new s.layers.Dense({ units: 10, activation: 'softmax' })] });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  if (nanBias) {
    const [kernel, bias] = model.getWeights();
    const nan = s.fill(bias!.shape, NaN);
    model.setWeights([kernel!, nan]);
    s.dispose([kernel!, bias!, nan]);
  }
  await model.save(path);
}

let data: string;
let healthy: string;
let nanModel: string;
before(async () => {
  const dir = tmp();
  data = join(dir, 'data');
  writeIdxSet(data, 200, 50);
  healthy = join(dir, 'healthy.strata');
  nanModel = join(dir, 'nan.strata');
  await savedModel(healthy);
  await savedModel(nanModel, true);
});

/** `strata train` of a small model on the synthetic set, for a short run. */
const trainArgs = (model: string, output: string): string[] => [
  'train', '--model', model, '--epochs', '1', '--train-size', '100', '--val-size', '50', '--test-size', '20', '--data-dir', data, '--output', output,
];

test('train: a diverging run (sgd, learning rate 1e30) stops with status 1, says where and what to try, saves nothing and leaves the earlier model', async () => {
  const out = tmp();
  const modelPath = join(out, 'fashion-mnist-relu.strata');
  const before = earlierFile(modelPath);
  const r = await runCli([...trainArgs('relu', out), '--epochs', '3', '--optimizer', 'sgd', '--learning-rate', '1e30']);
  assertFails(r, 1, new RegExp(
    `^strata: error: training diverged: the loss became NaN at epoch 1, batch \\d+ \\(--optimizer sgd, --learning-rate 1e\\+30\\)\\. Nothing was saved; ${modelPath} is unchanged\\. ` +
    'Try a lower --learning-rate, another --optimizer, or check the data for NaN or extreme values\\.\\n$',
  ));
  assert.doesNotMatch(r.stdout, /Epoch 2\/3/, 'training stopped in the epoch that diverged');
  assert.deepEqual(snapshot(modelPath), before);
  assert.deepEqual(readdirSync(out), ['fashion-mnist-relu.strata'], 'no checkpoint or temporary file is left');
});

test('evaluate and predict of a model that outputs NaN fail with status 1, naming how many inputs and the bad weights', async () => {
  const before = snapshot(nanModel);
  const evaluated = await runCli(['evaluate', nanModel, '--data-dir', data]);
  assertFails(evaluated, 1, /^strata: error: the model '.*nan\.strata' produced NaN or infinite outputs for 50 of the 50 test images \(0, 1, 2, 3, 4, \.\.\.\); 10 of its 7,850 weights are NaN or infinite \(saved from a training that diverged\?\)\. Its results would be meaningless; retrain it/);
  assert.doesNotMatch(evaluated.stdout, /Test (loss|accuracy)/, 'no figures are reported');
  const predicted = await runCli(['predict', nanModel, '--index', '3', '--data-dir', data]);
  assertFails(predicted, 1, /^strata: error: the model '.*nan\.strata' produced NaN or infinite outputs; 10 of its 7,850 weights are NaN or infinite/);
  assert.doesNotMatch(predicted.stdout, /Prediction|NaN%/);
  assert.deepEqual(snapshot(nanModel), before);
});

test('train: an --output that cannot be created is one line with status 1, before any work', async () => {
  const dir = tmp();
  const blocker = join(dir, 'blocker');
  const before = earlierFile(blocker, 'a file, not a directory');
  const r = await runCli(trainArgs('softmax', join(blocker, 'models')));
  assertFails(r, 1, /^strata: error: --output '.*blocker\/models' cannot be used as the directory of the model: it, or a directory above it, is a file\.\n$/);
  assert.equal(r.stdout, '', 'nothing was loaded or trained');
  assert.deepEqual(snapshot(blocker), before);
});

test('train: a full disk (ENOSPC) while saving the model or writing the logs is one line with status 1; the earlier model stays', { skip: !HAS_DEV_FULL && 'needs Linux\'s /dev/full' }, async () => {
  const full = tmp();
  const modelPath = join(full, 'fashion-mnist-softmax.strata');
  const before = earlierFile(modelPath);
  const env = { FULL_DISK_DIR: full };
  const saving = await runCli(trainArgs('softmax', full), { env, nodeArgs: ['--import', FULL_DISK] });
  assertFails(saving, 1, /^strata: error: .*no space left on device/);
  assert.deepEqual(snapshot(modelPath), before);
  assert.deepEqual(readdirSync(full), ['fashion-mnist-softmax.strata'], 'no checkpoint or temporary file is left');

  const out = tmp();
  const logging = await runCli([...trainArgs('softmax', out), '--logdir', join(full, 'run')], { env, nodeArgs: ['--import', FULL_DISK] });
  assertFails(logging, 1, /^strata: error: cannot write: no space left on device \(ENOSPC\)\. Free some space or write elsewhere, then run again\.\n$/);
  assert.deepEqual(readdirSync(out), []);

  const fd = openSync('/dev/full', 'w');
  assertFails(await runCli(['--help'], { stdout: fd }), 1, /^strata: error: cannot write the output: no space left on device \(ENOSPC\)\. Free some space/);
});

test('a model file with a bad trainingConfig is one line with status 1', async () => {
  const artifacts = decodeArtifacts(readFileSync(healthy), healthy);
  artifacts.header.trainingConfig = { ...(artifacts.header.trainingConfig as object), optimizer: { className: 'NoSuchOptimizer', config: {} } };
  const path = join(tmp(), 'bad-config.strata');
  writeFileSync(path, encodeArtifacts(artifacts));
  const before = snapshot(path);
  assertFails(await runCli(['summary', path]), 1, /^strata: error: .*unknown optimizer 'NoSuchOptimizer'/);
  assertFails(await runCli(['evaluate', path, '--data-dir', data]), 1, /unknown optimizer 'NoSuchOptimizer'/);
  assert.deepEqual(snapshot(path), before);
  // A trainingConfig that is not an object, or lacks its optimizer, is named as such.
  const { optimizer: _optimizer, ...withoutOptimizer } = decodeArtifacts(readFileSync(healthy), healthy).header.trainingConfig as Record<string, unknown>;
  for (const [name, trainingConfig] of [['number', 42], ['no-optimizer', withoutOptimizer]] as const) {
    const bad = decodeArtifacts(readFileSync(healthy), healthy);
    bad.header.trainingConfig = trainingConfig;
    const file = join(tmp(), `${name}.strata`);
    writeFileSync(file, encodeArtifacts(bad));
    assertFails(await runCli(['summary', file]), 1, /^strata: error: .*trainingConfig/);
  }
});

test('board --port outside 0–65535 is a usage error (status 2)', async () => {
  assertFails(await runCli(['board', tmp(), '--port', '70000']), 2, /--port.*from 0 to 65535/);
});

test('plot --out into a missing directory says so in one line with status 1 and creates nothing', async () => {
  const dir = tmp();
  const missingDir = join(dir, 'no-such-dir');
  const r = await runCli(['plot', dir, '--out', join(missingDir, 'loss.svg')]);
  assertFails(r, 1, /^strata: error: strata plot: cannot write '.*no-such-dir\/loss\.svg': the directory '.*no-such-dir' does not exist; create it first \(mkdir -p\) or write elsewhere\.\n$/);
  assert.equal(existsSync(missingDir), false);
});

test('output piped into a reader that went away (EPIPE, as with | head) ends the command quietly with status 0', async () => {
  const out = tmp();
  // The reading end is closed before the command starts, so its first line already meets EPIPE.
  const r = await runCli(trainArgs('softmax', out), { onSpawn: (child) => child.stdout!.destroy() });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(readdirSync(out), [], 'it stopped at its first line, before training');
});

test('a bad STRATA_BACKEND: importing works, --backend wins, and a use of it is one line naming the variable, the value and the backends', async () => {
  const env = { STRATA_BACKEND: 'gpu' };
  const flagged = await runCli(['evaluate', healthy, '--backend', 'cpu', '--data-dir', data], { env });
  assert.equal(flagged.code, 0, flagged.stderr);
  assert.match(flagged.stdout, /^Test loss: \d+\.\d{4}$/m);
  for (const command of [['evaluate', healthy, '--data-dir', data], ['summary', healthy]]) {
    const r = await runCli(command, { env });
    assertFails(r, 1, /^strata: error: STRATA_BACKEND='gpu' names no backend; known backends: cpu, wasm\. Set it to one of them or unset it\.\n$/);
    assert.equal(r.stdout, '', 'reported before any work');
  }
  const plot = await runCli(['plot', tmp(), '--out', join(tmp(), 'x.svg')], { env });
  assert.doesNotMatch(plot.stderr, /STRATA_BACKEND/, 'a command that computes nothing does not use it');
  const entry = fileURLToPath(new URL('../../src/node/index.js', import.meta.url));
  const script = `const s = await import(${JSON.stringify(entry)}); try { s.tensor([1]); } catch (e) { console.log(e instanceof s.NotFoundError, e.message); }`;
  const imported = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
  assert.equal(imported, "true STRATA_BACKEND='gpu' names no backend; known backends: cpu, wasm. Set it to one of them or unset it.\n");
});

test('STRATA_THREADS that is not a whole number from 1 to the cores is one line naming the variable, the value and the range', async () => {
  const cores = availableParallelism();
  const evaluate = (threads: string, backend: string) => runCli(['evaluate', healthy, '--backend', backend, '--data-dir', data], { env: { STRATA_THREADS: threads } });
  for (const value of ['abc', '0', '-1', '1.5']) {
    assertFails(await evaluate(value, 'wasm'), 1, new RegExp(`^strata: error: STRATA_THREADS='${value.replace('.', '\\.')}' is not a positive whole number; set it to a number from 1 to ${cores}, or unset it for one thread per core\\.\\n$`));
  }
  assertFails(await evaluate(String(cores + 1), 'wasm'), 1, new RegExp(`^strata: error: STRATA_THREADS='${cores + 1}' is more than the ${cores} cores? this process may use; set it to a number from 1 to ${cores}`));
  const fine = await evaluate('1', 'wasm');
  assert.equal(fine.code, 0, fine.stderr);
  const unused = await evaluate('abc', 'cpu');
  assert.equal(unused.code, 0, 'the cpu backend has no threads, so the variable is not used');
});

test('braces in --output are taken literally (no {epoch} placeholder), as --help says', async () => {
  const dir = tmp();
  const output = join(dir, '{epoch}-{val_loss:.2f}');
  const r = await runCli(trainArgs('softmax', output));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(dir), ['{epoch}-{val_loss:.2f}']);
  assert.deepEqual(readdirSync(output), ['fashion-mnist-softmax.strata']);
  assert.match(r.stdout, /^Model saved to .*\/\{epoch\}-\{val_loss:\.2f\}\/fashion-mnist-softmax\.strata$/m);
  const help = await runCli(['train', '--help']);
  assert.match(help.stdout.replace(/\s+/g, ' '), /the name is taken as written, braces are not placeholders/);
});

test('errors a user can cause become one line; a bug keeps its stack', () => {
  const caught = (f: () => unknown): unknown => {
    try {
      f();
    } catch (e) {
      return e;
    }
    assert.fail('expected an error');
  };
  const missingFile = join(tmp(), 'missing.strata');
  assert.equal(errorLine(caught(() => readFileSync(missingFile))), `strata: error: cannot open '${missingFile}': no such file or directory (ENOENT).`);
  assert.equal(errorLine(new s.ValueError('a\n  b')), 'strata: error: a b');
  if (HAS_DEV_FULL) {
    assert.equal(errorLine(caught(() => writeSync(openSync('/dev/full', 'w'), 'x'))), 'strata: error: cannot write: no space left on device (ENOSPC). Free some space or write elsewhere, then run again.');
  }
  assert.equal(errorLine(new TypeError("Cannot read properties of undefined (reading 'x')")), undefined);
  assert.equal(errorLine(Object.assign(new Error('not from the system'), { code: 'ERR_SOMETHING' })), undefined);
});

test('tests needing Debian packages skip with a message saying what to install when they are absent', () => {
  const absent = join(tmp(), 'no-fashion-mnist');
  const idxTest = fileURLToPath(new URL('../datasets/idx.test.js', import.meta.url));
  // Without NODE_TEST_CONTEXT, the child runner prints its own report instead of feeding this one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT'));
  const tap = execFileSync(process.execPath, ['--test', '--test-reporter=tap', idxTest], { env: { ...env, FMNIST_DIR: absent }, encoding: 'utf8' });
  assert.match(tap, new RegExp(`^ok \\d+ - parses the real Fashion-MNIST files # SKIP skipped: install the Debian package dataset-fashion-mnist \\(apt-get install dataset-fashion-mnist\\) for the Fashion-MNIST data set; not found: ${absent}$`, 'm'));
  assert.match(tap, /^# fail 0$/m);
  const words = { what: 'the word lists', packages: ['wfrench', 'wspanish'], paths: [join(absent, 'french'), join(absent, 'spanish')] };
  assert.equal(missing(words), `skipped: install the Debian packages wfrench wspanish (apt-get install wfrench wspanish) for the word lists; not found: ${absent}/french, ${absent}/spanish`);
  mkdirSync(absent);
  assert.equal(missing({ what: 'a directory', packages: ['x'], paths: [absent] }), false);
});
