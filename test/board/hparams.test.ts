/**
 * HParams: the TensorBoard callback's and SummaryWriter's hparams sessions read back as the Board's
 * table (hyperparameters, status, final metrics), the sessions TensorFlow, Keras and PyTorch wrote
 * (shared fixtures) read alike, and TensorBoard's own HParams plugin reading Strata's.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { HParamsSession } from '../../src/board/api-types.js';
import { hparamsSessions } from '../../src/board/hparams-sessions.js';
import * as s from '../../src/node/index.js';
import { twoRuns } from '../helpers/hparams-runs.js';
import { runPython, tensorboardPython } from '../helpers/python.js';

const f32 = Math.fround;
const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/tensorboard/', import.meta.url));
const noFixtures = !existsSync(join(FIXTURES, 'github', 'expected.json')) && `no fixtures at ${FIXTURES} (the shared/ folder beside the repository)`;

function sessionsOf(dir: string): HParamsSession[] {
  const logs = new s.LogDirectory(dir);
  logs.refresh();
  return hparamsSessions(logs.list());
}

test('the TensorBoard callback logs each run as an hparams session: its hyperparameters, its end and its final epoch figures', async () => {
  const { dir, histories } = await twoRuns();
  const sessions = sessionsOf(dir);
  assert.deepEqual(sessions.map((x) => [x.run, x.hparams, x.status]), [
    ['lr-0.01', { learning_rate: 0.01, units: 4, optimizer: 'sgd', shuffle: false }, 'success'],
    ['lr-0.1', { learning_rate: 0.1, units: 8, optimizer: 'sgd', shuffle: true }, 'success'],
  ]);
  for (const session of sessions) {
    const h = histories[session.run]!.history;
    const last = (key: string): number => f32(h[key]!.at(-1)!);
    assert.equal(session.metrics['train/epoch_loss'], last('loss'));
    assert.equal(session.metrics['train/epoch_accuracy'], last('accuracy'));
    assert.equal(session.metrics['validation/epoch_loss'], last('val_loss'));
    assert.equal(session.metrics['validation/epoch_accuracy'], last('val_accuracy'));
    assert.equal(session.metrics['train/epoch_learning_rate'], f32(session.hparams['learning_rate'] as number));
  }
  const logs = new s.LogDirectory(dir);
  logs.refresh();
  assert.deepEqual(logs.list().map((r) => [r.name, r.info().hasHParams]), [
    ['lr-0.01', true], ['lr-0.01/train', false], ['lr-0.01/validation', false], ['lr-0.1', true], ['lr-0.1/train', false], ['lr-0.1/validation', false],
  ]);
});

test('SummaryWriter.hparams opens a session in a custom loop; its own scalars are its metrics, and a session opened again and not ended has no status', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-hparams-'));
  const ended = s.createFileWriter(join(dir, 'ended'));
  ended.hparams({ batch_size: 32, 'name with "quotes" <b>': '<script>x</script>' });
  ended.scalar('loss', 0.75, 0);
  ended.scalar('loss', 0.25, 1);
  ended.endSession('failure');
  ended.close();
  // Trained again in the same directory: the second session, still running, is the one shown.
  const open = s.createFileWriter(join(dir, 'open'));
  open.hparams({ batch_size: 16 });
  open.endSession();
  open.hparams({ batch_size: 64 });
  open.close();
  assert.deepEqual(sessionsOf(dir), [
    { run: 'ended', hparams: { batch_size: 32, 'name with "quotes" <b>': '<script>x</script>' }, status: 'failure', metrics: { loss: 0.25 } },
    { run: 'open', hparams: { batch_size: 64 }, metrics: {} },
  ]);
});

test('hyperparameters that are not finite numbers, strings or booleans are refused, naming the one', () => {
  assert.throws(() => new s.TensorBoard({ hparams: { lr: Number.NaN } }), (e: Error) => e instanceof s.ValueError && /hparams\.lr must be a finite number, a string or a boolean, got NaN/.test(e.message));
  assert.throws(() => new s.TensorBoard({ hparams: { layers: [1, 2] as unknown as number } }), /hparams\.layers must be .* got object/);
  assert.throws(() => s.createFileWriter(mkdtempSync(join(tmpdir(), 'strata-hparams-'))).hparams([] as unknown as s.board.HParams), /hparams must be an object of names to values, got an array/);
});

interface ExpectedSession {
  session_start_info?: { hparams: Record<string, number | string | boolean> };
  session_end_info?: { status: string };
}
interface ExpectedRun {
  tags: Record<string, { kind: string; last?: number }>;
  hparams: Record<string, ExpectedSession> | null;
}

test("the hparams sessions of Keras's callback, TensorFlow 2's hparams API and PyTorch read as TensorBoard decodes them, with their final metrics", { skip: noFixtures }, () => {
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'github', 'expected.json'), 'utf8')) as { runs: Record<string, ExpectedRun> };
  let checked = 0;
  for (const [fixture, facts] of Object.entries(expected.runs)) {
    const hparams = facts.hparams;
    if (!hparams) continue;
    const sessions = sessionsOf(join(FIXTURES, 'github', fixture));
    const started = Object.entries(hparams).filter(([, e]) => e.session_start_info);
    assert.deepEqual(sessions.map((x) => x.run), started.map(([run]) => run).sort(), fixture);
    for (const session of sessions) {
      const e: ExpectedSession = hparams[session.run]!;
      assert.deepEqual(session.hparams, e.session_start_info!.hparams, `${fixture} ${session.run}`);
      assert.equal(session.status, e.session_end_info?.status.toLowerCase(), `${fixture} ${session.run}: status`);
      // Each scalar below the session, by its path below it: `train/epoch_loss`, or `hparam/loss` in the session's own run.
      const metrics = Object.entries(facts.tags)
        .filter(([tag, t]) => tag.startsWith(`${session.run}/`) && (t.kind === 'simple_value' || t.kind === 'tensor:scalars'))
        .map(([tag, t]) => [tag.slice(session.run.length + 1), f32(t.last!)] as const);
      assert.ok(metrics.length > 0, `${fixture} ${session.run} has metrics`);
      assert.deepEqual(Object.fromEntries(Object.entries(session.metrics).map(([k, v]) => [k, f32(v)])), Object.fromEntries(metrics), `${fixture} ${session.run}`);
      checked++;
    }
  }
  assert.equal(checked, 9 + 8 + 3, 'sessions: 9 of Keras, 8 of TensorFlow 2, 3 of PyTorch');
});

const tensorboard = tensorboardPython();
test("TensorBoard's own HParams plugin (its multiplexer and ListSessionGroups) reads Strata's sessions: the same hyperparameters, status and final metrics", { skip: tensorboard.skip }, async () => {
  const { dir } = await twoRuns();
  // And a custom loop's session that failed, its metric in its own run.
  const custom = s.createFileWriter(join(dir, 'custom'));
  custom.hparams({ learning_rate: 0.5, optimizer: 'adam', shuffle: true, units: 2 });
  custom.scalar('loss', 2.5, 0);
  custom.endSession('failure');
  custom.close();
  const ours = sessionsOf(dir);
  const theirs = (await runPython(tensorboard.python!, 'tensorboard_hparams.py', [], { logdir: dir })) as {
    sessions: Record<string, { hparams: Record<string, unknown>; status: string; metrics: Record<string, number> }>;
  };
  assert.deepEqual(Object.keys(theirs.sessions).sort(), ours.map((x) => x.run));
  for (const session of ours) {
    const tb = theirs.sessions[session.run]!;
    assert.deepEqual([tb.hparams, tb.status], [session.hparams, session.run === 'custom' ? 'STATUS_FAILURE' : 'STATUS_SUCCESS']);
    assert.ok(Object.keys(tb.metrics).length >= (session.run === 'custom' ? 1 : 5), JSON.stringify(tb.metrics));
    assert.deepEqual(tb.metrics, session.metrics);
  }
});
