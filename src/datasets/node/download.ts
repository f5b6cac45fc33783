/**
 * Downloading a data set file into a cache: streamed to a temporary file, its size and SHA-256
 * checked, then renamed into place, so an interrupted or corrupt download never leaves a file
 * under the final name. Progress is drawn like Keras's download bar.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ValueError } from '../../core/errors.js';
import { checkOptions, optionKeys } from '../../core/options.js';
import { formatEta, formatPerStep, type ProgressDisplay } from '../../callbacks/progbar-logger.js';

/** What a downloaded file must be. */
export interface ExpectedFile {
  /** Its size in bytes. */
  size: number;
  /** Its SHA-256, in lowercase hex. */
  sha256: string;
}

/** Options of `downloadFile`. */
export interface DownloadArgs {
  /** Where progress is drawn (none when undefined). */
  display?: ProgressDisplay;
  /** Seconds without data before giving up (default 60). */
  timeoutSeconds?: number;
}

const MAX_REDIRECTS = 5;

/** A GET request that follows redirects and resolves with a 200 response. */
function request(url: string, timeoutMs: number, redirects = 0): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new ValueError(`'${url}' is not a valid URL.`));
      return;
    }
    const get = parsed.protocol === 'https:' ? httpsGet : parsed.protocol === 'http:' ? httpGet : undefined;
    if (!get) {
      reject(new ValueError(`'${url}': only http and https URLs can be downloaded.`));
      return;
    }
    const req = get(parsed, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) reject(new ValueError(`${url}: more than ${MAX_REDIRECTS} redirects.`));
        else request(new URL(res.headers.location, parsed).toString(), timeoutMs, redirects + 1).then(resolve, reject);
        return;
      }
      if (status !== 200) {
        res.resume();
        reject(new ValueError(`${url}: the server answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}.`));
        return;
      }
      resolve(res);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new ValueError(`${url}: no data for ${timeoutMs / 1000} s.`)));
    req.on('error', reject);
  });
}

/** Draws a Keras-style byte counter: `26421880/26421880 ━━━━━━━━━━━━━━━━━━━━ 3s 0us/step`. */
class ByteProgress {
  private readonly start = performance.now();
  private received = 0;

  constructor(
    private readonly display: ProgressDisplay | undefined,
    private readonly total: number | undefined,
  ) {
    if (display?.interactive) display.start(total);
  }

  add(bytes: number): void {
    this.received += bytes;
    if (!this.display?.interactive) return;
    const elapsed = (performance.now() - this.start) / 1000;
    const perByte = elapsed / Math.max(this.received, 1);
    const timing = this.total === undefined ? `${Math.round(elapsed)}s` : formatEta(perByte * (this.total - this.received));
    this.display.update(this.received, `${timing} ${formatPerStep(perByte)}`);
  }

  finish(): void {
    if (!this.display) return;
    const elapsed = (performance.now() - this.start) / 1000;
    const perByte = formatPerStep(elapsed / Math.max(this.received, 1));
    if (this.display.interactive) this.display.stop(this.received, `${Math.round(elapsed)}s ${perByte}`);
    else this.display.line(`${this.received}/${this.total ?? this.received} - ${Math.round(elapsed)}s - ${perByte}`);
  }
}

/** Removes temporary files that an earlier, killed download of `dest` left beside it. */
function removeStalePartials(dest: string): void {
  const prefix = `.${basename(dest)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(dest));
  } catch {
    return;
  }
  for (const name of names) if (name.startsWith(prefix) && name.endsWith('.part')) rmSync(join(dirname(dest), name), { force: true });
}

/**
 * Downloads `url` to `dest` (creating its directory), checking that it has `expected.size`
 * bytes and SHA-256 `expected.sha256`. The bytes go to a hidden temporary file beside `dest`
 * that is renamed to `dest` only once verified; on any failure it is deleted and a ValueError
 * says what went wrong.
 *
 * @example
 * await downloadFile(`${base}train-labels-idx1-ubyte.gz`, '/tmp/t.gz', { size: 29515, sha256: 'a04f…' });
 */
export async function downloadFile(url: string, dest: string, expected: ExpectedFile, args: DownloadArgs = {}): Promise<void> {
  checkOptions('downloadFile', args, optionKeys<DownloadArgs>({ display: true, timeoutSeconds: true }));
  mkdirSync(dirname(dest), { recursive: true });
  removeStalePartials(dest);
  const tmp = join(dirname(dest), `.${basename(dest)}.${process.pid}.${Date.now()}.part`);
  args.display?.line(`Downloading data from ${url}`);
  try {
    const res = await request(url, (args.timeoutSeconds ?? 60) * 1000);
    const declared = Number(res.headers['content-length']);
    const progress = new ByteProgress(args.display, Number.isFinite(declared) ? declared : expected.size);
    const hash = createHash('sha256');
    let received = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        received += chunk.length;
        progress.add(chunk.length);
        done(null, chunk);
      },
    });
    try {
      await pipeline(res, meter, createWriteStream(tmp));
    } catch (e) {
      throw new ValueError(`${url}: the download was interrupted after ${received} bytes (${(e as Error).message}).`);
    }
    progress.finish();
    if (Number.isFinite(declared) && received !== declared) throw new ValueError(`${url}: the download was interrupted: ${received} of ${declared} bytes arrived.`);
    if (received !== expected.size) throw new ValueError(`${url}: expected ${expected.size} bytes, got ${received}; the file was not kept.`);
    const digest = hash.digest('hex');
    if (digest !== expected.sha256) {
      throw new ValueError(`${url}: the SHA-256 checksum is ${digest}, expected ${expected.sha256}; the file is corrupt or not the original, and was not kept.`);
    }
    renameSync(tmp, dest);
  } finally {
    rmSync(tmp, { force: true });
  }
}
