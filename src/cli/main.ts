#!/usr/bin/env node
/** The `strata` command's entry point (the package's `bin`): runs the command line and exits with its status. */
import { run } from './program.js';

process.exitCode = await run(process.argv.slice(2));
