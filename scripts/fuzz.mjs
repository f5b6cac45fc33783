// The long fuzz run: every compiled test file whose name contains "fuzz", with many more cases than
// `npm test` runs (FUZZ_RUNS, default 20000 a decoder; FUZZ_SEED picks another sequence).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const files = readdirSync('dist/test', { recursive: true })
  .map(String)
  .filter((f) => /fuzz[^/]*\.test\.js$/.test(f))
  .map((f) => join('dist/test', f));
const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { FUZZ_RUNS: '20000', ...process.env },
});
process.exit(run.status ?? 1);
