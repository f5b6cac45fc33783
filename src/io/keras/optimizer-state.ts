/**
 * An optimizer's state between Keras's order and Strata's names.
 *
 * Keras stores the state as a list: the iteration count first, then (Keras 3) the learning rate,
 * then one variable per slot and trainable weight, in the order of the model's trainable weights.
 * Keras 3 makes the slots of one kind together per weight (Adam: momentum and velocity of each
 * weight in turn), and each further kind in a run of its own (AMSGrad's velocity_hat, RMSprop's
 * momentum and average_gradient); older Keras wrote every kind as its own run (all m, then all v),
 * and Keras 2.2's Adam three runs with placeholder vhat slots of shape [1]. Strata names each slot
 * `<optimizer>/<weight>/<slot>`. Reading tries the layouts and keeps the one whose shapes match
 * the model's weights; when none does, the state is left out with a warning and the optimizer
 * starts afresh, which is what Keras itself would do with a state it cannot place.
 */
import { sizeOf } from '../../core/shape.js';
import type { NamedValues, SerializedObject } from '../artifacts.js';
import { strataVariables, type ConfigLayer } from './weight-layout.js';

/** The slots of Strata's optimizers in Keras's order: runs of slot kinds made together per weight. */
export function slotRuns(optimizer: SerializedObject): string[][] | undefined {
  const c = optimizer.config;
  const positive = (key: string): boolean => typeof c[key] === 'number' && (c[key] as number) > 0;
  switch (optimizer.className) {
    case 'Adam':
    case 'AdamW':
      return c['amsgrad'] === true ? [['m', 'v'], ['vHat']] : [['m', 'v']];
    case 'RMSprop':
      return [['velocity'], ...(positive('momentum') ? [['momentum']] : []), ...(c['centered'] === true ? [['averageGradient']] : [])];
    case 'SGD':
      return positive('momentum') ? [['momentum']] : [];
    case 'Adagrad':
      return [['accumulator']];
    default:
      return undefined;
  }
}

/** The value a slot starts from before the first step (Adagrad's accumulator starts at its initial value, the others at 0). */
function initialValue(optimizer: SerializedObject, slot: string): number {
  const start = optimizer.config['initialAccumulatorValue'];
  return slot === 'accumulator' && typeof start === 'number' ? start : 0;
}

/** A model variable an optimizer may update: its Strata name and shape. */
interface TrainableVariable {
  name: string;
  shape: readonly number[];
}

