/** Layers: the base class, the built-in layers, their TensorFlow.js-style factories, and the layer registry. */
import { Activation, type ActivationLayerArgs } from './activation.js';
import { Conv1D, Conv2D, DepthwiseConv2D, SeparableConv2D, type ConvLayerArgs, type DepthwiseConv2DLayerArgs, type SeparableConv2DLayerArgs } from './conv.js';
import { Dense, type DenseLayerArgs } from './dense.js';
import { Dropout, type DropoutLayerArgs } from './dropout.js';
import { Embedding, type EmbeddingLayerArgs } from './embedding.js';
import { Flatten, type FlattenLayerArgs } from './flatten.js';
import { Rescaling, type RescalingLayerArgs } from './rescaling.js';
import { UpSampling2D, ZeroPadding2D, type UpSampling2DLayerArgs, type ZeroPadding2DLayerArgs } from './image-resizing.js';
import { Input, InputLayer, type InputLayerArgs } from './input-layer.js';
import { ELU, LeakyReLU, ReLU, Softmax, type ELULayerArgs, type LeakyReLULayerArgs, type ReLULayerArgs, type SoftmaxLayerArgs } from './activation-layers.js';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract, type ConcatenateLayerArgs } from './merging.js';
import { BatchNormalization, LayerNormalization, type BatchNormalizationLayerArgs, type LayerNormalizationLayerArgs } from './normalization.js';
import {
  AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D,
  type GlobalPoolingLayerArgs, type PoolingLayerArgs,
} from './pooling.js';
import { GRU, type GRULayerArgs } from './recurrent/gru.js';
import { LSTM, type LSTMLayerArgs } from './recurrent/lstm.js';
import { RNN, type RNNLayerArgs } from './recurrent/rnn.js';
import { SimpleRNN, type SimpleRNNLayerArgs } from './recurrent/simple-rnn.js';
import { Reshape, type ReshapeLayerArgs } from './reshape.js';
import type { LayerArgs } from './layer.js';
import type { SymbolicTensor } from './symbolic-tensor.js';
import { Bidirectional, TimeDistributed, type BidirectionalLayerArgs, type TimeDistributedLayerArgs } from './wrappers.js';
// Convolutional recurrent layers (ConvLSTM).
import { ConvLSTM1D, ConvLSTM2D, type ConvLSTMLayerArgs } from './recurrent/conv-lstm.js';

export { Layer, checkSymbolicShape, layerArgKeys, type AddWeightArgs, type CallArgs, type LayerArgs, type Mask, type ShapeOrShapes } from './layer.js';
export { checkInputSpec, type InputSpec } from './input-spec.js';
export { Node, SymbolicTensor, fmtSymbolicShape, isShapeList, sizePerSample, type SymbolicShape } from './symbolic-tensor.js';
export { clearSession } from '../core/session.js';
export { toSnakeCase } from '../core/serialization.js';
export { deserializeLayer, registerLayer, serializeLayer, type LayerClass } from './registry.js';
export { Input, InputLayer, type InputLayerArgs } from './input-layer.js';
export { Dense, type DenseLayerArgs } from './dense.js';
export { Flatten, toDataFormat, type DataFormat, type FlattenLayerArgs } from './flatten.js';
export { Rescaling, type RescalingLayerArgs } from './rescaling.js';
export { Dropout, type DropoutLayerArgs } from './dropout.js';
export { Activation, type ActivationLayerArgs } from './activation.js';
export { ELU, LeakyReLU, ReLU, Softmax, type ELULayerArgs, type LeakyReLULayerArgs, type ReLULayerArgs, type SoftmaxLayerArgs } from './activation-layers.js';
export { Reshape, type ReshapeLayerArgs } from './reshape.js';
export {
  BaseConv, Conv1D, Conv2D, DepthwiseConv2D, SeparableConv2D,
  type BaseConvLayerArgs, type ConvLayerArgs, type DepthwiseConv2DLayerArgs, type SeparableConv2DLayerArgs, type WindowPadding,
} from './conv.js';
export {
  AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D,
  type GlobalPoolingLayerArgs, type PoolingLayerArgs,
} from './pooling.js';
export { UpSampling2D, ZeroPadding2D, type UpSampling2DLayerArgs, type ZeroPadding2DLayerArgs } from './image-resizing.js';
export { BatchNormalization, LayerNormalization, type BatchNormalizationLayerArgs, type LayerNormalizationLayerArgs } from './normalization.js';
export { Embedding, type EmbeddingLayerArgs } from './embedding.js';
export { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract, type ConcatenateLayerArgs } from './merging.js';
export { GatedCell, RNNCell, cellArgKeys, type CellRun, type GatedCellArgs, type RNNCellArgs } from './recurrent/rnn-cell.js';
export { RNN, type RNNBaseArgs, type RNNCallArgs, type RNNLayerArgs } from './recurrent/rnn.js';
export { SimpleRNN, SimpleRNNCell, type SimpleRNNCellArgs, type SimpleRNNLayerArgs } from './recurrent/simple-rnn.js';
export { LSTM, LSTMCell, type LSTMCellArgs, type LSTMLayerArgs } from './recurrent/lstm.js';
export { GRU, GRUCell, type GRUCellArgs, type GRULayerArgs } from './recurrent/gru.js';
export { Bidirectional, TimeDistributed, type BidirectionalLayerArgs, type MergeMode, type TimeDistributedLayerArgs } from './wrappers.js';
// Convolutional recurrent layers (ConvLSTM).
export { ConvLSTM1D, ConvLSTM2D, ConvLSTMCell, type ConvLSTMConvArgs, type ConvLSTMLayerArgs } from './recurrent/conv-lstm.js';

