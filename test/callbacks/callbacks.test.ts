import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import {
  Callback, CallbackList, EarlyStopping, History, LambdaCallback, LearningRateScheduler, ModelCheckpoint, ProgbarLogger,
  ReduceLROnPlateau, TerminateOnNaN, formatEta, formatFilepath, formatLogs, formatPerStep, literalFilepath, type CallbackModel, type Logs, type ProgressDisplay,
} from '../../src/callbacks/index.js';
import { CSVLogger } from '../../src/callbacks/node/csv-logger.js';

/** A stand-in model whose single weight is set to the epoch number by `runEpochs`. */
class FakeModel implements CallbackModel {
  stopTraining = false;
  weight = s.tensor([0]);
  optimizer = { learningRate: 0.1 as unknown };
  saved: string[] = [];
  getWeights(): s.Tensor[] {
    return [s.clone(this.weight)];
  }
  setWeights(weights: readonly s.Tensor[]): void {
    this.weight.dispose();
    this.weight = s.clone(weights[0]!);
  }
  async save(path: string): Promise<void> {
    this.saved.push(path);
  }
}

async function runEpochs(callback: Callback, model: FakeModel, logs: Logs[]): Promise<number> {
  const list = new CallbackList([callback], model, { epochs: logs.length, verbose: 0 });
  await list.trainBegin();
  let ran = 0;
  for (let epoch = 0; epoch < logs.length && !model.stopTraining; epoch++) {
    model.weight.dispose();
    model.weight = s.tensor([epoch]);
    await list.epochBegin(epoch);
    await list.epochEnd(epoch, { ...logs[epoch] });
    ran++;
  }
  await list.trainEnd();
  return ran;
}

test('EarlyStopping stops after `patience` epochs without improvement and restores the best weights', async () => {
  const model = new FakeModel();
  const stop = new EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
  const before = s.memory().numTensors;
  const ran = await runEpochs(stop, model, [1.0, 0.8, 0.9, 0.85, 0.95, 0.7].map((v) => ({ val_loss: v })));
  assert.equal(ran, 4);
  assert.equal(stop.stoppedEpoch, 3);
  assert.equal(stop.bestEpoch, 1);
  assert.equal(stop.best, 0.8);
  assert.deepEqual(model.weight.arraySync(), [1]);
  assert.equal(s.memory().numTensors, before, 'no snapshot is left behind');
});

test('EarlyStopping never restores a NaN or infinite epoch as the best', async () => {
  const model = new FakeModel();
  const stop = new EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
  const ran = await runEpochs(stop, model, [0.9, -Infinity, NaN, 0.95].map((v) => ({ val_loss: v })));
  assert.equal(ran, 3);
  assert.equal(stop.bestEpoch, 0);
  assert.equal(stop.best, 0.9);
  assert.deepEqual(model.weight.arraySync(), [0], 'the weights of epoch 0, not of the -Infinity epoch');
});

test('EarlyStopping in max mode for accuracy, with minDelta and baseline', async () => {
  const model = new FakeModel();
  const stop = new EarlyStopping({ monitor: 'val_accuracy', patience: 1, minDelta: 0.01 });
  const ran = await runEpochs(stop, model, [0.5, 0.505, 0.6, 0.7].map((v) => ({ val_accuracy: v })));
  assert.equal(ran, 2, 'an improvement smaller than minDelta does not count');
  const withBaseline = new EarlyStopping({ monitor: 'val_loss', patience: 2, baseline: 0.5 });
  const model2 = new FakeModel();
  assert.equal(await runEpochs(withBaseline, model2, [0.9, 0.8, 0.7, 0.6, 0.4].map((v) => ({ val_loss: v }))), 2, 'improvements that never beat the baseline still count as waiting');
});

test('ModelCheckpoint fills placeholders and with saveBestOnly saves only improving epochs', async () => {
  assert.equal(formatFilepath('ckpt-{epoch:02d}-{val_loss:.2f}.strata', { epoch: 3, val_loss: 0.41234 }), 'ckpt-03-0.41.strata');
  assert.equal(formatFilepath('m{epoch}.strata', { epoch: 12 }), 'm12.strata');
  assert.throws(() => formatFilepath('{val_acc}', { epoch: 1 }), /ModelCheckpoint: the filepath '\{val_acc\}' names \{val_acc\}, which is not among the logged figures \(epoch\)/);
  const model = new FakeModel();
  const ckpt = new ModelCheckpoint({ filepath: 'best-{epoch}.strata', monitor: 'val_accuracy', saveBestOnly: true });
  await runEpochs(ckpt, model, [0.7, 0.8, 0.75, 0.85].map((v) => ({ val_accuracy: v })));
  assert.deepEqual(model.saved, ['best-1.strata', 'best-2.strata', 'best-4.strata']);
  const every = new ModelCheckpoint({ filepath: 'e{epoch}.strata' });
  const model2 = new FakeModel();
  await runEpochs(every, model2, [{ loss: 1 }, { loss: 2 }]);
  assert.deepEqual(model2.saved, ['e1.strata', 'e2.strata']);
});

