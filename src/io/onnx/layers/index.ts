/** The layer converters by Strata class name, and which layers pass a mask on (as each layer's `supportsMasking` says). */
import { activationLayer, leakyReluLayer } from '../activations.js';
import type { Converter } from '../converter.js';
import { convolution, depthwise } from './conv.js';
import { dense, embedding, flatten, identity, rescaling, reshape } from './core.js';
import { upSampling2d, zeroPadding2d } from './image.js';
import { concatenate, elementwise } from './merging.js';
import { batchNormalization, layerNormalization } from './normalization.js';
import { globalPooling, pooling } from './pooling.js';
import { recurrent } from './recurrent.js';
import { bidirectional, timeDistributed } from './wrappers.js';

/** Each exportable layer class, its converter, and whether a mask on its input reaches its output. */
export const CONVERTERS: Record<string, { convert: Converter; passesMask?: boolean }> = {
  Dense: { convert: dense, passesMask: true },
  Activation: { convert: activationLayer, passesMask: true },
  LeakyReLU: { convert: leakyReluLayer, passesMask: true },
  Dropout: { convert: identity, passesMask: true },
  Rescaling: { convert: rescaling, passesMask: true },
  Flatten: { convert: flatten },
  Reshape: { convert: reshape },
  Embedding: { convert: embedding, passesMask: true },
  Conv1D: { convert: convolution(1) },
  Conv2D: { convert: convolution(2) },
  DepthwiseConv2D: { convert: depthwise(false) },
  SeparableConv2D: { convert: depthwise(true) },
  MaxPooling1D: { convert: pooling(1, 'MaxPool') },
  MaxPooling2D: { convert: pooling(2, 'MaxPool') },
  AveragePooling1D: { convert: pooling(1, 'AveragePool') },
  AveragePooling2D: { convert: pooling(2, 'AveragePool') },
  GlobalMaxPooling1D: { convert: globalPooling(1, 'ReduceMax') },
  GlobalMaxPooling2D: { convert: globalPooling(2, 'ReduceMax') },
  GlobalAveragePooling1D: { convert: globalPooling(1, 'ReduceMean') },
  GlobalAveragePooling2D: { convert: globalPooling(2, 'ReduceMean') },
  BatchNormalization: { convert: batchNormalization, passesMask: true },
  LayerNormalization: { convert: layerNormalization, passesMask: true },
  ZeroPadding2D: { convert: zeroPadding2d },
  UpSampling2D: { convert: upSampling2d },
  Add: { convert: elementwise('Sum'), passesMask: true },
  Subtract: { convert: elementwise('Sub'), passesMask: true },
  Multiply: { convert: elementwise('Mul'), passesMask: true },
  Average: { convert: elementwise('Sum', true), passesMask: true },
  Maximum: { convert: elementwise('Max'), passesMask: true },
  Minimum: { convert: elementwise('Min'), passesMask: true },
  Concatenate: { convert: concatenate, passesMask: true },
  SimpleRNN: { convert: recurrent },
  LSTM: { convert: recurrent },
  GRU: { convert: recurrent },
  RNN: { convert: recurrent },
  Bidirectional: { convert: bidirectional },
  TimeDistributed: { convert: timeDistributed, passesMask: true },
};
