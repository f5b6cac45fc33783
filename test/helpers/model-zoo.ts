/**
 * Small models built in Strata with every layer it shares with Keras, for the trips to other
 * engines: each with inputs, and for some a compile (optimizer, loss) and targets to train on.
 */
import * as s from '../../src/node/index.js';

const { layers } = s;

/** A model built in Strata for the trip to Keras; `fit`, when given, compiles and trains it one step first. */
export interface ZooModel {
  name: string;
  build: () => s.Model;
  inputs: () => s.Tensor[];
  fit?: { optimizer: () => s.Optimizer; loss: string | string[]; y: () => s.Tensor[] };
}

/** A tensor of standard normal values. */
export const normal = (...shape: number[]): s.Tensor => s.randomNormal(shape);
/** Token ids below `vocab`, every fifth one 0 (the mask). */
const ints = (shape: number[], vocab: number): s.Tensor => {
  const values = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (i % 5 === 0 ? 0 : 1 + ((i * 7) % (vocab - 1))));
  return s.tensor(values, shape, 'int32');
};
/** A Sequential model of `stack` on an input of `inputShape`. */
export const seq = (inputShape: number[], stack: s.layers.Layer[], dtype: s.DType = 'float32'): s.Model =>
  s.sequential([layers.inputLayer({ shape: inputShape, dtype }), ...stack]);

