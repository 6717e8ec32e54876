// Where things go: results (JSON, ids, URLs, paths) on stdout so they can be piped; progress,
// notes and errors on stderr. JSON is indented when stdout is a terminal and one line otherwise;
// --pretty and --compact force either.
import type { OptionTable, OptionValues } from "./args";
import { flag } from "./args";

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

export const OUTPUT_OPTIONS: OptionTable = {
  json: { type: "boolean", help: "print one machine-readable JSON document on stdout (see each command)" },
  pretty: { type: "boolean", help: "indent JSON output (default when stdout is a terminal)" },
  compact: { type: "boolean", help: "print JSON on one line (default when stdout is not a terminal)" },
  quiet: { type: "boolean", short: "q", help: "no progress or notes on stderr (errors are still printed)" },
  verbose: { type: "boolean", help: "print stack traces and error bodies for failures" },
};

export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  private readonly pretty: boolean;

  constructor(readonly io: Io, values: OptionValues) {
    this.json = flag(values, "json");
    this.quiet = flag(values, "quiet");
    this.verbose = flag(values, "verbose");
    this.pretty = flag(values, "pretty") || (!flag(values, "compact") && io.stdout.isTTY === true);
  }

  /** A JSON document on stdout. */
  printJson(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, this.pretty ? 2 : undefined)}\n`);
  }

  /** One line of result on stdout (an id, a URL, a path). */
  printLine(text: string): void {
    this.io.stdout.write(`${text}\n`);
  }

  /** A note for humans on stderr, unless --quiet. */
  note(text: string): void {
    if (!this.quiet) this.io.stderr.write(`${text}\n`);
  }

  /** Whether stderr is a terminal we may redraw (not when TERM=dumb). */
  get stderrIsTty(): boolean {
    return this.io.stderr.isTTY === true && this.io.env.TERM !== "dumb";
  }
}
