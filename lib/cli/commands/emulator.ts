// fal-native emulator: run the local fal emulator (the same server as fal-native-emulator).
// Prints `fal emulator listening on <url>` and the `export FAL_*_URL=...` lines on stdout,
// then serves until SIGINT/SIGTERM.
import { startEmulator, type EmulatorOptions } from "../../emulator";
import { flag, numberOption, stringOption } from "../args";
import type { Command } from "../command";
import { UsageError } from "../exit-codes";

export const emulatorCommand: Command = {
  name: "emulator",
  summary: "run the local fal emulator (no key or network needed)",
  usage: ["emulator [--port N] [--host H] [--key K] [--queue-ms N] [--step-ms N] [--steps N] [--runners N]"],
  description:
    "Serves fal's run, queue, storage and CDN routes on loopback. Point other commands at it with\n" +
    "--emulator <url>, or export the printed FAL_*_URL lines in another shell. Logs each request on\n" +
    "stderr unless --quiet.",
  optionGroups: [
    {
      title: "Emulator",
      options: {
        port: { type: "string", short: "p", value: "N", help: "port (default 0: a free one)" },
        host: { type: "string", value: "HOST", help: "address to listen on (default 127.0.0.1)" },
        key: { type: "string", value: "KEY", help: "accept only this key (default: any key)" },
        "queue-ms": { type: "string", value: "MS", help: "minimum time a request waits in the queue (default 250)" },
        "step-ms": { type: "string", value: "MS", help: "time per inference step (default 150)" },
        steps: { type: "string", value: "N", help: "inference steps, one log line each (default 8)" },
        runners: { type: "string", value: "N", help: "concurrent runners per endpoint (default 2)" },
      },
    },
  ],
  positionals: { min: 0, max: 0, names: [] },
  ownsSignals: true,
  examples: [
    "fal-native emulator --port 8787 --quiet &  # then: fal-native run fal-ai/flux/dev -i prompt=x --emulator http://127.0.0.1:8787",
    "fal-native emulator --port 0 --steps 3 --step-ms 50",
  ],
  async run(ctx) {
    const { values } = ctx.args;
    const port = numberOption(values, "port", "a port number");
    if (port !== undefined && (!Number.isInteger(port) || port > 65535)) throw new UsageError(`--port expects a port number (0-65535), got "${port}"`);
    const options: EmulatorOptions = {
      port,
      host: stringOption(values, "host"),
      apiKey: stringOption(values, "key"),
      quiet: flag(values, "quiet"),
      timing: {
        queueMs: numberOption(values, "queue-ms"),
        stepMs: numberOption(values, "step-ms"),
        steps: numberOption(values, "steps"),
        runners: numberOption(values, "runners"),
      },
    };
    const emulator = await startEmulator(options);
    const lines = [`fal emulator listening on ${emulator.url}`];
    for (const [name, value] of Object.entries(emulator.env)) lines.push(`export ${name}=${value}`);
    ctx.io.stdout.write(`${lines.join("\n")}\n`);

    return new Promise<number>((resolve) => {
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        emulator.close().then(
          () => resolve(0),
          () => resolve(1),
        );
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
  },
};
