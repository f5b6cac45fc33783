/**
 * The playground behind `strata lab --serve` (Node only): its page, Strata's browser build and a
 * slice of Fashion-MNIST, served cross-origin isolated so that the wasm backend runs on workers, or
 * written out as static files for any web server.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotFoundError, ValueError } from '../../core/errors.js';
import { checkOptions, optionKeys } from '../../core/options.js';
import { fashionMnist } from '../../datasets/node/fashion-mnist.js';
import { encodeFashionSlice, type FashionSliceInfo } from '../fashion-slice.js';
import { PLAYGROUND_HTML } from '../web/index-html.js';

/** Where `npm run build` puts the browser build (`strata.js`, its worker, `playground.js`). */
const BROWSER_DIR = fileURLToPath(new URL('../../../browser/', import.meta.url));
/** The browser build's files: plain names only, so a request can never name another file. */
const BUILD_FILE = /^[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9]+)*\.(?:js|wasm|map)$/i;
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * The headers that make the page cross-origin isolated (so it may share memory with Web Workers:
 * the wasm backend's threads), and the usual hardening.
 *
 * @example
 * res.writeHead(200, { ...PLAYGROUND_HEADERS, 'Content-Type': 'text/html' });
 */
export const PLAYGROUND_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  wasm: 'application/wasm',
  json: 'application/json; charset=utf-8',
  map: 'application/json; charset=utf-8',
  bin: 'application/octet-stream',
  txt: 'text/plain; charset=utf-8',
};

/** Options of {@link servePlayground} and {@link buildPlayground}: how much of Fashion-MNIST the page gets. */
export interface PlaygroundDataArgs {
  /** Training images sent to the page (default 10,000). */
  trainSize?: number;
  /** Test images (default 2,000). */
  testSize?: number;
  /** Where Fashion-MNIST is (default: the loader's search: `STRATA_DATA_DIR`, the cache, the Debian package). */
  dataDir?: string;
}

/** Options of {@link servePlayground}. */
export interface PlaygroundServerArgs extends PlaygroundDataArgs {
  /** The port (default 8080; 0 picks a free one). */
  port?: number;
  /** The address to listen on (default `127.0.0.1`: only this machine can connect). */
  host?: string;
}

const SERVER_KEYS = optionKeys<PlaygroundServerArgs>({ port: true, host: true, trainSize: true, testSize: true, dataDir: true });
const DATA_KEYS = optionKeys<PlaygroundDataArgs>({ trainSize: true, testSize: true, dataDir: true });

/** A running playground. */
export interface PlaygroundServer {
  /** Where to open it, e.g. `http://127.0.0.1:8080/`. */
  url: string;
  server: Server;
  /** Stops serving. */
  close(): Promise<void>;
}

/** The files of the playground by name: the page, the browser build, and the data (made when first asked for). */
class PlaygroundFiles {
  private data: Promise<Map<string, Uint8Array | string>> | undefined;

  /** Checks the sizes at once, so that a mistake shows when the server starts, not at the page's first request. */
  constructor(
    private readonly args: PlaygroundDataArgs,
    caller: string,
  ) {
    const { trainSize = 10_000, testSize = 2_000 } = args;
    for (const [name, n, most] of [['trainSize', trainSize, 60_000], ['testSize', testSize, 10_000]] as const) {
      if (!Number.isInteger(n) || n < 1 || n > most) throw new ValueError(`${caller}: ${name} must be an integer from 1 to ${most} (Fashion-MNIST's images), got ${n}.`);
    }
  }

  /** The browser build's file names; throws when `npm run build` has not made it. */
  static buildFiles(): string[] {
    const names = existsSync(BROWSER_DIR) ? readdirSync(BROWSER_DIR).filter((n) => BUILD_FILE.test(n)) : [];
    for (const needed of ['strata.js', 'playground.js']) {
      if (!names.includes(needed)) throw new NotFoundError(`the playground needs ${join(BROWSER_DIR, needed)}, which is not there; run \`npm run build\` first.`);
    }
    return names;
  }

  /** The Fashion-MNIST slice's two files, read once. */
  fashion(): Promise<Map<string, Uint8Array | string>> {
    return (this.data ??= fashionSlice(this.args));
  }
}

