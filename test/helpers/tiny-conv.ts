/** A small valid 3×3 convolution built from existing ops, for tests that need a layer with filters and feature maps. */
import * as s from '../../src/index.js';

/** Convolution without padding, kernel `[size, size, inChannels, filters]` (Keras's layout), made of slices and one matMul. */
export class TinyConv2D extends s.layers.Layer {
  static override readonly className = 'TinyConv2D';
  kernel!: s.Variable;
  bias!: s.Variable;

  constructor(
    readonly filters: number,
    readonly size = 3,
    args: s.layers.LayerArgs = {},
  ) {
    super(args);
  }

  override build(inputShape: s.layers.ShapeOrShapes): void {
    const shape = inputShape as s.SymbolicShape;
    this.kernel = this.addWeight('kernel', [this.size, this.size, shape[3]!, this.filters]);
    this.bias = this.addWeight('bias', [this.filters], { initializer: 'zeros' });
  }

  override call(inputs: s.Tensor | s.Tensor[]): s.Tensor {
    const x = this.singleInput(inputs);
    const [b, h, w, c] = x.shape as [number, number, number, number];
    const k = this.size;
    const [oh, ow] = [h - k + 1, w - k + 1];
    const patches: s.Tensor[] = [];
    for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) patches.push(s.slice(x, [0, dy, dx, 0], [b, oh, ow, c]));
    const cols = s.reshape(s.concat(patches, 3), [b * oh * ow, k * k * c]);
    const out = s.add(s.matMul(cols, s.reshape(this.kernel, [k * k * c, this.filters])), this.bias);
    return s.reshape(out, [b, oh, ow, this.filters]);
  }

  override computeOutputShape(inputShape: s.layers.ShapeOrShapes): s.SymbolicShape {
    const shape = inputShape as s.SymbolicShape;
    return [shape[0]!, shape[1]! - this.size + 1, shape[2]! - this.size + 1, this.filters];
  }
}
