"""Has the real Keras 3 write a small model for every layer Strata supports, for the peer tests.

Usage: KERAS_BACKEND=jax python generate.py OUT_DIR

Writes into OUT_DIR, for each case, NAME.keras and Keras 3's legacy NAME.h5 (the same weights),
and manifest.json: per model its files, fixed inputs and Keras's predictions; per training case a
`.keras` and a legacy `.h5` saved after one `train_on_batch` (so they hold the optimizer's state), the batch, and every
layer's weights after Keras's next step on that batch. Weights are drawn from a seeded generator
(biases, BatchNormalization's statistics and gammas included) so that no value is a default that
would hide a misplaced weight. Nothing here is committed: the tests run it into a temp directory.
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

BATCH = 3
rng = np.random.default_rng(13)


def floats(*shape):
    return rng.normal(0.0, 1.0, size=(BATCH, *shape)).astype("float32")


def tokens(steps, vocab):
    """Token ids with 0 (the mask) at the start of one row and the end of another, and none in a third."""
    ids = rng.integers(1, vocab, size=(BATCH, steps)).astype("int32")
    ids[0, :2] = 0
    ids[1, -3:] = 0
    return ids


def sequential(input_shape, *stack, dtype="float32"):
    return keras.Sequential([keras.Input(shape=input_shape, dtype=dtype), *stack])


def case_dense():
    return sequential((5,), layers.Dense(4, activation="relu"), layers.Dense(3, activation="softmax")), [floats(5)]


def case_dense_3d():
    return sequential((4, 5), layers.Dense(3, use_bias=False, activation="tanh")), [floats(4, 5)]


def case_activations():
    x = keras.Input(shape=(4,))
    names = ["linear", "relu", "leaky_relu", "elu", "selu", "gelu", "sigmoid", "hard_sigmoid", "tanh", "softmax",
             "log_softmax", "softplus", "softsign", "silu", "mish", "exponential"]
    ys = [layers.Dense(3, activation=name, name=f"act_{name}")(x) for name in names]
    return keras.Model(x, layers.Concatenate()(ys)), [floats(4)]


def case_conv2d():
    return sequential(
        (7, 6, 2),
        layers.Conv2D(3, 3, padding="same", activation="relu"),
        layers.Conv2D(4, (2, 3), strides=2),
        layers.Conv2D(2, 2, dilation_rate=2, padding="same", use_bias=False),
        layers.Conv2D(4, 1, groups=2),
        layers.Flatten(),
        layers.Dense(2),
    ), [floats(7, 6, 2)]


def case_conv1d():
    return sequential(
        (9, 3),
        layers.Conv1D(4, 3, padding="causal", activation="elu"),
        layers.Conv1D(2, 2, strides=2, padding="same"),
        layers.Conv1D(3, 3, dilation_rate=2),
    ), [floats(9, 3)]


def case_depthwise_separable():
    return sequential(
        (6, 6, 2),
        layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same", activation="relu"),
        layers.SeparableConv2D(3, 3, strides=2, depth_multiplier=2),
        layers.SeparableConv2D(2, 2, padding="same", use_bias=False),
    ), [floats(6, 6, 2)]


def case_pooling2d():
    x = keras.Input(shape=(6, 6, 2))
    a = layers.MaxPooling2D(2)(x)
    a = layers.AveragePooling2D(3, strides=1, padding="same")(a)
    b = layers.AveragePooling2D((2, 3))(x)
    b = layers.MaxPooling2D(2, strides=1, padding="same")(b)
    ys = [layers.GlobalMaxPooling2D()(a), layers.GlobalAveragePooling2D()(b), layers.Flatten()(a),
          layers.Flatten()(layers.GlobalAveragePooling2D(keepdims=True)(x))]
    return keras.Model(x, layers.Concatenate()(ys)), [floats(6, 6, 2)]


def case_pooling1d():
    x = keras.Input(shape=(8, 3))
    a = layers.MaxPooling1D(2)(x)
    a = layers.AveragePooling1D(3, strides=1, padding="same")(a)
    ys = [layers.GlobalMaxPooling1D()(a), layers.GlobalAveragePooling1D()(x), layers.Flatten()(layers.AveragePooling1D(2)(x))]
    return keras.Model(x, layers.Concatenate()(ys)), [floats(8, 3)]


def case_batch_norm():
    return sequential(
        (5, 5, 2),
        layers.Conv2D(3, 3),
        layers.BatchNormalization(),
        layers.Flatten(),
        layers.Dense(4),
        layers.BatchNormalization(epsilon=0.01, center=False),
        layers.Dense(2),
        layers.BatchNormalization(scale=False, momentum=0.9),
    ), [floats(5, 5, 2)]


def case_layer_norm():
    return sequential(
        (4, 5),
        layers.LayerNormalization(),
        layers.Dense(3),
        layers.LayerNormalization(epsilon=0.1, center=False),
    ), [floats(4, 5)]


def case_embedding_gru():
    return sequential(
        (7,),
        layers.Embedding(12, 4, mask_zero=True),
        layers.GRU(5),
        layers.Dense(2),
        dtype="int32",
    ), [tokens(7, 12)]


def case_embedding_lstm():
    return sequential(
        (7,),
        layers.Embedding(12, 4, mask_zero=True),
        layers.LSTM(5, return_sequences=True),
        layers.LSTM(3),
        dtype="int32",
    ), [tokens(7, 12)]


def case_embedding_plain():
    return sequential((6,), layers.Embedding(9, 3), layers.GlobalAveragePooling1D(), dtype="int32"), [tokens(6, 9)]


def case_simple_rnn():
    return sequential(
        (6, 3),
        layers.SimpleRNN(4, return_sequences=True, go_backwards=True),
        layers.SimpleRNN(3, activation="relu"),
    ), [floats(6, 3)]


def case_lstm_state():
    x = keras.Input(shape=(5, 3))
    seq, h, c = layers.LSTM(4, return_sequences=True, return_state=True)(x)
    back = layers.LSTM(2, go_backwards=True)(seq)
    return keras.Model(x, [seq, h, c, back]), [floats(5, 3)]


def case_gru_variants():
    x = keras.Input(shape=(5, 3))
    before, state = layers.GRU(4, reset_after=False, return_state=True)(x)
    after = layers.GRU(3, go_backwards=True, return_sequences=True)(x)
    return keras.Model(x, [before, state, after]), [floats(5, 3)]


def case_bidirectional():
    return sequential(
        (5, 3),
        layers.Bidirectional(layers.LSTM(3, return_sequences=True)),
        layers.Bidirectional(layers.GRU(2), merge_mode="sum"),
    ), [floats(5, 3)]


def case_bidirectional_modes():
    x = keras.Input(shape=(4, 2))
    ys = [layers.Bidirectional(layers.SimpleRNN(2), merge_mode=mode)(x) for mode in ["mul", "ave"]]
    return keras.Model(x, ys), [floats(4, 2)]


def case_time_distributed():
    return sequential(
        (4, 5, 5, 1),
        layers.TimeDistributed(layers.Conv2D(2, 3)),
        layers.TimeDistributed(layers.Flatten()),
        layers.TimeDistributed(layers.Dense(3)),
    ), [floats(4, 5, 5, 1)]


def case_merges():
    a = keras.Input(shape=(4,), name="left")
    b = keras.Input(shape=(4,), name="right")
    ys = [op()([a, b]) for op in (layers.Add, layers.Subtract, layers.Multiply, layers.Average, layers.Maximum, layers.Minimum)]
    joined = layers.Concatenate(axis=-1)(ys)
    return keras.Model([a, b], [joined, layers.Concatenate(axis=1)([a, b])]), [floats(4), floats(4)]


def case_core_shapes():
    return sequential(
        (12,),
        layers.Reshape((4, 3)),
        layers.Dense(2),
        layers.Flatten(),
        layers.Activation("softmax"),
        layers.Dropout(0.5),
        layers.Reshape((2, -1)),
    ), [floats(12)]


def case_rescaling():
    return sequential((4, 4, 3), layers.Rescaling(1 / 255, offset=-0.5), layers.Conv2D(2, 2)), [
        rng.integers(0, 256, size=(BATCH, 4, 4, 3)).astype("float32")
    ]


def case_padding_upsampling():
    return sequential(
        (3, 4, 2),
        layers.ZeroPadding2D(((1, 0), (2, 1))),
        layers.UpSampling2D((2, 1)),
        layers.ZeroPadding2D(1),
        layers.UpSampling2D(2),
        layers.UpSampling2D((1, 2), interpolation="bilinear"),
        layers.Conv2D(1, 3),
    ), [floats(3, 4, 2)]


def case_leaky_relu():
    return sequential((5,), layers.Dense(4), layers.LeakyReLU(negative_slope=0.2), layers.Dense(3), layers.LeakyReLU()), [floats(5)]


def case_activation_layers():
    return sequential(
        (6,),
        layers.Dense(5, kernel_regularizer="l2"),
        layers.ReLU(max_value=0.8, negative_slope=0.1, threshold=0.1),
        layers.Dense(4),
        layers.ELU(alpha=0.5),
        layers.Dense(4),
        layers.ReLU(),
        layers.Reshape((2, 2)),
        layers.Softmax(axis=1),
    ), [floats(6)]


def case_rnn_cells():
    return sequential(
        (5, 3),
        layers.RNN(layers.LSTMCell(4), return_sequences=True),
        layers.RNN(layers.GRUCell(3), return_sequences=True, go_backwards=True),
        layers.RNN(layers.SimpleRNNCell(2)),
    ), [floats(5, 3)]


def case_functional_shared():
    """Two inputs and two outputs; one Dense applied to both inputs; layers named by the user, not by class."""
    a = keras.Input(shape=(6,), name="query")
    b = keras.Input(shape=(6,), name="doc")
    shared = layers.Dense(4, activation="tanh", name="encoder")
    ea, eb = shared(a), shared(b)
    score = layers.Dense(1, activation="sigmoid", name="score")(layers.Concatenate()([ea, eb]))
    diff = layers.Dense(2, name="diff_head")(layers.Subtract()([ea, eb]))
    return keras.Model([a, b], [score, diff], name="siamese"), [floats(6), floats(6)]


def case_nested_sequential():
    inner = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="relu"), layers.Dense(3)], name="block")
    x = keras.Input(shape=(4,))
    return keras.Model(x, layers.Dense(2)(inner(x))), [floats(4)]


# Numeric and categorical preprocessing layers (Hashing needs TensorFlow, which the venv lacks).
def case_numeric_preprocessing():
    norm = layers.Normalization(axis=-1)
    norm.adapt(floats(3) * 4 + 2)
    x = keras.Input(shape=(3,), name="features")
    ids = keras.Input(shape=(2,), name="ids", dtype="int32")
    given = layers.Normalization(mean=[1.0, -1.0, 0.5], variance=[4.0, 1.0, 0.25], invert=True)(x)
    bins = layers.Discretization(bin_boundaries=[-0.5, 0.0, 0.5], output_mode="one_hot")(x)
    joined = layers.Concatenate()([layers.Dense(2)(norm(x)), given, layers.Flatten()(bins), layers.CategoryEncoding(num_tokens=5, output_mode="count")(ids)])
    return keras.Model([x, ids], layers.Dense(3)(joined)), [floats(3), rng.integers(0, 5, size=(BATCH, 2)).astype("int32")]
# Issue 17 (h-misc): shape, masking, noise, normalization and activation layers; masks flowing into RNNs and pooling.
def padded_floats(steps, features):
    """Floats with all-zero (masked) steps at the end of one row and the start of another."""
    x = floats(steps, features)
    x[0, -2:] = 0.0
    x[1, :1] = 0.0
    return x


def case_masking_rnn():
    return sequential(
        (5, 3),
        layers.Masking(),
        layers.TimeDistributed(layers.Dense(4)),
        layers.LSTM(3, return_sequences=True),
        layers.GRU(2, return_sequences=True, go_backwards=True),
        layers.GlobalAveragePooling1D(),
    ), [padded_floats(5, 3)]


def case_masking_functional():
    """In a functional model Keras 3 records the masks as NotEqual and Any operations passed as `mask` arguments."""
    x = keras.Input(shape=(5, 3))
    h = layers.TimeDistributed(layers.Dense(4))(layers.Masking()(x))
    seq = layers.LSTM(3, return_sequences=True)(h)
    ids = keras.Input(shape=(6,), dtype="int32")
    emb = layers.GRU(2)(layers.Embedding(10, 3, mask_zero=True)(ids))
    outputs = [layers.GlobalAveragePooling1D()(seq), layers.GlobalMaxPooling1D()(seq), layers.GRU(2, go_backwards=True)(seq), emb]
    return keras.Model([x, ids], outputs), [padded_floats(5, 3), tokens(6, 10)]


def case_masking_max_pooling():
    return sequential((5, 3), layers.Masking(), layers.LSTM(3, return_sequences=True), layers.GlobalMaxPooling1D()), [padded_floats(5, 3)]


def case_masking_value():
    return sequential((4, 2), layers.Masking(mask_value=0.5), layers.SimpleRNN(3, return_sequences=True), layers.GlobalAveragePooling1D()), [
        np.where(np.arange(4)[None, :, None] == 2, 0.5, floats(4, 2)).astype("float32")]


def case_embedding_mask_dense():
    return sequential(
        (6,),
        layers.Embedding(10, 4, mask_zero=True),
        layers.Dense(3, activation="tanh"),
        layers.SimpleRNN(3),
        dtype="int32",
    ), [tokens(6, 10)]


def case_shape_noise_layers():
    return sequential(
        (6,),
        layers.Dense(8),
        layers.PReLU(),
        layers.RepeatVector(3),
        layers.Permute((2, 1)),
        layers.PReLU(shared_axes=[2]),
        layers.SpatialDropout1D(0.3),
        layers.GaussianNoise(0.2),
        layers.GaussianDropout(0.2),
        layers.AlphaDropout(0.1),
        layers.ActivityRegularization(l1=0.01),
        layers.UnitNormalization(axis=1),
        layers.Flatten(),
        layers.Dense(2),
    ), [floats(6)]


def case_group_normalization():
    return sequential(
        (4, 4, 6),
        layers.GroupNormalization(groups=3),
        layers.SpatialDropout2D(0.2),
        layers.Conv2D(4, 3),
        layers.GroupNormalization(groups=2, epsilon=0.01, center=False),
        layers.UnitNormalization(axis=[1, 2]),
        layers.Flatten(),
        layers.Dense(2),
    ), [floats(4, 4, 6)]
# Transposed convolutions, Conv3D, 3-D pooling and cropping.
def case_conv_transpose():
    return sequential(
        (4, 5, 2),
        layers.Conv2DTranspose(3, 3, strides=2, padding="same", activation="relu"),
        layers.Conv2DTranspose(2, (2, 3), strides=(2, 1), output_padding=(1, 0)),
        layers.Conv2DTranspose(2, 2, dilation_rate=2, use_bias=False),
        layers.Cropping2D(((1, 2), (0, 1))),
        layers.Conv2DTranspose(1, 3, strides=2, padding="same", output_padding=1),
    ), [floats(4, 5, 2)]


def case_conv1d_transpose():
    return sequential(
        (5, 3),
        layers.Conv1DTranspose(4, 3, strides=2, padding="same", activation="tanh"),
        layers.Conv1DTranspose(2, 2, strides=3, output_padding=1),
        layers.Cropping1D((1, 2)),
        layers.ZeroPadding1D((2, 1)),
        layers.UpSampling1D(3),
        layers.Conv1D(2, 3),
    ), [floats(5, 3)]


def case_conv3d_pooling():
    x = keras.Input(shape=(4, 5, 4, 2))
    a = layers.Conv3D(4, (2, 3, 2), padding="same", activation="relu")(x)
    a = layers.Conv3D(4, 2, strides=(1, 2, 1), groups=2)(a)
    b = layers.MaxPooling3D((2, 2, 1))(a)
    c = layers.AveragePooling3D(2, strides=1, padding="same")(a)
    ys = [layers.GlobalAveragePooling3D()(b), layers.GlobalMaxPooling3D()(c), layers.Flatten()(layers.Cropping3D(((1, 0), (0, 1), (1, 1)))(x))]
    return keras.Model(x, layers.Concatenate()(ys)), [floats(4, 5, 4, 2)]
# ---- attention ----
def case_attention():
    """Self-attention with a causal mask, cross-attention returning its scores (value_dim and output_shape of their own), Attention and AdditiveAttention."""
    x = keras.Input(shape=(5, 6))
    c = keras.Input(shape=(4, 6))
    self_attended = layers.MultiHeadAttention(num_heads=2, key_dim=3)(x, x, use_causal_mask=True)
    cross, scores = layers.MultiHeadAttention(num_heads=2, key_dim=4, value_dim=2, output_shape=5)(self_attended, c, return_attention_scores=True)
    concat = layers.Attention(use_scale=True, score_mode="concat")([x, c])
    additive = layers.AdditiveAttention()([x, c, c])
    return keras.Model([x, c], [cross, scores, concat, additive]), [floats(5, 6), floats(4, 6)]
# Augmentation layers (h-augment): identities at inference, so the configs and the Conv2D after them are what is checked.
def case_augmentation():
    return sequential(
        (6, 6, 2),
        layers.RandomFlip("horizontal", seed=1),
        layers.RandomTranslation(0.1, (-0.2, 0.3), fill_mode="constant", fill_value=0.5),
        layers.RandomRotation((-0.1, 0.2), interpolation="nearest"),
        layers.RandomZoom(0.2, width_factor=(-0.1, 0.1), fill_mode="wrap"),
        layers.RandomContrast(0.3, value_range=(0, 1)),
        # A crop of the input's own size: Keras 3.15 passes inputs through at inference, Strata crops the centre.
        layers.RandomCrop(6, 6, seed=3),
        layers.Conv2D(1, 3),
    ), [floats(6, 6, 2)]


# ConvLSTM and stateful recurrent layers (h-convlstm).
def case_conv_lstm():
    """ConvLSTM2D with states and sequences, one with strides read backwards, and a dilated ConvLSTM1D."""
    x = keras.Input(shape=(3, 6, 6, 2))
    seqs, h, c = layers.ConvLSTM2D(3, (3, 2), padding="same", return_sequences=True, return_state=True)(x)
    last = layers.ConvLSTM2D(2, 2, strides=2, go_backwards=True, unit_forget_bias=False)(seqs)
    y = keras.Input(shape=(4, 5, 2))
    one = layers.ConvLSTM1D(3, 3, dilation_rate=2, padding="same", return_sequences=True)(y)
    return keras.Model([x, y], [seqs, h, c, last, one]), [floats(3, 6, 6, 2), floats(4, 5, 2)]


def case_stateful_lstm():
    """A stateful LSTM (fixed batch size): the first call starts from zeros, as a loaded model's does."""
    return keras.Sequential([keras.Input(batch_shape=(BATCH, 4, 2)), layers.LSTM(3, stateful=True, return_sequences=True), layers.GRU(2, stateful=True)]), [floats(4, 2)]

