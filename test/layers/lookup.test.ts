import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DTypeError, Input, Model, NotSupportedError, ValueError, layers, memory, strings, tensor, tidy, type Tensor } from '../../src/index.js';
import { assertClose } from '../helpers/grad-check.js';
import { runLayerTest } from '../helpers/layer-test.js';

const { StringLookup, IntegerLookup, deserializeLayer, serializeLayer } = layers;

// The expected vocabularies follow Keras 3's IndexLookup.finalize_state (keras/src/layers/preprocessing/
// index_lookup.py): tokens by decreasing count, ties by np.lexsort((tokens, counts))[::-1], that is the
// LARGER token first (code point order for strings). The lists below are what that numpy expression gives
// for the same counts (computed with the numpy of .venv-peers; the Keras layers themselves need TensorFlow).

test('StringLookup.adapt orders tokens as Keras: by count, ties by the larger token (code points, not UTF-16 units)', () => {
  const lookup = new StringLookup();
  lookup.adapt(strings(['b', 'a', 'c', 'a', 'B', 'é', 'z', 'ａ', 'e\u0301', '😀', '\uffff', 'b']));
  assert.deepEqual(lookup.getVocabulary(), ['[UNK]', 'b', 'a', '😀', '\uffff', 'ａ', 'é', 'z', 'e\u0301', 'c', 'B']);
  assert.equal(lookup.vocabularySize(), 11);
  assert.deepEqual(lookup.getVocabulary(false), lookup.getVocabulary().slice(1));
  const out = lookup.apply(strings([['a', 'b'], ['nope', 'B']]));
  assert.equal(out.dtype, 'int32');
  assert.deepEqual(out.arraySync(), [[2, 1], [0, 10]]);
  out.dispose();
});

test('IntegerLookup.adapt orders integers as Keras (ties: the larger value first); the OOV token is -1; invert maps back', () => tidy(() => {
  const lookup = new IntegerLookup();
  lookup.adapt(tensor([5, -3, 7, 5, 100, -3, 2, 9], [8], 'int32'));
  assert.deepEqual(lookup.getVocabulary(), [-1, 5, -3, 100, 9, 7, 2]);
  assert.deepEqual(lookup.apply(tensor([[5, 2], [8, 100]])).arraySync(), [[1, 6], [0, 3]]);
  const inverse = new IntegerLookup({ vocabulary: lookup.getVocabulary(), invert: true });
  assert.deepEqual(inverse.apply(tensor([[1, 6], [0, 3]], [2, 2], 'int32')).arraySync(), [[5, 2], [-1, 100]]);
  assert.throws(() => lookup.apply(tensor([0.5])), (e: unknown) => e instanceof DTypeError && /expects integer tokens, but its float32 input of shape \[1\] holds 0\.5/.test(e.message));
}));

test('lookups: mask token at 0, several OOV indices (integers: value mod n), maxTokens keeps the most frequent', () => tidy(() => {
  const masked = new StringLookup({ maskToken: '', vocabulary: ['x', 'y'] });
  assert.deepEqual(masked.getVocabulary(), ['', '[UNK]', 'x', 'y']);
  assert.deepEqual(masked.apply(strings(['y', '', 'q'])).arraySync(), [3, 0, 1]);
  // The special tokens may lead a given vocabulary, in Keras's order.
  assert.deepEqual(new StringLookup({ maskToken: '', vocabulary: ['', '[UNK]', 'x'] }).getVocabulary(), ['', '[UNK]', 'x']);
  const oov = new IntegerLookup({ numOovIndices: 3, vocabulary: [10, 20] });
  assert.deepEqual(oov.getVocabulary(), [-1, -1, -1, 10, 20]);
  assert.deepEqual(oov.apply(tensor([20, 4, 5, -1, 10])).arraySync(), [4, 1, 2, 2, 3]);
  const small = new StringLookup({ maxTokens: 3 });
  small.adapt(['a', 'b', 'b', 'c', 'c', 'c']);
  assert.deepEqual(small.getVocabulary(), ['[UNK]', 'c', 'b']);
  const strict = new StringLookup({ numOovIndices: 0, vocabulary: ['a'] });
  assert.throws(() => strict.apply(strings(['b'])), (e: unknown) => e instanceof ValueError && /the token "b" is not in the vocabulary, and numOovIndices is 0/.test(e.message));
}));

