/**
 * The protocol buffer messages of TensorFlow's event files that Strata writes and reads (Event,
 * Summary, HistogramProto, TensorProto, GraphDef and their parts), described for protobufjs's
 * runtime reflection, the RunMetadata that carries a function's op graph, and the hparams plugin's
 * HParamsPluginData. Field numbers and types follow TensorFlow's and TensorBoard's `.proto` files,
 * so TensorBoard reads what is written.
 */
import protobuf from 'protobufjs/light.js';

const packed = { packed: true };

/** TensorFlow's DataType enum values used here. */
export const DataType = { DT_FLOAT: 1, DT_DOUBLE: 2, DT_INT32: 3, DT_UINT8: 4, DT_INT16: 5, DT_INT8: 6, DT_STRING: 7, DT_INT64: 9, DT_BOOL: 10, DT_BFLOAT16: 14, DT_HALF: 19 } as const;

// Members of a oneof are written even when they hold 0 (a scalar of 0, an attribute i: 0), as TensorFlow does.
const descriptor = {
  nested: {
    tensorflow: {
      nested: {
        DataType: {
          values: { DT_INVALID: 0, ...DataType },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dim', id: 2 }, unknownRank: { type: 'bool', id: 3 } },
          nested: { Dim: { fields: { size: { type: 'int64', id: 1 }, name: { type: 'string', id: 2 } } } },
        },
        TensorProto: {
          fields: {
            dtype: { type: 'DataType', id: 1 },
            tensorShape: { type: 'TensorShapeProto', id: 2 },
            versionNumber: { type: 'int32', id: 3 },
            tensorContent: { type: 'bytes', id: 4 },
            floatVal: { rule: 'repeated', type: 'float', id: 5, options: packed },
            doubleVal: { rule: 'repeated', type: 'double', id: 6, options: packed },
            intVal: { rule: 'repeated', type: 'int32', id: 7, options: packed },
            stringVal: { rule: 'repeated', type: 'bytes', id: 8 },
            int64Val: { rule: 'repeated', type: 'int64', id: 10, options: packed },
            boolVal: { rule: 'repeated', type: 'bool', id: 11, options: packed },
            // Half and bfloat16 values, each in the low 16 bits of an int32.
            halfVal: { rule: 'repeated', type: 'int32', id: 13, options: packed },
          },
        },
        HistogramProto: {
          fields: {
            min: { type: 'double', id: 1 },
            max: { type: 'double', id: 2 },
            num: { type: 'double', id: 3 },
            sum: { type: 'double', id: 4 },
            sumSquares: { type: 'double', id: 5 },
            bucketLimit: { rule: 'repeated', type: 'double', id: 6, options: packed },
            bucket: { rule: 'repeated', type: 'double', id: 7, options: packed },
          },
        },
        SummaryMetadata: {
          fields: {
            pluginData: { type: 'PluginData', id: 1 },
            displayName: { type: 'string', id: 2 },
            summaryDescription: { type: 'string', id: 3 },
            dataClass: { type: 'int32', id: 4 },
          },
          nested: { PluginData: { fields: { pluginName: { type: 'string', id: 1 }, content: { type: 'bytes', id: 2 } } } },
        },
        Summary: {
          fields: { value: { rule: 'repeated', type: 'Value', id: 1 } },
          nested: {
            Image: {
              fields: {
                height: { type: 'int32', id: 1 },
                width: { type: 'int32', id: 2 },
                colorspace: { type: 'int32', id: 3 },
                encodedImageString: { type: 'bytes', id: 4 },
              },
            },
            Audio: {
              fields: {
                sampleRate: { type: 'float', id: 1 },
                numChannels: { type: 'int64', id: 2 },
                lengthFrames: { type: 'int64', id: 3 },
                encodedAudioString: { type: 'bytes', id: 4 },
                contentType: { type: 'string', id: 5 },
              },
            },
            Value: {
              oneofs: { value: { oneof: ['simpleValue', 'image', 'histo', 'audio', 'tensor'] } },
              fields: {
                nodeName: { type: 'string', id: 7 },
                tag: { type: 'string', id: 1 },
                metadata: { type: 'SummaryMetadata', id: 9 },
                simpleValue: { type: 'float', id: 2 },
                image: { type: 'Image', id: 4 },
                histo: { type: 'HistogramProto', id: 5 },
                audio: { type: 'Audio', id: 6 },
                tensor: { type: 'TensorProto', id: 8 },
              },
            },
          },
        },
        Event: {
          oneofs: { what: { oneof: ['fileVersion', 'graphDef', 'summary'] } },
          fields: {
            wallTime: { type: 'double', id: 1 },
            step: { type: 'int64', id: 2 },
            fileVersion: { type: 'string', id: 3 },
            graphDef: { type: 'bytes', id: 4 },
            summary: { type: 'Summary', id: 5 },
          },
        },
        AttrValue: {
          oneofs: { value: { oneof: ['list', 's', 'i', 'f', 'b', 'type', 'shape'] } },
          fields: {
            list: { type: 'ListValue', id: 1 },
            s: { type: 'bytes', id: 2 },
            i: { type: 'int64', id: 3 },
            f: { type: 'float', id: 4 },
            b: { type: 'bool', id: 5 },
            type: { type: 'DataType', id: 6 },
            shape: { type: 'TensorShapeProto', id: 7 },
          },
          nested: {
            ListValue: {
              fields: {
                s: { rule: 'repeated', type: 'bytes', id: 2 },
                i: { rule: 'repeated', type: 'int64', id: 3, options: packed },
                shape: { rule: 'repeated', type: 'TensorShapeProto', id: 7 },
              },
            },
          },
        },
        NodeDef: {
          fields: {
            name: { type: 'string', id: 1 },
            op: { type: 'string', id: 2 },
            input: { rule: 'repeated', type: 'string', id: 3 },
            device: { type: 'string', id: 4 },
            attr: { keyType: 'string', type: 'AttrValue', id: 5 },
          },
        },
        VersionDef: {
          fields: { producer: { type: 'int32', id: 1 }, minConsumer: { type: 'int32', id: 2 } },
        },
        GraphDef: {
          fields: { node: { rule: 'repeated', type: 'NodeDef', id: 1 }, versions: { type: 'VersionDef', id: 4 } },
        },
        // Only the op graphs of functions (what `tf.summary.trace_export` stores), no profile.
        RunMetadata: {
          fields: { functionGraphs: { rule: 'repeated', type: 'FunctionGraphs', id: 4 } },
          nested: { FunctionGraphs: { fields: { preOptimizationGraph: { type: 'GraphDef', id: 2 } } } },
        },
      },
    },
    google: {
      nested: {
        protobuf: {
          nested: {
            // A JSON-like value (google/protobuf/struct.proto), how the hparams plugin stores a hyperparameter.
            Value: {
              oneofs: { kind: { oneof: ['nullValue', 'numberValue', 'stringValue', 'boolValue', 'listValue'] } },
              fields: {
                nullValue: { type: 'int32', id: 1 },
                numberValue: { type: 'double', id: 2 },
                stringValue: { type: 'string', id: 3 },
                boolValue: { type: 'bool', id: 4 },
                listValue: { type: 'ListValue', id: 6 },
              },
            },
            ListValue: { fields: { values: { rule: 'repeated', type: 'Value', id: 1 } } },
          },
        },
      },
    },
    // TensorBoard's hparams plugin (tensorboard/plugins/hparams/plugin_data.proto and api.proto), the parts written and read here.
    tensorboard: {
      nested: {
        hparams: {
          nested: {
            HParamsPluginData: {
              oneofs: { data: { oneof: ['experiment', 'sessionStartInfo', 'sessionEndInfo'] } },
              fields: {
                version: { type: 'int32', id: 1 },
                experiment: { type: 'Experiment', id: 2 },
                sessionStartInfo: { type: 'SessionStartInfo', id: 3 },
                sessionEndInfo: { type: 'SessionEndInfo', id: 4 },
              },
            },
            SessionStartInfo: {
              fields: {
                hparams: { keyType: 'string', type: 'google.protobuf.Value', id: 1 },
                modelUri: { type: 'string', id: 2 },
                monitorUrl: { type: 'string', id: 3 },
                groupName: { type: 'string', id: 4 },
                startTimeSecs: { type: 'double', id: 5 },
              },
            },
            SessionEndInfo: { fields: { status: { type: 'int32', id: 1 }, endTimeSecs: { type: 'double', id: 2 } } },
            Experiment: {
              fields: {
                name: { type: 'string', id: 6 },
                description: { type: 'string', id: 1 },
                user: { type: 'string', id: 2 },
                timeCreatedSecs: { type: 'double', id: 3 },
                hparamInfos: { rule: 'repeated', type: 'HParamInfo', id: 4 },
                metricInfos: { rule: 'repeated', type: 'MetricInfo', id: 5 },
              },
            },
            HParamInfo: {
              fields: {
                name: { type: 'string', id: 1 },
                displayName: { type: 'string', id: 2 },
                description: { type: 'string', id: 3 },
                // DataType: 0 unset, 1 string, 2 bool, 3 float64.
                type: { type: 'int32', id: 4 },
                domainDiscrete: { type: 'google.protobuf.ListValue', id: 5 },
              },
            },
            MetricInfo: {
              fields: {
                name: { type: 'MetricName', id: 1 },
                displayName: { type: 'string', id: 3 },
                description: { type: 'string', id: 4 },
                // DatasetType: 0 unknown, 1 training, 2 validation.
                datasetType: { type: 'int32', id: 5 },
              },
            },
            MetricName: { fields: { group: { type: 'string', id: 1 }, tag: { type: 'string', id: 2 } } },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(descriptor);

/** A TensorShapeProto: dimension sizes, -1 where unknown. */
export interface ShapeMessage {
  dim?: { size: number }[];
  unknownRank?: boolean;
}

/** A TensorProto (the fields used: strings for text summaries, numbers for small tensors). */
export interface TensorMessage {
  dtype: number;
  tensorShape?: ShapeMessage;
  /** The values as little-endian bytes (how TensorFlow's own writers store them). */
  tensorContent?: Uint8Array;
  floatVal?: number[];
  doubleVal?: number[];
  /** int32, int16, int8 and uint8 values. */
  intVal?: number[];
  stringVal?: Uint8Array[];
  int64Val?: number[];
  boolVal?: boolean[];
  /** Half or bfloat16 values, each in the low 16 bits. */
  halfVal?: number[];
}

/** A HistogramProto: `bucket[i]` values fell in (`bucketLimit[i-1]`, `bucketLimit[i]`], the first from `min`. */
export interface HistogramMessage {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  bucketLimit: number[];
  bucket: number[];
}

/** An encoded image inside a summary (PNG here). */
export interface ImageMessage {
  height: number;
  width: number;
  /** 1 grayscale, 3 RGB, 4 RGBA. */
  colorspace: number;
  encodedImageString: Uint8Array;
}

/** An encoded sound inside a summary (TensorFlow 1's form; a WAV file as TensorFlow and PyTorch write it). */
export interface AudioMessage {
  sampleRate: number;
  numChannels?: number;
  lengthFrames?: number;
  encodedAudioString?: Uint8Array;
  contentType?: string;
}

/** One tagged value of a Summary: exactly one of simpleValue, histo, image, audio or tensor. */
export interface SummaryValueMessage {
  tag: string;
  metadata?: { pluginData?: { pluginName: string; content?: Uint8Array }; displayName?: string; summaryDescription?: string; dataClass?: number };
  simpleValue?: number;
  histo?: HistogramMessage;
  image?: ImageMessage;
  audio?: AudioMessage;
  tensor?: TensorMessage;
}

/** An Event: a time, a step and one payload (a file version, a serialized GraphDef or a Summary). */
export interface EventMessage {
  wallTime: number;
  step?: number;
  fileVersion?: string;
  graphDef?: Uint8Array;
  summary?: { value: SummaryValueMessage[] };
}

/** An AttrValue of a node (the kinds written here). */
export interface AttrMessage {
  s?: Uint8Array;
  i?: number;
  type?: number;
  shape?: ShapeMessage;
  list?: { s?: Uint8Array[]; i?: number[]; shape?: ShapeMessage[] };
}

/** A NodeDef: one node of a GraphDef (a layer of a model, or an op of a traced function). */
export interface NodeMessage {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, AttrMessage>;
}

/** A GraphDef: the nodes (and the producer version TensorBoard checks). */
export interface GraphMessage {
  node: NodeMessage[];
  versions?: { producer: number; minConsumer?: number };
}

const eventType = root.lookupType('tensorflow.Event');
const graphType = root.lookupType('tensorflow.GraphDef');
const runMetadataType = root.lookupType('tensorflow.RunMetadata');
const conversion = { longs: Number, defaults: false, arrays: true };

/** Serializes an Event. */
export function encodeEvent(event: EventMessage): Uint8Array {
  return eventType.encode(eventType.fromObject(event)).finish();
}

/** Parses an Event (int64 fields as numbers). Throws on malformed bytes. */
export function decodeEvent(bytes: Uint8Array): EventMessage {
  return eventType.toObject(eventType.decode(bytes), conversion) as EventMessage;
}

/** Serializes a GraphDef. */
export function encodeGraph(graph: GraphMessage): Uint8Array {
  return graphType.encode(graphType.fromObject(graph)).finish();
}

/** Parses a GraphDef (int64 fields as numbers). Throws on malformed bytes. */
export function decodeGraph(bytes: Uint8Array): GraphMessage {
  return graphType.toObject(graphType.decode(bytes), conversion) as GraphMessage;
}

/** Serializes a RunMetadata holding `graph` as one function's graph (how TensorBoard reads a tagged op graph). */
export function encodeFunctionGraph(graph: GraphMessage): Uint8Array {
  return runMetadataType.encode(runMetadataType.fromObject({ functionGraphs: [{ preOptimizationGraph: graph }] })).finish();
}

/** The function graphs of a serialized RunMetadata (int64 fields as numbers). Throws on malformed bytes. */
export function decodeFunctionGraphs(bytes: Uint8Array): GraphMessage[] {
  const metadata = runMetadataType.toObject(runMetadataType.decode(bytes), conversion) as { functionGraphs?: { preOptimizationGraph?: GraphMessage }[] };
  return (metadata.functionGraphs ?? []).map((f) => f.preOptimizationGraph ?? { node: [] });
}

/** A google.protobuf.Value as the hparams plugin stores a hyperparameter: one of its kinds set. */
export interface ProtoValueMessage {
  nullValue?: number;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  listValue?: { values?: ProtoValueMessage[] };
}

/** The start of an hparams session (one training run): its hyperparameters. */
export interface SessionStartMessage {
  hparams?: Record<string, ProtoValueMessage>;
  groupName?: string;
  startTimeSecs?: number;
}

/** The end of an hparams session: how it ended (1 success, 2 failure, 3 running) and when. */
export interface SessionEndMessage {
  status?: number;
  endTimeSecs?: number;
}

/** An hparams experiment: the hyperparameters and metrics its sessions share. */
export interface ExperimentMessage {
  name?: string;
  description?: string;
  timeCreatedSecs?: number;
  hparamInfos?: { name: string; displayName?: string; description?: string; type?: number; domainDiscrete?: { values?: ProtoValueMessage[] } }[];
  metricInfos?: { name: { group?: string; tag: string }; displayName?: string; description?: string; datasetType?: number }[];
}

/** TensorBoard's HParamsPluginData: a version (0) and one of an experiment, a session's start or its end. */
export interface HParamsPluginDataMessage {
  version?: number;
  experiment?: ExperimentMessage;
  sessionStartInfo?: SessionStartMessage;
  sessionEndInfo?: SessionEndMessage;
}

const hparamsType = root.lookupType('tensorboard.hparams.HParamsPluginData');

/** Serializes an HParamsPluginData (the content of an hparams summary's plugin data). */
export function encodeHParamsPluginData(data: HParamsPluginDataMessage): Uint8Array {
  return hparamsType.encode(hparamsType.fromObject(data)).finish();
}

/** Parses an HParamsPluginData. Throws on malformed bytes. */
export function decodeHParamsPluginData(bytes: Uint8Array): HParamsPluginDataMessage {
  return hparamsType.toObject(hparamsType.decode(bytes), conversion) as HParamsPluginDataMessage;
}
