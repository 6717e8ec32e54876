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
  for (const group of command.optionGroups) lines.push("", optionsBlock(`${group.title} options`, group.options));
  lines.push("", optionsBlock("Global options", GLOBAL_OPTIONS));
  if (command.examples?.length) {
    lines.push("", "Examples:");
    for (const example of command.examples) lines.push(`  ${example}`);
  }
  if (!command.ownsSignals) lines.push("", EXIT_CODE_HELP);
  lines.push("");
  return lines.join("\n");
}

function optionsBlock(title: string, table: OptionTable): string {
  const rows = Object.entries(table).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : "    "}--${name}${spec.value ? ` ${spec.value}` : ""}`;
    return [flag, spec.help] as const;
  });
  const width = Math.min(34, Math.max(...rows.map(([flag]) => flag.length)));
  const body = rows.map(([flag, help]) =>
    flag.length > width ? `  ${flag}\n  ${" ".repeat(width)}  ${help}` : `  ${flag.padEnd(width)}  ${help}`,
  );
  return [`${title}:`, ...body].join("\n");
}
