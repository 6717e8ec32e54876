// After Ctrl-C or --timeout, a request already in the queue would still run (and be billed):
// cancel it on the server before exiting. Best effort, bounded by a few seconds.
import type { FalClient } from "../index";
import type { CommandContext } from "./command";

const CANCEL_BUDGET_MS = 5000;

export async function cancelAfterAbort(ctx: CommandContext, client: FalClient, endpointId: string, requestId: string | undefined): Promise<void> {
  if (!ctx.signal.aborted || !requestId) return;
  try {
    await client.queue.cancel(endpointId, { requestId, abortSignal: AbortSignal.timeout(CANCEL_BUDGET_MS) });
    ctx.io.stderr.write(`cancelled request ${requestId}\n`);
  } catch (error) {
    ctx.io.stderr.write(`could not cancel request ${requestId}: ${(error as Error)?.message ?? String(error)}\n`);
  }
}
