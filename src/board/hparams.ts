/**
 * Hyperparameters as TensorBoard's hparams plugin stores them: a session (one training run) opens
 * with its hyperparameters (`_hparams_/session_start_info`) and closes with its status
 * (`_hparams_/session_end_info`), each an empty tensor whose plugin data is an HParamsPluginData.
 * The session's metrics are the scalars of its run and of the runs below it (`train/epoch_loss`).
 */
import { ValueError } from '../core/errors.js';
import { DataType, decodeHParamsPluginData, encodeHParamsPluginData, type HParamsPluginDataMessage, type ProtoValueMessage, type SummaryValueMessage } from './tf-protos.js';

/** The plugin name of hparams summaries. */
export const HPARAMS_PLUGIN = 'hparams';

/** The tags TensorBoard gives a session's start and end. */
export const HPARAMS_TAGS = { sessionStart: '_hparams_/session_start_info', sessionEnd: '_hparams_/session_end_info' } as const;

/** One hyperparameter's value. */
export type HParamValue = number | string | boolean;

/** A run's hyperparameters by name, e.g. `{ optimizer: 'adam', learning_rate: 0.001, units: 64 }`. */
export type HParams = Record<string, HParamValue>;

/** How a session ended, as the plugin records it. */
export type SessionStatus = 'unknown' | 'success' | 'failure' | 'running';

const STATUS_CODES: Record<SessionStatus, number> = { unknown: 0, success: 1, failure: 2, running: 3 };
const STATUS_NAMES = Object.fromEntries(Object.entries(STATUS_CODES).map(([name, code]) => [code, name])) as Record<number, SessionStatus>;

/** The version of HParamsPluginData that TensorBoard reads (it refuses any other). */
const PLUGIN_DATA_VERSION = 0;

/**
 * `hparams` checked: a ValueError names `where` and the first value that is not a finite number,
 * a string or a boolean (TensorBoard's three kinds of hyperparameter).
 *
 * @example
 * ```ts
 * checkHParams('TensorBoard', { lr: 0.01, optimizer: 'sgd' }); // returns it
 * checkHParams('TensorBoard', { lr: NaN }); // throws ValueError
 * ```
 */
export function checkHParams(where: string, hparams: HParams): HParams {
  if (typeof hparams !== 'object' || hparams === null || Array.isArray(hparams)) {
    throw new ValueError(`${where}: hparams must be an object of names to values, got ${Array.isArray(hparams) ? 'an array' : String(hparams)}.`);
  }
  for (const [name, value] of Object.entries(hparams)) {
    const ok = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
    if (!ok) throw new ValueError(`${where}: hparams.${name} must be a finite number, a string or a boolean, got ${typeof value === 'number' ? value : typeof value}.`);
  }
  return hparams;
}

/** One hparams summary: an empty float tensor (what the plugin writes) carrying `data` in its metadata. */
function hparamsValue(tag: string, data: HParamsPluginDataMessage): SummaryValueMessage {
  return {
    tag,
    metadata: { pluginData: { pluginName: HPARAMS_PLUGIN, content: encodeHParamsPluginData({ ...data, version: PLUGIN_DATA_VERSION }) } },
    tensor: { dtype: DataType.DT_FLOAT, tensorShape: { dim: [{ size: 0 }] } },
  };
}

function protoValue(value: HParamValue): ProtoValueMessage {
  if (typeof value === 'number') return { numberValue: value };
  return typeof value === 'string' ? { stringValue: value } : { boolValue: value };
}

/**
 * The summary opening a session with its hyperparameters, started at `startTimeSecs` (seconds
 * since 1970).
 *
 * @example
 * ```ts
 * writer.writeValues(0, [sessionStartValue({ optimizer: 'adam', units: 64 }, Date.now() / 1000)]);
 * ```
 */
export function sessionStartValue(hparams: HParams, startTimeSecs: number): SummaryValueMessage {
  const values = Object.fromEntries(Object.entries(hparams).map(([name, value]) => [name, protoValue(value)]));
  return hparamsValue(HPARAMS_TAGS.sessionStart, { sessionStartInfo: { hparams: values, groupName: '', startTimeSecs } });
}

/**
 * The summary closing a session: how it ended and when (seconds since 1970).
 *
 * @example
 * ```ts
 * writer.writeValues(0, [sessionEndValue('success', Date.now() / 1000)]);
 * ```
 */
export function sessionEndValue(status: SessionStatus, endTimeSecs: number): SummaryValueMessage {
  return hparamsValue(HPARAMS_TAGS.sessionEnd, { sessionEndInfo: { status: STATUS_CODES[status], endTimeSecs } });
}

/** What a run's hparams summaries said: its hyperparameters, and its status once it ended. */
export interface SessionInfo {
  hparams?: HParams;
  status?: SessionStatus;
  startTime?: number;
  endTime?: number;
}

/** A google.protobuf.Value as a hyperparameter: a list or null (which TensorBoard shows as text) as JSON. */
function hparamValue(value: ProtoValueMessage): HParamValue {
  if (value.numberValue !== undefined) return value.numberValue;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  return JSON.stringify(value.listValue ? (value.listValue.values ?? []).map(hparamValue) : null);
}

/**
 * What one hparams summary's plugin data (`content`) tells of its session: the hyperparameters of a
 * session's start, the status of its end, nothing for an experiment (its sessions say it all).
 * Throws on malformed bytes.
 *
 * @example
 * ```ts
 * readSessionInfo(value.metadata.pluginData.content); // { hparams: { units: 64 }, startTime: 1.7e9 }
 * ```
 */
export function readSessionInfo(content: Uint8Array): SessionInfo {
  const data = decodeHParamsPluginData(content);
  const start = data.sessionStartInfo;
  if (start) {
    const hparams = Object.fromEntries(Object.entries(start.hparams ?? {}).map(([name, value]) => [name, hparamValue(value)]));
    return { hparams, ...(start.startTimeSecs ? { startTime: start.startTimeSecs } : {}) };
  }
  const end = data.sessionEndInfo;
  if (end) return { status: STATUS_NAMES[end.status ?? 0] ?? 'unknown', ...(end.endTimeSecs ? { endTime: end.endTimeSecs } : {}) };
  return {};
}
