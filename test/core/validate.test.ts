/** The shared argument checks: what each accepts, what it returns, and the typed error naming caller, argument, expectation and value. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DTypeError, ValueError } from '../../src/core/errors.js';
import {
  checkAtLeast,
  checkBoolean,
  checkChoice,
  checkFinite,
  checkFloatDType,
  checkInteger,
  checkInterval,
  checkNonNegative,
  checkNonNegativeInt,
  checkPositive,
  checkPositiveInt,
  checkPositiveInts,
  checkSeed,
  checkSpelledChoice,
  fmtValue,
} from '../../src/core/validate.js';

const fails = (f: () => unknown, message: string, type: new (...args: never[]) => Error = ValueError): void => {
  assert.throws(f, (e: unknown) => e instanceof type && (e as Error).message === message);
};

test('fmtValue prints numbers as JavaScript does and everything else as JSON', () => {
  assert.equal(fmtValue(NaN), 'NaN');
  assert.equal(fmtValue(-Infinity), '-Infinity');
  assert.equal(fmtValue('same'), '"same"');
  assert.equal(fmtValue([3, 0]), '[3,0]');
  assert.equal(fmtValue(null), 'null');
  assert.equal(fmtValue(undefined), 'undefined');
  assert.equal(fmtValue(function relu() {}), 'a function (relu)');
  const loop: Record<string, unknown> = {};
  loop['self'] = loop;
  assert.equal(fmtValue(loop), '[object Object]');
});

test('integer checks accept their range and name the argument otherwise', () => {
  assert.equal(checkInteger('Concatenate', 'axis', -1), -1);
  fails(() => checkInteger('Concatenate', 'axis', 1.5), 'Concatenate: axis must be an integer, got 1.5.');
  assert.equal(checkPositiveInt('Dense', 'units', 3), 3);
  fails(() => checkPositiveInt('Dense', 'units', 0), 'Dense: units must be a positive integer, got 0.');
  fails(() => checkPositiveInt('Dense', 'units', '3'), 'Dense: units must be a positive integer, got "3".');
  assert.equal(checkNonNegativeInt('Adam', 'iterations', 0), 0);
  fails(() => checkNonNegativeInt('Adam', 'iterations', -1), 'Adam: iterations must be a non-negative integer, got -1.');
});

test('number checks reject NaN and infinities and enforce their bounds', () => {
  assert.equal(checkFinite('Rescaling', 'scale', -2.5), -2.5);
  fails(() => checkFinite('Rescaling', 'scale', Infinity), 'Rescaling: scale must be a finite number, got Infinity.');
  assert.equal(checkPositive('huber', 'delta', 0.5), 0.5);
  fails(() => checkPositive('huber', 'delta', 0), 'huber: delta must be a positive number, got 0.');
  fails(() => checkPositive('huber', 'delta', NaN), 'huber: delta must be a positive number, got NaN.');
  assert.equal(checkNonNegative('L2 regularizer', 'l2', 0), 0);
  fails(() => checkNonNegative('L2 regularizer', 'l2', -1), 'L2 regularizer: l2 must be a non-negative number, got -1.');
  assert.equal(checkAtLeast('ReLU', 'threshold', -3), -3);
  assert.equal(checkAtLeast('ReLU', 'maxValue', 0, 0), 0);
  fails(() => checkAtLeast('ReLU', 'maxValue', -0.5, 0), 'ReLU: maxValue must be a finite number >= 0, got -0.5.');
  fails(() => checkAtLeast('ReLU', 'maxValue', null, 0), 'ReLU: maxValue must be a finite number >= 0, got null.');
});

test('checkInterval honours each end being open or closed', () => {
  assert.equal(checkInterval('SGD', 'momentum', 1, 0, 1), 1);
  assert.equal(checkInterval('SGD', 'momentum', 0, 0, 1), 0);
  assert.equal(checkInterval('Dropout', 'rate', 0, 0, 1, '[)'), 0);
  fails(() => checkInterval('Dropout', 'rate', 1, 0, 1, '[)'), 'Dropout: rate must be in [0, 1), got 1.');
  fails(() => checkInterval('f', 'factor', 0, 0, 1, '()'), 'f: factor must be in (0, 1), got 0.');
  assert.equal(checkInterval('f', 'factor', 1, 0, 1, '(]'), 1);
  fails(() => checkInterval('SGD', 'momentum', 1.5, 0, 1), 'SGD: momentum must be in [0, 1], got 1.5.');
  fails(() => checkInterval('SGD', 'momentum', NaN, 0, 1), 'SGD: momentum must be in [0, 1], got NaN.');
});

test('checkSeed turns "no seed" into null and rejects non-finite seeds', () => {
  assert.equal(checkSeed('Dropout', 'seed', undefined), null);
  assert.equal(checkSeed('Dropout', 'seed', null), null);
  assert.equal(checkSeed('Dropout', 'seed', 7), 7);
  fails(() => checkSeed('Dropout', 'seed', NaN), 'Dropout: seed must be a finite number, got NaN.');
});

test('checkPositiveInts repeats a single size and checks a list', () => {
  assert.deepEqual(checkPositiveInts('Conv2D', 'kernelSize', 3, 2), [3, 3]);
  assert.deepEqual(checkPositiveInts('Conv2D', 'kernelSize', [3, 5], 2), [3, 5]);
  fails(() => checkPositiveInts('Conv2D', 'kernelSize', [3], 2), 'Conv2D: kernelSize must be a positive integer or 2 of them, got [3].');
  fails(() => checkPositiveInts('Conv1D', 'strides', 0, 1), 'Conv1D: strides must be a positive integer or 1 of them, got 0.');
});

test('choices list the allowed values; the spelled choice accepts snake_case', () => {
  assert.equal(checkChoice('Conv2D', 'padding', 'same', ['valid', 'same']), 'same');
  fails(() => checkChoice('Conv2D', 'padding', 'causal', ['valid', 'same']), `Conv2D: padding must be 'valid' or 'same', got "causal".`);
  assert.equal(checkChoice('Bidirectional', 'mergeMode', null, ['concat', null]), null);
  fails(() => checkChoice('Bidirectional', 'mergeMode', 'max', ['concat', 'sum', null]), `Bidirectional: mergeMode must be 'concat', 'sum' or null, got "max".`);
  assert.equal(checkSpelledChoice('VS', 'mode', 'fan_avg', ['fanIn', 'fanOut', 'fanAvg']), 'fanAvg');
  assert.equal(checkSpelledChoice('VS', 'mode', 'FANIN', ['fanIn', 'fanOut', 'fanAvg']), 'fanIn');
  fails(() => checkSpelledChoice('VS', 'mode', 'fan', ['fanIn', 'fanAvg']), `VS: mode must be 'fanIn' or 'fanAvg', got "fan".`);
});

test('checkBoolean and checkFloatDType raise the matching error types', () => {
  assert.equal(checkBoolean('GlobalMaxPooling2D', 'keepdims', false), false);
  fails(() => checkBoolean('GlobalMaxPooling2D', 'keepdims', 1), 'GlobalMaxPooling2D: keepdims must be a boolean, got 1.');
  assert.equal(checkFloatDType('softmax', 'logits', 'float64'), 'float64');
  fails(() => checkFloatDType('softmax', 'logits', 'int32'), 'softmax: logits must be float32 or float64, got int32.', DTypeError);
});
