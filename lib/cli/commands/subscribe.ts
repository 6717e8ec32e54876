// fal-native subscribe: submit to the queue, show progress until COMPLETED, print the result.
// On Ctrl-C or --timeout the wait is aborted and the queued request cancelled on the server.
import { flag, numberOption } from "../args";
import { connect, CONNECTION_OPTIONS } from "../connection";
import type { Command } from "../command";
import { endpointIdArg } from "../endpoint-arg";
import { DOWNLOAD_OPTIONS, INPUT_OPTIONS, QUEUE_SUBMIT_OPTIONS, submitOptionsFrom } from "../options";
import { readInput, uploadInputFiles } from "../call-input";
import { printResult } from "../result-output";
import { progressFor } from "../progress-for";
import { cancelAfterAbort } from "../cancel-after-abort";

export const subscribeCommand: Command = {
  name: "subscribe",
  summary: "submit to the queue, show progress and logs, print the result",
  usage: ["subscribe <endpoint-id> [--input JSON|@FILE|-] [-i KEY=VALUE]... [options]"],
  description:
    "Progress goes to stderr: on a terminal one live line (queue position or IN_PROGRESS, elapsed\n" +
    "time) with log lines above it; otherwise plain lines such as `request <id>`,\n" +
    "`status IN_QUEUE position=2 elapsed=0.3s`, `log <message>`. The result goes to stdout.\n" +
    "Ctrl-C or --timeout cancels the queued request before exiting (130 / 4).",
  optionGroups: [
    { title: "Input", options: INPUT_OPTIONS },
    {
      title: "Queue",
      options: {
        ...QUEUE_SUBMIT_OPTIONS,
        "poll-interval": { type: "string", value: "MS", help: "milliseconds between status polls (default 500)" },
        "no-logs": { type: "boolean", help: "do not ask for or show the request's logs" },
      },
    },
    { title: "Output", options: DOWNLOAD_OPTIONS },
    { title: "Connection", options: CONNECTION_OPTIONS },
  ],
  positionals: { min: 1, max: 1, names: ["<endpoint-id>"] },
  examples: [
    "fal-native subscribe fal-ai/flux-1/schnell -i prompt='a red fox' --download ./out",
    "echo '{\"prompt\":\"a lighthouse\"}' | fal-native subscribe fal-ai/flux-pro/v1.1-ultra --input - --json | jq .requestId",
  ],
  async run(ctx) {
    const endpointId = endpointIdArg(ctx.args.positionals[0]);
    const { values } = ctx.args;
    const pollInterval = numberOption(values, "poll-interval", "a number of milliseconds");
    const submitOptions = submitOptionsFrom(values);
    const rawInput = await readInput(ctx);
    const client = connect(values);
    const input = await uploadInputFiles(ctx, client, rawInput);
    const progress = progressFor(ctx, endpointId);
    let requestId: string | undefined;
    try {
      const result = await client.subscribe(endpointId, {
        ...submitOptions,
        input,
        logs: !flag(values, "no-logs"),
        ...(pollInterval ? { pollInterval } : {}),
        abortSignal: ctx.signal,
        onEnqueue: (id) => {
          requestId = id;
          progress.enqueued(id);
        },
        onQueueUpdate: (status) => progress.update(status),
      });
      progress.end(`✔ COMPLETED ${result.requestId || requestId || ""}`.trimEnd());
      await printResult(ctx, client, result);
      return 0;
    } catch (error) {
      progress.end(ctx.signal.aborted ? "✖ aborted" : "✖ failed");
      await cancelAfterAbort(ctx, client, endpointId, requestId);
      throw error;
    }
  },
};