def case_encoder_decoder():
    """An encoder's final states start a decoder: Keras records them as `initial_state` in the call's kwargs."""
    source = keras.Input(shape=(5, 3))
    target = keras.Input(shape=(4, 2))
    _, h, c = layers.LSTM(4, return_state=True)(source)
    decoded = layers.LSTM(4, return_sequences=True)(target, initial_state=[h, c])
    _, g = layers.GRU(3, return_state=True)(source)
    return keras.Model([source, target], [layers.Dense(2)(decoded), layers.GRU(3)(target, initial_state=g)]), [floats(5, 3), floats(4, 2)]


CASES = {name[len("case_"):]: fn for name, fn in globals().items() if name.startswith("case_")}


def randomize(model):
    """Every weight drawn afresh: variances positive, everything else around zero and never a default."""
    for v in model.weights:
        shape = tuple(v.shape)
        if "variance" in v.path:
            values = rng.uniform(0.5, 1.5, size=shape)
        else:
            values = rng.normal(0.0, 0.4, size=shape)
        v.assign(values.astype(v.dtype))
    # NOTE: Keras's Normalization computes with copies of its weights that finalize_state takes: take them again.
    for layer in model.layers:
        if isinstance(layer, layers.Normalization):
            layer.finalize_state()


def tensor_json(array):
    array = np.asarray(array)
    return {"shape": list(array.shape), "dtype": str(array.dtype), "values": array.astype("float64").ravel().tolist()}