test('ModelCheckpoint never takes a NaN or infinite figure for the best, and braces can be literal', async () => {
  const model = new FakeModel();
  const ckpt = new ModelCheckpoint({ filepath: 'best-{epoch}.strata', saveBestOnly: true });
  await runEpochs(ckpt, model, [NaN, Infinity, 0.9, NaN, 0.8].map((v) => ({ val_loss: v })));
  assert.deepEqual(model.saved, ['best-3.strata', 'best-5.strata']);
  const max = new ModelCheckpoint({ filepath: 'm.strata', monitor: 'val_accuracy', saveBestOnly: true });
  const model2 = new FakeModel();
  await runEpochs(max, model2, [Infinity, 0.5].map((v) => ({ val_accuracy: v })));
  assert.deepEqual(model2.saved, ['m.strata'], 'Infinity is not an improvement in max mode either');
  assert.equal(formatFilepath('{{run}}/{epoch}-}}.strata', { epoch: 2 }), '{run}/2-}.strata');
  assert.equal(literalFilepath('runs/{epoch}/a}b'), 'runs/{{epoch}}/a}}b');
  assert.equal(formatFilepath(literalFilepath('runs/{epoch}/{x:02d}.strata'), { epoch: 1 }), 'runs/{epoch}/{x:02d}.strata');
});

test('ReduceLROnPlateau multiplies the rate by factor after patience, with cooldown and minLr', async () => {
  const model = new FakeModel();
  const reduce = new ReduceLROnPlateau({ factor: 0.5, patience: 1, cooldown: 2, minLr: 0.02 });
  const logs = [1, 1, 1, 1, 1, 1].map((v) => ({ val_loss: v }));
  const rates: number[] = [];
  const list = new CallbackList([reduce, new LambdaCallback({ onEpochEnd: () => void rates.push(model.optimizer.learningRate as number) })], model, { epochs: 6, verbose: 0 });
  await list.trainBegin();
  for (let e = 0; e < logs.length; e++) await list.epochEnd(e, logs[e]!);
  // e0 best; e1 -> 0.05 (cooldown 2); e2 cooling; e3 -> 0.025; e4 cooling; e5 -> max(0.0125, minLr 0.02)
  assert.deepEqual(rates.map((r) => Number(r.toFixed(6))), [0.1, 0.05, 0.05, 0.025, 0.025, 0.02]);
  assert.throws(() => new ReduceLROnPlateau({ factor: 1 }), /ReduceLROnPlateau: factor must be in \(0, 1\), got 1/);
});

test('LearningRateScheduler sets the rate each epoch and logs it', async () => {
  const model = new FakeModel();
  const history = new History();
  const sched = new LearningRateScheduler((epoch, lr) => (epoch === 0 ? lr : lr / 2));
  const list = new CallbackList([sched, history], model, { epochs: 3, verbose: 0 });
  await list.trainBegin();
  for (let e = 0; e < 3; e++) {
    await list.epochBegin(e);
    await list.epochEnd(e, { loss: 1 });
  }
  assert.deepEqual(history.history.learning_rate, [0.1, 0.05, 0.025]);
  assert.deepEqual(history.history.loss, [1, 1, 1]);
  assert.deepEqual(history.epoch, [0, 1, 2]);
});

test('TerminateOnNaN stops on a NaN or infinite loss', async () => {
  const model = new FakeModel();
  const list = new CallbackList([new TerminateOnNaN()], model, { epochs: 1, verbose: 0 });
  await list.batchEnd(0, { loss: 0.5 });
  assert.equal(model.stopTraining, false);
  await list.batchEnd(1, { loss: Infinity });
  assert.equal(model.stopTraining, true);
});

test('TerminateOnNaN records the epoch and batch where the loss stopped being finite', async () => {
  const model = new FakeModel();
  const guard = new TerminateOnNaN({ verbose: 0 });
  const list = new CallbackList([guard], model, { epochs: 3, verbose: 0 });
  await list.trainBegin();
  await list.epochBegin(0);
  await list.batchEnd(0, { loss: 0.5 });
  assert.equal(guard.stoppedAt, undefined);
  await list.epochBegin(1);
  await list.batchEnd(0, { loss: 0.4 });
  await list.batchEnd(1, { loss: NaN });
  await list.batchEnd(2, { loss: Infinity });
  assert.deepEqual(guard.stoppedAt, { epoch: 1, batch: 1, loss: NaN });
  assert.equal(model.stopTraining, true);
  await list.trainBegin();
  assert.equal(guard.stoppedAt, undefined, 'each fit starts clean');
  assert.throws(() => new TerminateOnNaN({ verbos: 0 } as never), (e) => e instanceof s.UnknownOptionError && /TerminateOnNaN: unknown option 'verbos' \(did you mean 'verbose'\?\)/.test(e.message));
});

