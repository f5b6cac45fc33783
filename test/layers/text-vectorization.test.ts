import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Input, Model, ValueError, layers, memory, strings, type Tensor } from '../../src/index.js';
import { assertClose } from '../helpers/grad-check.js';

const { TextVectorization, deserializeLayer, serializeLayer } = layers;

test("TextVectorization.adapt: '' and '[UNK]' first, then by count, ties the larger token first (Keras's order)", () => {
  const vectorize = new TextVectorization();
  vectorize.adapt(strings(['The cat sat on the mat.', 'The dog ate my homework!', "Don't panic: the end."]));
  // the: 4; every other word once, in decreasing code point order; "don't" loses its apostrophe.
  assert.deepEqual(vectorize.getVocabulary(), ['', '[UNK]', 'the', 'sat', 'panic', 'on', 'my', 'mat', 'homework', 'end', 'dont', 'dog', 'cat', 'ate']);
  assert.equal(vectorize.vocabularySize(), 14);
  const out = vectorize.apply(strings(['The CAT ate a fish', 'mat'])) as Tensor;
  assert.equal(out.dtype, 'int32');
  // Padded with 0 to the longest text of the batch; unknown words are 1.
  assert.deepEqual(out.arraySync(), [[2, 12, 13, 1, 1], [7, 0, 0, 0, 0]]);
  out.dispose();
});

test('TextVectorization: standardize and split options, n-grams (each size in turn), outputSequenceLength pads and cuts', () => {
  const vocabulary = ['a', 'b', 'c', 'a b', 'b c', 'A', 'x!'];
  const grams = new TextVectorization({ vocabulary, ngrams: 2, outputSequenceLength: 6 });
  assert.deepEqual(grams.getVocabulary().slice(0, 4), ['', '[UNK]', 'a', 'b']);
  assert.deepEqual(grams.apply(strings(['A b, c'])).arraySync(), [[2, 3, 4, 5, 6, 0]]);
  const cut = new TextVectorization({ vocabulary, outputSequenceLength: 2 });
  assert.deepEqual(cut.apply(strings([['a b c'], ['c']])).arraySync(), [[2, 3], [4, 0]]);
  const raw = new TextVectorization({ vocabulary, standardize: null, split: 'whitespace' });
  assert.deepEqual(raw.apply(strings(['A x!  a\tb\u00a0c'])).arraySync(), [[7, 8, 2, 1]]);
  const lower = new TextVectorization({ vocabulary, standardize: 'lower' });
  assert.deepEqual(lower.apply(strings(['A x!'])).arraySync(), [[2, 8]]);
  const chars = new TextVectorization({ vocabulary: ['a', 'b', '😀'], split: 'character', standardize: 'strip_punctuation' });
  assert.deepEqual(chars.apply(strings(['ab😀!z'])).arraySync(), [[2, 3, 4, 1]]);
  const whole = new TextVectorization({ vocabulary: ['new york'], split: null });
  assert.deepEqual(whole.apply(strings(['New York', 'Paris'])).arraySync(), [[2], [1]]);
  assert.deepEqual(grams.computeOutputShape([null]), [null, 6]);
  assert.deepEqual(new TextVectorization({ vocabulary }).computeOutputShape([null, 1]), [null, null]);
});

test("TextVectorization's bag-of-words modes: multi_hot, count and tf_idf per text ('[UNK]' at index 0)", () => {
  const texts = strings(['the cat the', 'a dog', 'the dog']);
  const multi = new TextVectorization({ outputMode: 'multi_hot' });
  multi.adapt(texts);
  assert.deepEqual(multi.getVocabulary(), ['[UNK]', 'the', 'dog', 'cat', 'a']);
  assert.deepEqual(multi.apply(strings(['the the fish'])).arraySync(), [[1, 1, 0, 0, 0]]);
  const count = new TextVectorization({ outputMode: 'count', maxTokens: 4 });
  count.adapt(texts);
  assert.deepEqual(count.getVocabulary(), ['[UNK]', 'the', 'dog', 'cat']);
  assert.deepEqual(count.apply(strings(['the the a fish'])).arraySync(), [[2, 2, 0, 0]]);
  const tfidf = new TextVectorization({ outputMode: 'tf_idf' });
  tfidf.adapt(texts);
  // Documents holding each token: the 2, dog 2, cat 1, a 1 (of 3).
  const idf = [2, 2, 1, 1].map((d) => Math.log(1 + 3 / (1 + d)));
  const mean = idf.reduce((s, w) => s + w, 0) / 4;
  assertClose((tfidf.apply(strings(['the the zebra cat'])) as Tensor).dataSync(), [mean, 2 * idf[0]!, 0, idf[2]!, 0], 1e-6, 'tf-idf');
  assert.deepEqual(tfidf.computeOutputShape([null]), [null, 5]);
});

