#!/usr/bin/env node
// fal-native: the command-line interface (see `fal-native --help`, and cli.ts for the flow).
import { runCli } from "./cli";

// `fal-native ... | head -1`: the reader went away; that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }).then(
  (code) => {
    process.exitCode = code;
    // Output is flushed by now (stdout/stderr writes are synchronous for files, pipes and
    // terminals on POSIX); exit even if some handle (stdin) would keep the loop alive.
    setImmediate(() => process.exit(code));
  },
  (error: unknown) => {
    // runCli reports its own failures; this is a bug in the CLI itself.
    process.stderr.write(`fal-native: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
