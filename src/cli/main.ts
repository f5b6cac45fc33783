#!/usr/bin/env node
/** The `strata` command's entry point (the package's `bin`): runs the command line and exits with its status. */
import { guardOutputStreams } from './errors.js';
import { run } from './program.js';

guardOutputStreams();
process.exitCode = await run(process.argv.slice(2));
