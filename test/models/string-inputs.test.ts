import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Input, Model, ValueError, decodeModel, encodeModel, layers, memory, strings, tensor, type Tensor } from '../../src/index.js';

const POSITIVE = ['good', 'great', 'fine', 'nice'];
const NEGATIVE = ['bad', 'awful', 'poor', 'sad'];

/** Short reviews whose label is whether a positive word is in them: 48 texts, half of each class. */
function reviews(): { texts: string[]; labels: number[] } {
  const texts: string[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 48; i++) {
    const positive = i % 2 === 0;
    const word = (positive ? POSITIVE : NEGATIVE)[i % 4]!;
    texts.push([['the', 'movie', 'was'][i % 3], word, ['film', 'plot', 'end'][(i >> 2) % 3]].join(' '));
    labels.push(positive ? 1 : 0);
  }
  return { texts, labels };
}

function textClassifier(vectorize: InstanceType<typeof layers.TextVectorization>): Model {
  const input = Input({ shape: [], dtype: 'string', name: 'text' });
  let h = vectorize.apply(input);
  h = new layers.Embedding({ inputDim: vectorize.vocabularySize(), outputDim: 8 }).apply(h);
  h = new layers.GlobalAveragePooling1D().apply(h);
  const model = new Model({ inputs: input, outputs: new layers.Dense({ units: 2, activation: 'softmax' }).apply(h) });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

test('a model trained from raw strings: fit (shuffled batches, validation split), evaluate and predict on StringTensors; .strata keeps the vocabulary', async () => {
  const { texts, labels } = reviews();
  const vectorize = new layers.TextVectorization({ outputSequenceLength: 4 });
  vectorize.adapt(strings(texts));
  const start = memory().numTensors;
  const model = textClassifier(vectorize);
  const x = strings(texts);
  const y = tensor(labels, [labels.length], 'int32');
  const history = await model.fit(x, y, { epochs: 60, batchSize: 8, verbose: 0, validationSplit: 0.25 });
  assert.ok(history.history['accuracy']!.at(-1)! === 1, `training accuracy ${history.history['accuracy']!.at(-1)}`);
  const [, accuracy] = await model.evaluate(x, y);
  assert.equal(accuracy, 1);
  const probs = model.predict(strings(['a great end', 'so awful'])) as Tensor;
  const p = probs.arraySync() as number[][];
  assert.ok(p[0]![1]! > 0.5 && p[1]![0]! > 0.5, JSON.stringify(p));
  y.dispose();

  const loaded = decodeModel(encodeModel(model));
  const again = loaded.predict(strings(['a great end', 'so awful'])) as Tensor;
  assert.deepEqual(again.arraySync(), p);
  assert.deepEqual((loaded.getLayer(vectorize.name) as InstanceType<typeof layers.TextVectorization>).getVocabulary(), vectorize.getVocabulary());
  assert.equal((loaded.inputs[0]!).dtype, 'string');
  probs.dispose();
  again.dispose();
  loaded.dispose();
  model.dispose();
  assert.equal(memory().numTensors, start, 'fitting on strings leaves no tensor behind');
});

test('string inputs: batches from a source, trainOnBatch, and the errors for text fed to a numeric input and back', async () => {
  const vectorize = new layers.TextVectorization({ vocabulary: ['good', 'bad'], outputSequenceLength: 2 });
  const model = textClassifier(vectorize);
  // The loops own a source's batches (and free them after each step): each pass makes new ones.
  const source = {
    *[Symbol.iterator]() {
      yield [strings(['good', 'bad']), tensor([1, 0])] as const;
      yield [strings(['bad bad', 'good good']), tensor([0, 1])] as const;
    },
  };
  const history = await model.fit(source, undefined, { epochs: 2, verbose: 0 });
  assert.equal(history.history['loss']!.length, 2);
  assert.ok(Number.isFinite(model.trainOnBatch(strings(['good']), tensor([1]))['loss']));
  assert.throws(() => model.predict(tensor([[1, 2]])), (e: unknown) => e instanceof ValueError && /input 'text' takes text \(dtype 'string'\), got a float32 tensor\. Pass the texts as strings/.test(e.message));
  const dense = Input({ shape: [1], name: 'numbers' });
  const m2 = new Model({ inputs: dense, outputs: new layers.Dense({ units: 1 }).apply(dense) });
  assert.throws(() => m2.predict(strings([['a']])), /input 'numbers' takes float32 tensors, got a StringTensor\. For text, declare the input Input\(\{ shape: \[\], dtype: 'string' \}\)/);
  m2.compile({ optimizer: 'sgd', loss: 'mse' });
  await assert.rejects(m2.fit(tensor([[1]]), strings([['a']]) as never), /y must be a Tensor, got a StringTensor\. Wrap arrays with tensor\(\)\./);
  m2.dispose();
  model.dispose();
});
