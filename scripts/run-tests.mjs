// Runs the compiled test suite once per backend named on the command line (STRATA_BACKEND=name each time).
import { spawnSync } from 'node:child_process';

let failed = false;
for (const backend of process.argv.slice(2)) {
  process.stdout.write(`\n# test suite on backend '${backend}'\n`);
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', 'dist/test/'], {
    stdio: 'inherit',
    env: { ...process.env, STRATA_BACKEND: backend },
  });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
