/** `strata lab` on the command line: --help, --list (as text and JSON), and the exit status of each mistake. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lab } from '../../src/node/index.js';
import { assertFails as fails, runCli } from '../helpers/run-cli.js';

test('strata lab --help names its options; --list names every experiment, as text and as JSON', async () => {
  const help = await runCli(['lab', '--help']);
  assert.equal(help.code, 0);
  for (const option of ['--list', '--output', '--full', '--train-size', '--test-size', '--epochs', '--seed', '--json', '--backend']) assert.ok(help.stdout.includes(option), option);
  const list = await runCli(['lab', '--list']);
  assert.equal(list.code, 0);
  assert.equal(list.stdout.split('\n').filter(Boolean).length, lab.experiments.length);
  for (const e of lab.experiments) assert.match(list.stdout, new RegExp(`^${e.name} +${e.summary.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
  const json = await runCli(['lab', '--list', '--json']);
  assert.equal(json.code, 0);
  assert.deepEqual((JSON.parse(json.stdout) as { experiments: { name: string }[] }).experiments.map((e) => e.name), lab.experiments.map((e) => e.name));
});

test('strata lab without a name, or with an unknown one, is a usage error (status 2, one line)', async () => {
  fails(await runCli(['lab']), 2, /^strata: error: name an experiment .*--list/);
  fails(await runCli(['lab', 'phrenology']), 2, /^strata: error: no experiment 'phrenology'; the experiments are /);
  fails(await runCli(['lab', 'neuron', '--train-size', '0']), 2, /--train-size.*from 1 to 60000/);
});

test('runExperiment refuses an unknown experiment and sizes out of range, naming what is allowed', async () => {
  await assert.rejects(lab.runExperiment('phrenology', { output: 'unused' }), /no experiment 'phrenology'/);
  const first = lab.experiments[0];
  if (first) await assert.rejects(lab.runExperiment(first.name, { output: 'unused', sizes: { trainSize: 70000 } }), /trainSize must be a whole number from 1 to 60,000, got 70000/);
});