/** The order of (slot, variable) pairs that `runs` make over `variables`. */
function layoutOf(runs: string[][], variables: readonly TrainableVariable[]): { slot: string; variable: TrainableVariable }[] {
  return runs.flatMap((run) => variables.flatMap((variable) => run.map((slot) => ({ slot, variable }))));
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** What reading an optimizer's state gave: Strata's named state, or why it was left out. */
export interface RestoredState {
  state: NamedValues[];
  dropped?: string;
}

/** A model's layers, nested models' layers in place of the model. */
function flatLayers(layers: readonly ConfigLayer[]): ConfigLayer[] {
  return layers.flatMap((l) => (l.layers ? flatLayers(l.layers) : [l]));
}

/**
 * Strata's optimizer state from Keras's list `entries` (in Keras's order), for a model with
 * `layers` whose weights have `shapes` (by Strata name) and the optimizer `optimizer`.
 */
export function optimizerStateFromKeras(entries: readonly NamedValues[], optimizer: SerializedObject, layers: readonly ConfigLayer[], shapes: ReadonlyMap<string, readonly number[]>): RestoredState {
  const leftOut = (why: string): RestoredState => ({ state: [], dropped: `the optimizer's saved state was not restored (${why}); training continues with a fresh ${optimizer.className} state.` });
  if (entries.length === 0) return { state: [] };
  const [iterations, ...rest] = entries;
  if (iterations!.shape.length !== 0 || iterations!.dtype !== 'int32') return leftOut(`its first variable should be the iteration count, a scalar integer, but has shape [${iterations!.shape.join(',')}] (${iterations!.dtype})`);
  // Keras 3 keeps the learning rate (a scalar) after the count; no slot is a scalar.
  const slots = rest.filter((e) => e.shape.length > 0);
  const name = typeof optimizer.config['name'] === 'string' ? optimizer.config['name'] : optimizer.className.toLowerCase();
  // An optimizer Keras had not built yet (a compiled model that never trained) saves no slots: nothing is lost.
  if (slots.length === 0) return { state: [{ ...iterations!, name: `${name}/iterations` }] };
  const runs = slotRuns(optimizer);
  if (!runs) return leftOut(`Strata does not know the slot order of ${optimizer.className}`);
  const all: (TrainableVariable & { layerTrainable: boolean })[] = [];
  for (const layer of flatLayers(layers)) {
    const vars = strataVariables(layer);
    if (!vars) {
      if ([...shapes.keys()].some((n) => n.startsWith(`${layer.name}/`))) return leftOut(`it refers to the weights of layer '${layer.name}' (${layer.className}) by position, which Strata cannot name`);
      continue;
    }
    for (const v of vars) {
      const shape = shapes.get(v.name);
      if (v.trainable && shape) all.push({ name: v.name, shape, layerTrainable: layer.config['trainable'] !== false });
    }
  }
  // A model frozen after training keeps the slots of its frozen weights.
  const candidates = [all.filter((v) => v.layerTrainable), all];
  const layouts = [runs, runs.flat().map((s) => [s])];
  for (const variables of candidates) {
    for (const r of layouts) {
      const plan = layoutOf(r, variables);
      const extra = slots.slice(plan.length);
      // Keras 2.2's Adam adds a placeholder vhat of shape [1] per weight when amsgrad is off.
      if (slots.length < plan.length || !extra.every((e) => sameShape(e.shape, [1]))) continue;
      if (!plan.every((p, i) => sameShape(p.variable.shape, slots[i]!.shape) && slots[i]!.dtype === 'float32')) continue;
      return {
        state: [
          { ...iterations!, name: `${name}/iterations` },
          ...plan.map((p, i) => ({ ...slots[i]!, name: `${name}/${p.variable.name}/${p.slot}` })),
        ],
      };
    }
  }
  return leftOut(`its ${slots.length} slot variables do not match the shapes of the model's trainable weights in any order Keras writes`);
}

/**
 * Keras 3's `optimizer/vars` list from Strata's state: the iteration count, the learning rate
 * (when it is a number), then the slots of the trainable weights (`weights`, in the model's
 * order, with their layer's trainability) in Keras's order. An optimizer with no slots yet (no
 * step taken) stops after the learning rate, as Keras writes one it has not built, so that a
 * Keras file read and written again keeps its layout; a slot missing among others is written with
 * the value it starts from, as Keras would make it.
 */
export function optimizerStateToKeras(state: readonly NamedValues[], optimizer: SerializedObject, weights: readonly (TrainableVariable & { trainable: boolean })[]): NamedValues[] | undefined {
  const runs = slotRuns(optimizer);
  if (!runs) return undefined;
  const byKey = new Map(state.map((s) => [s.name.slice(s.name.indexOf('/') + 1), s]));
  const count = byKey.get('iterations');
  const out: NamedValues[] = [{ name: 'iteration', shape: [], dtype: 'int32', values: new Int32Array([count ? Number(count.values instanceof Int32Array ? count.values[0] : (count.values as Float32Array)[0]) : 0]) }];
  const rate = optimizer.config['learningRate'];
  if (typeof rate === 'number') out.push({ name: 'learning_rate', shape: [], dtype: 'float32', values: new Float32Array([rate]) });
  if (state.length <= 1) return out;
  for (const { slot, variable } of layoutOf(runs, weights.filter((w) => w.trainable))) {
    const saved = byKey.get(`${variable.name}/${slot}`);
    const size = sizeOf(variable.shape);
    out.push({ name: `${variable.name}/${slot}`, shape: [...variable.shape], dtype: 'float32', values: saved?.values ?? new Float32Array(size).fill(initialValue(optimizer, slot)) });
  }
  return out;
}
