/**
 * Checks of the JSON a saved model file describes itself with (its `modelConfig` and
 * `trainingConfig`), before anything is built from it: a malformed field is a ValueError naming
 * the file and the field, never a TypeError from deep inside a constructor.
 */
import { ValueError } from '../core/errors.js';
import { normalizeName, type Serialized } from '../core/serialization.js';
import type { TrainingConfig } from '../io/artifacts.js';
import type { SavedArchitecture } from './saving.js';


type Fail = (field: string, expected: string, got: unknown) => never;

function failer(source: string): Fail {
  return (field, expected, got) => {
    const shown = JSON.stringify(got);
    throw new ValueError(`${source}: ${field} must be ${expected}, got ${shown === undefined ? String(got) : shown.length > 80 ? `${shown.slice(0, 77)}...` : shown} (the file is corrupt or was edited).`);
  };
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function checkSerialized(fail: Fail, field: string, x: unknown): asserts x is Serialized {
  if (!isObject(x) || typeof x['className'] !== 'string') fail(field, 'a {className, config} object', x);
  if (x['config'] !== undefined && !isObject(x['config'])) fail(`${field}.config`, 'an object', x['config']);
}

function checkArray(fail: Fail, field: string, x: unknown): asserts x is unknown[] {
  if (!Array.isArray(x)) fail(field, 'an array', x);
}

/** A reference to a layer call's output in a functional model's config: [layer name, call index, output index]. */
function checkRef(fail: Fail, field: string, x: unknown): void {
  if (!Array.isArray(x) || x.length !== 3 || typeof x[0] !== 'string' || !Number.isSafeInteger(x[1]) || x[1] < 0 || !Number.isSafeInteger(x[2]) || x[2] < 0) {
    fail(field, 'a [layer name, call index, output index] reference', x);
  }
}

/**
 * Checks the structure of a saved architecture: a serialized layer, and for the models among its
 * layers (Functional, Sequential, at any depth) the lists and references their configs hold.
 * The layers' own arguments are checked by their constructors.
 */
export function checkModelConfig(x: unknown, source: string, field = 'modelConfig'): asserts x is SavedArchitecture {
  const fail: Fail = failer(source);
  checkSerialized(fail, field, x);
  checkSubclassFields(fail, field, x as Record<string, unknown>);
  const config = x.config ?? {};
  const kind = normalizeName(x.className);
  if (kind !== 'functional' && kind !== 'sequential') return;
  const layers = config['layers'];
  checkArray(fail, `${field}.config.layers`, layers);
  layers.forEach((entry, i) => {
    const at = `${field}.config.layers[${i}]`;
    if (kind === 'sequential') return checkModelConfig(entry, source, at);
    checkModelConfig(entry, source, at);
    const e = entry as unknown as Record<string, unknown>;
    if (typeof e['name'] !== 'string') fail(`${at}.name`, 'a string', e['name']);
    checkArray(fail, `${at}.inboundNodes`, e['inboundNodes']);
    e['inboundNodes'].forEach((node, j) => {
      if (!isObject(node)) return fail(`${at}.inboundNodes[${j}]`, 'an {inputs, asList} object', node);
      checkArray(fail, `${at}.inboundNodes[${j}].inputs`, node['inputs']);
      node['inputs'].forEach((r, k) => checkRef(fail, `${at}.inboundNodes[${j}].inputs[${k}]`, r));
      if (node['options'] !== undefined && !isObject(node['options'])) fail(`${at}.inboundNodes[${j}].options`, 'an object of call options', node['options']);
    });
  });
  if (kind === 'functional') {
    for (const key of ['inputLayers', 'outputLayers']) {
      const refs = config[key];
      checkArray(fail, `${field}.config.${key}`, refs);
      if (refs.length === 0) fail(`${field}.config.${key}`, 'a non-empty array', refs);
      refs.forEach((r, k) => checkRef(fail, `${field}.config.${key}[${k}]`, r));
    }
  }
}

const isShape = (s: unknown): boolean => Array.isArray(s) && s.every((d) => d === null || (Number.isSafeInteger(d) && (d as number) >= 0));

/** A subclassed model's build config (its input shape or shapes) and layer names, when present (see `SavedArchitecture`). */
function checkSubclassFields(fail: Fail, field: string, x: Record<string, unknown>): void {
  const build = x['buildConfig'];
  if (build !== undefined) {
    const shape = isObject(build) ? build['inputShape'] : undefined;
    if (!isShape(shape) && !(Array.isArray(shape) && shape.length > 0 && shape.every(isShape))) {
      fail(`${field}.buildConfig`, 'an {inputShape} object holding a shape (or a list of shapes) of sizes and nulls', build);
    }
  }
  const names = x['layerNames'];
  if (names !== undefined && !(Array.isArray(names) && names.every((n) => typeof n === 'string' && n !== '' && !n.includes('/')))) {
    fail(`${field}.layerNames`, 'an array of layer names', names);
  }
}

/** Checks the structure of saved compile settings (the values themselves are checked when they are rebuilt). */
export function checkTrainingConfig(x: unknown, source: string): asserts x is TrainingConfig {
  const fail: Fail = failer(source);
  if (!isObject(x)) fail('trainingConfig', 'an object', x);
  const optimizer = x['optimizer'];
  checkSerialized(fail, 'trainingConfig.optimizer', optimizer);
  if (!isObject(optimizer.config)) fail('trainingConfig.optimizer.config', 'an object', optimizer.config);
  const losses = x['losses'];
  checkArray(fail, 'trainingConfig.losses', losses);
  losses.forEach((l, i) => checkSerialized(fail, `trainingConfig.losses[${i}]`, l));
  const weights = x['lossWeights'];
  checkArray(fail, 'trainingConfig.lossWeights', weights);
  if (weights.length !== losses.length) fail('trainingConfig.lossWeights', `an array of ${losses.length} numbers (one per loss)`, weights);
  weights.forEach((w, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w)) fail(`trainingConfig.lossWeights[${i}]`, 'a finite number', w);
  });
  const metrics = x['metrics'];
  checkArray(fail, 'trainingConfig.metrics', metrics);
  metrics.forEach((ms, i) => {
    checkArray(fail, `trainingConfig.metrics[${i}]`, ms);
    ms.forEach((m, j) => checkSerialized(fail, `trainingConfig.metrics[${i}][${j}]`, m));
  });
  if (x['jitCompile'] !== undefined && typeof x['jitCompile'] !== 'boolean') fail('trainingConfig.jitCompile', 'true or false', x['jitCompile']);
}
