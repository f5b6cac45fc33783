/** The decoders of files Strata reads, fuzzed: every mutation of a valid file gives a typed error or a valid result, within a time and memory bound. */
import { test } from 'node:test';
import { parseIdx } from '../../src/datasets/idx.js';
import { fuzzDecoder } from '../helpers/fuzz.js';

function idxFile(shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(4 + 4 * shape.length + count);
  const view = new DataView(bytes.buffer);
  bytes[2] = 0x08;
  bytes[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) bytes[4 + 4 * shape.length + i] = (i * 37) & 0xff;
  return bytes;
}

test('IDX: every mutation of a valid file is refused with a typed error or decoded', { timeout: 60_000 }, async () => {
  await fuzzDecoder({
    name: 'parseIdx',
    seeds: [idxFile([3, 4, 5]), idxFile([10])],
    decode: (b) => parseIdx(b, 'x.idx'),
    sizeFields: [{ at: 4, width: 4, littleEndian: false }, { at: 8, width: 4, littleEndian: false }],
  });
});
