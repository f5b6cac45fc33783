/**
 * The dashboard server behind `strata board`: the page, its scripts and the charting library from
 * the package, and a JSON API built from the event files of one log directory, read live (Node only).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ValueError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { checkOptions, optionKeys } from '../../core/options.js';
import type { AudioResponse, GraphResponse, HParamsResponse, HistogramsResponse, ImagesResponse, PrCurvesResponse, RunsResponse, ScalarsResponse, TextResponse } from '../api-types.js';
import { scalarDownload } from '../scalar-download.js';
import type { RunData, SampleSizes } from '../event-reader.js';
import { hparamsSessions } from '../hparams-sessions.js';
import { sniffMediaType } from '../media-type.js';
import type { Reservoir } from '../reservoir.js';
import { INDEX_HTML } from '../web/index-html.js';
import { LogDirectory } from './log-dir.js';

/** Options of `runBoard`. */
export interface BoardArgs {
  /** The directory holding the runs (each a directory with event files, at any depth). */
  logDir: string;
  /** The address to listen on (default `127.0.0.1`: only this machine can connect). */
  host?: string;
  /** The port (default 6006, TensorBoard's; 0 picks a free one). */
  port?: number;
  /** How many values of each tag a run keeps (default 1000 scalars, 500 histograms, 10 images, texts and sounds; see `SampleSizes`). */
  samples?: SampleSizes;
  /** Caps for reading the event files (a record's length is checked against `maxTensorBytes`). */
  limits?: Partial<Limits>;
}

const BOARD_KEYS = optionKeys<BoardArgs>({ logDir: true, host: true, port: true, samples: true, limits: true });

/**
 * Bytes of each event file read in one slice. A huge file is read slice by slice in the
 * background, with requests answered between slices, so the board answers at once and fills in
 * as it reads (about a second a slice for a file of scalars only, far less for images).
 */
const SLICE_BYTES = 8 << 20;

/** A running board. */
export interface Board {
  /** Where to open it, e.g. `http://127.0.0.1:6006/`. */
  url: string;
  server: Server;
  /** Stops serving. */
  close(): Promise<void>;
}

const WEB_DIR = fileURLToPath(new URL('../web/', import.meta.url));
const ECHARTS = createRequire(import.meta.url).resolve('echarts/dist/echarts.min');
/** The page's own modules: plain names only, so a request can never name another file. */
const SCRIPT_NAME = /^[a-z][a-z0-9-]*\.js$/;
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'",
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array, cache = 'no-store'): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': cache, ...SECURITY_HEADERS });
  res.end(body);
}

function sendJson(res: ServerResponse, body: unknown): void {
  send(res, 200, 'application/json; charset=utf-8', JSON.stringify(body));
}

/** Sends sample `sample` (default 0) of the `index`-th kept value of the tag `tag`, typed by its bytes. */
function sendMedia(res: ServerResponse, tags: Map<string, Reservoir<{ encoded: Uint8Array[] }>>, params: URLSearchParams, what: string): void {
  const entry = tags.get(params.get('tag') ?? '')?.items[Number(params.get('index'))];
  const bytes = entry?.encoded[Number(params.get('sample') ?? 0)];
  if (!bytes) throw new HttpError(404, `no such ${what}`);
  send(res, 200, sniffMediaType(bytes), bytes);
}

/** Handles the requests of one board. */
class BoardHandler {
  private readonly scripts = new Map<string, Buffer>();
  private catchingUp: NodeJS.Immediate | undefined;

