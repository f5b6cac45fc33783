/**
 * The neutral form of a saved model that every file format reads into and writes from: the
 * architecture as Strata's configs, the weights under Strata's names, and the compile settings
 * with the optimizer's state. A format is one file that turns bytes into `ModelArtifacts` and
 * back; the model is built from (or read into) artifacts elsewhere, so a model never knows which
 * format it came from, and every size is checked on the artifacts before a layer is built.
 */
import type { Limits } from '../core/limits.js';
import type { Serialized } from '../core/serialization.js';
import type { NamedValues } from './format.js';

export type { NamedValues } from './format.js';

/** An optimizer, loss or metric as Strata serializes it (its config is checked when it is rebuilt). */
export interface SerializedObject {
  className: string;
  config: Record<string, unknown>;
}

/** The compile settings as saved. */
export interface TrainingConfig {
  /** The optimizer (`serializeOptimizer`): `{className: 'Adam', config: {learningRate, ...}}`. */
  optimizer: SerializedObject;
  /** One loss per output (`serializeLoss`). */
  losses: SerializedObject[];
  /** One weight per loss. */
  lossWeights: number[];
  /** The metrics of each output (`serializeMetric`). */
  metrics: SerializedObject[][];
  /** Whether the steps run as graphs (compile's `jitCompile`; Keras's `jit_compile`); absent means false. */
  jitCompile?: boolean;
}

/** A weight in the artifacts: its values under Strata's name, and the layer that owns it. */
export interface ArtifactWeight extends NamedValues {
  /**
   * The name of the (top-level or nested) layer that holds the weight (`'lstm'` for
   * `'lstm/lstm_cell/kernel'`), when known. Artifacts made from a model set it, for formats that
   * group weights by layer. A reader that knows a weight's layer and position but not its Strata
   * name (Keras 3 stores `layers/<group>/vars/<i>`) sets `layer` and any `name`: loading then
   * gives the layer's weights to the weights it declares, in order.
   */
  layer?: string;
}

/** Everything a model file holds, in Strata's terms. */
export interface ModelArtifacts {
  /** `'model'` (architecture, weights and training state) or `'weights'` (weights only). */
  kind: 'model' | 'weights';
  /** What wrote the file ('strata 0.1.0', 'keras 3.15.1'), for messages. */
  generatedBy?: string;
  /** The architecture as `serializeLayer(model)` gives it (Strata class names, camelCase configs); absent for weights only. */
  modelConfig?: Serialized;
  /** The compile settings, when the file has them in a form Strata can rebuild. */
  trainingConfig?: TrainingConfig;
  /** The model's weights under Strata's names (`dense/kernel`), in the model's weight order. */
  weights: ArtifactWeight[];
  /**
   * The optimizer's state under Strata's names (`<optimizer>/iterations`,
   * `<optimizer>/<variable>/<slot>`, as `Optimizer.getWeights` gives them); empty when not saved.
   */
  optimizerWeights: NamedValues[];
  /** Things the file held that Strata does not keep (a metric it lacks, say): one sentence each, without the file's name, which the warning adds. */
  dropped?: string[];
}

/** The bytes of a model to read: the main file, and access to the files beside it. */
export interface ModelInput {
  /** The name of the main file (a path, URL or file name), for messages. */
  source: string;
  /** The main file's bytes. */
  bytes: Uint8Array;
  /**
   * Reads a file named relative to the main one (a TF.js weight shard). Implementations refuse
   * absolute paths and `..`, and files over `limits.maxFileBytes`.
   */
  readSibling(relativePath: string): Promise<Uint8Array>;
  /**
   * The architecture of the model the weights go into, for `loadWeights`: formats that name
   * weights by position (Keras 3's `layers/dense_1/vars/0`) need it to map them to Strata's names.
   */
  targetConfig?: Serialized;
}

/** A file a format writes, and its bytes. */
export interface OutputFile {
  /** Where to write it: the target path itself, or a path beside or under it joined with '/' (a TF.js shard). */
  path: string;
  bytes: Uint8Array;
}

/** A model file format: how to recognise its bytes, read them into artifacts, and write artifacts out. */
export interface ModelFormat {
  /** A short name ('strata', 'keras', 'hdf5', 'tfjs', 'onnx'), as `strata convert` and errors name it. */
  readonly name: string;
  /** One phrase for messages ('Keras 3 .keras archive'). */
  readonly description: string;
  /** Whether a file starting with `head` (at least its first 1024 bytes, when the file has them) is in this format. */
  detect?(head: Uint8Array): boolean;
  /** Whether saving to `path` means this format (decided by the name only). */
  matchesPath(path: string): boolean;
  /** Reads a file of this format; every size is checked against `limits` before allocating. */
  read?(input: ModelInput, limits: Limits): Promise<ModelArtifacts>;
  /**
   * The files that hold `artifacts` in this format when saved to `target`; the main file comes
   * last, so that a reader never finds it before the files it names.
   */
  write?(artifacts: ModelArtifacts, target: string): Promise<OutputFile[]>;
}
