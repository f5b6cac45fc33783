/** Where the command's output goes: text and progress on standard output, or, with --json, one JSON document there and everything else on standard error. */
import { TerminalDisplay, type ProgressDisplay } from '../node/index.js';
import { exitOnOutputError } from './errors.js';

/** The command's two channels. */
export class Output {
  constructor(readonly json: boolean) {}

  /** The stream for text meant for people. */
  get textStream(): NodeJS.WriteStream {
    return this.json ? process.stderr : process.stdout;
  }

  /** Prints a line for people (standard error under --json); stops the command once the stream has failed (see exitOnOutputError). */
  log(line = ''): void {
    const stream = this.textStream;
    stream.write(`${line}\n`);
    if (stream.errored) exitOnOutputError(stream, stream.errored);
  }

  /** A progress display on the text stream: a live bar on a terminal, whole lines otherwise. */
  display(): ProgressDisplay {
    return new TerminalDisplay(this.textStream);
  }

  /** Prints the JSON document on standard output (only under --json). */
  result(document: object): void {
    if (this.json) process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  }
}
