/**
 * The Python peers of the interop tests: the real Keras 3 (on JAX, with ONNX) in a venv, and
 * Debian's `/usr/bin/python3` with python3-h5py. Each finder gives the interpreter or the message a
 * test skips with; `runPython` runs one of `scripts/keras/*.py` with JSON in and out.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root (tests run compiled, from dist/test/). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The folder of the Python scripts the peer tests run. */
export const KERAS_SCRIPTS = join(REPO_ROOT, 'scripts', 'keras');

/** The venv `.ci/run` makes. */
export const PEERS_VENV = join(REPO_ROOT, '.venv-peers');

/** Debian's interpreter, with python3-h5py: an HDF5 reader that knows nothing of Keras or Strata. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/** An interpreter a test can run (`skip` false), or why there is none (`skip` the message, for `test(..., { skip })`). */
export type PythonPeer = { python: string; skip: false } | { python: undefined; skip: string };

/**
 * The environment of every peer: Keras on JAX, on the CPU, with a Keras home of its own (a user's
 * keras.json could set floatx or channels_first), without a bytecode cache written into scripts/,
 * and with XLA's compiles kept short and cached across runs (a peer compiles hundreds of tiny
 * graphs; with these, a test file's run takes seconds of Python, not a minute).
 */
export const PEER_ENV: Readonly<Record<string, string>> = {
  KERAS_BACKEND: 'jax',
  KERAS_HOME: join(tmpdir(), 'strata-keras-home'),
  JAX_PLATFORMS: 'cpu',
  XLA_FLAGS: '--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true',
  JAX_COMPILATION_CACHE_DIR: join(tmpdir(), 'strata-jax-cache'),
  JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS: '0',
  TF_CPP_MIN_LOG_LEVEL: '3',
  PYTHONDONTWRITEBYTECODE: '1',
};

const found = new Map<string, PythonPeer>();

/** Whether `python` exists and imports every module of `modules` (asked once per process). */
function importsAll(python: string, modules: readonly string[]): boolean {
  if (!existsSync(python)) return false;
  const run = spawnSync(python, ['-c', `import ${modules.join(', ')}`], { env: { ...process.env, ...PEER_ENV }, stdio: 'ignore', timeout: 120_000 });
  return run.status === 0;
}

/** The first of `candidates` that imports `modules`, or the skip message naming what was tried and how to get it. */
function firstWith(what: string, modules: readonly string[], candidates: readonly string[], hint: string): PythonPeer {
  const key = `${what}\0${candidates.join('\0')}`;
  const known = found.get(key);
  if (known) return known;
  const python = candidates.find((candidate) => importsAll(candidate, modules));
  const peer: PythonPeer = python
    ? { python, skip: false }
    : { python: undefined, skip: `skipped: no Python with ${what} (import ${modules.join(', ')}) at ${candidates.join(' or ')}; ${hint}` };
  found.set(key, peer);
  return peer;
}

/** STRATA_PYTHON when set, then the venv of `.ci/run`. */
function venvCandidates(): string[] {
  const chosen = process.env['STRATA_PYTHON'];
  return [...(chosen ? [chosen] : []), join(PEERS_VENV, 'bin', 'python')];
}

const VENV_HINT =
  'run .ci/run (it makes .venv-peers: python3 -m venv .venv-peers && .venv-peers/bin/pip install --no-index --find-links /opt/pypi/files keras jax jaxlib h5py onnx onnxruntime scikit-learn), or set STRATA_PYTHON to a Python that has them';

/**
 * Python with Keras 3, JAX and h5py: STRATA_PYTHON if set, else the repository's `.venv-peers`.
 *
 * @example
 * const keras = kerasPython();
 * test('Keras loads it', { skip: keras.skip }, async () => { await runPython(keras.python!, 'check.py', [], job); });
 */
export function kerasPython(): PythonPeer {
  return firstWith('Keras 3 on JAX', ['keras', 'jax', 'h5py'], venvCandidates(), VENV_HINT);
}

/** Python with ONNX and ONNX Runtime (the same venv as Keras's), for the ONNX checker. */
export function onnxPython(): PythonPeer {
  return firstWith('ONNX', ['onnx', 'onnxruntime'], venvCandidates(), VENV_HINT);
}

/** Python with scikit-learn (the same venv as Keras's), for the lab's logistic regression. */
export function sklearnPython(): PythonPeer {
  return firstWith('scikit-learn', ['sklearn'], venvCandidates(), VENV_HINT);
}

/** Python with TensorBoard (the same venv as Keras's), whose own reader checks the event files Strata writes. */
export function tensorboardPython(): PythonPeer {
  return firstWith('TensorBoard', ['tensorboard'], venvCandidates(), 'install it into .venv-peers (.venv-peers/bin/pip install --no-index --find-links /opt/pypi/files tensorboard), or set STRATA_PYTHON to a Python that has it');
}

/** Debian's `/usr/bin/python3` with python3-h5py. */
export function debianH5py(): PythonPeer {
  return firstWith('h5py', ['h5py', 'numpy'], [DEBIAN_PYTHON], 'install the Debian package python3-h5py (apt-get install python3-h5py)');
}

/**
 * Runs `scripts/keras/<script>` under `python` with `args`, `input` as JSON on its standard
 * input, and gives its standard output parsed as JSON. A failure rejects with the script's
 * exit status and the end of its standard error.
 */
export function runPython(python: string, script: string, args: readonly string[] = [], input: unknown = {}, timeoutMs = 300_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [join(KERAS_SCRIPTS, script), ...args], {
      cwd: KERAS_SCRIPTS,
      env: { ...process.env, ...PEER_ENV },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.on('error', reject);
    // A script that reads no input may be gone before its input is written.
    child.stdin.on('error', () => {});
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`${script} ${args.join(' ')} exited with ${code ?? signal}: ${err}`));
        return;
      }
      const text = Buffer.concat(out).toString('utf8');
      try {
        resolve(text.trim() === '' ? undefined : JSON.parse(text));
      } catch (e) {
        reject(new Error(`${script}: its output is not JSON (${(e as Error).message}): ${text.slice(0, 200)}`));
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}
