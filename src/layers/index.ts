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
import { MultiHeadAttention, type MultiHeadAttentionLayerArgs } from './attention/multi-head-attention.js';
import { AdditiveAttention, Attention, type AdditiveAttentionLayerArgs, type AttentionLayerArgs } from './attention/attention.js';
import { PositionEmbedding, type PositionEmbeddingLayerArgs } from './attention/position-embedding.js';
// Lookup and text preprocessing layers.
import { IntegerLookup, type IntegerLookupLayerArgs } from './preprocessing/integer-lookup.js';
import { StringLookup, type StringLookupLayerArgs } from './preprocessing/string-lookup.js';
import { TextVectorization, type TextVectorizationLayerArgs } from './preprocessing/text-vectorization.js';
// Numeric and categorical preprocessing layers.
import { CategoryEncoding, type CategoryEncodingLayerArgs } from './preprocessing/category-encoding.js';
import { Discretization, type DiscretizationLayerArgs } from './preprocessing/discretization.js';
import { Hashing, type HashingLayerArgs } from './preprocessing/hashing.js';
import { Normalization, type NormalizationLayerArgs } from './preprocessing/normalization.js';
// Shape, masking, noise, normalization and activation layers (issue 17).
import { ActivityRegularization, type ActivityRegularizationLayerArgs } from './activity-regularization.js';
import { PReLU, type PReLULayerArgs } from './activation-layers.js';
import { GroupNormalization, type GroupNormalizationLayerArgs } from './group-normalization.js';
import { Masking, type MaskingLayerArgs } from './masking.js';
import {
  AlphaDropout, GaussianDropout, GaussianNoise, type AlphaDropoutLayerArgs, type GaussianDropoutLayerArgs, type GaussianNoiseLayerArgs,
} from './noise.js';
import { Permute, RepeatVector, type PermuteLayerArgs, type RepeatVectorLayerArgs } from './shape-layers.js';
import { SpatialDropout1D, SpatialDropout2D, type SpatialDropout1DLayerArgs, type SpatialDropout2DLayerArgs } from './spatial-dropout.js';
import { UnitNormalization, type UnitNormalizationLayerArgs } from './unit-normalization.js';
// Augmentation layers.
import { RandomContrast, type RandomContrastLayerArgs } from './augmentation/random-contrast.js';
import { RandomCrop, type RandomCropLayerArgs } from './augmentation/random-crop.js';
import { RandomFlip, type RandomFlipLayerArgs } from './augmentation/random-flip.js';
import { RandomRotation, type RandomRotationLayerArgs } from './augmentation/random-rotation.js';
import { RandomTranslation, type RandomTranslationLayerArgs } from './augmentation/random-translation.js';
import { RandomZoom, type RandomZoomLayerArgs } from './augmentation/random-zoom.js';
// Convolutional recurrent layers (ConvLSTM).
import { ConvLSTM1D, ConvLSTM2D, type ConvLSTMLayerArgs } from './recurrent/conv-lstm.js';

