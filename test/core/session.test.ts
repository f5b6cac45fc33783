/** clearSession: automatic layer, model and variable names start again; unique ids, names already given and loads under way are untouched. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as s from '../../src/index.js';
import { withWeightSource, activeWeightSource, type WeightSource } from '../../src/layers/weight-source.js';

test('after clearSession the next Dense is dense again, and models and variables are renumbered too', () => {
  s.clearSession();
  const first = new s.layers.Dense({ units: 1 });
  const second = new s.layers.Dense({ units: 1 });
  assert.deepEqual([first.name, second.name], ['dense', 'dense_1']);
  const v0 = s.variable(s.zeros([1]));
  const v1 = s.variable(s.zeros([1]));
  assert.deepEqual([v0.name, v1.name], ['variable_0', 'variable_1']);
  const m = s.sequential({ layers: [new s.layers.Dense({ units: 1, inputShape: [2] })] });
  s.clearSession();
  assert.equal(new s.layers.Dense({ units: 1 }).name, 'dense');
  assert.equal(s.sequential().name, m.name);
  const v2 = s.variable(s.zeros([1]));
  assert.equal(v2.name, 'variable_0');
  // Names already given stay.
  assert.deepEqual([first.name, second.name], ['dense', 'dense_1']);
  s.dispose([v0, v1, v2]);
  m.dispose();
});

test('the package entry point and the layers namespace export the same clearSession', () => {
  assert.equal(s.clearSession, s.layers.clearSession);
});

test('symbolic tensor ids keep increasing across clearSession, so graphs never see two tensors with one id', () => {
  const a = s.Input({ shape: [2] });
  s.clearSession();
  const b = s.Input({ shape: [2] });
  assert.ok(b.id > a.id, `id ${b.id} after clearSession must exceed ${a.id}`);
});

test('clearSession inside a model load leaves the weight source in force', () => {
  const source: WeightSource = {
    variable: () => { throw new Error('not used'); },
    checkAllocation: () => {},
  };
  withWeightSource(source, () => {
    s.clearSession();
    assert.equal(activeWeightSource(), source);
  });
  assert.equal(activeWeightSource(), null);
});
