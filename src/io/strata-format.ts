/** Strata's own `.strata` files (see format.ts for the layout) as a `ModelFormat`. */
import type { Limits } from '../core/limits.js';
import type { Serialized } from '../core/serialization.js';
import type { ModelArtifacts, ModelFormat, TrainingConfig } from './artifacts.js';
import { MAGIC, decodeArtifacts, encodeArtifacts } from './format.js';

/** Reads and writes `.strata` files: the default format of `model.save`. */
export const strataFormat: ModelFormat = {
  name: 'strata',
  description: 'Strata model file (.strata)',
  detect: (head) => MAGIC.every((b, i) => head[i] === b),
  matchesPath: (path) => /\.strata$/i.test(path),
  async read(input, limits) {
    return decodeStrataArtifacts(input.bytes, input.source, limits);
  },
  async write(artifacts, target) {
    return [{ path: target, bytes: encodeStrataArtifacts(artifacts) }];
  },
};

/** The bytes of a `.strata` file holding `artifacts`. */
export function encodeStrataArtifacts(artifacts: ModelArtifacts): Uint8Array {
  const { kind, generatedBy = 'strata', modelConfig, trainingConfig } = artifacts;
  return encodeArtifacts({
    header: { kind, generatedBy, modelConfig, trainingConfig },
    weights: artifacts.weights.map(({ name, shape, dtype, values }) => ({ name, shape, dtype, values })),
    optimizerWeights: artifacts.optimizerWeights,
  });
}

/** The artifacts in the bytes of a `.strata` file (checked as `decodeArtifacts` does). */
export function decodeStrataArtifacts(bytes: Uint8Array, source: string, limits?: Limits): ModelArtifacts {
  const { header, weights, optimizerWeights } = decodeArtifacts(bytes, source, limits);
  const { kind, generatedBy, modelConfig, trainingConfig } = header;
  return {
    kind,
    generatedBy,
    modelConfig: modelConfig as Serialized | undefined,
    trainingConfig: trainingConfig as TrainingConfig | undefined,
    weights,
    optimizerWeights,
  };
}
