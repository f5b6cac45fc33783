/** `strata lab`: runs one experiment of the lesson and reports, in words or as JSON, whether each claim held. */
import { lab } from '../node/index.js';
import { useBackend } from './backend.js';
import { Output } from './output.js';
import { UsageError } from './usage-error.js';

/** The options of `strata lab`, as parsed. */
export interface LabOptions {
  list?: boolean;
  output: string;
  full: boolean;
  trainSize?: number;
  testSize?: number;
  epochs?: number;
  seed: number;
  dataDir?: string;
  download: boolean;
  backend?: string;
  json: boolean;
  /** Serve the playground page instead of running an experiment. */
  serve?: boolean;
  port: number;
  host: string;
  /** Write the playground as static files into this directory. */
  buildStatic?: string;
}

/** The list `--list` prints: each experiment's name and what it shows. */
function listExperiments(out: Output): void {
  const width = Math.max(...lab.experiments.map((e) => e.name.length));
  for (const e of lab.experiments) out.log(`${e.name.padEnd(width)}  ${e.summary}`);
  out.result({ experiments: lab.experiments.map((e) => ({ name: e.name, summary: e.summary, guide: e.guide })) });
}

/** Runs `strata lab [NAME]`. */
export async function labCommand(name: string | undefined, options: LabOptions): Promise<void> {
  const out = new Output(options.json);
  if (options.list) {
    listExperiments(out);
    return;
  }
  if (options.serve || options.buildStatic !== undefined) return playground(options);
  const names = lab.experiments.map((e) => e.name);
  if (name === undefined) throw new UsageError(`name an experiment (${names.join(', ')}), or --list to see what each shows.`);
  if (!names.includes(name)) throw new UsageError(`no experiment '${name}'; the experiments are ${names.join(', ')}.`);
  useBackend(options.backend);
  const sizes = { trainSize: options.trainSize, testSize: options.testSize, epochs: options.epochs };
  const report = await lab.runExperiment(name, {
    output: options.output,
    full: options.full,
    sizes: Object.fromEntries(Object.entries(sizes).filter(([, v]) => v !== undefined)),
    seed: options.seed,
    download: options.download,
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const experiment = lab.experiments.find((e) => e.name === name)!;
  out.log(`${name}: ${experiment.summary}`);
  out.log();
  for (const line of report.findings) out.log(line);
  out.log();
  out.log('Claims:');
  for (const claim of report.claims) out.log(`  ${claim.holds ? 'holds        ' : 'does not hold'}  ${claim.claim}`);
  out.log();
  out.log(`Plots: ${report.plots.filter((p) => p.endsWith('.png')).join(', ')} (and .svg)`);
  out.log(`Guide: ${experiment.guide}`);
  out.result(report);
}

/** `strata lab --serve` (until interrupted) or `--build-static DIR`: the playground page, with its slice of Fashion-MNIST. */
async function playground(options: LabOptions): Promise<void> {
  const data = {
    ...(options.trainSize === undefined ? {} : { trainSize: options.trainSize }),
    ...(options.testSize === undefined ? {} : { testSize: options.testSize }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
  };
  if (options.buildStatic !== undefined) {
    const files = await lab.buildPlayground(options.buildStatic, data);
    process.stdout.write(`Wrote the playground to ${options.buildStatic} (${files.length} files); serve it with the headers in ${options.buildStatic}/_headers for threads.\n`);
    if (!options.serve) return;
  }
  const server = await lab.servePlayground({ port: options.port, host: options.host, ...data });
  process.stdout.write(`Strata Playground at ${server.url} (Ctrl+C to stop)\n`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => void server.close().then(resolve)));
}
