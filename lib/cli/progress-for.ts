// The progress display a command should use: none with --quiet, live on a terminal, plain lines otherwise.
import type { CommandContext } from "./command";
import { createQueueProgress, NO_PROGRESS, type QueueProgress } from "./progress";

export function progressFor(ctx: CommandContext, label: string): QueueProgress {
  if (ctx.out.quiet) return NO_PROGRESS;
  return createQueueProgress(ctx.io.stderr, { tty: ctx.out.stderrIsTty, label });
}
