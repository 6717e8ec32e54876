// The CLI as a function: argv in, exit code out. main.ts wires it to the process.
//
// Steps: find the command (the first positional), parse its options strictly, set up the
// abort signal (Ctrl-C, --timeout), run it, and turn any failure into an exit code plus a
// message on stderr (report.ts).
import { findCommand, flag, parseCommandLine, type OptionTable } from "./args";
import type { Command, CommandContext } from "./command";
import { COMMANDS, findCommandByName } from "./commands";
import { CliTimeout, EXIT, Interrupted, UsageError } from "./exit-codes";
import { GLOBAL_OPTIONS } from "./global-options";
import { commandHelp, mainHelp } from "./help";
import { timeoutSeconds } from "./options";
import { Output, type Io } from "./output";
import { reportFailure } from "./report";
import { cliVersion } from "./version";

export async function runCli(argv: string[], io: Io): Promise<number> {
  let verbose = argv.includes("--verbose");
  let abortReason: unknown;
  let commandName = "fal-native";
  try {
    const { name, rest } = findCommand(argv, allOptions());
    if (name === undefined) return topLevel(argv, io);
    if (name === "help") return helpFor(rest, io);
    const command = findCommandByName(name);
    if (!command) throw new UsageError(`unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(", ")})`, "fal-native");

    commandName = command.name;
    const args = parseCommandLine(rest, tableOf(command), command.name);
    verbose = flag(args.values, "verbose");
    if (flag(args.values, "help")) {
      io.stdout.write(commandHelp(command));
      return EXIT.OK;
    }
    if (flag(args.values, "version")) {
      io.stdout.write(`${cliVersion()}\n`);
      return EXIT.OK;
    }
    checkPositionals(command, args.positionals);

    const controller = new AbortController();
    const detach = command.ownsSignals ? () => {} : wireAbort(controller, timeoutSeconds(args.values));
    const ctx: CommandContext = { args, io, out: new Output(io, args.values), signal: controller.signal };
    try {
      return await command.run(ctx);
    } finally {
      abortReason = controller.signal.aborted ? controller.signal.reason : undefined;
      detach();
    }
  } catch (error) {
    if (error instanceof UsageError && !error.showUsageOf) error.showUsageOf = commandName;
    const report = reportFailure(error, { verbose, abortReason });
    io.stderr.write(`${report.lines.join("\n")}\n`);
    return report.code;
  }
}

function topLevel(argv: string[], io: Io): number {
  const { values, positionals } = parseCommandLine(argv, GLOBAL_OPTIONS, "fal-native");
  if (flag(values, "version")) {
    io.stdout.write(`${cliVersion()}\n`);
    return EXIT.OK;
  }
  if (flag(values, "help")) {
    io.stdout.write(mainHelp());
    return EXIT.OK;
  }
  void positionals;
  throw new UsageError(`missing command (one of: ${COMMANDS.map((c) => c.name).join(", ")})`, "fal-native");
}

/** `fal-native help [command]`. */
function helpFor(rest: string[], io: Io): number {
  const { positionals } = parseCommandLine(rest, GLOBAL_OPTIONS, "help");
  if (positionals.length === 0) {
    io.stdout.write(mainHelp());
    return EXIT.OK;
  }
  const command = findCommandByName(positionals[0]);
  if (!command) throw new UsageError(`unknown command "${positionals[0]}" (commands: ${COMMANDS.map((c) => c.name).join(", ")})`, "fal-native");
  io.stdout.write(commandHelp(command));
  return EXIT.OK;
}

function checkPositionals(command: Command, positionals: string[]): void {
  const { min, max, names } = command.positionals;
  if (positionals.length < min) {
    throw new UsageError(`missing ${names.slice(positionals.length, min).join(" ")}`, command.name);
  }
  if (positionals.length > max) {
    const extra = positionals.slice(max).map((p) => `"${p}"`).join(" ");
    throw new UsageError(`unexpected argument${positionals.length - max > 1 ? "s" : ""} ${extra}`, command.name);
  }
}

/** Every command's options plus the globals: the first pass only needs to know which take values. */
function allOptions(): OptionTable {
  const table: OptionTable = { ...GLOBAL_OPTIONS };
  for (const command of COMMANDS) Object.assign(table, tableOf(command));
  return table;
}

function tableOf(command: Command): OptionTable {
  const table: OptionTable = { ...GLOBAL_OPTIONS };
  for (const group of command.optionGroups) Object.assign(table, group.options);
  return table;
}

/**
 * Ctrl-C aborts with Interrupted (a second Ctrl-C exits at once); --timeout aborts with
 * CliTimeout. Returns the function that removes the handlers.
 */
function wireAbort(controller: AbortController, timeout: number | undefined): () => void {
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT.INTERRUPTED);
    controller.abort(new Interrupted());
  };
  process.on("SIGINT", onSigint);
  const timer = timeout !== undefined ? setTimeout(() => controller.abort(new CliTimeout(timeout)), timeout * 1000) : undefined;
  timer?.unref?.();
  return () => {
    process.removeListener("SIGINT", onSigint);
    if (timer) clearTimeout(timer);
  };
}
