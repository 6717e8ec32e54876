// fal-native status: one status poll of a queued request.
import { flag } from "../args";
import { connect, CONNECTION_OPTIONS } from "../connection";
import type { Command } from "../command";
import { endpointIdArg, requestIdArg } from "../endpoint-arg";

export const statusCommand: Command = {
  name: "status",
  summary: "print the status of a queued request",
  usage: ["status <endpoint-id> <request-id> [--logs] [--json]"],
  description:
    "Prints one line on stdout whose first word is the status: `IN_QUEUE position=N`,\n" +
    "`IN_PROGRESS` or `COMPLETED`. With --json, the status object as fal returned it.",
  optionGroups: [
    { title: "Status", options: { logs: { type: "boolean", help: "include the request's logs (printed to stderr, or in the JSON)" } } },
    { title: "Connection", options: CONNECTION_OPTIONS },
  ],
  positionals: { min: 2, max: 2, names: ["<endpoint-id>", "<request-id>"] },
  examples: ['[ "$(fal-native status fal-ai/flux-1/schnell "$id" | cut -d" " -f1)" = COMPLETED ]'],
  async run(ctx) {
    const endpointId = endpointIdArg(ctx.args.positionals[0]);
    const requestId = requestIdArg(ctx.args.positionals[1]);
    const logs = flag(ctx.args.values, "logs");
    const client = connect(ctx.args.values);
    const status = await client.queue.status(endpointId, { requestId, logs, abortSignal: ctx.signal });
    if (ctx.out.json) {
      ctx.out.printJson(status);
      return 0;
    }
    const position = (status as { queue_position?: unknown }).queue_position;
    ctx.out.printLine(status.status === "IN_QUEUE" && typeof position === "number" ? `IN_QUEUE position=${position}` : status.status);
    const entries = (status as { logs?: Array<{ message: string }> | null }).logs;
    if (logs && Array.isArray(entries)) for (const log of entries) ctx.out.note(`log ${log.message}`);
    return 0;
  },
};