test("lookups' encodings as Keras: one_hot (a last axis of 1 replaced), multi_hot and count per sample, the mask left out", () => tidy(() => {
  const vocabulary = ['a', 'b', 'c'];
  const oneHot = new StringLookup({ vocabulary, outputMode: 'one_hot' });
  assert.deepEqual(oneHot.apply(strings([['a'], ['z']])).arraySync(), [[0, 1, 0, 0], [1, 0, 0, 0]]);
  assert.deepEqual(oneHot.apply(strings(['c'])).arraySync(), [[0, 0, 0, 1]]);
  const multi = new StringLookup({ vocabulary, outputMode: 'multi_hot', maskToken: '' });
  // Outside 'int' mode the mask takes no index: the vocabulary starts at '[UNK]'.
  assert.deepEqual(multi.getVocabulary(), ['[UNK]', 'a', 'b', 'c']);
  assert.deepEqual(multi.apply(strings([['a', 'a', ''], ['z', 'c', 'b']])).arraySync(), [[0, 1, 0, 0], [1, 0, 1, 1]]);
  const count = new StringLookup({ vocabulary, outputMode: 'count', maxTokens: 6, padToMaxTokens: true });
  assert.deepEqual(count.apply(strings([['a', 'a', 'b'], ['z', 'z', 'z']])).arraySync(), [[0, 2, 1, 0, 0, 0], [3, 0, 0, 0, 0, 0]]);
  assert.deepEqual(count.computeOutputShape([null, 3]), [null, 6]);
  assert.deepEqual(oneHot.computeOutputShape([null, 1]), [null, 4]);
}));

test("tf_idf: Keras's weights log(1 + documents / (1 + documents with the token)), their mean at the OOV index", () => tidy(() => {
  const lookup = new StringLookup({ outputMode: 'tf_idf' });
  // Three documents (rows): 'a' is in all three, 'b' in two, 'c' in one.
  lookup.adapt(strings([['a', 'b', 'a'], ['a', 'b', 'c'], ['a', 'a', 'a']]));
  assert.deepEqual(lookup.getVocabulary(), ['[UNK]', 'a', 'b', 'c']);
  const idf = [Math.log(1 + 3 / 4), Math.log(1 + 3 / 3), Math.log(1 + 3 / 2)];
  const mean = (idf[0]! + idf[1]! + idf[2]!) / 3;
  const out = lookup.apply(strings([['a', 'a', 'z'], ['c', 'b', 'c']])) as Tensor;
  assertClose(out.dataSync(), [mean, 2 * idf[0]!, 0, 0, 0, 0, idf[1]!, 2 * idf[2]!], 1e-6, 'tf-idf');
  const config = lookup.getConfig();
  assertClose(Float32Array.from(config['idfWeights'] as number[]), [mean, ...idf], 1e-6, 'idf weights in the config');
  const copy = deserializeLayer(serializeLayer(lookup)) as InstanceType<typeof StringLookup>;
  assert.deepEqual(copy.apply(strings([['a', 'a', 'z'], ['c', 'b', 'c']])).arraySync(), out.arraySync());
  assert.throws(() => new StringLookup({ outputMode: 'tf_idf', vocabulary: ['a'] }), /outputMode 'tf_idf' needs idfWeights with the vocabulary/);
}));

test('lookups: config round trip keeps the adapted vocabulary; a Keras-style config (vocabulary with its special tokens) loads', () => {
  const lookup = new StringLookup({ name: 'colors', maskToken: '' });
  lookup.adapt(strings(['red', 'green', 'red']));
  const config = lookup.getConfig();
  assert.deepEqual(config, {
    name: 'colors', trainable: true, maxTokens: null, numOovIndices: 1, maskToken: '', oovToken: '[UNK]', vocabulary: ['', '[UNK]', 'red', 'green'],
    idfWeights: null, invert: false, outputMode: 'int', padToMaxTokens: false, sparse: false, vocabularySize: 4, oovMethod: 'floormod', salt: null, encoding: 'utf-8',
  });
  const copy = deserializeLayer(JSON.parse(JSON.stringify(serializeLayer(lookup)))) as InstanceType<typeof StringLookup>;
  assert.deepEqual(copy.getVocabulary(), lookup.getVocabulary());
  assert.throws(() => copy.adapt(strings(['blue'])), /cannot adapt a layer made with a fixed vocabulary/);
});

