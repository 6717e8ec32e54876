// Every command, in the order `fal-native --help` lists them.
import type { Command } from "../command";
import { cancelCommand } from "./cancel";
import { doctorCommand } from "./doctor";
import { downloadCommand } from "./download";
import { emulatorCommand } from "./emulator";
import { resultCommand } from "./result";
import { runCommand } from "./run";
import { statusCommand } from "./status";
import { submitCommand } from "./submit";
import { subscribeCommand } from "./subscribe";
import { uploadCommand } from "./upload";
import { webhooksCommand } from "./webhooks";

export const COMMANDS: readonly Command[] = [
  runCommand,
  subscribeCommand,
  submitCommand,
  statusCommand,
  resultCommand,
  cancelCommand,
  uploadCommand,
  downloadCommand,
  emulatorCommand,
  webhooksCommand,
  doctorCommand,
];

export function findCommandByName(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}
