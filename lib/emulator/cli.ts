#!/usr/bin/env node
// fal-native-emulator: run the emulator from a shell.
//
//   fal-native-emulator [--port N] [--host H] [--key K] [--queue-ms N] [--step-ms N]
//                       [--steps N] [--runners N] [--quiet]
//                       [--tls [--ca-file F | --cert-dir D] [--tls-hostnames a,b]]
//
// Prints `fal emulator listening on <url>` (scripts can wait for that line) followed by
// `export FAL_..._URL=...` lines and, with --tls, `export NODE_EXTRA_CA_CERTS=<CA file>` (all in
// one write), then serves until SIGINT/SIGTERM. --ca-file, --cert-dir and --tls-hostnames imply
// --tls; a CA file the emulator named itself is removed when it stops.

import type { EmulatorTlsOptions } from "./certificates";
import { startEmulator, type EmulatorOptions } from "./index";

const USAGE =
  "usage: fal-native-emulator [--port N] [--host H] [--key K] [--queue-ms N] [--step-ms N] [--steps N] [--runners N] [--quiet]\n" +
  "                           [--tls [--ca-file F | --cert-dir D] [--tls-hostnames a,b]]";

function parseArgs(argv: string[]): EmulatorOptions {
  const options: EmulatorOptions = { timing: {} };
  const timing = options.timing as NonNullable<EmulatorOptions["timing"]>;
  const tls = (): EmulatorTlsOptions => {
    if (typeof options.tls !== "object") options.tls = {};
    return options.tls;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const takeValue = (): string => {
      const value = argv[++i];
      if (value === undefined) fail(`${flag} needs a value`);
      return value;
    };
    const takeNumber = (): number => {
      const value = Number(takeValue());
      if (!Number.isFinite(value) || value < 0) fail(`${flag} needs a non-negative number`);
      return value;
    };
    switch (flag) {
      case "--port": options.port = takeNumber(); break;
      case "--host": options.host = takeValue(); break;
      case "--key": options.apiKey = takeValue(); break;
      case "--queue-ms": timing.queueMs = takeNumber(); break;
      case "--step-ms": timing.stepMs = takeNumber(); break;
      case "--steps": timing.steps = takeNumber(); break;
      case "--runners": timing.runners = takeNumber(); break;
      case "--quiet": options.quiet = true; break;
      case "--tls": tls(); break;
      case "--ca-file": tls().caFile = takeValue(); break;
      case "--cert-dir": tls().certDir = takeValue(); break;
      case "--tls-hostnames": tls().hostnames = takeValue().split(",").filter((name) => name !== ""); break;
      case "-h":
      case "--help":
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
      default:
        fail(`unknown option ${flag}`);
    }
  }
  return options;
}

function fail(message: string): never {
  process.stderr.write(`fal-native-emulator: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const emulator = await startEmulator(parseArgs(process.argv.slice(2)));
  const lines = [`fal emulator listening on ${emulator.url}`];
  for (const [name, value] of Object.entries(emulator.env)) lines.push(`export ${name}=${value}`);
  if (emulator.caFile !== undefined) lines.push(`export NODE_EXTRA_CA_CERTS=${emulator.caFile}`);
  process.stdout.write(`${lines.join("\n")}\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`fal-native-emulator: ${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
});
