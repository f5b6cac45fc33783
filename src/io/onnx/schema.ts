/**
 * The part of ONNX's protobuf schema (onnx/onnx.proto, IR version 8) that an exported inference
 * graph uses, as a protobufjs JSON descriptor. Field names are ours (camelCase); the field numbers
 * and wire types are ONNX's, which is all that reaches the file. protobufjs is loaded when a model
 * is first exported, so that users who never export ONNX do not load it.
 */

/** `TensorProto.DataType` values for the element types Strata exports. */
export const ONNX_DTYPES = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9, float64: 11 } as const;

/** An element type named by `ONNX_DTYPES`. */
export type OnnxDType = keyof typeof ONNX_DTYPES;

/** `AttributeProto.AttributeType` values. */
export const ATTRIBUTE_TYPES = { float: 1, int: 2, string: 3, floats: 6, ints: 7, strings: 8 } as const;

const descriptor = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            docString: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
          },
        },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            docString: { type: 'string', id: 10 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            domain: { type: 'string', id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'int32', id: 20 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            floats: { rule: 'repeated', type: 'float', id: 7 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
            strings: { rule: 'repeated', type: 'bytes', id: 9 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
        TypeProto: { fields: { tensorType: { type: 'TypeProtoTensor', id: 1 } } },
        TypeProtoTensor: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
        TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
        Dimension: { fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } } },
      },
    },
  },
};

/** A tensor's declared type: element type and dimensions (a string names a size known only at run time). */
export interface ValueInfo {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: ({ dimValue: number } | { dimParam: string })[] } } };
}

/** A constant tensor stored in the file. */
export interface TensorRecord {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

/** One attribute of a node, already tagged with its type. */
export interface AttributeRecord {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

/** One operation of the graph. */
export interface NodeRecord {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: AttributeRecord[];
}

/** A whole model as the schema above describes it. */
export interface ModelRecord {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  docString?: string;
  graph: {
    name: string;
    node: NodeRecord[];
    initializer: TensorRecord[];
    input: ValueInfo[];
    output: ValueInfo[];
  };
}

/** The bytes of an ONNX `ModelProto` holding `model`. */
export async function encodeOnnxModel(model: ModelRecord): Promise<Uint8Array> {
  const { default: protobuf } = await import('protobufjs/light.js');
  const type = protobuf.Root.fromJSON(descriptor).lookupType('onnx.ModelProto');
  return type.encode(type.fromObject(model as unknown as Record<string, unknown>)).finish();
}
