// Command-line parsing on Node's util.parseArgs, with our own checks on its tokens so every
// mistake becomes a UsageError that names the argument (parseArgs' own strict-mode messages are
// long and mention internals).
import { parseArgs } from "util";
import { UsageError } from "./exit-codes";

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** Placeholder shown in help, e.g. "DIR". */
  value?: string;
  help: string;
}

export type OptionTable = Record<string, OptionSpec>;

export type OptionValues = Record<string, string | boolean | Array<string | boolean> | undefined>;

export interface ParsedArgs {
  values: OptionValues;
  positionals: string[];
  /** Options in the order given; input sources use it (later ones override earlier ones). */
  ordered: Array<{ name: string; value: string | undefined }>;
}

/** Parse `argv` against `table`; unknown options, missing values and stray values are UsageErrors. */
export function parseCommandLine(argv: string[], table: OptionTable, context: string): ParsedArgs {
  const { values, tokens } = parseArgs({
    args: argv,
    options: toParseArgsOptions(table),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const positionals: string[] = [];
  const ordered: ParsedArgs["ordered"] = [];
  for (const token of tokensOf(tokens)) {
    if (token.kind === "positional") {
      positionals.push(token.value);
    } else if (token.kind === "option") {
      const spec = Object.prototype.hasOwnProperty.call(table, token.name) ? table[token.name] : undefined;
      if (!spec) throw new UsageError(`unknown option ${token.rawName} for ${context}`, context);
      if (spec.type === "string" && token.value === undefined) {
        throw new UsageError(`${token.rawName} needs a value${spec.value ? ` (${spec.value})` : ""}`, context);
      }
      if (spec.type === "boolean" && token.value !== undefined) {
        throw new UsageError(`${token.rawName} takes no value (got "${token.value}")`, context);
      }
      ordered.push({ name: token.name, value: token.value });
    }
  }
  return { values: values as OptionValues, positionals, ordered };
}

/**
 * The command is the first positional. Options before it are global ones, so this pass parses
 * with every option any command knows (`all`) to tell option values from positionals.
 */
export function findCommand(argv: string[], all: OptionTable): { name: string | undefined; rest: string[] } {
  const { tokens } = parseArgs({
    args: argv,
    options: toParseArgsOptions(all),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const first = tokensOf(tokens).find((t) => t.kind === "positional");
  if (!first || first.kind !== "positional") return { name: undefined, rest: argv };
  return { name: first.value, rest: argv.filter((_, i) => i !== first.index) };
}

/** parseArgs returns tokens from Node 18.7 on; older 18.x would silently drop every argument. */
function tokensOf(tokens: unknown[] | undefined): NonNullable<ReturnType<typeof parseArgs>["tokens"]> {
  if (!Array.isArray(tokens)) throw new Error(`the fal-native CLI needs Node 18.7 or later (this is ${process.version})`);
  return tokens as NonNullable<ReturnType<typeof parseArgs>["tokens"]>;
}

function toParseArgsOptions(table: OptionTable) {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(table)) {
    options[name] = { type: spec.type, multiple: spec.multiple ?? false, ...(spec.short ? { short: spec.short } : {}) };
  }
  return options;
}

// ---- typed readers for option values ----

export function stringOption(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : undefined; // last one wins
  return typeof v === "string" ? v : undefined;
}

export function stringList(values: OptionValues, name: string): string[] {
  const v = values[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string");
}

export function flag(values: OptionValues, name: string): boolean {
  const v = values[name];
  return Array.isArray(v) ? v.includes(true) : v === true;
}

/** A non-negative number option (seconds, milliseconds, counts). */
export function numberOption(values: OptionValues, name: string, what = "a non-negative number"): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n) || n < 0) throw new UsageError(`--${name} expects ${what}, got "${raw}"`);
  return n;
}

export function choiceOption<T extends string>(values: OptionValues, name: string, choices: readonly T[]): T | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new UsageError(`--${name} expects one of ${choices.join(", ")}, got "${raw}"`);
  }
  return raw as T;
}
