// fal-native cancel: ask fal to cancel a queued request.
import { connect, CONNECTION_OPTIONS } from "../connection";
import type { Command } from "../command";
import { endpointIdArg, requestIdArg } from "../endpoint-arg";

export const cancelCommand: Command = {
  name: "cancel",
  summary: "cancel a queued request",
  usage: ["cancel <endpoint-id> <request-id>"],
  description:
    "Exit 0 when fal accepted the cancellation. A request that already completed is an API\n" +
    "error (fal answers 400, exit 1); an unknown request id too (404).",
  optionGroups: [{ title: "Connection", options: CONNECTION_OPTIONS }],
  positionals: { min: 2, max: 2, names: ["<endpoint-id>", "<request-id>"] },
  examples: ["fal-native cancel fal-ai/flux-1/schnell \"$id\""],
  async run(ctx) {
    const endpointId = endpointIdArg(ctx.args.positionals[0]);
    const requestId = requestIdArg(ctx.args.positionals[1]);
    const client = connect(ctx.args.values);
    await client.queue.cancel(endpointId, { requestId, abortSignal: ctx.signal });
    if (ctx.out.json) ctx.out.printJson({ request_id: requestId, cancelled: true });
    else ctx.out.note(`cancellation requested for ${requestId}`);
    return 0;
  },
};