export { Layer, checkSymbolicShape, layerArgKeys, type AddWeightArgs, type CallArgs, type LayerArgs, type LayerInput, type Mask, type ShapeOrShapes } from './layer.js';
export { convFormula, paramFormula, sumFormula, term, windowFormula, type FormulaPart, type ParamFormula, type ParamTerm } from './param-formula.js';
export { checkInputSpec, type InputSpec } from './input-spec.js';
export { Node, SymbolicTensor, fmtSymbolicShape, isShapeList, sizePerSample, type SymbolicDType, type SymbolicShape } from './symbolic-tensor.js';
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
export { MultiHeadAttention, type MultiHeadAttentionCallArgs, type MultiHeadAttentionLayerArgs } from './attention/multi-head-attention.js';
export { attend, attentionMask, type AttentionInputs } from './attention/attend.js';
export { AdditiveAttention, Attention, type AdditiveAttentionLayerArgs, type AttentionCallArgs, type AttentionLayerArgs } from './attention/attention.js';
export { PositionEmbedding, type PositionEmbeddingLayerArgs } from './attention/position-embedding.js';
// Lookup and text preprocessing layers.
export { IndexLookup, LOOKUP_OUTPUT_MODES, type IndexLookupArgs, type LookupOutputMode, type TokenRows } from './preprocessing/index-lookup.js';
export { StringLookup, type StringLookupLayerArgs } from './preprocessing/string-lookup.js';
export { IntegerLookup, type IntegerLookupLayerArgs } from './preprocessing/integer-lookup.js';
export { TextVectorization, type Standardize, type TextOutputMode, type TextSplit, type TextVectorizationLayerArgs } from './preprocessing/text-vectorization.js';
// Numeric and categorical preprocessing layers.
export { PreprocessingLayer, type AdaptBatch, type AdaptOptions } from './preprocessing/preprocessing-layer.js';
export { CATEGORICAL_OUTPUT_MODES, encodeCategorical, encodedShape, type CategoricalOutputMode } from './preprocessing/categorical-encoding.js';
export { fingerprint64 } from './preprocessing/fingerprint.js';
export { Normalization, type NormalizationLayerArgs } from './preprocessing/normalization.js';
export { Discretization, type DiscretizationLayerArgs } from './preprocessing/discretization.js';
export { CategoryEncoding, type CategoryEncodingLayerArgs } from './preprocessing/category-encoding.js';
export { Hashing, type HashingLayerArgs } from './preprocessing/hashing.js';
// Shape, masking, noise, normalization and activation layers (issue 17).
export { RepeatVector, Permute, type RepeatVectorLayerArgs, type PermuteLayerArgs } from './shape-layers.js';
export { Masking, type MaskingLayerArgs } from './masking.js';
export { PReLU, type PReLULayerArgs } from './activation-layers.js';
export { GroupNormalization, type GroupNormalizationLayerArgs } from './group-normalization.js';
export { UnitNormalization, type UnitNormalizationLayerArgs } from './unit-normalization.js';
export { SpatialDropout1D, SpatialDropout2D, type SpatialDropout1DLayerArgs, type SpatialDropout2DLayerArgs } from './spatial-dropout.js';
export {
  AlphaDropout, GaussianDropout, GaussianNoise, type AlphaDropoutLayerArgs, type GaussianDropoutLayerArgs, type GaussianNoiseLayerArgs,
} from './noise.js';
export { ActivityRegularization, type ActivityRegularizationLayerArgs } from './activity-regularization.js';
// Augmentation layers.
export { AugmentationLayer, TransformLayer, affineRows, copyFactor, factorRange, type AugmentationLayerArgs, type FactorRange, type TransformLayerArgs } from './augmentation/augmentation-layer.js';
export { RandomContrast, type RandomContrastLayerArgs } from './augmentation/random-contrast.js';
export { RandomCrop, type RandomCropLayerArgs } from './augmentation/random-crop.js';
export { RandomFlip, type FlipMode, type RandomFlipLayerArgs } from './augmentation/random-flip.js';
export { RandomRotation, type RandomRotationLayerArgs } from './augmentation/random-rotation.js';
export { RandomTranslation, type RandomTranslationLayerArgs } from './augmentation/random-translation.js';
export { RandomZoom, type RandomZoomLayerArgs } from './augmentation/random-zoom.js';
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

// ---- attention ----
/**
 * A multi-head attention layer (see `MultiHeadAttention`).
 *
 * @example
 * layers.multiHeadAttention({ numHeads: 2, keyDim: 16 }).apply([x, x]);
 */
export const multiHeadAttention = (args: MultiHeadAttentionLayerArgs): MultiHeadAttention => new MultiHeadAttention(args);
/**
 * A dot-product attention layer without projections (see `Attention`).
 *
 * @example
 * layers.attention({ useScale: true }).apply([query, value]);
 */
export const attention = (args: AttentionLayerArgs = {}): Attention => new Attention(args);
/**
 * An additive (Bahdanau) attention layer (see `AdditiveAttention`).
 *
 * @example
 * layers.additiveAttention().apply([query, value]);
 */
export const additiveAttention = (args: AdditiveAttentionLayerArgs = {}): AdditiveAttention => new AdditiveAttention(args);
/**
 * Learned position vectors to add to token embeddings (see `PositionEmbedding`).
 *
 * @example
 * layers.positionEmbedding({ sequenceLength: 12 }).apply(tokens);
 */
export const positionEmbedding = (args: PositionEmbeddingLayerArgs): PositionEmbedding => new PositionEmbedding(args);

