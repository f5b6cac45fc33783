/** Running the compiled `strata` command in a child process, away from the user's cache and the network, for the command-line tests. */
import assert from 'node:assert/strict';
import { spawn, type StdioOptions } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled command's entry point. */
export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** What a run of the command gave. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options of `runCli`. */
export interface RunCliArgs {
  /** Variables added to the environment. */
  env?: Record<string, string>;
  /** Node options placed before the script, e.g. `['--import', preload]`. */
  nodeArgs?: string[];
  /** The child's standard output: a pipe (the default) or a file descriptor, e.g. one of /dev/full. */
  stdout?: 'pipe' | number;
  /** Called with the child as soon as it is spawned, e.g. to close the reading end of its output. */
  onSpawn?: (child: ReturnType<typeof spawn>) => void;
}

/**
 * Runs `strata ...args`. The cache is a fresh directory and the download mirror a closed local
 * port, so that no run can touch the user's cache or the network. STRATA_BACKEND stays, so that
 * the suite's run on each backend runs the command on it too; other STRATA_ variables go.
 */
export function runCli(args: string[], options: RunCliArgs = {}): Promise<CliResult> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STRATA_') || k === 'STRATA_BACKEND'));
  const stdio: StdioOptions = ['ignore', options.stdout ?? 'pipe', 'pipe'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
      env: { ...clean, STRATA_CACHE_DIR: mkdtempSync(join(tmpdir(), 'strata-cache-')), STRATA_DATASETS_URL: 'http://127.0.0.1:9/', ...options.env },
      stdio,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d));
    child.stdout?.on('error', () => {});
    child.stderr!.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    options.onSpawn?.(child);
  });
}

/** Asserts a failure with exit status `code` and exactly one line on standard error, with no stack trace, matching `pattern`. */
export function assertFails(r: CliResult, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit status (stderr: ${r.stderr})`);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line: ${r.stderr}`);
  assert.ok(!r.stderr.includes('    at '), `no stack trace: ${r.stderr}`);
  assert.match(r.stderr, pattern);
}
