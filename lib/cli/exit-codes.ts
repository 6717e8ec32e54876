// Exit codes the CLI promises to scripts, and the error classes that map onto them.
// Keep this table in sync with the --help text (help.ts) and the README.

export const EXIT = {
  /** Success. */
  OK: 0,
  /** fal answered with an HTTP error (or the download/upload was refused). */
  API_ERROR: 1,
  /** Bad arguments, unknown command or option, unreadable input. Nothing was sent. */
  USAGE: 2,
  /** The request never got an HTTP response (connection refused, DNS, TLS, reset). */
  TRANSPORT: 3,
  /** --timeout expired, or fal's start timeout (--start-timeout) fired. */
  TIMEOUT: 4,
  /** Interrupted by SIGINT (Ctrl-C); a queued request was cancelled first. */
  INTERRUPTED: 130,
} as const;

export const EXIT_CODE_HELP = `Exit codes:
  0    success
  1    API error: fal answered with an HTTP error (status and message on stderr;
       validation errors list each field)
  2    usage error: bad arguments, unknown command or option, bad JSON, missing file
  3    transport error: no HTTP response (connection refused, DNS, TLS, reset)
  4    timeout: --timeout expired (a queued request is cancelled first), or fal's
       start timeout (--start-timeout) fired
  130  interrupted (Ctrl-C): the request is aborted and a queued request cancelled`;

/** A mistake in how the CLI was called. `argument` names the flag or positional at fault. */
export class UsageError extends Error {
  /** The command whose --help the message points to (filled in by cli.ts when unset). */
  constructor(message: string, public showUsageOf?: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The abort reason when --timeout expires. */
export class CliTimeout extends Error {
  constructor(readonly seconds: number) {
    super(`timed out after ${seconds}s`);
    this.name = "CliTimeout";
  }
}

/** The abort reason when the user presses Ctrl-C. */
export class Interrupted extends Error {
  constructor() {
    super("interrupted");
    this.name = "Interrupted";
  }
}