/** The models; `fit` ones train one step before they are saved. */
export const ZOO: ZooModel[] = [
  {
    name: 'mlp_batch_norm',
    build: () => seq([5], [layers.dense({ units: 4, activation: 'tanh' }), layers.batchNormalization(), layers.dense({ units: 2 })]),
    inputs: () => [normal(4, 5)],
    fit: { optimizer: () => new s.Adam({ learningRate: 0.01 }), loss: 'mse', y: () => [normal(4, 2)] },
  },
  {
    name: 'cnn',
    build: () => seq([6, 6, 2], [
      layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2 }),
      layers.separableConv2d({ filters: 2, kernelSize: 1 }),
      layers.globalAveragePooling2d(),
      layers.dense({ units: 2 }),
    ]),
    inputs: () => [normal(4, 6, 6, 2)],
    fit: { optimizer: () => new s.SGD({ learningRate: 0.05, momentum: 0.9 }), loss: 'mse', y: () => [normal(4, 2)] },
  },
  {
    name: 'text_rnn',
    build: () => seq([7], [
      layers.embedding({ inputDim: 12, outputDim: 4, maskZero: true }),
      layers.lstm({ units: 5, returnSequences: true }),
      layers.gru({ units: 3 }),
      layers.dense({ units: 2, activation: 'softmax' }),
    ], 'int32'),
    inputs: () => [ints([4, 7], 12)],
    fit: { optimizer: () => new s.Adam({ learningRate: 0.02 }), loss: 'categorical_crossentropy', y: () => [s.tensor([[1, 0], [0, 1], [0, 1], [1, 0]])] },
  },
  {
    name: 'two_towers',
    build: () => {
      const a = s.Input({ shape: [6], name: 'query' });
      const b = s.Input({ shape: [6], name: 'doc' });
      const shared = layers.dense({ units: 4, activation: 'relu', name: 'encoder' });
      const [ea, eb] = [shared.apply(a) as s.SymbolicTensor, shared.apply(b) as s.SymbolicTensor];
      const score = layers.dense({ units: 1, activation: 'sigmoid', name: 'score' }).apply(layers.concatenate().apply([ea, eb]));
      const diff = layers.dense({ units: 2, name: 'diff_head' }).apply(layers.subtract().apply([ea, eb]));
      return s.model({ inputs: [a, b], outputs: [score as s.SymbolicTensor, diff as s.SymbolicTensor] });
    },
    inputs: () => [normal(4, 6), normal(4, 6)],
    fit: { optimizer: () => new s.Adam({ learningRate: 0.01 }), loss: ['binary_crossentropy', 'mse'], y: () => [s.tensor([[1], [0], [1], [1]]), normal(4, 2)] },
  },
  {
    name: 'conv1d_pooling',
    build: () => seq([9, 3], [
      layers.conv1d({ filters: 4, kernelSize: 3, padding: 'causal', activation: 'elu' }),
      layers.leakyReLU({ negativeSlope: 0.2 }),
      layers.maxPooling1d({ poolSize: 2 }),
      layers.conv1d({ filters: 3, kernelSize: 2, dilationRate: 2, padding: 'same' }),
      layers.averagePooling1d({ poolSize: 2, strides: 1 }),
      layers.globalMaxPooling1d(),
    ]),
    inputs: () => [normal(3, 9, 3)],
  },
  {
    name: 'recurrent_wrappers',
    build: () => seq([5, 3], [
      layers.bidirectional({ layer: layers.lstm({ units: 3, returnSequences: true }) }),
      layers.timeDistributed({ layer: layers.dense({ units: 2 }) }),
      layers.simpleRNN({ units: 4, returnSequences: true, goBackwards: true }),
      layers.bidirectional({ layer: layers.gru({ units: 2, resetAfter: false }), mergeMode: 'sum' }),
    ]),
    inputs: () => [normal(3, 5, 3)],
  },
  {
    name: 'lstm_state',
    build: () => {
      const x = s.Input({ shape: [5, 3] });
      const [out, h, c] = layers.lstm({ units: 4, returnState: true }).applyMulti(x) as s.SymbolicTensor[];
      const back = layers.gru({ units: 2, goBackwards: true }).apply(x) as s.SymbolicTensor;
      return s.model({ inputs: x, outputs: [out!, h!, c!, back] });
    },
    inputs: () => [normal(3, 5, 3)],
  },
  {
    name: 'image_ops',
    build: () => seq([4, 4, 3], [
      layers.rescaling({ scale: 1 / 255, offset: -0.5 }),
      layers.zeroPadding2d({ padding: [[1, 0], [2, 1]] }),
      layers.upSampling2d({ size: [2, 1] }),
      layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
      layers.globalMaxPooling2d({ keepdims: true }),
      layers.layerNormalization(),
      layers.flatten(),
      layers.dense({ units: 6 }),
      layers.reshape({ targetShape: [2, 3] }),
      layers.activation({ activation: 'softmax' }),
      layers.dropout({ rate: 0.3 }),
    ]),
    inputs: () => [s.mul(s.randomUniform([3, 4, 4, 3]), 255)],
  },
  {
    name: 'activation_layers',
    build: () => seq([6], [
      layers.dense({ units: 5 }),
      layers.reLU({ maxValue: 0.8, negativeSlope: 0.1, threshold: 0.1 }),
      layers.dense({ units: 4 }),
      layers.elu({ alpha: 0.5 }),
      layers.reshape({ targetShape: [2, 2] }),
      layers.softmax({ axis: 1 }),
    ]),
    inputs: () => [normal(3, 6)],
  },
  {
    name: 'rnn_cells',
    build: () => seq([5, 3], [
      layers.rnn({ cell: new layers.LSTMCell({ units: 4 }), returnSequences: true }),
      layers.rnn({ cell: new layers.GRUCell({ units: 3 }), returnSequences: true, goBackwards: true }),
      layers.rnn({ cell: new layers.SimpleRNNCell({ units: 2 }) }),
    ]),
    inputs: () => [normal(3, 5, 3)],
  },
  {
    name: 'activations',
    build: () => {
      const x = s.Input({ shape: [4] });
      const names = ['linear', 'relu', 'leaky_relu', 'elu', 'selu', 'gelu', 'sigmoid', 'hard_sigmoid', 'tanh', 'softmax', 'log_softmax', 'softplus', 'softsign', 'silu', 'swish', 'mish', 'exponential'];
      const ys = names.map((activation) => layers.dense({ units: 3, activation, name: `act_${activation}` }).apply(x) as s.SymbolicTensor);
      return s.model({ inputs: x, outputs: layers.concatenate().apply(ys) as s.SymbolicTensor });
    },
    inputs: () => [normal(3, 4)],
  },
  {
    name: 'nested',
    build: () => {
      const inner = s.sequential({ layers: [layers.inputLayer({ shape: [4] }), layers.dense({ units: 3, activation: 'relu' }), layers.dense({ units: 3 })], name: 'block' });
      const x = s.Input({ shape: [4] });
      return s.model({ inputs: x, outputs: layers.dense({ units: 2 }).apply(inner.apply(x)) as s.SymbolicTensor });
    },
    inputs: () => [normal(3, 4)],
  },
  {
    name: 'merges',
    build: () => {
      const a = s.Input({ shape: [4] });
      const b = s.Input({ shape: [4] });
      const merged = [layers.add(), layers.subtract(), layers.multiply(), layers.average(), layers.maximum(), layers.minimum()]
        .map((l) => l.apply([a, b]) as s.SymbolicTensor);
      return s.model({ inputs: [a, b], outputs: layers.concatenate({ axis: -1 }).apply(merged) as s.SymbolicTensor });
    },
    inputs: () => [normal(3, 4), normal(3, 4)],
  },
  // Numeric and categorical preprocessing layers (Hashing stays out: Keras's needs TensorFlow, which the venv lacks).
  {
    name: 'numeric_preprocessing',
    build: () => {
      const x = s.Input({ shape: [3], name: 'features' });
      const ids = s.Input({ shape: [2], dtype: 'int32', name: 'ids' });
      const adapted = layers.normalization();
      adapted.adapt(s.tensor([[1, 10, -3], [3, 30, 5], [2, 0, 1], [0, 4, 4]]));
      const parts = [
        layers.dense({ units: 2 }).apply(adapted.apply(x)),
        layers.normalization({ mean: [1, -1, 0.5], variance: [4, 1, 0.25], invert: true }).apply(x),
        layers.flatten().apply(layers.discretization({ binBoundaries: [-0.5, 0, 0.5], outputMode: 'one_hot' }).apply(x)),
        layers.categoryEncoding({ numTokens: 5, outputMode: 'count' }).apply(ids),
      ] as s.SymbolicTensor[];
      return s.model({ inputs: [x, ids], outputs: layers.dense({ units: 3 }).apply(layers.concatenate().apply(parts)) as s.SymbolicTensor });
    },
    inputs: () => [normal(3, 3), s.tensor([[0, 4], [2, 2], [1, 3]], undefined, 'int32')],
  },
  // Issue 17 (h-misc): shape, masking, noise, normalization and activation layers; masks into RNNs and pooling.
  {
    name: 'masking_rnn',
    build: () => {
      const x = s.Input({ shape: [5, 3] });
      const h = layers.timeDistributed({ layer: layers.dense({ units: 4 }) }).apply(layers.masking().apply(x));
      const sequence = layers.lstm({ units: 3, returnSequences: true }).apply(h);
      // Not GlobalMaxPooling1D: Keras warns when a mask reaches a layer that does not use it.
      const outputs = [layers.globalAveragePooling1d().apply(sequence), layers.gru({ units: 2, goBackwards: true }).apply(sequence)];
      return s.model({ inputs: x, outputs: outputs as s.SymbolicTensor[] });
    },
    inputs: () => [s.mul(normal(4, 5, 3), s.tensor([1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1], [4, 5, 1]))],
  },
  {
    name: 'shape_noise_layers',
    build: () => seq([6], [
      layers.dense({ units: 8 }),
      layers.pReLU({ alphaInitializer: 'randomNormal' }),
      layers.repeatVector({ n: 3 }),
      layers.permute({ dims: [2, 1] }),
      layers.pReLU({ sharedAxes: [2], alphaInitializer: 'randomNormal' }),
      layers.spatialDropout1d({ rate: 0.3 }),
      layers.gaussianNoise({ stddev: 0.2 }),
      layers.gaussianDropout({ rate: 0.2 }),
      layers.alphaDropout({ rate: 0.1 }),
      layers.activityRegularization({ l1: 0.01 }),
      layers.unitNormalization({ axis: 1 }),
      layers.flatten(),
      layers.dense({ units: 2 }),
    ]),
    inputs: () => [normal(3, 6)],
  },
  {
    name: 'group_normalization',
    build: () => seq([4, 4, 6], [
      layers.groupNormalization({ groups: 3, gammaInitializer: 'randomNormal', betaInitializer: 'randomNormal' }),
      layers.spatialDropout2d({ rate: 0.2 }),
      layers.conv2d({ filters: 4, kernelSize: 3 }),
      layers.groupNormalization({ groups: 2, epsilon: 0.01, center: false, gammaInitializer: 'randomNormal' }),
      layers.unitNormalization({ axis: [1, 2] }),
      layers.flatten(),
      layers.dense({ units: 2 }),
    ]),
    inputs: () => [normal(3, 4, 4, 6)],
  },
  // Transposed convolutions, Conv3D, 3-D pooling and cropping.
  {
    name: 'conv_transpose',
    build: () => seq([4, 5, 2], [
      layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      layers.conv2dTranspose({ filters: 2, kernelSize: [2, 3], strides: [2, 1], outputPadding: [1, 0] }),
      layers.cropping2d({ cropping: [[1, 2], [0, 1]] }),
      layers.reshape({ targetShape: [-1, 2] }),
      layers.conv1dTranspose({ filters: 2, kernelSize: 2, strides: 3, outputPadding: 1 }),
      layers.cropping1d({ cropping: [1, 2] }),
      layers.zeroPadding1d({ padding: [2, 1] }),
      layers.upSampling1d({ size: 3 }),
    ]),
    inputs: () => [normal(3, 4, 5, 2)],
  },
  {
    name: 'conv3d_pooling',
    build: () => {
      const x = s.Input({ shape: [4, 5, 4, 2] });
      let a = layers.conv3d({ filters: 4, kernelSize: [2, 3, 2], padding: 'same', activation: 'relu' }).apply(x) as s.SymbolicTensor;
      a = layers.conv3d({ filters: 4, kernelSize: 2, strides: [1, 2, 1], groups: 2 }).apply(a) as s.SymbolicTensor;
      const b = layers.maxPooling3d({ poolSize: [2, 2, 1] }).apply(a) as s.SymbolicTensor;
      const c = layers.averagePooling3d({ poolSize: 2, strides: 1, padding: 'same' }).apply(a) as s.SymbolicTensor;
      const cropped = layers.cropping3d({ cropping: [[1, 0], [0, 1], [1, 1]] }).apply(x) as s.SymbolicTensor;
      const ys = [layers.globalAveragePooling3d().apply(b), layers.globalMaxPooling3d().apply(c), layers.flatten().apply(cropped)] as s.SymbolicTensor[];
      return s.model({ inputs: x, outputs: layers.concatenate().apply(ys) as s.SymbolicTensor });
    },
    inputs: () => [normal(3, 4, 5, 4, 2)],
  },
  // ---- attention ----
  {
    name: 'attention',
    build: () => {
      const x = s.Input({ shape: [5, 6] });
      const c = s.Input({ shape: [4, 6] });
      const selfAttended = layers.multiHeadAttention({ numHeads: 2, keyDim: 3 }).apply([x, x], { useCausalMask: true });
      const [cross, scores] = layers.multiHeadAttention({ numHeads: 2, keyDim: 4, valueDim: 2, outputShape: 5 }).applyMulti([selfAttended, c], { returnAttentionScores: true });
      const concat = layers.attention({ useScale: true, scoreMode: 'concat' }).apply([x, c]);
      const additive = layers.additiveAttention().apply([x, c, c]);
      return s.model({ inputs: [x, c], outputs: [cross!, scores!, concat, additive] });
    },
    inputs: () => [normal(3, 5, 6), normal(3, 4, 6)],
  },
  {
    name: 'attention_masked',
    build: () => {
      const ids = s.Input({ shape: [7], dtype: 'int32' });
      const e = layers.embedding({ inputDim: 12, outputDim: 8, maskZero: true }).apply(ids);
      const attended = layers.multiHeadAttention({ numHeads: 2, keyDim: 4 }).apply([e, e]);
      return s.model({ inputs: ids, outputs: layers.dense({ units: 2 }).apply(layers.globalAveragePooling1d().apply(attended)) });
    },
    inputs: () => [ints([3, 7], 12)],
  },
  // Augmentation layers (h-augment): identities at inference, so Keras must read their configs and predict as the Conv2D does.
  {
    name: 'augmentation',
    build: () => seq([6, 6, 2], [
      layers.randomFlip({ mode: 'vertical', seed: 1 }),
      layers.randomTranslation({ heightFactor: [-0.1, 0.2], widthFactor: 0.1, fillMode: 'nearest' }),
      layers.randomRotation({ factor: 0.1, fillMode: 'constant', fillValue: 0.5 }),
      layers.randomZoom({ heightFactor: 0.2, widthFactor: null, interpolation: 'nearest' }),
      layers.randomContrast({ factor: [0.2, 0.3], valueRange: [0, 1], seed: 2 }),
      layers.randomCrop({ height: 6, width: 6, seed: 3 }),
      layers.conv2d({ filters: 1, kernelSize: 3 }),
    ]),
    inputs: () => [normal(3, 6, 6, 2)],
  },
  // ConvLSTM and stateful recurrent layers (h-convlstm).
  {
    name: 'conv_lstm',
    build: () => {
      const x = s.Input({ shape: [3, 6, 6, 2] });
      const [seqs, h, c] = layers.convLstm2d({ filters: 3, kernelSize: [3, 2], padding: 'same', returnSequences: true, returnState: true }).applyMulti(x) as s.SymbolicTensor[];
      const last = layers.convLstm2d({ filters: 2, kernelSize: 2, strides: 2, goBackwards: true, unitForgetBias: false }).apply(seqs!) as s.SymbolicTensor;
      const y = s.Input({ shape: [4, 5, 2] });
      const one = layers.convLstm1d({ filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same', returnSequences: true }).apply(y) as s.SymbolicTensor;
      return s.model({ inputs: [x, y], outputs: [seqs!, h!, c!, last, one] });
    },
    inputs: () => [normal(3, 3, 6, 6, 2), normal(3, 4, 5, 2)],
  },
  {
    name: 'stateful_lstm',
    build: () => s.sequential([layers.inputLayer({ batchShape: [3, 4, 2] }), layers.lstm({ units: 3, stateful: true, returnSequences: true }), layers.gru({ units: 2, stateful: true })]),
    inputs: () => [normal(3, 4, 2)],
  },
  {
    name: 'encoder_decoder',
    build: () => {
      const source = s.Input({ shape: [5, 3] });
      const target = s.Input({ shape: [4, 2] });
      const [, h, c] = layers.lstm({ units: 4, returnState: true }).applyMulti(source);
      const decoded = layers.lstm({ units: 4, returnSequences: true }).apply([target, h!, c!]);
      const [, g] = layers.gru({ units: 3, returnState: true }).applyMulti(source);
      const gru = layers.gru({ units: 3 }).apply(target, { initialState: [g!] });
      return s.model({ inputs: [source, target], outputs: [layers.dense({ units: 2 }).apply(decoded), gru] });
    },
    inputs: () => [normal(3, 5, 3), normal(3, 4, 2)],
  },
];