def as_list(outputs):
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def layer_weights(model):
    """Each layer's weights (trainable and not), in the layer's own order, keyed by the layer's name."""
    out = {}
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            out.update(layer_weights(layer))
        elif layer.weights:
            out[layer.name] = [tensor_json(keras.ops.convert_to_numpy(w)) for w in layer.weights]
    return out


def write_models(out_dir):
    models = []
    for name, build in CASES.items():
        keras.backend.clear_session()
        model, inputs = build()
        randomize(model)
        model.compile(optimizer="adam", loss="mse")
        files = {"keras": f"{name}.keras", "h5": f"{name}.h5"}
        model.save(os.path.join(out_dir, files["keras"]))
        model.save(os.path.join(out_dir, files["h5"]))
        outputs = as_list(model(inputs if len(inputs) > 1 else inputs[0], training=False))
        models.append({
            "name": name,
            "files": files,
            "layers": [layer.__class__.__name__ for layer in model.layers],
            "inputs": [tensor_json(x) for x in inputs],
            "outputs": [tensor_json(keras.ops.convert_to_numpy(y)) for y in outputs],
        })
    return models


TRAINING = {
    "adam": lambda: keras.optimizers.Adam(learning_rate=0.01),
    "sgd_momentum": lambda: keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
}


def write_training(out_dir):
    """Keras trains one step and saves; the test has Strata take the second step that Keras takes here."""
    cases = []
    for opt_name, make_optimizer in TRAINING.items():
        keras.backend.clear_session()
        model = sequential((5,), layers.Dense(4, activation="tanh"), layers.BatchNormalization(), layers.Dense(2))
        randomize(model)
        model.compile(optimizer=make_optimizer(), loss="mse")
        x, y = floats(5), floats(2)
        model.train_on_batch(x, y)
        files = {"keras": f"trained_{opt_name}.keras", "h5": f"trained_{opt_name}.h5"}
        for file in files.values():
            model.save(os.path.join(out_dir, file))
        model.train_on_batch(x, y)
        cases.append({"name": opt_name, "files": files, "x": tensor_json(x), "y": tensor_json(y), "next": layer_weights(model)})
    return cases


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: generate.py OUT_DIR")
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    keras.utils.set_random_seed(13)
    manifest = {
        "keras_version": keras.__version__,
        "backend": keras.backend.backend(),
        "models": write_models(out_dir),
        "training": write_training(out_dir),
    }
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f)


if __name__ == "__main__":
    main()
