/** ONNX as a `ModelFormat`: written (an inference graph for ONNX Runtime, Triton and other ONNX engines), never read. */
import type { ModelFormat } from '../artifacts.js';
import { artifactsToOnnx } from './export.js';

/** Writes `.onnx` files: `model.save('model.onnx')`. Strata does not read ONNX (it holds no training state or Keras config to rebuild layers from). */
export const onnxFormat: ModelFormat = {
  name: 'onnx',
  description: 'ONNX inference graph (.onnx, written only)',
  matchesPath: (path) => /\.onnx$/i.test(path),
  async write(artifacts, target) {
    return [{ path: target, bytes: await artifactsToOnnx(artifacts, target) }];
  },
};