/**
 * A fully connected layer (see `Dense`).
 *
 * @example
 * layers.dense({ units: 10, activation: 'softmax' });
 */
export const dense = (args: DenseLayerArgs): Dense => new Dense(args);
/** A layer that flattens each sample (see `Flatten`). */
export const flatten = (args: FlattenLayerArgs = {}): Flatten => new Flatten(args);
/** A layer computing `x * scale + offset` (see `Rescaling`). */
export const rescaling = (args: RescalingLayerArgs): Rescaling => new Rescaling(args);
/** A dropout layer (see `Dropout`). */
export const dropout = (args: DropoutLayerArgs): Dropout => new Dropout(args);
/** A layer applying an activation function (see `Activation`). */
export const activation = (args: ActivationLayerArgs): Activation => new Activation(args);
/**
 * A leaky rectifier layer (see `LeakyReLU`).
 *
 * @example
 * layers.leakyReLU({ negativeSlope: 0.1 });
 */
export const leakyReLU = (args: LeakyReLULayerArgs = {}): LeakyReLU => new LeakyReLU(args);
/** A rectifier layer with an optional ceiling, threshold and slope (see `ReLU`). */
export const reLU = (args: ReLULayerArgs = {}): ReLU => new ReLU(args);
/** A softmax layer over one axis (see `Softmax`). */
export const softmax = (args: SoftmaxLayerArgs = {}): Softmax => new Softmax(args);
/** An exponential linear unit layer (see `ELU`). */
export const elu = (args: ELULayerArgs = {}): ELU => new ELU(args);
/** A layer reshaping each sample (see `Reshape`). */
export const reshape = (args: ReshapeLayerArgs): Reshape => new Reshape(args);
/** An input layer (see `InputLayer`); `input()` gives its symbolic tensor directly. */
export const inputLayer = (args: InputLayerArgs): InputLayer => new InputLayer(args);
/** A symbolic model input, as `Input()` (TensorFlow.js's `tf.input`). */
export const input = (args: InputLayerArgs): SymbolicTensor => Input(args);
/** A 2-D convolution layer (see `Conv2D`). */
export const conv2d = (args: ConvLayerArgs): Conv2D => new Conv2D(args);
/** A 1-D convolution layer (see `Conv1D`). */
export const conv1d = (args: ConvLayerArgs): Conv1D => new Conv1D(args);
/** A depthwise 2-D convolution layer (see `DepthwiseConv2D`). */
export const depthwiseConv2d = (args: DepthwiseConv2DLayerArgs): DepthwiseConv2D => new DepthwiseConv2D(args);
/** A depthwise-separable 2-D convolution layer (see `SeparableConv2D`). */
export const separableConv2d = (args: SeparableConv2DLayerArgs): SeparableConv2D => new SeparableConv2D(args);
/** A 2-D max pooling layer (see `MaxPooling2D`). */
export const maxPooling2d = (args: PoolingLayerArgs = {}): MaxPooling2D => new MaxPooling2D(args);
/** A 2-D average pooling layer (see `AveragePooling2D`). */
export const averagePooling2d = (args: PoolingLayerArgs = {}): AveragePooling2D => new AveragePooling2D(args);
/** A 1-D max pooling layer (see `MaxPooling1D`). */
export const maxPooling1d = (args: PoolingLayerArgs = {}): MaxPooling1D => new MaxPooling1D(args);
/** A 1-D average pooling layer (see `AveragePooling1D`). */
export const averagePooling1d = (args: PoolingLayerArgs = {}): AveragePooling1D => new AveragePooling1D(args);
/** A global average pooling layer over images (see `GlobalAveragePooling2D`). */
export const globalAveragePooling2d = (args: GlobalPoolingLayerArgs = {}): GlobalAveragePooling2D => new GlobalAveragePooling2D(args);
/** A global max pooling layer over images (see `GlobalMaxPooling2D`). */
export const globalMaxPooling2d = (args: GlobalPoolingLayerArgs = {}): GlobalMaxPooling2D => new GlobalMaxPooling2D(args);
/** A global average pooling layer over steps (see `GlobalAveragePooling1D`). */
export const globalAveragePooling1d = (args: GlobalPoolingLayerArgs = {}): GlobalAveragePooling1D => new GlobalAveragePooling1D(args);
/** A global max pooling layer over steps (see `GlobalMaxPooling1D`). */
export const globalMaxPooling1d = (args: GlobalPoolingLayerArgs = {}): GlobalMaxPooling1D => new GlobalMaxPooling1D(args);
/** A layer adding a border of zeros to images (see `ZeroPadding2D`). */
export const zeroPadding2d = (args: ZeroPadding2DLayerArgs = {}): ZeroPadding2D => new ZeroPadding2D(args);
/** A layer enlarging images (see `UpSampling2D`). */
export const upSampling2d = (args: UpSampling2DLayerArgs = {}): UpSampling2D => new UpSampling2D(args);
/** A batch normalization layer (see `BatchNormalization`). */
export const batchNormalization = (args: BatchNormalizationLayerArgs = {}): BatchNormalization => new BatchNormalization(args);
/** A layer normalization layer (see `LayerNormalization`). */
export const layerNormalization = (args: LayerNormalizationLayerArgs = {}): LayerNormalization => new LayerNormalization(args);
/** An embedding layer (see `Embedding`). */
export const embedding = (args: EmbeddingLayerArgs): Embedding => new Embedding(args);
/** A recurrent layer running a given cell (see `RNN`). */
export const rnn = (args: RNNLayerArgs): RNN => new RNN(args);
/** A fully connected recurrent layer (see `SimpleRNN`). */
export const simpleRNN = (args: SimpleRNNLayerArgs): SimpleRNN => new SimpleRNN(args);
/** A long short-term memory layer (see `LSTM`). */
export const lstm = (args: LSTMLayerArgs): LSTM => new LSTM(args);
/** A gated recurrent unit layer (see `GRU`). */
export const gru = (args: GRULayerArgs): GRU => new GRU(args);
/** A wrapper running a recurrent layer both ways (see `Bidirectional`). */
export const bidirectional = (args: BidirectionalLayerArgs): Bidirectional => new Bidirectional(args);
/** A wrapper applying a layer at every step (see `TimeDistributed`). */
export const timeDistributed = (args: TimeDistributedLayerArgs): TimeDistributed => new TimeDistributed(args);
/** A layer adding its inputs (see `Add`). */
export const add = (args: LayerArgs = {}): Add => new Add(args);
/** A layer subtracting its second input from its first (see `Subtract`). */
export const subtract = (args: LayerArgs = {}): Subtract => new Subtract(args);
/** A layer multiplying its inputs (see `Multiply`). */
export const multiply = (args: LayerArgs = {}): Multiply => new Multiply(args);
/** A layer averaging its inputs (see `Average`). */
export const average = (args: LayerArgs = {}): Average => new Average(args);
/** A layer taking the elementwise maximum of its inputs (see `Maximum`). */
export const maximum = (args: LayerArgs = {}): Maximum => new Maximum(args);
/** A layer taking the elementwise minimum of its inputs (see `Minimum`). */
export const minimum = (args: LayerArgs = {}): Minimum => new Minimum(args);
/** A layer joining its inputs along an axis (see `Concatenate`). */
export const concatenate = (args: ConcatenateLayerArgs = {}): Concatenate => new Concatenate(args);
// Convolutional recurrent layers (ConvLSTM).
/** A convolutional LSTM over sequences of images (see `ConvLSTM2D`). */
export const convLstm2d = (args: ConvLSTMLayerArgs): ConvLSTM2D => new ConvLSTM2D(args);
/** A convolutional LSTM over sequences of sequences (see `ConvLSTM1D`). */
export const convLstm1d = (args: ConvLSTMLayerArgs): ConvLSTM1D => new ConvLSTM1D(args);