// Lookup and text preprocessing layers.
/** A layer mapping strings to vocabulary indices (see `StringLookup`). */
export const stringLookup = (args: StringLookupLayerArgs = {}): StringLookup => new StringLookup(args);
/** A layer mapping integers to vocabulary indices (see `IntegerLookup`). */
export const integerLookup = (args: IntegerLookupLayerArgs = {}): IntegerLookup => new IntegerLookup(args);
/** A layer turning texts into token indices or bag-of-words vectors (see `TextVectorization`). */
export const textVectorization = (args: TextVectorizationLayerArgs = {}): TextVectorization => new TextVectorization(args);
// Numeric and categorical preprocessing layers.
/** A layer scaling features to mean 0 and variance 1, with statistics given or adapted (see `Normalization`). */
export const normalization = (args: NormalizationLayerArgs = {}): Normalization => new Normalization(args);
/** A layer putting numbers into bins (see `Discretization`). */
export const discretization = (args: DiscretizationLayerArgs): Discretization => new Discretization(args);
/** A layer encoding integer ids as one-hot, multi-hot or count vectors (see `CategoryEncoding`). */
export const categoryEncoding = (args: CategoryEncodingLayerArgs): CategoryEncoding => new CategoryEncoding(args);
/** A layer hashing strings or integers into bins (see `Hashing`). */
export const hashing = (args: HashingLayerArgs): Hashing => new Hashing(args);
// Shape, masking, noise, normalization and activation layers (issue 17).
/**
 * A layer repeating each sample's vector as a sequence (see `RepeatVector`).
 *
 * @example
 * layers.repeatVector({ n: 5 }); // [n, 32] -> [n, 5, 32]
 */
