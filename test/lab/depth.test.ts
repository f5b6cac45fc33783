/** `strata lab depth` on a slice: its claims hold, with exact parameter counts and real accuracies. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lab } from '../../src/node/index.js';
import { FASHION_MNIST, FONT, missing } from '../helpers/system-packages.js';
import { wasmSuiteOnly } from '../helpers/suite-backend.js';

interface Network {
  hiddenLayers: number;
  widths: number[];
  parameters: number;
  accuracy: number;
  secondsPerEpoch: number;
  deep: boolean;
}

test('depth: 0–4 hidden layers at an equal budget, the first hidden layer gaining most, deep from two hidden layers', { skip: missing(FASHION_MNIST, FONT) || wasmSuiteOnly() }, async () => {
  const output = mkdtempSync(join(tmpdir(), 'strata-lab-depth-'));
  try {
    const report = await lab.runExperiment('depth', { output, sizes: { trainSize: 600, testSize: 500, epochs: 2 } });
    for (const c of report.claims) assert.equal(c.holds, true, `${c.claim}: ${JSON.stringify(c.figures)}`);
    const networks = report.networks as unknown as Network[];
    assert.deepEqual(networks.map((n) => n.hiddenLayers), [0, 1, 2, 3, 4]);
    // The widths nearest 100,000 parameters, counted by hand: (784 + 1)·w + (w + 1)·w·(layers − 1) + (w + 1)·10.
    assert.deepEqual(networks.map((n) => n.widths), [[], [126], [110, 110], [100, 100, 100], [93, 93, 93, 93]]);
    assert.deepEqual(networks.map((n) => n.parameters), [7850, 100180, 99670, 99710, 100171]);
    assert.deepEqual(networks.map((n) => n.deep), [false, false, true, true, true]);
    assert.ok(networks[0]!.accuracy > 0.3, `logistic regression ${networks[0]!.accuracy}`);
    for (const n of networks.slice(1)) assert.ok(n.accuracy > 0.5, `${n.hiddenLayers} hidden layers: ${n.accuracy}`);
    for (const n of networks) assert.ok(n.secondsPerEpoch > 0 && Number.isFinite(n.secondsPerEpoch));
    const deep = report.claims[3]!.figures;
    assert.deepEqual([deep.deep, deep.shallow], [[2, 3, 4], [0, 1]]);
    assert.match(report.findings[2]!, /^Networks with 2 or more hidden layers are the deep ones; depth (pays|neither helps nor hurts|hurts)/);
    assert.deepEqual(report.plots.map((p) => p.slice(output.length + 1)), ['depth-accuracy.png', 'depth-accuracy.svg', 'depth-time.png', 'depth-time.svg']);
    assert.ok(report.plots.every((p) => existsSync(p)));
  } finally {
    rmSync(output, { recursive: true, force: true });
  }
});
