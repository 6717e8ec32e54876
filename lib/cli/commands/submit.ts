// fal-native submit: put a request in the queue and print its id (for status/result/cancel).
import { connect, CONNECTION_OPTIONS } from "../connection";
import type { Command } from "../command";
import { endpointIdArg } from "../endpoint-arg";
import { INPUT_OPTIONS, QUEUE_SUBMIT_OPTIONS, submitOptionsFrom } from "../options";
import { readInput, uploadInputFiles } from "../call-input";

export const submitCommand: Command = {
  name: "submit",
  summary: "queue a request and print its request id",
  usage: ["submit <endpoint-id> [--input JSON|@FILE|-] [-i KEY=VALUE]... [options]"],
  description: "Prints the request id on stdout (with --json, the whole IN_QUEUE response) and returns at once.",
  optionGroups: [
    { title: "Input", options: INPUT_OPTIONS },
    { title: "Queue", options: QUEUE_SUBMIT_OPTIONS },
    { title: "Connection", options: CONNECTION_OPTIONS },
  ],
  positionals: { min: 1, max: 1, names: ["<endpoint-id>"] },
  examples: [
    "id=$(fal-native submit fal-ai/flux-1/schnell -i prompt='a red fox')",
    "fal-native status fal-ai/flux-1/schnell \"$id\"",
  ],
  async run(ctx) {
    const endpointId = endpointIdArg(ctx.args.positionals[0]);
    const submitOptions = submitOptionsFrom(ctx.args.values);
    const rawInput = await readInput(ctx);
    const client = connect(ctx.args.values);
    const input = await uploadInputFiles(ctx, client, rawInput);
    const submitted = await client.queue.submit(endpointId, { ...submitOptions, input, abortSignal: ctx.signal });
    if (ctx.out.json) ctx.out.printJson(submitted);
    else ctx.out.printLine(submitted.request_id);
    return 0;
  },
};