export const repeatVector = (args: RepeatVectorLayerArgs): RepeatVector => new RepeatVector(args);
/** A layer reordering each sample's axes (see `Permute`). */
export const permute = (args: PermuteLayerArgs): Permute => new Permute(args);
/** A layer masking padding steps of float sequences (see `Masking`). */
export const masking = (args: MaskingLayerArgs = {}): Masking => new Masking(args);
/** A leaky rectifier layer with learned slopes (see `PReLU`). */
export const pReLU = (args: PReLULayerArgs = {}): PReLU => new PReLU(args);
/** A group normalization layer (see `GroupNormalization`). */
export const groupNormalization = (args: GroupNormalizationLayerArgs = {}): GroupNormalization => new GroupNormalization(args);
/** A layer scaling vectors to unit length (see `UnitNormalization`). */
export const unitNormalization = (args: UnitNormalizationLayerArgs = {}): UnitNormalization => new UnitNormalization(args);
/** A dropout layer dropping whole channels of sequences (see `SpatialDropout1D`). */
export const spatialDropout1d = (args: SpatialDropout1DLayerArgs): SpatialDropout1D => new SpatialDropout1D(args);
/** A dropout layer dropping whole channels of images (see `SpatialDropout2D`). */
export const spatialDropout2d = (args: SpatialDropout2DLayerArgs): SpatialDropout2D => new SpatialDropout2D(args);
/** A layer adding normal noise while training (see `GaussianNoise`). */
export const gaussianNoise = (args: GaussianNoiseLayerArgs): GaussianNoise => new GaussianNoise(args);
/** A layer multiplying by normal noise around 1 while training (see `GaussianDropout`). */
export const gaussianDropout = (args: GaussianDropoutLayerArgs): GaussianDropout => new GaussianDropout(args);
/** A dropout layer for SELU networks (see `AlphaDropout`). */
export const alphaDropout = (args: AlphaDropoutLayerArgs): AlphaDropout => new AlphaDropout(args);
/** A layer adding an L1/L2 penalty on its input to the loss (see `ActivityRegularization`). */
export const activityRegularization = (args: ActivityRegularizationLayerArgs = {}): ActivityRegularization => new ActivityRegularization(args);
// Transposed convolutions, Conv3D, 3-D pooling, cropping, and padding and upsampling of sequences.
import { UpSampling1D, ZeroPadding1D, type UpSampling1DLayerArgs, type ZeroPadding1DLayerArgs } from './image-resizing.js';
import { Conv1DTranspose, Conv2DTranspose, type ConvTransposeLayerArgs } from './conv-transpose.js';
import { Conv3D } from './conv.js';
import { Cropping1D, Cropping2D, Cropping3D, type Cropping1DLayerArgs, type CroppingLayerArgs } from './cropping.js';
import { AveragePooling3D, GlobalAveragePooling3D, GlobalMaxPooling3D, MaxPooling3D } from './pooling.js';
export { Conv1DTranspose, Conv2DTranspose, type ConvTransposeLayerArgs } from './conv-transpose.js';
export { Conv3D } from './conv.js';
export { Cropping1D, Cropping2D, Cropping3D, type Cropping1DLayerArgs, type CroppingLayerArgs } from './cropping.js';
export { AveragePooling3D, GlobalAveragePooling3D, GlobalMaxPooling3D, MaxPooling3D } from './pooling.js';
export { UpSampling1D, ZeroPadding1D, type UpSampling1DLayerArgs, type ZeroPadding1DLayerArgs } from './image-resizing.js';
/** A transposed 2-D convolution layer, which grows images (see `Conv2DTranspose`). */
export const conv2dTranspose = (args: ConvTransposeLayerArgs): Conv2DTranspose => new Conv2DTranspose(args);
/** A transposed 1-D convolution layer, which grows sequences (see `Conv1DTranspose`). */
export const conv1dTranspose = (args: ConvTransposeLayerArgs): Conv1DTranspose => new Conv1DTranspose(args);
/** A 3-D convolution layer over volumes (see `Conv3D`). */
export const conv3d = (args: ConvLayerArgs): Conv3D => new Conv3D(args);
/** A max pooling layer over volumes (see `MaxPooling3D`). */
export const maxPooling3d = (args: PoolingLayerArgs = {}): MaxPooling3D => new MaxPooling3D(args);
/** An average pooling layer over volumes (see `AveragePooling3D`). */
export const averagePooling3d = (args: PoolingLayerArgs = {}): AveragePooling3D => new AveragePooling3D(args);
/** A layer averaging each channel over a volume (see `GlobalAveragePooling3D`). */
export const globalAveragePooling3d = (args: GlobalPoolingLayerArgs = {}): GlobalAveragePooling3D => new GlobalAveragePooling3D(args);
/** A layer taking each channel's maximum over a volume (see `GlobalMaxPooling3D`). */
export const globalMaxPooling3d = (args: GlobalPoolingLayerArgs = {}): GlobalMaxPooling3D => new GlobalMaxPooling3D(args);
/** A layer cutting steps off the ends of sequences (see `Cropping1D`). */
export const cropping1d = (args: Cropping1DLayerArgs = {}): Cropping1D => new Cropping1D(args);
/** A layer cutting the borders of images (see `Cropping2D`). */
export const cropping2d = (args: CroppingLayerArgs = {}): Cropping2D => new Cropping2D(args);
/** A layer cutting the borders of volumes (see `Cropping3D`). */
export const cropping3d = (args: CroppingLayerArgs = {}): Cropping3D => new Cropping3D(args);
/** A layer adding steps of zeros at the ends of sequences (see `ZeroPadding1D`). */
export const zeroPadding1d = (args: ZeroPadding1DLayerArgs = {}): ZeroPadding1D => new ZeroPadding1D(args);
/** A layer repeating each step of sequences (see `UpSampling1D`). */
export const upSampling1d = (args: UpSampling1DLayerArgs = {}): UpSampling1D => new UpSampling1D(args);
// Augmentation layers.
/** A layer flipping images at random while training (see `RandomFlip`). */
export const randomFlip = (args: RandomFlipLayerArgs = {}): RandomFlip => new RandomFlip(args);
/** A layer shifting images at random while training (see `RandomTranslation`). */
export const randomTranslation = (args: RandomTranslationLayerArgs): RandomTranslation => new RandomTranslation(args);
/** A layer rotating images at random while training (see `RandomRotation`). */
export const randomRotation = (args: RandomRotationLayerArgs): RandomRotation => new RandomRotation(args);
/** A layer zooming images at random while training (see `RandomZoom`). */
export const randomZoom = (args: RandomZoomLayerArgs): RandomZoom => new RandomZoom(args);
/** A layer changing the contrast of images at random while training (see `RandomContrast`). */
export const randomContrast = (args: RandomContrastLayerArgs): RandomContrast => new RandomContrast(args);
/** A layer cropping images at random while training, in the centre at inference (see `RandomCrop`). */
export const randomCrop = (args: RandomCropLayerArgs): RandomCrop => new RandomCrop(args);
// Convolutional recurrent layers (ConvLSTM).
/** A convolutional LSTM over sequences of images (see `ConvLSTM2D`). */
export const convLstm2d = (args: ConvLSTMLayerArgs): ConvLSTM2D => new ConvLSTM2D(args);
/** A convolutional LSTM over sequences of sequences (see `ConvLSTM1D`). */
export const convLstm1d = (args: ConvLSTMLayerArgs): ConvLSTM1D => new ConvLSTM1D(args);