/** The first `trainSize` training and `testSize` test images of Fashion-MNIST, as the page reads them. */
async function fashionSlice({ trainSize = 10_000, testSize = 2_000, dataDir }: PlaygroundDataArgs): Promise<Map<string, Uint8Array | string>> {
  const [[xTrain, yTrain], [xTest, yTest]] = await fashionMnist.loadData(dataDir === undefined ? {} : { dataDir });
  const first = (t: typeof xTrain, n: number, per: number): Uint8Array => Uint8Array.from(t.dataSync().subarray(0, n * per));
  const bytes = encodeFashionSlice({ trainImages: first(xTrain, trainSize, 784), trainLabels: first(yTrain, trainSize, 1), testImages: first(xTest, testSize, 784), testLabels: first(yTest, testSize, 1) });
  for (const t of [xTrain, yTrain, xTest, yTest]) t.dispose();
  const info: FashionSliceInfo = { trainSize, testSize, classNames: [...fashionMnist.classNames] };
  return new Map<string, Uint8Array | string>([['data/fashion-mnist.json', JSON.stringify(info)], ['data/fashion-mnist.bin', bytes]]);
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array): void {
  res.writeHead(status, { ...PLAYGROUND_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

async function handle(files: PlaygroundFiles, loopbackOnly: boolean, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, TYPES['txt']!, 'only GET and HEAD are served\n');
  // A page on another site could reach a loopback server through a DNS name that resolves to it; refuse other Host names.
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  if (loopbackOnly && !LOOPBACK_NAMES.has(host)) return send(res, 403, TYPES['txt']!, `host '${host}' is not served\n`);
  const path = new URL(req.url ?? '/', 'http://playground').pathname.slice(1);
  if (path === '' || path === 'index.html') return send(res, 200, TYPES['html']!, PLAYGROUND_HTML);
  if (path.startsWith('data/')) {
    const body = (await files.fashion()).get(path);
    if (body !== undefined) return send(res, 200, TYPES[path.endsWith('.json') ? 'json' : 'bin']!, body);
  } else if (BUILD_FILE.test(path) && existsSync(join(BROWSER_DIR, path))) {
    return send(res, 200, TYPES[path.slice(path.lastIndexOf('.') + 1)]!, readFileSync(join(BROWSER_DIR, path)));
  }
  send(res, 404, TYPES['txt']!, 'not found\n');
}

/**
 * Serves the playground and resolves once it listens: the page, Strata's browser build and a
 * slice of Fashion-MNIST (read on the first request for it), with the headers that make the page
 * cross-origin isolated. It binds to 127.0.0.1 unless told otherwise.
 *
 * @example
 * const playground = await servePlayground({ port: 8080 });
 * console.log(`Strata Playground at ${playground.url}`);
 */
export async function servePlayground(args: PlaygroundServerArgs = {}): Promise<PlaygroundServer> {
  checkOptions('servePlayground', args, SERVER_KEYS);
  const { port = 8080, host = '127.0.0.1', ...data } = args;
  PlaygroundFiles.buildFiles();
  const files = new PlaygroundFiles(data, 'servePlayground');
  const loopbackOnly = LOOPBACK_NAMES.has(host);
  const server = createServer((req, res) => {
    handle(files, loopbackOnly, req, res).catch((e: Error) => send(res, 500, TYPES['txt']!, `internal error: ${e.message}\n`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/`,
    server,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What `buildPlayground` writes beside the files: the headers a host must send. */
const HEADERS_NOTE = `/*
${Object.entries(PLAYGROUND_HEADERS).map(([k, v]) => `  ${k}: ${v}`).join('\n')}
`;

/**
 * Writes the playground as static files into `dir`: `index.html`, the browser build (without its source maps), the
 * Fashion-MNIST slice under `data/`, and `_headers` (the syntax Netlify and Cloudflare Pages read)
 * naming the two headers that make the page cross-origin isolated. Served without them, the page
 * still works, on one thread. Returns the paths written.
 *
 * @example
 * await buildPlayground('site/playground');
 */
export async function buildPlayground(dir: string, args: PlaygroundDataArgs = {}): Promise<string[]> {
  checkOptions('buildPlayground', args, DATA_KEYS);
  const written: string[] = [];
  const write = (name: string, body: string | Uint8Array): void => {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, body);
    written.push(path);
  };
  const files = new PlaygroundFiles(args, 'buildPlayground');
  const build = PlaygroundFiles.buildFiles();
  write('index.html', PLAYGROUND_HTML);
  // Source maps (most of the build's bytes) stay behind: only a debugger asks for them.
  for (const name of build.filter((n) => !n.endsWith('.map'))) write(name, readFileSync(join(BROWSER_DIR, name)));
  for (const [name, body] of await files.fashion()) write(name, body);
  write('_headers', HEADERS_NOTE);
  return written;
}
