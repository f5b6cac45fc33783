/**
 * The ONNX graph an export builds: nodes, constant tensors and the graph's inputs and outputs,
 * with unique value names, and each value's element type and (where known) shape, which the
 * converters use to pick axes and which the file declares for the graph's inputs and outputs.
 */
import { ATTRIBUTE_TYPES, ONNX_DTYPES, type AttributeRecord, type NodeRecord, type OnnxDType, type TensorRecord, type ValueInfo } from './schema.js';

/** A tensor flowing through the graph: its name, element type, shape (null where known only at run time), and whether a Strata mask rides along with it. */
export interface OnnxValue {
  name: string;
  dtype: OnnxDType;
  shape: (number | null)[];
  /** True after an Embedding with `maskZero`, through the layers that pass masks on. */
  masked: boolean;
}

/** An attribute value, tagged with its ONNX type. */
export type Attribute =
  | { int: number }
  | { float: number }
  | { string: string }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { strings: readonly string[] };

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function attributeRecord(name: string, a: Attribute): AttributeRecord {
  if ('int' in a) return { name, type: ATTRIBUTE_TYPES.int, i: a.int };
  if ('float' in a) return { name, type: ATTRIBUTE_TYPES.float, f: a.float };
  if ('string' in a) return { name, type: ATTRIBUTE_TYPES.string, s: utf8(a.string) };
  if ('ints' in a) return { name, type: ATTRIBUTE_TYPES.ints, ints: [...a.ints] };
  if ('floats' in a) return { name, type: ATTRIBUTE_TYPES.floats, floats: [...a.floats] };
  return { name, type: ATTRIBUTE_TYPES.strings, strings: a.strings.map(utf8) };
}

/** A typed array's bytes (little-endian on every platform Strata runs on). */
function bytesOf(values: ArrayBufferView): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
}

/** The graph under construction. */
export class OnnxGraph {
  /** The operations, in an order where each reads only values made before it (ONNX requires it). */
  readonly nodes: NodeRecord[] = [];
  /** The constant tensors: weights and the small shape and axis vectors ops take as inputs. */
  readonly initializers: TensorRecord[] = [];
  /** The graph's inputs, as declared. */
  readonly inputs: ValueInfo[] = [];
  /** The graph's outputs, as declared. */
  readonly outputs: ValueInfo[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();

  /** A name not used yet, `base` itself when free. */
  unique(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /**
   * Adds a node of `opType` reading `inputs` ('' for an omitted optional input) and returns the
   * names of its `outputs` outputs; `scope` (the layer's name) prefixes the names.
   */
  op(scope: string, opType: string, inputs: readonly string[], attributes: Record<string, Attribute> = {}, outputs = 1): string[] {
    const node = this.unique(`${scope}/${opType}`);
    const names = Array.from({ length: outputs }, (_, i) => this.unique(`${node}:${i}`));
    this.nodes.push({
      name: node,
      opType,
      input: [...inputs],
      output: names,
      attribute: Object.entries(attributes).map(([k, a]) => attributeRecord(k, a)),
    });
    return names;
  }

  /** `op` for a node with one output. */
  op1(scope: string, opType: string, inputs: readonly string[], attributes: Record<string, Attribute> = {}): string {
    return this.op(scope, opType, inputs, attributes)[0]!;
  }

  /**
   * A constant tensor named after `key`; the same key gives the same tensor (a shared layer's
   * weights are stored once). `make` is called only the first time.
   */
  constant(key: string, make: () => { dtype: OnnxDType; dims: readonly number[]; values: ArrayBufferView }): string {
    const found = this.constants.get(key);
    if (found !== undefined) return found;
    const { dtype, dims, values } = make();
    const name = this.unique(key);
    this.initializers.push({ name, dims: [...dims], dataType: ONNX_DTYPES[dtype], rawData: bytesOf(values) });
    this.constants.set(key, name);
    return name;
  }

  /** An int64 vector constant (shapes, axes, pads as ONNX ops take them as inputs). */
  int64s(values: readonly number[]): string {
    return this.constant(`const/int64[${values.join(',')}]`, () => ({ dtype: 'int64', dims: [values.length], values: BigInt64Array.from(values.map(BigInt)) }));
  }

  /** A float32 scalar constant. */
  scalar(value: number): string {
    return this.constant(`const/float(${value})`, () => ({ dtype: 'float32', dims: [], values: Float32Array.of(value) }));
  }

  /** Declares a graph input or output. */
  declare(list: 'inputs' | 'outputs', name: string, dtype: OnnxDType, shape: readonly (number | null)[]): void {
    const dim = shape.map((d, i) => (d === null ? { dimParam: i === 0 ? 'batch' : `${name}_dim${i}` } : { dimValue: d }));
    this[list].push({ name, type: { tensorType: { elemType: ONNX_DTYPES[dtype], shape: { dim } } } });
  }
}