  constructor(
    private readonly dir: LogDirectory,
    private readonly logDir: string,
    private readonly loopbackOnly: boolean,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'only GET and HEAD are served');
      // A page on another site could reach a loopback server through a DNS name that resolves to it; refuse other Host names.
      const host = (req.headers.host ?? '').replace(/:\d+$/, '');
      if (this.loopbackOnly && !LOOPBACK_NAMES.has(host)) throw new HttpError(403, `host '${host}' is not served`);
      const url = new URL(req.url ?? '/', 'http://board');
      this.route(url, res);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      send(res, status, 'text/plain; charset=utf-8', `${status === 500 ? 'internal error: ' : ''}${(e as Error).message}\n`);
    }
  }

  private route(url: URL, res: ServerResponse): void {
    const path = url.pathname;
    if (path === '/' || path === '/index.html') return send(res, 200, 'text/html; charset=utf-8', INDEX_HTML);
    if (path === '/vendor/echarts.min.js') return send(res, 200, 'text/javascript; charset=utf-8', this.file('echarts', ECHARTS), 'max-age=3600');
    if (path.startsWith('/app/')) {
      const name = path.slice('/app/'.length);
      if (!SCRIPT_NAME.test(name)) throw new HttpError(404, 'not found');
      return send(res, 200, 'text/javascript; charset=utf-8', this.file(name, join(WEB_DIR, name)));
    }
    if (path.startsWith('/api/')) {
      this.refresh();
      return this.api(path.slice('/api/'.length), url.searchParams, res);
    }
    throw new HttpError(404, 'not found');
  }

  /** Reads a slice of what is new, and goes on reading in the background while more is left. */
  refresh(): void {
    if (this.dir.refresh(SLICE_BYTES) && !this.catchingUp) {
      this.catchingUp = setImmediate(() => {
        this.catchingUp = undefined;
        this.refresh();
      });
    }
  }

  /** Stops reading in the background. */
  stop(): void {
    if (this.catchingUp) clearImmediate(this.catchingUp);
    this.catchingUp = undefined;
  }

  private file(key: string, path: string): Buffer {
    let bytes = this.scripts.get(key);
    if (!bytes) {
      try {
        bytes = readFileSync(path);
      } catch {
        throw new HttpError(404, 'not found');
      }
      this.scripts.set(key, bytes);
    }
    return bytes;
  }

  private run(params: URLSearchParams): RunData {
    const name = params.get('run');
    if (name === null) throw new HttpError(400, 'the query parameter run is required');
    const run = this.dir.get(name);
    if (!run) throw new HttpError(404, `no run named ${JSON.stringify(name)} in the log directory`);
    return run;
  }

  /** One scalar series as a file (TensorBoard's download links): `format=csv|json`, `run=` and `tag=`. */
  private download(params: URLSearchParams, res: ServerResponse): void {
    const format = params.get('format');
    if (format !== 'csv' && format !== 'json') throw new HttpError(400, `format must be csv or json, got ${JSON.stringify(format)}`);
    const run = this.run(params);
    const tag = params.get('tag') ?? '';
    const points = run.scalars.get(tag)?.items;
    if (!points) throw new HttpError(404, `run ${JSON.stringify(run.name)} has no scalar tagged ${JSON.stringify(tag)}`);
    const file = scalarDownload(points, format);
    res.writeHead(200, { 'Content-Type': file.type, 'Content-Disposition': `attachment; filename="${file.name(run.name, tag)}"`, 'Cache-Control': 'no-store', ...SECURITY_HEADERS });
    res.end(file.body);
  }

  private api(endpoint: string, params: URLSearchParams, res: ServerResponse): void {
    switch (endpoint) {
      case 'runs':
        return sendJson(res, { logDir: this.logDir, runs: this.dir.list().map((r) => r.info()) } satisfies RunsResponse);
      case 'scalars':
        if (params.has('format')) return this.download(params, res);
        return sendJson(res, Object.fromEntries(this.dir.list().map((r) => [r.name, Object.fromEntries([...r.scalars].map(([tag, values]) => [tag, values.items]))])) satisfies ScalarsResponse);
      case 'histograms':
        return sendJson(res, Object.fromEntries([...this.run(params).histograms].map(([tag, values]) => [tag, values.items])) satisfies HistogramsResponse);
      case 'graph': {
        const run = this.run(params);
        const tag = params.get('tag');
        const graph = tag === null ? run.graph : run.opGraphs.get(tag);
        if (!graph) throw new HttpError(404, tag === null ? 'this run has no graph' : `this run has no op graph tagged ${JSON.stringify(tag)}`);
        return sendJson(res, { nodes: graph } satisfies GraphResponse);
      }
      case 'images': {
        const images = [...this.run(params).images].map(([tag, list]) => [tag, list.items.map(({ encoded: _, ...entry }) => entry)]);
        return sendJson(res, Object.fromEntries(images) satisfies ImagesResponse);
      }
      case 'image':
        return sendMedia(res, this.run(params).images, params, 'image');
      case 'text':
        return sendJson(res, Object.fromEntries([...this.run(params).text].map(([tag, values]) => [tag, values.items])) satisfies TextResponse);
      case 'audio': {
        const audio = [...this.run(params).audio].map(([tag, list]) => [tag, list.items.map(({ encoded: _, ...entry }) => entry)]);
        return sendJson(res, Object.fromEntries(audio) satisfies AudioResponse);
      }
      case 'pr-curves':
        return sendJson(res, Object.fromEntries([...this.run(params).prCurves].map(([tag, values]) => [tag, values.items])) satisfies PrCurvesResponse);
      case 'audio-clip':
        return sendMedia(res, this.run(params).audio, params, 'sound');
      case 'hparams':
        return sendJson(res, { sessions: hparamsSessions(this.dir.list()) } satisfies HParamsResponse);
      default:
        throw new HttpError(404, 'not found');
    }
  }
}

/**
 * Serves the dashboard for `logDir` and resolves once it listens. It binds to 127.0.0.1 unless
 * told otherwise, serves only its own page and what it reads from the event files below `logDir`,
 * and reads what was appended to the files on each request, so runs still training update live.
 * Files are read in slices of a fixed size (a huge one in the background, between requests), and
 * each run keeps a sample of each tag's values (`samples`), so memory does not grow with the files.
 *
 * @example
 * const board = await runBoard({ logDir: 'logs' });
 * console.log(`Strata Board at ${board.url}`);
 */
export async function runBoard(args: BoardArgs): Promise<Board> {
  checkOptions('runBoard', args, BOARD_KEYS);
  const host = args.host ?? '127.0.0.1';
  const port = args.port ?? 6006;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ValueError(`strata board: port must be an integer from 0 to 65535, got ${args.port}.`);
  const dir = new LogDirectory(args.logDir, { samples: args.samples, limits: args.limits });
  const handler = new BoardHandler(dir, args.logDir, LOOPBACK_NAMES.has(host));
  const server = createServer((req, res) => handler.handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(listenError(e, host, port)));
    server.listen(port, host, () => resolve());
  });
  handler.refresh();
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        handler.stop();
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** What a user can do about a failure to listen, as a typed error; other failures pass unchanged. */
function listenError(e: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (e.code) {
    case 'EADDRINUSE':
      return new ValueError(`strata board: port ${port} is in use on ${host}; try --port 0 (any free port) or another port.`);
    case 'EACCES':
      return new ValueError(`strata board: no permission to listen on port ${port} of ${host} (ports below 1024 need privileges); try --port 0 or a port above 1023.`);
    case 'EADDRNOTAVAIL':
      return new ValueError(`strata board: ${host} is not an address of this machine; try --host 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ValueError(`strata board: the host name '${host}' could not be resolved; try --host 127.0.0.1.`);
    default:
      return e;
  }
}
