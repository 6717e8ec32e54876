// fal-native result: fetch the result of a queued request (optionally waiting for it).
import { flag } from "../args";
import { connect, CONNECTION_OPTIONS } from "../connection";
import type { Command } from "../command";
import { endpointIdArg, requestIdArg } from "../endpoint-arg";
import { DOWNLOAD_OPTIONS } from "../options";
import { printResult } from "../result-output";
import { progressFor } from "../progress-for";

export const resultCommand: Command = {
  name: "result",
  summary: "print the result of a queued request",
  usage: ["result <endpoint-id> <request-id> [--wait] [--download DIR] [--json]"],
  description:
    "Without --wait, a request that has not completed is an API error (fal answers 400, exit 1).\n" +
    "With --wait, polls until COMPLETED (progress on stderr, as subscribe) and then fetches it.",
  optionGroups: [
    { title: "Result", options: { wait: { type: "boolean", help: "wait for the request to complete first" } } },
    { title: "Output", options: DOWNLOAD_OPTIONS },
    { title: "Connection", options: CONNECTION_OPTIONS },
  ],
  positionals: { min: 2, max: 2, names: ["<endpoint-id>", "<request-id>"] },
  examples: ["fal-native result fal-ai/flux-1/schnell \"$id\" --wait --download ./out"],
  async run(ctx) {
    const endpointId = endpointIdArg(ctx.args.positionals[0]);
    const requestId = requestIdArg(ctx.args.positionals[1]);
    const client = connect(ctx.args.values);
    if (flag(ctx.args.values, "wait")) {
      const progress = progressFor(ctx, endpointId);
      progress.enqueued(requestId);
      try {
        await client.queue.subscribeToStatus(endpointId, {
          requestId,
          logs: true,
          abortSignal: ctx.signal,
          onQueueUpdate: (status) => progress.update(status),
        });
        progress.end(`✔ COMPLETED ${requestId}`);
      } catch (error) {
        progress.end("✖ failed");
        throw error;
      }
    }
    const result = await client.queue.result(endpointId, { requestId, abortSignal: ctx.signal });
    await printResult(ctx, client, result);
    return 0;
  },
};
