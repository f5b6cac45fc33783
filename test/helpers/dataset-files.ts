/** Small MNIST-style data sets written by the tests: IDX files (gzipped or not), .npz archives, and an HTTP server on 127.0.0.1 that serves files. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { deflateRawSync, gzipSync } from 'node:zlib';

/** An IDX file of unsigned bytes with the given shape. */
export function idxBytes(shape: number[], data: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return Buffer.concat([header, data]);
}

/** Pixel `p` of image `i` in the synthetic sets: distinct per image, so a mix-up shows. */
export const pixelOf = (i: number, p: number, seed = 0): number => (i * 31 + p * 7 + seed) % 256;

/** The synthetic images and labels: `n` images, label i % 10. */
export function syntheticSplit(n: number, seed = 0): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) for (let p = 0; p < 784; p++) images[i * 784 + p] = pixelOf(i, p, seed);
  return { images, labels: Uint8Array.from({ length: n }, (_, i) => i % 10) };
}

/** Writes the four IDX files of a synthetic set (`nTrain` and `nTest` images) to `dir`, gzipped unless told. */
export function writeIdxSet(dir: string, nTrain: number, nTest: number, args: { gzip?: boolean; seed?: number } = {}): void {
  mkdirSync(dir, { recursive: true });
  const gzip = args.gzip ?? true;
  for (const [prefix, n] of [['train', nTrain], ['t10k', nTest]] as const) {
    const { images, labels } = syntheticSplit(n, args.seed);
    const write = (name: string, bytes: Uint8Array): void => writeFileSync(join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
    write(`${prefix}-images-idx3-ubyte`, idxBytes([n, 28, 28], images));
    write(`${prefix}-labels-idx1-ubyte`, idxBytes([n], labels));
  }
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A .npy file of unsigned bytes. */
export function npyBytes(shape: number[], data: Uint8Array): Uint8Array {
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header = header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11) + '\n';
  const pre = new Uint8Array(10);
  pre.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(pre.buffer).setUint16(8, header.length, true);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), data]);
}

/** A zip archive of `entries`, deflated (as numpy's savez_compressed writes) or stored. */
export function zipBytes(entries: Record<string, Uint8Array>, deflate = true): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(entries)) {
    const body = deflate ? deflateRawSync(data) : Buffer.from(data);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** An mnist.npz-like archive of a synthetic set. */
export function syntheticNpz(nTrain: number, nTest: number, deflate = true): Uint8Array {
  const train = syntheticSplit(nTrain);
  const test = syntheticSplit(nTest, 1);
  return zipBytes(
    {
      'x_test.npy': npyBytes([nTest, 28, 28], test.images),
      'x_train.npy': npyBytes([nTrain, 28, 28], train.images),
      'y_train.npy': npyBytes([nTrain], train.labels),
      'y_test.npy': npyBytes([nTest], test.labels),
    },
    deflate,
  );
}

/** A server on 127.0.0.1 answering with `handler`; `url` is its base, `requests` the paths asked for. */
export interface TestServer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** Starts a local HTTP server for download tests (no test reaches the internet). */
export async function startServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
