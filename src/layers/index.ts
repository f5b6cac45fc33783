/** Layers: the base class, the built-in layers, their TensorFlow.js-style factories, and the layer registry. */
import { Activation, type ActivationLayerArgs } from './activation.js';
import { Dense, type DenseLayerArgs } from './dense.js';
import { Dropout, type DropoutLayerArgs } from './dropout.js';
import { Flatten, type FlattenLayerArgs } from './flatten.js';
import { Input, InputLayer, type InputLayerArgs } from './input-layer.js';
import { Reshape, type ReshapeLayerArgs } from './reshape.js';
import type { SymbolicTensor } from './symbolic-tensor.js';

export { Layer, checkSymbolicShape, type AddWeightArgs, type CallArgs, type LayerArgs, type ShapeOrShapes } from './layer.js';
export { checkInputSpec, type InputSpec } from './input-spec.js';
export { Node, SymbolicTensor, fmtSymbolicShape, isShapeList, sizePerSample, type SymbolicShape } from './symbolic-tensor.js';
export { clearSession, toSnakeCase } from './names.js';
export { deserializeLayer, registerLayer, serializeLayer, type LayerClass } from './registry.js';
export { Input, InputLayer, type InputLayerArgs } from './input-layer.js';
export { Dense, type DenseLayerArgs } from './dense.js';
export { Flatten, toDataFormat, type DataFormat, type FlattenLayerArgs } from './flatten.js';
export { Dropout, type DropoutLayerArgs } from './dropout.js';
export { Activation, type ActivationLayerArgs } from './activation.js';
export { Reshape, type ReshapeLayerArgs } from './reshape.js';

/**
 * A fully connected layer (see `Dense`).
 *
 * @example
 * layers.dense({ units: 10, activation: 'softmax' });
 */
export const dense = (args: DenseLayerArgs): Dense => new Dense(args);
/** A layer that flattens each sample (see `Flatten`). */
export const flatten = (args: FlattenLayerArgs = {}): Flatten => new Flatten(args);
/** A dropout layer (see `Dropout`). */
export const dropout = (args: DropoutLayerArgs): Dropout => new Dropout(args);
/** A layer applying an activation function (see `Activation`). */
export const activation = (args: ActivationLayerArgs): Activation => new Activation(args);
/** A layer reshaping each sample (see `Reshape`). */
export const reshape = (args: ReshapeLayerArgs): Reshape => new Reshape(args);
/** An input layer (see `InputLayer`); `input()` gives its symbolic tensor directly. */
export const inputLayer = (args: InputLayerArgs): InputLayer => new InputLayer(args);
/** A symbolic model input, as `Input()` (TensorFlow.js's `tf.input`). */
export const input = (args: InputLayerArgs): SymbolicTensor => Input(args);