test('plain objects of hooks become callbacks and async hooks are awaited', async () => {
  const calls: string[] = [];
  const model = new FakeModel();
  const list = new CallbackList([{ onTrainBegin: async () => { await new Promise((r) => setTimeout(r, 1)); calls.push('begin'); } }, { onTrainEnd: () => void calls.push('end') }], model, { epochs: 1, verbose: 0 });
  await list.trainBegin();
  await list.trainEnd();
  assert.deepEqual(calls, ['begin', 'end']);
});

test('batch hooks run in order: synchronous ones give nothing to await, an async one is awaited before those after it', async () => {
  const calls: string[] = [];
  const model = new FakeModel();
  const sync = new CallbackList([{ onBatchEnd: (b) => void calls.push(`a${b}`) }, { onBatchEnd: (b) => void calls.push(`b${b}`) }], model, { epochs: 1, verbose: 0 });
  assert.equal(sync.batchEnd(0), undefined);
  assert.deepEqual(calls, ['a0', 'b0']);
  const slow = { onBatchBegin: async (b: number) => { await new Promise((r) => setTimeout(r, 2)); calls.push(`slow${b}`); } };
  const mixed = new CallbackList([{ onBatchBegin: (b) => void calls.push(`first${b}`) }, slow, { onBatchBegin: (b) => void calls.push(`last${b}`) }], model, { epochs: 1, verbose: 0 });
  const pending = mixed.batchBegin(1);
  assert.ok(pending instanceof Promise);
  assert.deepEqual(calls.slice(2), ['first1']);
  await pending;
  assert.deepEqual(calls.slice(2), ['first1', 'slow1', 'last1']);
});

test('CSVLogger writes a header and one row per epoch', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'strata-csv-')), 'log.csv');
  await runEpochs(new CSVLogger(file), new FakeModel(), [{ loss: 0.5, accuracy: 0.8 }, { loss: 0.25, accuracy: 0.9 }]);
  assert.equal(readFileSync(file, 'utf8'), 'epoch,accuracy,loss\n0,0.8,0.5\n1,0.9,0.25\n');
});

test('progress formatting follows Keras', () => {
  assert.equal(formatEta(7.4), '7s');
  assert.equal(formatEta(65), '1:05');
  assert.equal(formatEta(3723), '1:02:03');
  assert.equal(formatPerStep(0.0042), '4ms/step');
  assert.equal(formatPerStep(0.00035), '350us/step');
  assert.equal(formatPerStep(2.2), '2s/step');
  assert.equal(formatLogs({ loss: 0.50551, accuracy: 0.82171, val_loss: 0.0001234 }), ' - accuracy: 0.8217 - loss: 0.5055 - val_loss: 1.2340e-4');
});

test('ProgbarLogger prints one line per epoch on a non-interactive display', async () => {
  const lines: string[] = [];
  const display: ProgressDisplay = { interactive: false, line: (t) => void lines.push(t), start() {}, update() {}, stop() {} };
  const logger = new ProgbarLogger({ display });
  const list = new CallbackList([logger], new FakeModel(), { epochs: 2, steps: 3, verbose: 1 });
  for (let e = 0; e < 2; e++) {
    await list.epochBegin(e);
    for (let b = 0; b < 3; b++) await list.batchEnd(b, { loss: 1 / (b + 1) });
    await list.epochEnd(e, { loss: 0.5, val_loss: 0.75 });
  }
  assert.equal(lines.length, 4);
  assert.equal(lines[0], 'Epoch 1/2');
  assert.match(lines[1]!, /^3\/3 - \d+s - \d+(us|ms)\/step - loss: 0\.5000 - val_loss: 0\.7500$/);
  assert.equal(lines[2], 'Epoch 2/2');
});

test('ProgbarLogger drives a live bar on an interactive display', async () => {
  const events: string[] = [];
  const display: ProgressDisplay = {
    interactive: true,
    line: (t) => void events.push(`line ${t}`),
    start: (total) => void events.push(`start ${total}`),
    update: (step, suffix) => void events.push(`update ${step} ${suffix.replace(/^\S+ \S+/, 'T')}`),
    stop: (step, suffix) => void events.push(`stop ${step} ${suffix.replace(/^\S+ \S+/, 'T')}`),
  };
  const list = new CallbackList([new ProgbarLogger({ display })], new FakeModel(), { epochs: 1, steps: 2, verbose: 1 });
  await list.epochBegin(0);
  await list.batchEnd(0, { loss: 2 });
  await list.batchEnd(1, { loss: 1 });
  await list.epochEnd(0, { loss: 1, val_loss: 3 });
  assert.deepEqual(events, ['line Epoch 1/1', 'start 2', 'update 1 T - loss: 2.0000', 'update 2 T - loss: 1.0000', 'stop 2 T - loss: 1.0000 - val_loss: 3.0000']);
});
