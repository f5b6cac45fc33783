/**
 * An event file decoder written apart from src/board: TFRecord framing read by hand, CRCs checked
 * with the crc-32 library, protocol buffers parsed by protobufjs from TensorFlow's .proto text.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import CRC32C from 'crc-32/crc32c.js';
import protobuf from 'protobufjs';

// Field numbers and types as in tensorflow/core/framework/{summary,graph,node_def,attr_value,tensor,tensor_shape}.proto, util/event.proto and protobuf/config.proto.
const PROTO = `
syntax = "proto3";
package tensorflow;
message TensorShapeProto { message Dim { int64 size = 1; string name = 2; } repeated Dim dim = 2; bool unknown_rank = 3; }
message TensorProto { int32 dtype = 1; TensorShapeProto tensor_shape = 2; bytes tensor_content = 4; repeated float float_val = 5; repeated bytes string_val = 8; }
message HistogramProto { double min = 1; double max = 2; double num = 3; double sum = 4; double sum_squares = 5; repeated double bucket_limit = 6; repeated double bucket = 7; }
message SummaryMetadata { message PluginData { string plugin_name = 1; bytes content = 2; } PluginData plugin_data = 1; string display_name = 2; int32 data_class = 4; }
message Summary {
  message Image { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4; }
  message Value { string node_name = 7; string tag = 1; SummaryMetadata metadata = 9;
    oneof value { float simple_value = 2; bytes obsolete_old_style_histogram = 3; Image image = 4; HistogramProto histo = 5; TensorProto tensor = 8; } }
  repeated Value value = 1;
}
message Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; bytes graph_def = 4; Summary summary = 5; } }
message AttrValue { message ListValue { repeated bytes s = 2; repeated int64 i = 3; repeated TensorShapeProto shape = 7; }
  oneof value { ListValue list = 1; bytes s = 2; int64 i = 3; float f = 4; bool b = 5; int32 type = 6; TensorShapeProto shape = 7; } }
message NodeDef { string name = 1; string op = 2; repeated string input = 3; string device = 4; map<string, AttrValue> attr = 5; }
message GraphDef { repeated NodeDef node = 1; }
message RunMetadata { message FunctionGraphs { GraphDef pre_optimization_graph = 2; } repeated FunctionGraphs function_graphs = 4; }
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;
const Event = root.lookupType('tensorflow.Event');
const GraphDef = root.lookupType('tensorflow.GraphDef');
const RunMetadata = root.lookupType('tensorflow.RunMetadata');
const toObject = { longs: Number, arrays: true, defaults: true, oneofs: false };

function masked(bytes: Uint8Array): number {
  const crc = CRC32C.buf(bytes) >>> 0;
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/** Event messages as plain objects with TensorFlow's snake_case field names. */
export type DecodedEvent = Record<string, any>;

/** Every record of an event file, with both CRCs checked; throws on any mismatch or trailing bytes. */
export function readRecords(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const length = Number(view.getBigUint64(pos, true));
    if (view.getUint32(pos + 8, true) !== masked(bytes.subarray(pos, pos + 8))) throw new Error(`length CRC mismatch at ${pos}`);
    const data = bytes.subarray(pos + 12, pos + 12 + length);
    if (data.length !== length) throw new Error(`truncated record at ${pos}`);
    if (view.getUint32(pos + 12 + length, true) !== masked(data)) throw new Error(`data CRC mismatch at ${pos}`);
    out.push(data);
    pos += 16 + length;
  }
  return out;
}

/** The events of one file. */
export function readEventFile(path: string): DecodedEvent[] {
  return readRecords(readFileSync(path)).map((r) => Event.toObject(Event.decode(r), toObject));
}

/** The events of every event file in `dir`, in file-name order. */
export function readEventDir(dir: string): { files: string[]; events: DecodedEvent[] } {
  const files = readdirSync(dir).filter((f) => f.includes('tfevents')).sort();
  return { files, events: files.flatMap((f) => readEventFile(join(dir, f))) };
}

/** A serialized GraphDef as a plain object. */
export function decodeGraphDef(bytes: Uint8Array): { node: { name: string; op: string; input: string[]; attr: Record<string, any> }[] } {
  return GraphDef.toObject(GraphDef.decode(bytes), { ...toObject, objects: true }) as never;
}

/** The function graphs of a serialized RunMetadata (how TensorFlow 2 stores a traced function's op graph), as plain objects. */
export function decodeRunMetadataGraphs(bytes: Uint8Array): ReturnType<typeof decodeGraphDef>[] {
  const metadata = RunMetadata.toObject(RunMetadata.decode(bytes), { ...toObject, objects: true }) as { function_graphs: { pre_optimization_graph: ReturnType<typeof decodeGraphDef> }[] };
  return metadata.function_graphs.map((f) => f.pre_optimization_graph);
}

/** The summary values of `events` with tag `tag`, with their steps. */
export function valuesOf(events: DecodedEvent[], tag: string): { step: number; value: any }[] {
  return events.flatMap((e) => (e.summary?.value ?? []).filter((v: any) => v.tag === tag).map((v: any) => ({ step: e.step ?? 0, value: v })));
}