test('TextVectorization: config round trip (the adapted vocabulary travels in it), adapt on batches, sync and async', async () => {
  const vectorize = new TextVectorization({ name: 'words', maxTokens: 10, outputSequenceLength: 3, ngrams: [1, 2] });
  function* batches(): Generator<string[] | ReturnType<typeof strings>> {
    yield strings(['b a']);
    yield ['a'];
  }
  vectorize.adapt(batches());
  assert.deepEqual(vectorize.getVocabulary(), ['', '[UNK]', 'a', 'b a', 'b']);
  const config = vectorize.getConfig();
  assert.deepEqual(config, {
    name: 'words', trainable: true, activityRegularizer: null, maxTokens: 10, standardize: 'lower_and_strip_punctuation', split: 'whitespace', ngrams: [1, 2],
    outputMode: 'int', outputSequenceLength: 3, padToMaxTokens: false, sparse: false, ragged: false, vocabulary: ['', '[UNK]', 'a', 'b a', 'b'],
    idfWeights: null, encoding: 'utf-8', vocabularySize: 5,
  });
  const copy = deserializeLayer(JSON.parse(JSON.stringify(serializeLayer(vectorize)))) as InstanceType<typeof TextVectorization>;
  assert.deepEqual(copy.apply(strings(['b a c'])).arraySync(), vectorize.apply(strings(['b a c'])).arraySync());
  const streamed = new TextVectorization();
  async function* streamedBatches(): AsyncGenerator<string[]> {
    yield ['x y'];
    yield ['y'];
  }
  await streamed.adapt(streamedBatches());
  assert.deepEqual(streamed.getVocabulary(), ['', '[UNK]', 'y', 'x']);
});

test('TextVectorization errors name the layer and the fix', () => {
  assert.throws(() => new TextVectorization({ outputMode: 'count', outputSequenceLength: 3 }), /outputSequenceLength is only for outputMode 'int'/);
  assert.throws(() => new TextVectorization({ ragged: true }), /ragged outputs are not supported/);
  const v = new TextVectorization({ name: 'tv', vocabulary: ['a'] });
  assert.throws(() => v.apply(strings([['a', 'b']])), (e: unknown) => e instanceof ValueError && /Layer 'tv' \(TextVectorization\) expects texts of shape \[batch\] or \[batch, 1\], got \[1, 2\]/.test(e.message));
  assert.throws(() => v.adapt(strings(['a'])), /cannot adapt a layer made with a fixed vocabulary/);
});

test('a TextVectorization model: summary rows, and a symbolic output of [null, outputSequenceLength]', () => {
  const vectorize = new TextVectorization({ vocabulary: ['a', 'b'], outputSequenceLength: 4, name: 'vectorize' });
  const input = Input({ shape: [], dtype: 'string' });
  const ids = vectorize.apply(input);
  assert.deepEqual(ids.shape, [null, 4]);
  const out = new layers.Embedding({ inputDim: vectorize.vocabularySize(), outputDim: 2 }).apply(ids);
  const model = new Model({ inputs: input, outputs: out });
  const lines: string[] = [];
  model.summary({ printFn: (line: string) => lines.push(line) });
  assert.ok(lines.some((l) => /vectorize \(TextVectorization\)\s+│ \(None, 4\)\s+│\s+0 │/.test(l)), lines.join('\n'));
  // A Python tuple of one: Keras prints the text input's shape as (None,).
  assert.ok(lines.some((l) => /input_layer(_\d+)? \(InputLayer\)\s+│ \(None,\)\s+│/.test(l)), lines.join('\n'));
  const before = memory().numTensors;
  const y = model.predict(strings(['a b', 'b'])) as Tensor;
  assert.deepEqual(y.shape, [2, 4, 2]);
  y.dispose();
  assert.equal(memory().numTensors, before);
  model.dispose();
});
