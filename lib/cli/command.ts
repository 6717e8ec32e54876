// What every command is: its help (usage, options, examples) and a run function that gets the
// parsed arguments and returns an exit code. main.ts dispatches; help.ts renders the help.
import type { OptionTable, ParsedArgs } from "./args";
import type { Io, Output } from "./output";

export interface CommandContext {
  args: ParsedArgs;
  io: Io;
  out: Output;
  /** Aborted on Ctrl-C (reason: Interrupted) or when --timeout expires (reason: CliTimeout). */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage lines without the program name, e.g. "run <endpoint-id> [input] [options]". */
  usage: string[];
  /** Paragraphs shown under the usage. */
  description?: string;
  /** Option groups shown in help, in order. The global options are added by main. */
  optionGroups: Array<{ title: string; options: OptionTable }>;
  /** Positional arguments: how many are allowed, and their names for error messages. */
  positionals: { min: number; max: number; names: string[] };
  examples?: string[];
  /** The command handles SIGINT/SIGTERM itself (the emulator); no --timeout or abort wiring. */
  ownsSignals?: boolean;
  run(ctx: CommandContext): Promise<number>;
}
