import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PRESETS } from '../../src/cli/presets.js';
import { Input, Model, Sequential, layers } from '../../src/index.js';
import { ZOO } from '../helpers/model-zoo.js';

const { clearSession } = layers;

/** The value of a formula's numbers (`(784 + 1) × 100`), read by a parser of its own, not by the code that wrote it. */
function evaluate(text: string): number {
  const tokens = text.match(/\d+|[-+×/()]/g) ?? [];
  assert.equal(tokens.join(''), text.replace(/\s+/g, ''), `only numbers and + - × / ( ) in '${text}'`);
  let at = 0;
  const atom = (): number => {
    const t = tokens[at++];
    if (t === '(') {
      const v = sum();
      assert.equal(tokens[at++], ')', `a closing parenthesis in '${text}'`);
      return v;
    }
    assert.match(t ?? '', /^\d+$/, `a number at token ${at} of '${text}'`);
    return Number(t);
  };
  const product = (): number => {
    let v = atom();
    while (tokens[at] === '×' || tokens[at] === '/') v = tokens[at++] === '×' ? v * atom() : v / atom();
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (tokens[at] === '+' || tokens[at] === '-') v = tokens[at++] === '+' ? v + product() : v - product();
    return v;
  };
  const value = sum();
  assert.equal(at, tokens.length, `all of '${text}' read`);
  return value;
}

/** Each row of a summary's table as its cells, wrapped lines joined. */
function tableRows(lines: string[]): string[][] {
  const rows: string[][] = [];
  let current: string[][] = [];
  const flush = (): void => {
    if (current.length) rows.push(current[0]!.map((_, i) => current.map((cells) => cells[i]!.trim()).filter((c) => c).join(' ')));
    current = [];
  };
  for (const line of lines.slice(lines.findIndex((l) => l.startsWith('┡')) + 1)) {
    if (line.startsWith('│')) current.push(line.slice(1, -1).split('│'));
    else flush();
  }
  return rows;
}

/** The numbers side of a formula cell, without its note. */
function numbersOf(cell: string): string {
  return cell.split(' = ').at(-1)!.replace(/ \([^()]*[a-z][^()]*\)$/, '');
}

/** Checks every row of `model`'s explained summary: its formula gives the count it shows. Returns the class names explained. */
function checkRows(model: Model): { explained: Set<string>; countOnly: Set<string> } {
  const explained = new Set<string>();
  const countOnly = new Set<string>();
  const rows = tableRows(model.summaryLines({ explain: true }));
  assert.equal(rows.length, model.layers.length);
  rows.forEach(([name, , count, formula], i) => {
    const layer = model.layers[i]!;
    const type = layer.constructor.name;
    assert.equal(count, layer.countParams().toLocaleString('en-US'), name);
    if (formula === '') {
      countOnly.add(type);
      assert.equal(layer.explainParams(), undefined, `${name}: an empty cell only where the layer has no formula`);
      return;
    }
    explained.add(type);
    assert.equal(evaluate(numbersOf(formula!)), layer.countParams(), `${name}: ${formula}`);
  });
  return { explained, countOnly };
}

test("the lesson's models: each row's formula gives the count the row shows", () => {
  for (const [name, preset] of Object.entries(PRESETS)) {
    clearSession();
    const { countOnly } = checkRows(preset.build(10));
    assert.deepEqual([...countOnly], [], `${name}: every layer explains itself`);
  }
});

test('the zoo: every layer with a formula gives its count; only a few without one show their count alone', () => {
  const explained = new Set<string>();
  const countOnly = new Set<string>();
  for (const entry of ZOO) {
    clearSession();
    const found = checkRows(entry.build());
    for (const t of found.explained) explained.add(t);
    for (const t of found.countOnly) countOnly.add(t);
  }
  for (const family of ['Dense', 'Conv2D', 'Conv1D', 'DepthwiseConv2D', 'SeparableConv2D', 'BatchNormalization', 'LayerNormalization', 'GroupNormalization',
    'Embedding', 'LSTM', 'GRU', 'SimpleRNN', 'RNN', 'Bidirectional', 'TimeDistributed', 'MultiHeadAttention', 'Conv2DTranspose', 'ConvLSTM2D', 'Sequential', 'Flatten', 'MaxPooling2D']) {
    assert.ok(explained.has(family), `${family} explains its count (explained: ${[...explained].sort().join(', ')})`);
  }
  assert.deepEqual([...countOnly].sort(), ['PReLU'], 'the layers that show their count alone');
});