test('lookups: the errors users meet name the layer and the fix', () => {
  assert.throws(() => new StringLookup({ vocabulary: ['a', 'b', 'a'] }), (e: unknown) => e instanceof ValueError && /the vocabulary repeats the token "a"/.test(e.message));
  assert.throws(() => new StringLookup({ maskToken: '', vocabulary: ['a', ''] }), /the mask token "" may only lead the vocabulary, in this order: \["","\[UNK\]"\]/);
  assert.throws(() => new StringLookup({ maxTokens: 2, vocabulary: ['a', 'b'] }), /a vocabulary of 3 indices \(special tokens included\) exceeds maxTokens 2/);
  assert.throws(() => new StringLookup({ invert: true }), (e: unknown) => e instanceof NotSupportedError);
  assert.throws(() => new IntegerLookup({ invert: true, outputMode: 'count' }), /invert needs outputMode 'int'/);
  assert.throws(() => new StringLookup({ outputMode: 'multi_hot' }).apply(strings(['a'])), /needs the vocabulary's size; call adapt\(\) or pass a vocabulary first/);
  assert.throws(() => new StringLookup({ name: 'cat', vocabulary: ['a'] }).apply(tensor([1])), (e: unknown) => e instanceof ValueError && /Layer 'cat' \(StringLookup\) expects a StringTensor of tokens/.test(e.message));
  assert.throws(() => new StringLookup({ name: 'sl' }).adapt([1, 2]), /Layer 'sl' \(StringLookup\) expects StringTensors \(or arrays of strings\) to adapt on, got a float32 tensor of shape \[2\]/);
});

test('runLayerTest: IntegerLookup in every output mode (no weights, no leaks, config round trip)', () => {
  const vocabulary = [0, 1, 2, 3];
  runLayerTest('IntegerLookup int', { make: () => new IntegerLookup({ vocabulary }), inputShape: [3, 4], inputDtype: 'int32', inputRange: [0, 6], expectedOutputShape: [3, 4] });
  runLayerTest('IntegerLookup multi_hot', { make: () => new IntegerLookup({ vocabulary, outputMode: 'multi_hot' }), inputShape: [3, 4], inputDtype: 'int32', inputRange: [0, 6], expectedOutputShape: [3, 5] });
  runLayerTest('IntegerLookup one_hot', { make: () => new IntegerLookup({ vocabulary, outputMode: 'one_hot' }), inputShape: [3, 1], inputDtype: 'int32', inputRange: [0, 6], expectedOutputShape: [3, 5] });
});

test('a StringLookup inside a model: symbolic shapes, summary row with 0 parameters, predict on strings leaves no tensor behind', () => {
  const lookup = new StringLookup({ vocabulary: ['a', 'b', 'c'], outputMode: 'multi_hot', name: 'tags' });
  const input = Input({ shape: [2], dtype: 'string' });
  const model = new Model({ inputs: input, outputs: new layers.Dense({ units: 1, kernelInitializer: 'ones' }).apply(lookup.apply(input)) });
  assert.deepEqual(lookup.outputShape, [null, 4]);
  assert.equal(lookup.countParams(), 0);
  const lines: string[] = [];
  model.summary({ printFn: (line: string) => lines.push(line) });
  assert.ok(lines.some((l) => /tags \(StringLookup\)\s*│ \(None, 4\)\s*│\s*0 │/.test(l)), lines.join('\n'));
  const before = memory().numTensors;
  const y = model.predict(strings([['a', 'b'], ['z', 'z'], ['c', 'c']])) as Tensor;
  assert.deepEqual(y.arraySync(), [[2], [1], [1]]);
  y.dispose();
  assert.equal(memory().numTensors, before);
  model.dispose();
});
