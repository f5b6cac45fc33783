/**
 * Pages in Debian's chromium (driven by playwright-core) for the browser tests: a page whose console
 * errors, warnings and uncaught exceptions are collected, and a local server for the files it loads,
 * cross-origin isolated or not. Both are closed when the test ends.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM } from './system-packages.js';

/** A page in a fresh headless chromium, and what its console reported as going wrong. */
export interface OpenedPage {
  page: Page;
  /** Each console error or warning and each uncaught exception, as `type: text`. */
  problems: string[];
}

/**
 * Launches headless chromium (closed after `t`) and opens a page of `viewport` size.
 *
 * @example
 * const { page, problems } = await openPage(t);
 * await page.goto(url);
 * assert.deepEqual(problems, []);
 */
export async function openPage(t: TestContext, viewport?: { width: number; height: number }): Promise<OpenedPage> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM.paths[0]!,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  t.after(() => browser.close());
  const page = await browser.newPage(viewport ? { viewport } : {});
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { page, problems };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json', '.json': 'application/json',
  '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.bin': 'application/octet-stream',
};

/** What `serveFiles` serves. */
export interface ServeFilesArgs {
  /** The directory whose files are served under `/`. */
  root: string;
  /** Contents served at exact paths before files are looked up (e.g. '/' → the test's page), typed by their extension ('/' is HTML). */
  routes?: Record<string, string | Uint8Array>;
  /**
   * Send `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`,
   * which make the page cross-origin isolated: SharedArrayBuffer, and the wasm backend's workers.
   */
  isolated: boolean;
}

/**
 * Serves `root`'s files and `routes` on 127.0.0.1 until `t` ends; returns the base URL (ends in `/`).
 *
 * @example
 * const url = await serveFiles(t, { root: 'dist/browser', routes: { '/': '<!doctype html>...' }, isolated: true });
 */
export async function serveFiles(t: TestContext, args: ServeFilesArgs): Promise<string> {
  const root = normalize(args.root + sep);
  const headers: Record<string, string> = args.isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url!, 'http://x').pathname));
    const type = (p: string): string | undefined => (p === '/' ? TYPES['.html'] : TYPES[extname(p)]);
    const route = args.routes?.[path];
    if (route !== undefined) {
      res.writeHead(200, { ...headers, 'Content-Type': type(path) ?? 'application/octet-stream' }).end(route);
      return;
    }
    const file = join(root, path);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile() || !type(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': type(file)! }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
}
