// Options every command accepts.
import type { OptionTable } from "./args";
import { OUTPUT_OPTIONS } from "./output";

export const HELP_OPTIONS: OptionTable = {
  help: { type: "boolean", short: "h", help: "show help" },
  version: { type: "boolean", short: "V", help: "print the version" },
};

export const GLOBAL_OPTIONS: OptionTable = { ...OUTPUT_OPTIONS, ...HELP_OPTIONS };