test('the MLP: the formula column, (in + 1) × out with the numbers, and 0 for Flatten', () => {
  clearSession();
  const model = new Sequential({
    layers: [new layers.Flatten({ inputShape: [28, 28] }), new layers.Dense({ units: 100, activation: 'relu' }), new layers.Dense({ units: 10, activation: 'softmax' })],
  });
  const lines = model.summaryLines({ explain: true });
  assert.deepEqual(lines.slice(0, 10), [
    'Model: "sequential"',
    '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓',
    '┃ Layer (type)                    ┃ Output Shape          ┃  Param # ┃ Param # formula                                         ┃',
    '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩',
    '│ flatten (Flatten)               │ (None, 784)           │        0 │ 0                                                       │',
    '├─────────────────────────────────┼───────────────────────┼──────────┼─────────────────────────────────────────────────────────┤',
    '│ dense (Dense)                   │ (None, 100)           │   78,500 │ (in + 1) × out = (784 + 1) × 100                        │',
    '├─────────────────────────────────┼───────────────────────┼──────────┼─────────────────────────────────────────────────────────┤',
    '│ dense_1 (Dense)                 │ (None, 10)            │    1,010 │ (in + 1) × out = (100 + 1) × 10                         │',
    '└─────────────────────────────────┴───────────────────────┴──────────┴─────────────────────────────────────────────────────────┘',
  ]);
  assert.equal(lines[10], ' Total params: 79,510 (310.59 KB)');
  // Without the option the table is Keras's, three columns.
  assert.equal(model.summaryLines()[2], '┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃');
});

test("formulas of the families, in symbols and in the layer's numbers", () => {
  clearSession();
  const formula = (layer: layers.Layer, inputShape: number[]): string | undefined => {
    layer.apply(Input({ shape: inputShape }));
    const f = layer.explainParams();
    assert.equal(evaluate(f!.numbers), layer.countParams(), f!.numbers);
    return f && `${f.symbols} = ${f.numbers}${f.note ? ` (${f.note})` : ''}`;
  };
  assert.equal(formula(new layers.Conv2D({ filters: 32, kernelSize: 3 }), [28, 28, 1]), '(kh × kw × cin + 1) × cout = (3 × 3 × 1 + 1) × 32');
  assert.equal(formula(new layers.Conv2D({ filters: 8, kernelSize: 3, groups: 2, useBias: false }), [9, 9, 4]), 'kh × kw × cin / groups × cout = 3 × 3 × 4 / 2 × 8');
  assert.equal(formula(new layers.Conv1D({ filters: 4, kernelSize: 5 }), [20, 3]), '(k × cin + 1) × cout = (5 × 3 + 1) × 4');
  assert.equal(formula(new layers.DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2 }), [8, 8, 16]), '(kh × kw + 1) × cin × depth = (3 × 3 + 1) × 16 × 2');
  assert.equal(formula(new layers.SeparableConv2D({ filters: 64, kernelSize: 3 }), [8, 8, 16]), 'kh × kw × cin × depth + (cin × depth + 1) × cout = 3 × 3 × 16 × 1 + (16 × 1 + 1) × 64');
  assert.equal(formula(new layers.BatchNormalization(), [64]), '4 × c = 4 × 64 (2 × c trainable)');
  assert.equal(formula(new layers.LayerNormalization(), [5, 12]), '2 × c = 2 × 12');
  assert.equal(formula(new layers.Embedding({ inputDim: 1000, outputDim: 16 }), [7]), 'in × out = 1000 × 16');
  assert.equal(formula(new layers.LSTM({ units: 8 }), [5, 3]), '4 × (units × (in + units) + units) = 4 × (8 × (3 + 8) + 8)');
  assert.equal(formula(new layers.GRU({ units: 8 }), [5, 3]), '3 × (units × (in + units) + 2 × units) = 3 × (8 × (3 + 8) + 2 × 8)');
  assert.equal(formula(new layers.GRU({ units: 8, resetAfter: false }), [5, 3]), '3 × (units × (in + units) + units) = 3 × (8 × (3 + 8) + 8)');
  assert.equal(formula(new layers.SimpleRNN({ units: 8 }), [5, 3]), 'units × (in + units) + units = 8 × (3 + 8) + 8');
  assert.equal(formula(new layers.Bidirectional({ layer: new layers.LSTM({ units: 4 }) }), [5, 3]), '2 × (4 × (units × (in + units) + units)) = 2 × (4 × (4 × (3 + 4) + 4))');
  const attention = new layers.MultiHeadAttention({ numHeads: 2, keyDim: 4 });
  const x = Input({ shape: [6, 8] });
  attention.apply([x, x]);
  assert.deepEqual(attention.explainParams(), {
    symbols: '(dq + 1) × heads × keyDim + (dk + 1) × heads × keyDim + (dv + 1) × heads × valueDim + (heads × valueDim + 1) × out',
    numbers: '(8 + 1) × 2 × 4 + (8 + 1) × 2 × 4 + (8 + 1) × 2 × 4 + (2 × 4 + 1) × 8',
  });
  assert.equal(attention.countParams(), 288);
});
