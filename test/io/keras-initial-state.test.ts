/**
 * Encoder–decoder models in .keras archives without Keras at hand: a recurrent layer given another
 * layer's states is written as Keras 3 writes it (`initial_state` in the call's kwargs) and read back
 * as Strata's list of inputs. (test/io/keras-peer.test.ts checks the same against the real Keras.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { unzipSync } from 'fflate';
import * as s from '../../src/node/index.js';
import { assertClose } from '../helpers/grad-check.js';

const { layers } = s;

test("an encoder's states passed to a decoder are written as Keras 3's initial_state kwargs and read back with the same predictions", async () => {
  s.setSeed(31);
  const source = s.Input({ shape: [5, 3] });
  const target = s.Input({ shape: [4, 2] });
  const [, h, c] = layers.lstm({ units: 4, returnState: true }).applyMulti(source);
  const decoder = layers.lstm({ units: 4, returnSequences: true, name: 'decoder' });
  const decoded = decoder.apply([target, h!, c!]);
  const model = s.model({ inputs: [source, target], outputs: layers.dense({ units: 2 }).apply(decoded) });
  const dir = mkdtempSync(join(tmpdir(), 'strata-keras-initial-state-'));
  try {
    const path = join(dir, 'seq2seq.keras');
    await model.save(path);
    const config = JSON.parse(new TextDecoder().decode(unzipSync(readFileSync(path))['config.json']!)) as { config: { layers: { name: string; inbound_nodes: unknown[] }[] } };
    const node = config.config.layers.find((l) => l.name === 'decoder')!.inbound_nodes[0] as { args: { config: { keras_history: unknown[] } }[]; kwargs: { initial_state: { config: { keras_history: unknown[] } }[] } };
    const encoder = h!.sourceLayer.name;
    assert.deepEqual(node.args.map((a) => a.config.keras_history), [[target.sourceLayer.name, 0, 0]]);
    assert.deepEqual(node.kwargs.initial_state.map((t) => t.config.keras_history), [[encoder, 0, 1], [encoder, 0, 2]]);
    const loaded = await s.loadModel(path);
    const inputs = [s.randomNormal([2, 5, 3]), s.randomNormal([2, 4, 2])];
    assertClose((loaded.predict(inputs) as s.Tensor).dataSync(), (model.predict(inputs) as s.Tensor).dataSync(), 1e-6, 'predictions');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
