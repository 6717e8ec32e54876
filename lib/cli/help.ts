// Help text, generated from the command tables so it cannot drift from what is parsed.
import type { OptionTable } from "./args";
import type { Command } from "./command";
import { COMMANDS } from "./commands";
import { EXIT_CODE_HELP } from "./exit-codes";
import { GLOBAL_OPTIONS } from "./global-options";

const PROGRAM = "fal-native";

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `${PROGRAM}: call fal.ai models from the shell (fal-native's native client)`,
    "",
    "Usage:",
    `  ${PROGRAM} <command> [arguments] [options]`,
    `  ${PROGRAM} <command> --help`,
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Input (run, subscribe, submit; later sources override earlier ones):",
    "  --input '{\"prompt\":\"a fox\"}'   a JSON object",
    "  --input @input.json             a JSON file (same as --input-file input.json)",
    "  --input -                       JSON from stdin",
    "  -i prompt='a fox' -i seed=7     one field each; values are JSON when they parse, else strings",
    "  -i image_size.width=512         dotted keys build nested objects",
    "  -i image_url=@./cat.png         uploads the local file and sends its URL",
    "",
    "Key and hosts: $FAL_KEY (or --key); $FAL_RUN_URL, $FAL_QUEUE_URL, $FAL_REST_URL, $FAL_CDN_URL;",
    "--emulator <url> sets all four for a local emulator (`fal-native emulator`).",
    "",
    "Output: results on stdout (JSON indented on a terminal, one line otherwise), progress and",
    "errors on stderr.",
    "",
    optionsBlock("Options", GLOBAL_OPTIONS),
    "",
    EXIT_CODE_HELP,
    "",
  ].join("\n");
}

export function commandHelp(command: Command): string {
  const lines = [`${PROGRAM} ${command.name}: ${command.summary}`, "", "Usage:"];
  for (const usage of command.usage) lines.push(`  ${PROGRAM} ${usage}`);
  if (command.description) lines.push("", command.description);
  // One column width for every block of this command, so the help reads as one table.
  const width = flagWidth([...command.optionGroups.map((g) => g.options), GLOBAL_OPTIONS]);
  for (const group of command.optionGroups) lines.push("", optionsBlock(`${group.title} options`, group.options, width));
  lines.push("", optionsBlock("Global options", GLOBAL_OPTIONS, width));
  if (command.examples?.length) {
    lines.push("", "Examples:");
    for (const example of command.examples) lines.push(`  ${example}`);
  }
  if (!command.ownsSignals) lines.push("", EXIT_CODE_HELP);
  lines.push("");
  return lines.join("\n");
}

const MAX_FLAG_WIDTH = 30;
const LINE_WIDTH = 100;

/** Greedy word wrap. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(" ")) {
    if (current && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  lines.push(current);
  return lines;
}

function flagText(name: string, spec: OptionTable[string]): string {
  return `${spec.short ? `-${spec.short}, ` : "    "}--${name}${spec.value ? ` ${spec.value}` : ""}`;
}

function flagWidth(tables: OptionTable[]): number {
  const lengths = tables.flatMap((table) => Object.entries(table).map(([name, spec]) => flagText(name, spec).length));
  return Math.min(MAX_FLAG_WIDTH, Math.max(...lengths));
}

function optionsBlock(title: string, table: OptionTable, width = flagWidth([table])): string {
  const rows = Object.entries(table).map(([name, spec]) => [flagText(name, spec), spec.help] as const);
  const indent = " ".repeat(width + 4);
  const body = rows.map(([flag, help]) => {
    const lines = wrap(help, Math.max(30, LINE_WIDTH - indent.length));
    const first = flag.length > width ? `  ${flag}\n${indent}${lines[0]}` : `  ${flag.padEnd(width)}  ${lines[0]}`;
    return [first, ...lines.slice(1).map((l) => `${indent}${l}`)].join("\n");
  });
  return [`${title}:`, ...body].join("\n");
}
