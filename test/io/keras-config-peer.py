import json, sys, os
os.environ.setdefault('KERAS_BACKEND', 'jax')
import keras
from keras import layers as L

def zoo():
    out = []
    out.append(keras.Sequential([keras.Input((12,)), L.Dense(8, activation='relu', kernel_regularizer='l2'), L.LeakyReLU(negative_slope=0.1), L.ReLU(max_value=6, negative_slope=0.1, threshold=0.5), L.ELU(0.5), L.Softmax(), L.Dropout(0.2), L.BatchNormalization(), L.Dense(3, activation='hard_sigmoid')], name='dense_stack'))
    out.append(keras.Sequential([keras.Input((16, 16, 3)), L.Rescaling(1 / 255), L.ZeroPadding2D(((1, 2), (0, 1))), L.Conv2D(4, 3, strides=2, padding='same', activation='elu'),
        L.DepthwiseConv2D(3, depth_multiplier=2, padding='same'), L.SeparableConv2D(5, (2, 3), activation='gelu'), L.UpSampling2D((2, 1)), L.MaxPooling2D(), L.AveragePooling2D((2, 1), strides=1, padding='same'),
        L.GlobalMaxPooling2D(keepdims=True), L.Flatten(), L.Activation('softmax')], name='convs'))
    out.append(keras.Sequential([keras.Input((10,), dtype='int32'), L.Embedding(50, 6, mask_zero=True), L.LSTM(5, return_sequences=True, unit_forget_bias=False), L.GRU(4, return_sequences=True, reset_after=False),
        L.Bidirectional(L.SimpleRNN(3, return_sequences=True), merge_mode='sum'), L.TimeDistributed(L.Dense(2)), L.RNN(L.LSTMCell(3), return_sequences=True), L.Conv1D(2, 2, padding='causal'),
        L.MaxPooling1D(2), L.LayerNormalization(epsilon=1e-6), L.GlobalAveragePooling1D(), L.Reshape((1, 2)), L.GlobalMaxPooling1D()], name='seqs'))
    a = keras.Input((6,), name='a'); b = keras.Input((6,), name='b')
    shared = L.Dense(6, activation='tanh', name='shared'); sa = shared(a); sb = shared(b)
    merged = L.Concatenate()([L.Add()([sa, sb]), L.Subtract()([sa, sb]), L.Multiply()([sa, sb]), L.Average()([sa, sb]), L.Maximum()([sa, sb]), L.Minimum()([sa, sb])])
    inner = keras.Sequential([keras.Input((36,)), L.Dense(2, activation='sigmoid')], name='inner')
    i = keras.Input((6,)); twice = keras.Model(i, L.Dense(3)(i), name='twice')
    out.append(keras.Model([a, b], [inner(merged), sa, twice(sa), twice(sb)], name='heads'))
    return out

req = json.load(sys.stdin)
result = {'zoo': [], 'loaded': []}
for m in zoo():
    result['zoo'].append({'config': keras.saving.serialize_keras_object(m), 'params': int(m.count_params())})
for cfg in req['check']:
    try:
        m = keras.saving.deserialize_keras_object(cfg)
        result['loaded'].append({'params': int(m.count_params()), 'layers': [l.name for l in m.layers]})
    except Exception as e:
        result['loaded'].append({'error': f'{type(e).__name__}: {e}'[:500]})
json.dump(result, sys.stdout)
