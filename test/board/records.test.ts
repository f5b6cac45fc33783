/** TFRecord framing, histograms and their reading back, and the page's pure helpers (smoothing, quantiles, graph layout). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import CRC32C from 'crc-32/crc32c.js';
import { decodeRecords, encodeRecord, histogram, histogramBuckets, maskedCrc32c } from '../../src/board/index.js';
import { layoutGraph } from '../../src/board/web/graph-layout.js';
import { quantile } from '../../src/board/web/quantiles.js';
import { smooth } from '../../src/board/web/smoothing.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

test('masked CRC32C: the standard check value, rotated right by 15 bits plus 0xa282ead8', () => {
  assert.equal(CRC32C.str('123456789') >>> 0, 0xe3069283);
  // 0xe3069283 rotated right by 15: low 15 bits 0x1283 move to the top.
  const rotated = ((0xe3069283 >>> 15) | ((0xe3069283 & 0x7fff) << 17)) >>> 0;
  assert.equal(rotated, 0x2507c60d);
  assert.equal(maskedCrc32c(bytes('123456789')), (0x2507c60d + 0xa282ead8) % 2 ** 32);
});

test('a record is its length, the masked CRC of the length, the data and the masked CRC of the data', () => {
  const r = encodeRecord(bytes('abc'));
  const view = new DataView(r.buffer);
  assert.equal(r.length, 8 + 4 + 3 + 4);
  assert.equal(view.getBigUint64(0, true), 3n);
  assert.equal(view.getUint32(8, true), maskedCrc32c(r.subarray(0, 8)));
  assert.deepEqual(r.subarray(12, 15), bytes('abc'));
  assert.equal(view.getUint32(15, true), maskedCrc32c(bytes('abc')));
});

test('decodeRecords reads whole records, leaves one still being written, and reports corruption with its offset', () => {
  const file = new Uint8Array([...encodeRecord(bytes('one')), ...encodeRecord(bytes('two')), ...encodeRecord(bytes('three'))]);
  const all = decodeRecords(file);
  assert.deepEqual(all.records.map((r) => new TextDecoder().decode(r)), ['one', 'two', 'three']);
  assert.equal(all.consumed, file.length);
  assert.equal(all.error, undefined);
  // The third record cut in the middle of its data: the first two are read, the rest waits.
  const partial = decodeRecords(file.subarray(0, file.length - 5));
  assert.equal(partial.records.length, 2);
  assert.equal(partial.consumed, 19 + 19);
  assert.equal(partial.error, undefined);
  const corrupt = file.slice();
  corrupt[19 + 13]! ^= 1;
  const bad = decodeRecords(corrupt, 100);
  assert.equal(bad.records.length, 1);
  assert.match(bad.error!, /record at byte 119: the CRC of its 3 data bytes does not match/);
  const garbage = decodeRecords(bytes('this is not an event file at all'));
  assert.match(garbage.error!, /record at byte 0: the CRC of its length does not match/);
});

test('histogram: equal-width buckets from min to max, the maximum in the last bucket, non-finite values left out', () => {
  const h = histogram([0, 1, 1, 2, Number.NaN, Infinity], 2);
  assert.deepEqual(h, { min: 0, max: 2, num: 4, sum: 4, sumSquares: 6, bucketLimit: [1, 2], bucket: [1, 3] });
  assert.deepEqual(histogramBuckets(h), [[0, 1, 1], [1, 2, 3]]);
  assert.deepEqual(histogram([5, 5, 5]), { min: 4.5, max: 5.5, num: 3, sum: 15, sumSquares: 75, bucketLimit: [5.5], bucket: [3] });
  assert.deepEqual(histogram([]).bucket, []);
  // Empty buckets at both ends are dropped when read, as TensorBoard reads legacy histograms.
  assert.deepEqual(histogramBuckets({ min: 0, max: 4, num: 2, sum: 0, sumSquares: 0, bucketLimit: [1, 2, 3, 4], bucket: [0, 1, 0, 1] }), [[0, 2, 1], [2, 3, 0], [3, 4, 1]]);
  assert.throws(() => histogram([1], 0), /buckets must be a positive integer/);
});

test('smoothing is TensorBoard\'s debiased moving average; quantiles interpolate inside buckets', () => {
  const out = smooth([1, 2, 3], 0.5);
  // (0.5) / 0.5 = 1; (0.25 + 1) / 0.75; (0.625 + 1.5) / 0.875.
  assert.deepEqual(out.map((v) => Number(v.toFixed(6))), [1, 1.666667, 2.428571]);
  assert.deepEqual(smooth([4, 8], 0), [4, 8]);
  assert.equal(quantile([[0, 1, 1], [1, 2, 3]], 50), 1 + 1 / 3);
  assert.equal(quantile([[0, 1, 1], [1, 2, 3]], 0), 0);
  assert.equal(quantile([[0, 1, 1], [1, 2, 3]], 100), 2);
  assert.ok(Number.isNaN(quantile([], 50)));
});

test('graph layout: rows by longest path from the inputs', () => {
  const node = (name: string, inputs: string[]) => ({ name, op: 'Dense', inputs, outputShapes: [], parameters: 0, trainableParameters: 0 });
  const { placed, rows, columns } = layoutGraph([node('in', []), node('a', ['in']), node('b', ['a']), node('skip', ['in']), node('out', ['b', 'skip:0'])]);
  assert.deepEqual(placed.map((p) => [p.node.name, p.row, p.column]), [['in', 0, 0], ['a', 1, 0], ['skip', 1, 1], ['b', 2, 0], ['out', 3, 0]]);
  assert.deepEqual(placed.find((p) => p.node.name === 'out')!.sources, ['b', 'skip']);
  assert.deepEqual([rows, columns], [4, 2]);
});
