// fal-native run: one synchronous call to the run host (fal.run).
import { connect, CONNECTION_OPTIONS } from "../connection";
import type { Command } from "../command";
import { endpointIdArg } from "../endpoint-arg";
import { DOWNLOAD_OPTIONS, INPUT_OPTIONS } from "../options";
import { readInput, uploadInputFiles } from "../call-input";
import { printResult } from "../result-output";

export const runCommand: Command = {
  name: "run",
  summary: "call an endpoint synchronously and print its result",
  usage: ["run <endpoint-id> [--input JSON|@FILE|-] [-i KEY=VALUE]... [options]"],
  description:
    "Sends the input straight to the endpoint (fal.run) and waits for the answer. For long jobs\n" +
    "prefer `subscribe`, which goes through the queue and shows progress.",
  optionGroups: [
    { title: "Input", options: INPUT_OPTIONS },
    { title: "Output", options: DOWNLOAD_OPTIONS },
    { title: "Connection", options: CONNECTION_OPTIONS },
  ],
  positionals: { min: 1, max: 1, names: ["<endpoint-id>"] },
  examples: [
    "fal-native run fal-ai/flux-1/schnell -i prompt='a red fox' -i seed=7",
    "fal-native run fal-ai/flux-1/schnell --input @input.json --download ./out",
  ],
  async run(ctx) {
    const endpointId = endpointIdArg(ctx.args.positionals[0]);
    const rawInput = await readInput(ctx);
    const client = connect(ctx.args.values);
    const input = await uploadInputFiles(ctx, client, rawInput);
    const result = await client.run(endpointId, { input, abortSignal: ctx.signal });
    await printResult(ctx, client, result);
    return 0;
  },
};
